"""The OAuth endpoints we expose: no self-service application registration for signed-in users."""

from __future__ import annotations

import pytest
from django.urls import clear_url_caches

pytestmark = pytest.mark.django_db


@pytest.fixture
def oauth_urlconf(settings):  # type: ignore[no-untyped-def]
    settings.ROOT_URLCONF = "tests.apps.api.oauth_test_urls"
    clear_url_caches()
    yield
    clear_url_caches()


def test_members_cannot_register_oauth_apps(oauth_urlconf, client, member_user):
    client.force_login(member_user)
    assert client.get("/o/applications/").status_code == 404
    assert client.get("/o/applications/register/").status_code == 404
    # what apps need is there
    assert client.get("/o/authorize/").status_code in (200, 400)
    assert client.post("/o/token/", {}).status_code == 400
    assert client.get("/o/authorized_tokens/").status_code == 200
