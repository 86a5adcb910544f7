"""OAuth applications and credentials: admins register mobile apps and vendor integrations; scopes are
data; vendor credentials act as their vendor and nothing else."""

from __future__ import annotations

import pytest
from django.test import Client
from oauth2_provider.models import Application

from apps.accounts.models import OAuthScope
from apps.accounts.scopes import DatabaseScopes, scopes_cache_clear, scopes_for_resource
from apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_scopes_come_from_the_table(oauth_scopes):
    backend = DatabaseScopes()
    assert {"member.read", "card.read", "card.request"} <= set(backend.get_all_scopes())
    assert "card.request" not in backend.get_default_scopes()
    assert scopes_for_resource("v1:me-summary") == {"member.read"}
    assert scopes_for_resource("v1:cards-me-pdf") == {"card.read"}
    assert scopes_for_resource("v1:imports-list") == set()
    # data, not code: an admin edit takes effect
    scope = OAuthScope.objects.get(name="card.read")
    scope.resources = [*scope.resources, "v1:me-summary"]
    scope.save()
    assert scopes_for_resource("v1:me-summary") == {"member.read", "card.read"}
    scopes_cache_clear()


def test_admin_registers_a_mobile_app(admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        "/console/oauth-apps/",
        {"kind": "mobile", "name": "memberhub iOS", "redirect_uris": "org.memberhub.app:/oauth/callback"},
    )
    assert response.status_code == 200
    app = Application.objects.get(name="memberhub iOS")
    assert app.client_type == Application.CLIENT_PUBLIC
    assert app.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
    assert app.client_id in response.content.decode()
    assert AuditEvent.objects.filter(resource="oauth.application", action="create").count() == 1


def test_mobile_app_redirect_must_not_be_plain_http(admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        "/console/oauth-apps/", {"kind": "mobile", "name": "bad", "redirect_uris": "http://example.org/cb"}
    )
    assert "the scheme must be one of" in response.content.decode()
    assert not Application.objects.filter(name="bad").exists()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_vendor_integration_uses_client_credentials_as_the_vendor(
    admin_user, vendor_user, live_server, oauth_scopes
):
    import requests

    client = Client()
    client.force_login(admin_user)
    response = client.post(
        "/console/oauth-apps/", {"kind": "vendor", "name": "Pacific Print", "vendor_user": vendor_user.pk}
    )
    created = response.context["created"]
    assert created["client_secret"]
    token = requests.post(
        f"{live_server.url}/o/token/",
        data={"grant_type": "client_credentials", "scope": "print_batches"},
        auth=(created["client_id"], created["client_secret"]),
        timeout=10,
    )
    assert token.status_code == 200, token.text
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    batches = requests.get(f"{live_server.url}/api/v1/print-batches", headers=bearer, timeout=10)
    assert batches.status_code == 200, batches.text
    # the same token is no key to member data
    me = requests.get(f"{live_server.url}/api/v1/me", headers=bearer, timeout=10)
    assert me.status_code == 403


@pytest.mark.parametrize("role_fixture", ["rep_user", "member_user", "vendor_user"])
def test_only_admins_register_apps(request, role_fixture):
    client = Client()
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get("/console/oauth-apps/").status_code == 403


def test_vendor_token_is_bound_to_the_vendor(api_client, vendor_user, rep_user):
    from rest_framework.authtoken.models import Token

    vendor_key = Token.objects.create(user=vendor_user).key
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {vendor_key}")
    assert api_client.get("/api/v1/print-batches").status_code == 200
    assert api_client.get("/api/v1/me").status_code == 403
    # a DRF token of a non-vendor is not a vendor credential
    rep_key = Token.objects.create(user=rep_user).key
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {rep_key}")
    response = api_client.get("/api/v1/print-batches")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
