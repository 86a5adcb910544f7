"""Security baseline: `check --deploy` clean with production settings, CSP and other headers, CSRF on the
console, CORS closed by default, no debug pages."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.slow
def test_check_deploy_is_clean_with_production_settings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "MEMBERHUB_HASH_KEY": secrets.token_urlsafe(32),
        "DJANGO_ALLOWED_HOSTS": "memberhub.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING", "--tag", "security"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_shared_security_settings():
    from django.conf import settings as active

    assert active.SESSION_COOKIE_HTTPONLY is True
    assert active.CORS_ALLOWED_ORIGINS == []
    assert active.X_FRAME_OPTIONS == "DENY"
    oauth = active.OAUTH2_PROVIDER
    assert oauth["PKCE_REQUIRED"] is True
    assert oauth["OAUTH2_SERVER_CLASS"] == "apps.api.oauth.S256OnlyServer"
    assert "http" not in oauth["ALLOWED_REDIRECT_URI_SCHEMES"]


def test_console_pages_send_security_headers(client):
    response = client.get("/console/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]


def test_console_posts_need_the_csrf_token(rep_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rep_user)
    assert client.post("/console/search/", {"q": "x"}).status_code == 403
    page = client.get("/console/")
    token = page.cookies["csrftoken"].value
    assert client.post("/console/search/", {"q": "x"}, HTTP_X_CSRFTOKEN=token).status_code == 200


def test_cors_is_closed_by_default(client, member_user):
    response = client.get("/api/v1/benefits", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in response
    preflight = client.options(
        "/api/v1/me", HTTP_ORIGIN="https://evil.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert "Access-Control-Allow-Origin" not in preflight


def test_errors_are_not_debug_pages(client, settings):
    assert settings.DEBUG is False
    response = client.get("/console/no-such-page/")
    assert response.status_code == 404
    assert b"Traceback" not in response.content
    assert b"URLconf" not in response.content
