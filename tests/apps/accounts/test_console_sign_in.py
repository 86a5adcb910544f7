"""Console sign-in security: lockout after repeated failures (django-axes), optional TOTP second factor
(django-otp) for reps."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def _totp(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def test_lockout_after_repeated_failures(settings, rep_user):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(2):
        response = client.post(
            "/console/login/", {"username": rep_user.username, "password": "wrong-password"}
        )
        assert response.status_code == 200
    locked = client.post("/console/login/", {"username": rep_user.username, "password": "wrong-password"})
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    # even the right password is refused while locked out
    again = client.post("/console/login/", {"username": rep_user.username, "password": PASSWORD})
    assert again.status_code == 429
    assert Client().get("/console/").status_code == 302


def test_success_resets_the_failure_count(settings, rep_user):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    client.post("/console/login/", {"username": rep_user.username, "password": "wrong-password"})
    client.post("/console/login/", {"username": rep_user.username, "password": "wrong-password"})
    assert (
        client.post("/console/login/", {"username": rep_user.username, "password": PASSWORD}).status_code
        == 302
    )
    client.post("/console/logout/")
    for _ in range(2):
        assert (
            client.post("/console/login/", {"username": rep_user.username, "password": "bad"}).status_code
            == 200
        )


def test_rep_enrolls_totp_and_then_needs_it(settings, rep_user):
    settings.OTP_TOTP_THROTTLE_FACTOR = (
        0  # (production backs off after a wrong code; the test retries at once)
    )
    client = Client()
    client.force_login(rep_user)
    page = client.get("/console/security/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=rep_user, confirmed=False)
    # a wrong code does not enable it
    client.post("/console/security/", {"token": "000000" if _totp(device) != "000000" else "111111"})
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    client.post("/console/security/", {"token": _totp(device)})
    device.refresh_from_db()
    assert device.confirmed

    # next sign-in: the password alone does not open the console
    fresh = Client()
    response = fresh.post("/console/login/", {"username": rep_user.username, "password": PASSWORD})
    assert response["Location"].startswith("/console/login/verify/")
    assert fresh.get("/console/").status_code == 302
    assert fresh.get("/console/")["Location"].startswith("/console/login/verify/")
    bad = fresh.post("/console/login/verify/", {"token": "12345x", "next": "/console/"})
    assert bad.status_code == 200
    device.refresh_from_db()
    device.last_t = -1  # a later time step than the code used to confirm (codes are single-use)
    device.save(update_fields=["last_t"])
    ok = fresh.post("/console/login/verify/", {"token": _totp(device), "next": "/console/"})
    assert ok.status_code == 302
    assert ok["Location"] == "/console/"
    assert fresh.get("/console/").status_code == 200


def test_second_step_refuses_an_offsite_next(rep_user):
    device = TOTPDevice.objects.create(user=rep_user, confirmed=True, name="console")
    client = Client()
    client.force_login(rep_user)
    response = client.post(
        "/console/login/verify/", {"token": _totp(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/console/"
