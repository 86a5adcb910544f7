"""The mobile-app OAuth dance against the running test server: sign in, authorize with PKCE (S256), token,
GET /api/v1/me, refresh, revoke. Plus the refusals: no PKCE, plain PKCE, wrong verifier, replayed refresh."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import urllib.parse as up

import pytest
import requests

from apps.audit.models import AuditEvent
from tests.fixtures.doors import MOBILE_REDIRECT_URI

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def _signed_in_session(base: str, username: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/console/login/", timeout=10)
    response = session.post(
        f"{base}/console/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/console/login/"},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def _authorize(base: str, session: requests.Session, params: dict[str, str]) -> requests.Response:
    """GET the consent page, then POST "allow" with the form's hidden fields; returns the redirect."""
    page = session.get(f"{base}/o/authorize/", params=params, allow_redirects=False, timeout=10)
    if page.status_code != 200:
        return page
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page.text))
    fields["allow"] = "Authorize"
    fields["csrfmiddlewaretoken"] = session.cookies["csrftoken"]
    return session.post(
        f"{base}/o/authorize/",
        data=fields,
        headers={"Referer": f"{base}/o/authorize/"},
        allow_redirects=False,
        timeout=10,
    )


def _params(client_id: str, challenge: str, **extra: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": MOBILE_REDIRECT_URI,
        "scope": "member.read card.read",
        "state": "state-123",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }


def _code(base: str, session: requests.Session, client_id: str, challenge: str) -> str:
    """Authorize (PKCE S256) and return the code from the redirect."""
    redirect = _authorize(base, session, _params(client_id, challenge))
    return up.parse_qs(up.urlparse(redirect.headers["Location"]).query)["code"][0]


def _token(base: str, client_id: str, code: str, verifier: str) -> requests.Response:
    """Exchange an authorization code at the token endpoint."""
    return requests.post(
        f"{base}/o/token/",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": MOBILE_REDIRECT_URI,
            "client_id": client_id,
            "code_verifier": verifier,
        },
        timeout=10,
    )


def _refresh(base: str, client_id: str, refresh_token: str) -> requests.Response:
    return requests.post(
        f"{base}/o/token/",
        data={"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id},
        timeout=10,
    )


def _me(base: str, access_token: str) -> requests.Response:
    return requests.get(f"{base}/api/v1/me", headers={"Authorization": f"Bearer {access_token}"}, timeout=10)


def test_mobile_app_oauth_dance(live_server, mobile_app, member_user):
    base = live_server.url
    session = _signed_in_session(base, member_user.username)
    verifier, challenge = _pkce()

    # authorize (PKCE S256) -> code on the app's redirect URI, with state and iss (RFC 9207)
    redirect = _authorize(base, session, _params(mobile_app.client_id, challenge))
    assert redirect.status_code == 302
    location = up.urlparse(redirect.headers["Location"])
    assert f"{location.scheme}:{location.path}" == MOBILE_REDIRECT_URI
    query = up.parse_qs(location.query)
    assert query["state"] == ["state-123"]
    assert "iss" in query
    code = query["code"][0]

    # token: the code alone is not enough, the verifier must match
    bad = _token(base, mobile_app.client_id, code, secrets.token_urlsafe(64))
    assert bad.status_code == 400
    # (a failed exchange burns nothing but that attempt; start a fresh authorization)
    verifier, challenge = _pkce()
    code = _code(base, session, mobile_app.client_id, challenge)
    token = _token(base, mobile_app.client_id, code, verifier)
    assert token.status_code == 200, token.text
    tokens = token.json()
    assert tokens["token_type"] == "Bearer"
    assert set(tokens["scope"].split()) == {"member.read", "card.read"}
    assert 0 < tokens["expires_in"] <= 900

    # call the API with the access token
    me = _me(base, tokens["access_token"])
    assert me.status_code == 200, me.text
    assert me.json()["member_id"] == member_user.member.member_id
    assert AuditEvent.objects.filter(resource="member.summary", actor_id=member_user.pk).count() == 1

    # refresh: new pair, the old access token stops working
    refreshed = _refresh(base, mobile_app.client_id, tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    new = refreshed.json()
    assert new["access_token"] != tokens["access_token"]
    old = _me(base, tokens["access_token"])
    assert old.status_code == 401
    assert old.json()["code"] == "not_authenticated"
    again = _me(base, new["access_token"])
    assert again.status_code == 200

    # revoke: the token is dead at once
    revoked = requests.post(
        f"{base}/o/revoke_token/",
        data={"token": new["access_token"], "client_id": mobile_app.client_id},
        timeout=10,
    )
    assert revoked.status_code == 200
    after = _me(base, new["access_token"])
    assert after.status_code == 401


def test_authorization_without_pkce_or_with_plain_is_refused(live_server, mobile_app, member_user):
    base = live_server.url
    session = _signed_in_session(base, member_user.username)
    verifier, challenge = _pkce()
    no_pkce = {k: v for k, v in _params(mobile_app.client_id, challenge).items() if not k.startswith("code_")}
    plain = _params(mobile_app.client_id, verifier[:64], code_challenge_method="plain")
    for params in (no_pkce, plain):
        response = session.get(f"{base}/o/authorize/", params=params, allow_redirects=False, timeout=10)
        assert response.status_code == 302
        query = up.parse_qs(up.urlparse(response.headers["Location"]).query)
        assert query["error"] == ["invalid_request"], query
        assert "code" not in query


def test_token_scopes_limit_what_it_opens(live_server, bearer_for, member_user):
    base = live_server.url
    card_only = bearer_for(member_user, scope="card.read")
    response = _me(base, card_only)
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert AuditEvent.objects.count() == 0


def test_replayed_refresh_token_revokes_the_family(live_server, mobile_app, member_user):
    base = live_server.url
    session = _signed_in_session(base, member_user.username)
    verifier, challenge = _pkce()
    code = _code(base, session, mobile_app.client_id, challenge)
    tokens = _token(base, mobile_app.client_id, code, verifier).json()
    first = _refresh(base, mobile_app.client_id, tokens["refresh_token"]).json()
    replay = _refresh(base, mobile_app.client_id, tokens["refresh_token"])
    assert replay.status_code == 400
    # the stolen-token family is revoked: the legitimate newer access token dies too
    me = _me(base, first["access_token"])
    assert me.status_code == 401
