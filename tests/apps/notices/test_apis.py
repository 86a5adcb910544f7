import datetime as dt

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.documents.models import MailPiece
from apps.notices.models import Notice
from apps.notices.services import notice_issue

WELCOME = {"enrollment_id": "e1", "effective_on": "2026-01-01"}


@pytest.fixture
def notice(member, notice_vendor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return notice_issue(kind="welcome", member=member, context=WELCOME, issued_on=dt.date(2026, 11, 2))


def url(name, **kwargs):
    return reverse(f"v1:{name}", kwargs=kwargs)


@pytest.mark.django_db
def test_member_lists_own_notices_with_new_flag(notice, member_user, client_for):
    response = client_for(member_user).get(url("notices-me-list"))
    assert response.status_code == 200
    (item,) = response.json()["results"]
    assert item["id"] == str(notice.pk)
    assert item["kind"] == "welcome"
    assert item["is_new"] is True
    assert item["pdf_available"] is True
    assert item["issued_by"].endswith("(integrated)")
    assert AuditEvent.objects.filter(resource="notice_list", action="view").exists()


@pytest.mark.django_db
def test_member_pdf_download_marks_notice_viewed(notice, member_user, client_for):
    client = client_for(member_user)
    response = client.get(url("notices-me-pdf", notice_id=notice.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert client.get(url("notices-me-detail", notice_id=notice.pk)).json()["is_new"] is False
    assert AuditEvent.objects.filter(
        resource="notice", action="download", resource_id=str(notice.pk)
    ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["notices-me-detail", "notices-me-pdf"])
def test_another_members_notice_is_404(endpoint, notice, other_member_user, client_for):
    response = client_for(other_member_user).get(url(endpoint, notice_id=notice.pk))
    assert response.status_code == 404
    assert Notice.objects.get(pk=notice.pk).member_viewed_at is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("_case", "who", "expected"),
    [
        ("anonymous", None, 401),
        ("another member", "other_member_user", 403),
        ("the member (wrong door)", "member_user", 403),
        ("vendor", "vendor_user", 403),
        ("rep of another plan", "other_rep_user", 404),
        ("rep of the plan", "rep_user", 200),
        ("admin", "admin_user", 200),
    ],
)
def test_member_notice_history_authorization(_case, who, expected, notice, member, client_for, request):
    user = request.getfixturevalue(who) if who else None
    response = client_for(user).get(url("notices-member-list", member_pk=member.pk))
    assert response.status_code in ((401, 403) if expected == 401 else (expected,))
    if expected == 200:
        (row,) = response.json()
        assert row["id"] == str(notice.pk)
        assert row["deliveries"][0]["channel"] == "mail"


@pytest.mark.django_db
def test_rep_resends_notice(notice, member, rep_user, other_rep_user, client_for):
    endpoint = url("notices-member-resend", member_pk=member.pk, notice_id=notice.pk)
    assert client_for(other_rep_user).post(endpoint, {"channel": "mail"}, format="json").status_code == 404
    assert MailPiece.objects.filter(member=member).count() == 1
    response = client_for(rep_user).post(endpoint, {"channel": "mail", "note": "lost"}, format="json")
    assert response.status_code == 202
    assert response.json()["channel"] == "mail"
    assert MailPiece.objects.filter(member=member).count() == 2
    refused = client_for(rep_user).post(endpoint, {"channel": "electronic"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "notices.resend_not_allowed"


@pytest.mark.django_db
def test_rep_downloads_member_notice_pdf(notice, member, rep_user, client_for):
    response = client_for(rep_user).get(url("notices-member-pdf", member_pk=member.pk, notice_id=notice.pk))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


@pytest.mark.django_db
def test_late_risk_report_scoped_to_rep(member, notice_vendor, rep_user, other_rep_user, client_for):
    from django.utils import timezone

    today = timezone.localdate()
    # a decision letter due tomorrow, not printed yet
    notice_issue(
        kind="appeal_acknowledgment",
        member=member,
        context={
            "case_id": "c9",
            "case_kind": "appeal",
            "received_on": (today - dt.timedelta(days=4)).isoformat(),
        },
        issued_on=today,
    )
    response = client_for(rep_user).get(url("notices-late-risk"))
    assert response.status_code == 200
    (row,) = response.json()
    assert (row["kind"], row["risk"], row["days_left"]) == ("appeal_acknowledgment", "at_risk", 1)
    assert client_for(other_rep_user).get(url("notices-late-risk")).json() == []


@pytest.mark.django_db
def test_rep_gets_braille_data_export(member, notice_vendor, rep_user, member_user, client_for):
    member.alternate_format = "braille"
    member.save()
    braille = notice_issue(kind="welcome", member=member, context=WELCOME, issued_on=dt.date(2026, 11, 2))
    endpoint = url("notices-member-export", member_pk=member.pk, notice_id=braille.pk)
    response = client_for(rep_user).get(endpoint)
    assert response.status_code == 200
    data = response.json()
    assert data["alternate_format"] == "braille"
    assert member.full_name in data["text"]
    assert client_for(member_user).get(endpoint).status_code == 403
    assert AuditEvent.objects.filter(resource="notice_export", action="export").exists()
