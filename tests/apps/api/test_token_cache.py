"""Validated bearer tokens are answered from Redis (apps.api.token_cache): no token query after the first
request, the user's rate limit counted in the same call, and revocation or a user change is still
immediate. Nothing the authorization does not need (token text, password hash, names) is cached."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import AccessToken

from apps.api import token_cache
from apps.core.cache import redis_client_of
from tests.fixtures.doors import bearer_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/me"


def checksum(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_queries(queries: CaptureQueriesContext) -> list[str]:
    table = AccessToken._meta.db_table
    return [q["sql"] for q in queries.captured_queries if table in q["sql"]]


def entry(raw: str) -> bytes | None:
    value: bytes | None = redis_client_of(cache).get(token_cache.entry_key(checksum(raw)))
    return value


def test_second_request_reads_no_token_from_the_database(
    member_user: Any, bearer_for: Callable[..., str]
) -> None:
    client = bearer_client(bearer_for(member_user))
    with CaptureQueriesContext(connection) as first:
        assert client.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as second:
        response = client.get(URL)
    assert response.status_code == 200
    assert len(token_queries(first)) == 1
    assert token_queries(second) == []
    assert len(second) == 4  # the summary's 4 queries, the first carrying the audit insert
    assert response.json()["member_id"] == member_user.member.member_id


def test_the_rate_limit_is_counted_in_the_lookup_call_on_the_same_counter(
    member_user: Any, bearer_for: Callable[..., str]
) -> None:
    client = bearer_client(bearer_for(member_user))
    remaining = [int(client.get(URL)["RateLimit-Remaining"]) for _ in range(3)]
    assert remaining == [599, 598, 597]  # miss (pipeline), then two hits (counted by the lookup script)
    redis = redis_client_of(cache)
    key = cache.make_key(f"count:throttle_user_{member_user.pk}")
    assert int(redis.get(key)) == 3
    assert 0 < redis.ttl(key) <= 60


def test_a_cached_token_is_still_refused_at_the_limit(
    member_user: Any, bearer_for: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "user": "2/min"}
    )
    client = bearer_client(bearer_for(member_user))
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 429]


def test_revoking_the_token_takes_effect_at_once(member_user: Any, bearer_for: Callable[..., str]) -> None:
    raw = bearer_for(member_user)
    client = bearer_client(raw)
    assert client.get(URL).status_code == 200
    assert entry(raw) not in (None, token_cache.TOMBSTONE)
    AccessToken.objects.get(token_checksum=checksum(raw)).revoke()
    assert entry(raw) == token_cache.TOMBSTONE
    response = client.get(URL)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_revoking_through_the_oauth_endpoint_takes_effect_at_once(
    member_user: Any, bearer_for: Callable[..., str], mobile_app: Any
) -> None:
    raw = bearer_for(member_user)
    client = bearer_client(raw)
    assert client.get(URL).status_code == 200
    response = Client().post(
        "/o/revoke_token/",
        {"token": raw, "token_type_hint": "access_token", "client_id": mobile_app.client_id},
    )
    assert response.status_code == 200
    assert client.get(URL).status_code == 401


def test_deactivating_or_changing_the_user_takes_effect_at_once(
    member_user: Any, bearer_for: Callable[..., str]
) -> None:
    client = bearer_client(bearer_for(member_user))
    assert client.get(URL).status_code == 200
    member_user.role = "admin"
    member_user.save()
    assert client.get(URL).status_code == 403  # /api/v1/me is for members
    member_user.role = "member"
    member_user.save()
    assert client.get(URL).status_code == 200
    member_user.is_active = False
    member_user.save(update_fields=["is_active"])
    assert client.get(URL).status_code == 401


def test_a_sign_in_stamp_keeps_the_entry(member_user: Any, bearer_for: Callable[..., str]) -> None:
    from django.contrib.auth.models import update_last_login

    raw = bearer_for(member_user)
    assert bearer_client(raw).get(URL).status_code == 200
    update_last_login(None, member_user)  # what a console or OAuth sign-in does
    assert entry(raw) not in (None, token_cache.TOMBSTONE)


def test_deleting_the_user_takes_effect_at_once(member_user: Any, bearer_for: Callable[..., str]) -> None:
    raw = bearer_for(member_user)
    client = bearer_client(raw)
    assert client.get(URL).status_code == 200
    member_user.delete()
    assert entry(raw) == token_cache.TOMBSTONE
    assert client.get(URL).status_code == 401


def test_a_database_read_from_before_the_revocation_cannot_put_the_token_back(
    member_user: Any, bearer_for: Callable[..., str]
) -> None:
    raw = bearer_for(member_user)
    from apps.api.authentication import access_token_by_checksum

    read_before = access_token_by_checksum(checksum(raw))  # a request read the token...
    assert read_before is not None
    AccessToken.objects.get(pk=read_before.pk).delete()  # ...then it was revoked...
    token_cache.store(checksum(raw), read_before)  # ...then that request tries to cache what it read
    assert entry(raw) == token_cache.TOMBSTONE
    assert bearer_client(raw).get(URL).status_code == 401


def test_an_entry_never_outlives_the_token(
    member_user: Any, bearer_for: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = bearer_for(member_user, expires_in=20)
    client = bearer_client(raw)
    assert client.get(URL).status_code == 200
    assert 0 < redis_client_of(cache).ttl(token_cache.entry_key(checksum(raw))) <= 20
    later = timezone.now() + dt.timedelta(seconds=30)
    monkeypatch.setattr(timezone, "now", lambda: later)  # the entry is still there; its expiry is checked
    assert entry(raw) is not None
    assert client.get(URL).status_code == 401


def test_entries_hold_no_token_text_password_or_personal_details(
    member_user: Any, bearer_for: Callable[..., str]
) -> None:
    member_user.first_name, member_user.last_name, member_user.email = "Rosa", "Delgado", "rosa@example.org"
    member_user.set_password("correct horse battery staple")
    member_user.save()
    raw = bearer_for(member_user)
    assert bearer_client(raw).get(URL).status_code == 200
    cached = entry(raw)
    assert cached is not None
    for secret in (raw, member_user.password, "Rosa", "Delgado", "rosa@example.org"):
        assert secret.encode() not in cached

    hit = token_cache.lookup(checksum(raw))
    assert hit is not None
    user = hit.token.user
    assert {"password", "first_name", "last_name", "email"} <= user.get_deferred_fields()
    assert "token" in hit.token.get_deferred_fields()
    # a save of the cached instance writes only what it loaded: the password and names stay
    user.save()
    member_user.refresh_from_db()
    assert member_user.check_password("correct horse battery staple")
    assert (member_user.first_name, member_user.email) == ("Rosa", "rosa@example.org")
    assert user.first_name == "Rosa"  # loaded on access, like any deferred field


def test_lookups_match_the_database(member_user: Any, bearer_for: Callable[..., str]) -> None:
    from apps.api.authentication import access_token_by_checksum

    raw = bearer_for(member_user, scope="member.read directory.read")
    from_db = access_token_by_checksum(checksum(raw))
    assert from_db is not None
    token_cache.store(checksum(raw), from_db)
    hit = token_cache.lookup(checksum(raw))
    assert hit is not None
    assert hit.count is None
    for field in token_cache._fields().token:
        assert getattr(hit.token, field) == getattr(from_db, field), field
    for field in token_cache._fields().user:
        assert getattr(hit.token.user, field) == getattr(from_db.user, field), field


def test_client_credentials_tokens_are_not_cached(vendor_user: Any, mobile_app: Any) -> None:
    import secrets

    from oauth2_provider.models import set_token_value

    token = AccessToken(
        user=None,
        application=mobile_app,
        scope="print_batches",
        expires=timezone.now() + dt.timedelta(minutes=5),
    )
    set_token_value(token, secrets.token_urlsafe(30))
    token.save()
    token_cache.store(token.token_checksum, token)
    assert redis_client_of(cache).get(token_cache.entry_key(token.token_checksum)) is None


def test_turned_off_or_without_redis_every_request_reads_the_database(
    member_user: Any, bearer_for: Callable[..., str], settings: Any
) -> None:
    raw = bearer_for(member_user)
    settings.API_TOKEN_CACHE_SECONDS = 0
    client = bearer_client(raw)
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        assert len(token_queries(queries)) == 1
    settings.API_TOKEN_CACHE_SECONDS = 60
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        assert len(token_queries(queries)) == 1


def test_a_failing_cache_falls_back_to_the_database(
    member_user: Any, bearer_for: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = bearer_client(bearer_for(member_user))
    assert client.get(URL).status_code == 200

    def broken(client: Any) -> Any:
        def call(**kwargs: Any) -> Any:
            raise ConnectionError("redis went away")

        return call

    monkeypatch.setattr(token_cache, "_script", broken)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    assert len(token_queries(queries)) == 1
