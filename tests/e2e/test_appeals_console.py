"""Appeals in the rep console, in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright)
against the live test server: from the member page, log an appeal with the one intake form, see its clock,
work it through the status machine, find it in the queue, record an adverse decision and see the IRE
forwarding and State Hearing rights. The browser and the sign-in come from tests/e2e/conftest.py."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from apps.appeals.models import Case
from apps.audit.models import AuditEvent
from tests.factories.accounts import RepUserFactory
from tests.factories.members import aligned_member

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

LA = ZoneInfo("America/Los_Angeles")


def test_rep_logs_an_appeal_and_decides_it_in_the_console(live_server, pair, browser_page, console_sign_in):
    from playwright.sync_api import expect

    # given a rep of the pair's organization and a member of the pair
    rep = RepUserFactory(parent_organization=pair.parent, username="rep.appeals")
    member = aligned_member(pair, first_name="Rosa", last_name="Martinez")
    page = browser_page

    # sign in and open the member page: the appeals panel is there, empty
    page.goto(f"{live_server.url}/console/members/{member.pk}/")
    console_sign_in(rep.username)
    panel = page.locator("#panel-appeals")
    expect(panel).to_contain_text("No grievances or appeals.")

    # one intake form for every kind, prefilled with the member
    panel.get_by_role("link", name="Log a grievance or appeal").click()
    expect(page.locator("#id_member_number")).to_have_value(member.member_id)
    received = dt.datetime.now(LA) - dt.timedelta(hours=3)
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
    # first a notice dated too long ago: refused, nothing saved, the form says why
    page.fill("#id_notice_date", (received.date() - dt.timedelta(days=90)).isoformat())
    page.click("#intake-submit")
    expect(page.locator("#field-good_cause_reason")).to_contain_text("good-cause reason")
    assert Case.objects.count() == 0
    page.fill("#id_notice_date", (received.date() - dt.timedelta(days=4)).isoformat())
    page.click("#intake-submit")

    # the case page: expedited, 72-hour clock, the timeline starts with the receipt
    expect(page.locator("#case-status")).to_have_text("Received")
    expect(page.locator("h1")).to_contain_text("Expedited")
    expect(page.locator("#case-clock")).to_have_text(
        re.compile(r"due in (2 days \d+ hours|2 days|\d+ hours)")
    )
    expect(page.locator("#timeline tr[data-kind=received]")).to_have_count(1)

    # work it through the status machine
    page.click("button[data-action=acknowledged]")
    expect(page.locator("#case-status")).to_have_text("Acknowledged")
    page.click("button[data-action=in_review]")
    expect(page.locator("#case-status")).to_have_text("In review")

    # the work queue lists it, highlighted as expedited
    case = Case.objects.get(member=member)
    page.goto(f"{live_server.url}/console/appeals/queue/")
    row = page.locator(f"tr[data-case='{case.number}']")
    expect(row).to_have_class(re.compile("expedited"))
    row.get_by_role("link", name=case.number).click()

    # decide adverse: the Medicare part goes to the IRE, the Medi-Cal part gets State Hearing rights
    page.select_option("#id_outcome", "adverse")
    page.fill("#id_summary", "Skilled need no longer met.")
    page.click("#decide-submit")
    expect(page.locator("#case-outcome")).to_contain_text("Adverse", timeout=60_000)
    expect(page.locator("#case-ire")).to_contain_text("independent review entity")
    expect(page.locator("#case-sfh")).to_contain_text("State Hearing")
    expect(page.locator("#timeline tr[data-kind=forwarded_to_ire]")).to_have_count(1)

    # it was really saved, and every step was audited
    case.refresh_from_db()
    assert case.outcome == "adverse"
    assert case.forwarded_to_ire_at is not None
    to_statuses = set(
        AuditEvent.objects.filter(resource="appeal_case", resource_id=str(case.pk)).values_list(
            "params__to_status", flat=True
        )
    )
    assert {"received", "acknowledged", "in_review", "decided"} <= to_statuses
