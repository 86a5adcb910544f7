"""Browser test: a rep logs an appeal in the console, works it, and records an adverse decision.

Runs a real headless Chromium (Playwright) against pytest-django's live server. The rep is signed in by
a session cookie (the login page itself is the doors' own e2e test).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from apps.appeals.models import Case

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.slow]

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

LA = ZoneInfo("America/Los_Angeles")


def _chromium() -> str | None:
    return (
        os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


@pytest.fixture
def appeals_page(live_server, rep_user) -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = _chromium()
    client = Client()
    client.force_login(rep_user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(headless=True, executable_path=executable)
        context = browser.new_context(base_url=live_server.url)
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
        )
        page = context.new_page()
        try:
            yield page
        finally:
            context.close()
            browser.close()
            _allow_audit_flush()


def _allow_audit_flush() -> None:
    """The audit table refuses TRUNCATE (append-only trigger), which breaks the flush that ends every
    transactional (live-server) test. Let this connection's flush through: Django closes the connection
    right after the flush of a transactional test, so the setting dies with it."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")


@pytest.mark.django_db(transaction=True)
def test_console_intake_to_decision(appeals_page, member):
    page = appeals_page
    received = dt.datetime.now(LA) - dt.timedelta(hours=3)

    # intake: one form for every kind
    response = page.goto(f"/console/appeals/new/?member={member.pk}")
    assert response is not None
    assert response.status == 200, page.content()[:2000]
    assert page.locator("#id_member_number").input_value() == member.member_id
    page.select_option("#id_kind", "reconsideration")
    page.fill("#id_received_at", received.strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_channel", "phone")
    page.select_option("#id_filer", "member")
    page.check("input[name=programs][value=medicare_a_b]")
    page.check("input[name=programs][value=medi_cal]")
    page.fill("#id_service_description", "Skilled nursing facility days")
    page.fill("#id_description", "Member appeals the end of skilled nursing coverage.")
    page.check("#id_expedited_requested")
    page.select_option("#id_expedited_decision", "grant")
    page.fill("#id_notice_date", (received.date() - dt.timedelta(days=4)).isoformat())
    page.click("#intake-submit")

    # the case page shows the clock (72 hours, expedited) and the timeline
    page.wait_for_url(re.compile(r"/console/appeals/cases/[0-9a-f-]+/$"))
    assert re.search(r"due in (2 days|68 hours|\d+ hours)", page.locator("#case-clock").inner_text())
    assert "Expedited" in page.locator("h1").inner_text()
    assert page.locator("#timeline tr[data-kind=received]").count() == 1

    # work it: acknowledge, start review
    page.click("button[data-action=acknowledged]")
    page.wait_for_load_state()
    assert page.locator("#case-status").inner_text() == "Acknowledged"
    page.click("button[data-action=in_review]")
    page.wait_for_load_state()
    assert page.locator("#case-status").inner_text() == "In review"

    # the work queue lists it, expedited highlighted
    case = Case.objects.get(member=member)
    page.goto("/console/appeals/queue/")
    row = page.locator(f"tr[data-case='{case.number}']")
    assert row.count() == 1
    assert "expedited" in (row.get_attribute("class") or "")

    # decide adverse: forwarded to the IRE (Medicare part), State Hearing rights (Medi-Cal part)
    page.goto(f"/console/appeals/cases/{case.pk}/")
    page.select_option("#id_outcome", "adverse")
    page.fill("#id_summary", "Skilled need no longer met.")
    page.click("#decide-submit")
    page.wait_for_load_state()
    assert "Adverse" in page.locator("#case-outcome").inner_text()
    assert "independent review entity" in page.locator("#case-ire").inner_text()
    assert "State Hearing" in page.locator("#case-sfh").inner_text()
    case.refresh_from_db()
    assert case.status in {"decided", "notified"}
    assert case.forwarded_to_ire_at is not None
