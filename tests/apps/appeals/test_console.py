import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.appeals.models import Case
from apps.audit.models import AuditEvent

LA = ZoneInfo("America/Los_Angeles")
pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(member, **overrides):
    received = timezone.now().astimezone(LA) - dt.timedelta(hours=3)
    data = {
        "member_number": member.member_id,
        "kind": "reconsideration",
        "received_at": received.strftime("%Y-%m-%dT%H:%M"),
        "channel": "phone",
        "filer": "member",
        "programs": ["medicare_a_b", "medi_cal"],
        "service_description": "Skilled nursing facility days",
        "description": "Member appeals the end of SNF coverage.",
        "notice_date": (received.date() - dt.timedelta(days=3)).isoformat(),
    }
    data.update(overrides)
    return data


def test_intake_to_decision_in_the_console(rep_user, member):
    client = _client(rep_user)
    # the intake form renders, prefilled for the member
    page = client.get(reverse("console:appeals-intake") + f"?member={member.pk}")
    assert page.status_code == 200
    assert member.member_id in page.content.decode()
    # log an appeal
    response = client.post(reverse("console:appeals-intake"), _form(member))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("console:appeals-case", kwargs={"case_pk": case.pk})
    page = client.get(response["Location"]).content.decode()
    assert "due in 30 days" in page or "due in 29 days" in page
    # acknowledge, review, decide adverse
    for status in ("acknowledged", "in_review"):
        client.post(
            reverse("console:appeals-case-transition", kwargs={"case_pk": case.pk}), {"status": status}
        )
    client.post(
        reverse("console:appeals-case-decide", kwargs={"case_pk": case.pk}),
        {"outcome": "adverse", "summary": "Skilled need no longer met."},
    )
    case.refresh_from_db()
    assert case.outcome == "adverse"
    assert case.forwarded_to_ire_at is not None
    page = client.get(reverse("console:appeals-case", kwargs={"case_pk": case.pk})).content.decode()
    assert "independent review entity" in page
    assert "State Hearing" in page
    assert AuditEvent.objects.filter(resource="appeal_case", action="view", resource_id=str(case.pk)).exists()


def test_intake_errors_show_on_the_form_and_save_nothing(rep_user, member):
    client = _client(rep_user)
    response = client.post(reverse("console:appeals-intake"), _form(member, notice_date="2025-01-02"))
    assert response.status_code == 400
    assert "good-cause reason" in response.content.decode()
    assert Case.objects.count() == 0
    response = client.post(reverse("console:appeals-intake"), _form(member, member_number="MH99999999"))
    assert "No member with this ID" in response.content.decode()
    assert Case.objects.count() == 0


def test_part_d_request_is_routed_out_from_the_form(rep_user, member):
    client = _client(rep_user)
    response = client.post(
        reverse("console:appeals-intake"),
        _form(member, kind="organization_determination", programs=["part_d"], notice_date=""),
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.status == "routed_out"
    page = client.get(response["Location"]).content.decode()
    assert "Part 423" in page


def test_illegal_step_shows_an_error_and_changes_nothing(rep_user, make_case):
    case = make_case()
    client = _client(rep_user)
    response = client.post(
        reverse("console:appeals-case-transition", kwargs={"case_pk": case.pk}),
        {"status": "closed"},
        follow=True,
    )
    assert "cannot go from received to closed" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "received"


def test_queue_lists_overdue_first_and_highlights_expedited(rep_user, make_case, member):
    now = timezone.now().astimezone(LA)
    fresh = make_case(received_at=now - dt.timedelta(hours=1), now=now)
    overdue = make_case(received_at=now - dt.timedelta(days=40), now=now - dt.timedelta(days=40))
    expedited = make_case(
        kind="organization_determination",
        programs=["medicare_a_b"],
        expedited_requested=True,
        expedited_granted=True,
        received_at=now - dt.timedelta(hours=2),
        now=now,
    )
    page = _client(rep_user).get(reverse("console:appeals-queue")).content.decode()
    assert page.index(overdue.number) < page.index(expedited.number) < page.index(fresh.number)
    assert re.search(r"overdue by (9|10) days", page)
    assert 'class="expedited"' in page


def test_member_panel_and_timeliness_page(rep_user, make_case, member, pair):
    case = make_case()
    client = _client(rep_user)
    panel = client.get(reverse("console:appeals-member-cases", kwargs={"member_pk": member.pk}))
    assert panel.status_code == 200
    assert case.number in panel.content.decode()
    report = client.get(reverse("console:appeals-timeliness"), {"pair": pair.code})
    assert report.status_code == 200
    csv = client.get(reverse("console:appeals-timeliness"), {"pair": pair.code, "export": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().startswith("plan_pair,month,case_kind")


def test_attachment_upload_and_download(rep_user, make_case):
    case = make_case()
    client = _client(rep_user)
    client.post(
        reverse("console:appeals-case-attach", kwargs={"case_pk": case.pk}),
        {"file": SimpleUploadedFile("records.pdf", b"%PDF-1.4 records", content_type="application/pdf")},
    )
    attachment = case.attachments.get()
    response = client.get(
        reverse("console:appeals-attachment", kwargs={"case_pk": case.pk, "attachment_pk": attachment.pk})
    )
    assert response.content == b"%PDF-1.4 records"


def test_console_scoping(member_user, other_rep_user, make_case, member):
    case = make_case()
    # a member cannot use the console pages
    assert _client(member_user).get(reverse("console:appeals-queue")).status_code == 403
    # a rep of another organization gets 404 for the case and the member, and cannot log for them
    client = _client(other_rep_user)
    assert client.get(reverse("console:appeals-case", kwargs={"case_pk": case.pk})).status_code == 404
    assert (
        client.get(reverse("console:appeals-member-cases", kwargs={"member_pk": member.pk})).status_code
        == 404
    )
    assert (
        client.post(
            reverse("console:appeals-case-transition", kwargs={"case_pk": case.pk}),
            {"status": "acknowledged"},
        ).status_code
        == 404
    )
    response = client.post(reverse("console:appeals-intake"), _form(member))
    assert "No member with this ID" in response.content.decode()
    assert Case.objects.count() == 1
    # anonymous users are sent to the login page
    assert Client().get(reverse("console:appeals-queue")).status_code == 302


def test_member_page_shows_the_appeals_panel(rep_user, make_case, member):
    case = make_case(expedited_requested=True, expedited_granted=True)
    page = _client(rep_user).get(reverse("console:member-detail", args=[member.pk])).content.decode()
    assert 'id="panel-appeals"' in page
    assert case.number in page
    assert 'data-panel-error="appeals"' not in page


def test_work_queues_page_lists_cases_due(rep_user, other_rep_user, make_case):
    case = make_case()
    page = _client(rep_user).get(reverse("console:work-queues")).content.decode()
    assert "Grievances and appeals due" in page
    assert case.number in page
    other = _client(other_rep_user).get(reverse("console:work-queues")).content.decode()
    assert case.number not in other


def test_queue_page_query_count_does_not_grow_with_cases(rep_user, make_case, django_assert_max_num_queries):
    client = _client(rep_user)
    make_case()
    client.get(reverse("console:appeals-queue"))  # warm caches (session, rule table)
    for _ in range(5):
        make_case()
    with django_assert_max_num_queries(6):
        response = client.get(reverse("console:appeals-queue"))
    assert response.content.decode().count("data-case=") == 6


def test_state_hearing_request_recorded_from_the_case_page(rep_user, make_case):
    from apps.appeals.services import case_decide, case_transition

    case = make_case(kind="reconsideration", programs=["medi_cal"], notice_date=dt.date(2026, 2, 25))
    at = case.received_at + dt.timedelta(days=1)
    case = case_transition(case=case, target="acknowledged", actor=rep_user, now=at)
    case = case_transition(case=case, target="in_review", actor=rep_user, now=at)
    case = case_decide(case=case, outcome="adverse", summary="Upheld.", actor=rep_user, now=at)
    client = _client(rep_user)
    page = client.get(reverse("console:appeals-case", kwargs={"case_pk": case.pk})).content.decode()
    assert "Record a State Hearing request" in page
    response = client.post(
        reverse("console:appeals-case-state-hearing", kwargs={"case_pk": case.pk}),
        {"requested_on": (at.date() + dt.timedelta(days=5)).isoformat(), "with_continuation": "on"},
        follow=True,
    )
    assert "State Hearing request recorded" in response.content.decode()
    case.refresh_from_db()
    assert case.state_hearing_with_continuation is True


def test_queue_flags_cases_not_acknowledged_in_five_days(rep_user, make_case):
    now = timezone.now().astimezone(LA)
    late = make_case(received_at=now - dt.timedelta(days=6), now=now - dt.timedelta(days=6))
    fresh = make_case(received_at=now - dt.timedelta(days=1), now=now - dt.timedelta(days=1))
    page = _client(rep_user).get(reverse("console:appeals-queue")).content.decode()
    rows = {
        number: page[page.index(f'data-case="{number}"') :].split("</tr>")[0]
        for number in (late.number, fresh.number)
    }
    assert "Acknowledgment overdue" in rows[late.number]
    assert "Acknowledgment overdue" not in rows[fresh.number]
