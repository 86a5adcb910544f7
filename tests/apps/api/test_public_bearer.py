"""A mobile app's bearer token personalises public endpoints (my networks, my cost) when its scopes cover
them; without the scope it gets the public answer; an invalid token answers 401 even on a public view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.audit.models import AuditEvent
from tests.factories.accounts import MemberUserFactory
from tests.fixtures.doors import bearer_client

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/directory/search"


def drug_url(rxcui: str) -> str:
    return reverse("v1:formulary-drug", kwargs={"rxcui": rxcui})


def test_bearer_token_gets_my_networks_in_directory_search(
    member_user: Any, imported_pair: Any, bearer_for: Callable[..., str]
) -> None:
    client = bearer_client(bearer_for(member_user, scope="directory.read"))
    response = client.get(SEARCH, {"pair": imported_pair.code, "network": "both"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["my_networks"] == {"pair": imported_pair.code, "same_pair": True}
    assert body["results"]
    assert all(r["in_my_networks"] for r in body["results"])
    assert AuditEvent.objects.get(resource="directory_my_networks").member_id == member_user.member.pk


def test_directory_search_without_the_scope_or_token_is_the_public_answer(
    member_user: Any, imported_pair: Any, bearer_for: Callable[..., str]
) -> None:
    for client in (Client(), bearer_client(bearer_for(member_user, scope="card.read"))):
        response = client.get(SEARCH, {"pair": imported_pair.code})
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["my_networks"] is None
        assert len(body["results"]) == 11
        assert all(r.get("in_my_networks") is None for r in body["results"])
    assert not AuditEvent.objects.filter(resource="directory_my_networks").exists()


def test_bearer_token_gets_my_cost_on_a_drug(
    formulary_loaded: Any, formulary_member: Any, bearer_for: Callable[..., str]
) -> None:
    user = MemberUserFactory(member=formulary_member)
    client = bearer_client(bearer_for(user, scope="formulary.read"))
    response = client.get(drug_url("1040031"), {"pair": "salud-medica-2026"})
    assert response.status_code == 200, response.json()
    cost = response.json()["member_cost"]
    assert cost["lis_level"] == 2
    assert cost["quotes"][0] == {**cost["quotes"][0], "days_supply": 30, "amount": "5.00"}
    event = AuditEvent.objects.get(member_id=formulary_member.pk)
    assert event.resource == "formulary_member_cost"


def test_drug_without_the_scope_or_token_has_no_member_cost(
    formulary_loaded: Any, formulary_member: Any, bearer_for: Callable[..., str]
) -> None:
    user = MemberUserFactory(member=formulary_member)
    for client in (Client(), bearer_client(bearer_for(user, scope="directory.read"))):
        response = client.get(drug_url("1040031"), {"pair": "salud-medica-2026"})
        assert response.status_code == 200, response.json()
        assert response.json()["member_cost"] is None
    assert not AuditEvent.objects.filter(member_id=formulary_member.pk).exists()


@pytest.mark.parametrize("kind", ["unknown", "expired"])
def test_invalid_bearer_token_on_a_public_view_is_401(
    kind: str, member_user: Any, imported_pair: Any, bearer_for: Callable[..., str]
) -> None:
    raw = (
        "not-a-token" if kind == "unknown" else bearer_for(member_user, scope="directory.read", expires_in=-5)
    )
    for url in (SEARCH, reverse("v1:benefits-public-list")):
        response = bearer_client(raw).get(url, {"pair": imported_pair.code})
        assert response.status_code == 401, response.content
        assert response.json()["code"] in {"authentication_failed", "not_authenticated"}
        assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_token_lookup_builds_the_token_and_its_user_in_one_query(member_user):
    """The hot-path lookup (SQL written once from the models' metadata) returns what the ORM would."""
    import datetime as dt
    import hashlib

    from django.utils import timezone
    from oauth2_provider.models import AccessToken, Application, set_token_value

    from apps.api.authentication import access_token_by_checksum

    app = Application.objects.create(
        name="lookup app",
        client_type="public",
        authorization_grant_type="authorization-code",
        redirect_uris="org.memberhub.app:/cb",
    )
    token = AccessToken(
        user=member_user,
        application=app,
        scope="member.read",
        expires=timezone.now() + dt.timedelta(minutes=5),
        resource=["https://api.example.org/"],
    )
    set_token_value(token, "raw-token-value-123")
    token.save()
    with CaptureQueriesContext(connection) as queries:
        found = access_token_by_checksum(hashlib.sha256(b"raw-token-value-123").hexdigest())
        assert found is not None
        assert found.user == member_user
        assert found.user.member_id == member_user.member_id
    assert len(queries) == 1
    orm = AccessToken.objects.get(pk=token.pk)
    assert found.resource == orm.resource == ["https://api.example.org/"]
    assert found.expires == orm.expires
    assert found.scope == "member.read"
    assert not found.is_expired()
    assert access_token_by_checksum(hashlib.sha256(b"unknown").hexdigest()) is None
