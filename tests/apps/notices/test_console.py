import datetime as dt

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from apps.console.notices_views import member_panel, work_queues
from apps.documents.models import MailPiece
from apps.notices.services import notice_issue

WELCOME = {"enrollment_id": "e1", "effective_on": "2026-01-01"}


@pytest.fixture
def notice(member, notice_vendor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return notice_issue(kind="welcome", member=member, context=WELCOME, issued_on=dt.date(2026, 11, 2))


def console(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
def test_member_panel_lists_notices_with_resend_action(notice, member, rep_user):
    request = RequestFactory().get("/console/")
    request.user = rep_user
    html = member_panel(request, member)
    assert 'id="panel-notices"' in html
    assert notice.title in html
    assert reverse("console:notices-resend", args=[member.pk, notice.pk]) in html
    assert reverse("console:notices-notice-pdf", args=[member.pk, notice.pk]) in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("_case", "who", "expected"),
    [
        ("anonymous is sent to login", None, 302),
        ("member", "member_user", 403),
        ("vendor", "vendor_user", 403),
        ("rep of another plan", "other_rep_user", 404),
        ("rep of the plan", "rep_user", 200),
        ("admin", "admin_user", 200),
    ],
)
def test_history_page_authorization(_case, who, expected, notice, member, request):
    user = request.getfixturevalue(who) if who else None
    response = console(user).get(reverse("console:notices-member-history", args=[member.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert notice.title in response.content.decode()


@pytest.mark.django_db
def test_rep_resends_from_console_with_htmx(notice, member, rep_user):
    url = reverse("console:notices-resend", args=[member.pk, notice.pk])
    response = console(rep_user).post(url, {"channel": "mail"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Notice re-sent." in response.content.decode()
    assert MailPiece.objects.filter(member=member).count() == 2
    refused = console(rep_user).post(url, {"channel": "electronic"}, HTTP_HX_REQUEST="true")
    assert "not consented" in refused.content.decode()
    assert MailPiece.objects.filter(member=member).count() == 2


@pytest.mark.django_db
def test_rep_of_another_plan_cannot_resend(notice, member, other_rep_user):
    url = reverse("console:notices-resend", args=[member.pk, notice.pk])
    assert console(other_rep_user).post(url, {"channel": "mail"}).status_code == 404
    assert MailPiece.objects.filter(member=member).count() == 1


@pytest.mark.django_db
def test_console_pdf_download(notice, member, rep_user):
    response = console(rep_user).get(reverse("console:notices-notice-pdf", args=[member.pk, notice.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


@pytest.mark.django_db
def test_late_risk_page_and_work_queue(member, notice_vendor, rep_user):
    today = timezone.localdate()
    notice_issue(
        kind="appeal_acknowledgment",
        member=member,
        context={
            "case_id": "c1",
            "case_kind": "grievance",
            "received_on": (today - dt.timedelta(days=7)).isoformat(),
        },
        issued_on=today,
    )
    response = console(rep_user).get(reverse("console:notices-late-risk"))
    assert response.status_code == 200
    body = response.content.decode()
    assert member.full_name in body
    assert "Late" in body
    request = RequestFactory().get("/console/queues/")
    request.user = rep_user
    (queue,) = work_queues(request)
    assert queue.key == "notices-late-risk"
    assert queue.count == 1
