import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.appeals.models import Case
from apps.audit.models import AuditEvent
from tests.factories.appeals import case_create
from tests.factories.members import aligned_member

LA = ZoneInfo("America/Los_Angeles")
pytestmark = pytest.mark.django_db


def test_member_sees_own_cases_only(client_for, member_user, other_member_user, make_case, rep_user):
    # given a case for the member and one for another member
    mine = make_case()
    other = case_create(member=other_member_user.member, actor=rep_user)
    # when the member lists their cases
    response = client_for(member_user).get(reverse("v1:appeals-me-cases"))
    # then only their own case is there, with status and letters
    assert response.status_code == 200
    assert [c["id"] for c in response.json()] == [str(mine.pk)]
    assert response.json()[0]["status"] == "received"
    assert "letters" in response.json()[0]
    assert AuditEvent.objects.filter(
        resource="appeal_case", action="view", member_id=member_user.member.pk
    ).exists()
    # and another member's case answers 404
    foreign = client_for(member_user).get(reverse("v1:appeals-me-case", args=[other.pk]))
    assert foreign.status_code == 404
    assert foreign.json()["code"] == "not_found"
    own = client_for(member_user).get(reverse("v1:appeals-me-case", args=[mine.pk]))
    assert own.status_code == 200


@pytest.mark.parametrize(
    ("_case", "who", "expected"),
    [("anonymous", None, 401), ("rep", "rep_user", 403), ("vendor", "vendor_user", 403)],
)
def test_me_cases_needs_a_member(client_for, request, _case, who, expected):
    user = request.getfixturevalue(who) if who else None
    response = client_for(user).get(reverse("v1:appeals-me-cases"))
    assert response.status_code in ({401, 403} if who is None else {expected})


def _intake_body(member, **overrides):
    body = {
        "member": str(member.pk),
        "kind": "reconsideration",
        "received_at": "2026-03-02T09:30:00-08:00",
        "channel": "mail",
        "filer": "member",
        "programs": ["medicare_a_b", "medi_cal"],
        "service_description": "Physical therapy, 12 visits",
        "description": "Appeal of the denial of further therapy visits.",
        "notice_date": "2026-02-20",
    }
    body.update(overrides)
    return body


def test_rep_runs_a_case_from_intake_to_decision_through_the_api(client_for, rep_user, member):
    client = client_for(rep_user)
    received = timezone.now().astimezone(LA) - dt.timedelta(hours=2)
    body = _intake_body(
        member,
        received_at=received.isoformat(),
        notice_date=(received.date() - dt.timedelta(days=7)).isoformat(),
    )
    created = client.post(reverse("v1:appeals-cases"), body, format="json")
    assert created.status_code == 201, created.json()
    case_id = created.json()["id"]
    assert created.json()["rule_key"] == "recon.standard"
    due = dt.datetime.combine(received.date() + dt.timedelta(days=30), dt.time(23, 59, 59, 999999), tzinfo=LA)
    assert dt.datetime.fromisoformat(created.json()["due_at"]) == due
    for target in ("acknowledged", "in_review"):
        step = client.post(
            reverse("v1:appeals-case-transition", args=[case_id]), {"status": target}, format="json"
        )
        assert step.status_code == 200, step.json()
    extended = client.post(
        reverse("v1:appeals-case-extend", args=[case_id]),
        {"days": 14, "requested_by": "plan", "reason": "Waiting for therapy notes"},
        format="json",
    )
    assert extended.status_code == 200, extended.json()
    assert dt.datetime.fromisoformat(extended.json()["due_at"]) == due + dt.timedelta(days=14)
    decided = client.post(
        reverse("v1:appeals-case-decide", args=[case_id]),
        {"outcome": "adverse", "summary": "Goals met; further visits not medically necessary."},
        format="json",
    )
    assert decided.status_code == 200, decided.json()
    body = decided.json()
    assert body["forwarded_to_ire_at"] is not None
    assert body["state_hearing_last_day"] is not None
    assert {"forwarded_to_ire", "state_hearing_rights"} <= {e["kind"] for e in body["events"]}


def test_illegal_transition_answers_409_and_changes_nothing(client_for, rep_user, make_case):
    case = make_case()
    response = client_for(rep_user).post(
        reverse("v1:appeals-case-transition", args=[case.pk]), {"status": "closed"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "appeals.illegal_transition"
    case.refresh_from_db()
    assert case.status == "received"


def test_late_appeal_without_good_cause_is_refused_with_the_last_day(client_for, rep_user, member):
    response = client_for(rep_user).post(
        reverse("v1:appeals-cases"), _intake_body(member, notice_date="2025-12-01"), format="json"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "appeals.filing_window_expired"
    assert response.json()["extra"]["last_day"] == "2026-02-04"
    assert Case.objects.count() == 0


def test_invalid_body_names_the_fields(client_for, rep_user, member):
    response = client_for(rep_user).post(
        reverse("v1:appeals-cases"), _intake_body(member, programs=[], kind="complaint"), format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"programs", "kind"}


def test_rep_of_another_organization_gets_404(client_for, other_rep_user, make_case, member):
    case = make_case()
    client = client_for(other_rep_user)
    assert client.get(reverse("v1:appeals-case", args=[case.pk])).status_code == 404
    assert (
        client.post(
            reverse("v1:appeals-case-transition", args=[case.pk]), {"status": "acknowledged"}, format="json"
        ).status_code
        == 404
    )
    assert client.post(reverse("v1:appeals-cases"), _intake_body(member), format="json").status_code == 404
    assert client.get(reverse("v1:appeals-cases")).json()["results"] == []
    case.refresh_from_db()
    assert case.status == "received"


@pytest.mark.parametrize(("_case", "who"), [("member", "member_user"), ("vendor", "vendor_user")])
def test_staff_endpoints_refuse_members_and_vendors(client_for, request, make_case, _case, who):
    case = make_case()
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("v1:appeals-cases")).status_code == 403
    assert client.get(reverse("v1:appeals-case", args=[case.pk])).status_code == 403
    assert client.get(reverse("v1:appeals-timeliness")).status_code == 403


def test_admin_sees_every_case(client_for, admin_user, make_case):
    case = make_case()
    response = client_for(admin_user).get(reverse("v1:appeals-case", args=[case.pk]))
    assert response.status_code == 200
    assert response.json()["number"] == case.number


def test_queue_puts_overdue_and_at_risk_first(client_for, rep_user, make_case, pair):
    # given three open cases received at different times, one of them long overdue
    overdue = make_case(received_at=dt.datetime(2026, 1, 5, 9, tzinfo=LA))
    fresh = make_case(
        received_at=dt.datetime(2026, 11, 20, 9, tzinfo=LA), now=dt.datetime(2026, 11, 20, 10, tzinfo=LA)
    )
    expedited = make_case(
        member=aligned_member(pair),
        kind="organization_determination",
        programs=["medicare_a_b"],
        expedited_requested=True,
        expedited_granted=True,
        received_at=dt.datetime(2026, 3, 1, 9, tzinfo=LA),
    )
    response = client_for(rep_user).get(reverse("v1:appeals-queue"))
    ids = [row["id"] for row in response.json()]
    # both January and March cases are overdue now; the earliest due comes first; the fresh one last
    assert ids[-1] == str(fresh.pk)
    assert ids[0] == str(overdue.pk)
    assert str(expedited.pk) in ids[:2]


def test_timeliness_report_json_and_csv(client_for, rep_user, make_case, pair):
    case = make_case()
    from apps.appeals.services import case_decide, case_transition

    now = case.received_at + dt.timedelta(days=3)
    case = case_transition(case=case, target="acknowledged", actor=rep_user, now=now)
    case = case_transition(case=case, target="in_review", actor=rep_user, now=now)
    case_decide(case=case, outcome="resolved", summary="Fixed.", actor=rep_user, now=now)
    client = client_for(rep_user)
    rows = client.get(reverse("v1:appeals-timeliness"), {"pair": pair.code}).json()
    assert rows == [
        {
            "pair": pair.code,
            "month": "2026-03",
            "kind": "grievance",
            "resolved": 1,
            "on_time": 1,
            "late": 0,
            "open_overdue": 0,
            "on_time_rate": 1.0,
            "average_days": 3.0,
        }
    ]
    csv_response = client.get(reverse("v1:appeals-timeliness"), {"pair": pair.code, "export": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    lines = csv_response.content.decode().splitlines()
    assert (
        lines[0] == "plan_pair,month,case_kind,resolved,on_time,late,open_overdue,on_time_rate,average_days"
    )
    assert lines[1] == f"{pair.code},2026-03,grievance,1,1,0,0,1.0000,3.00"
    assert AuditEvent.objects.filter(resource="appeal_timeliness", action="export").exists()


def test_state_hearing_and_attachment_through_the_api(client_for, rep_user, make_case):
    from apps.appeals.services import case_decide, case_transition

    case = make_case(kind="reconsideration", programs=["medi_cal"], notice_date=dt.date(2026, 2, 25))
    at = case.received_at + dt.timedelta(days=1)
    case = case_transition(case=case, target="acknowledged", actor=rep_user, now=at)
    case = case_transition(case=case, target="in_review", actor=rep_user, now=at)
    case = case_decide(case=case, outcome="adverse", summary="Upheld.", actor=rep_user, now=at)
    client = client_for(rep_user)
    late = client.post(
        reverse("v1:appeals-case-state-hearing", args=[case.pk]),
        {"requested_on": "2026-12-31"},
        format="json",
    )
    assert late.status_code == 422
    assert late.json()["code"] == "appeals.filing_window_expired"
    ok = client.post(
        reverse("v1:appeals-case-state-hearing", args=[case.pk]),
        {"requested_on": (at.date() + dt.timedelta(days=3)).isoformat(), "with_continuation": True},
        format="json",
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["state_hearing_with_continuation"] is True
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = client.post(
        reverse("v1:appeals-case-attachments", args=[case.pk]),
        {"file": SimpleUploadedFile("aor.pdf", b"%PDF-1.4 aor", content_type="application/pdf")},
        format="multipart",
    )
    assert upload.status_code == 201, upload.json()
    assert upload.json()["size"] == 12


def test_staff_endpoints_refuse_anonymous(client_for, make_case):
    case = make_case()
    client = client_for(None)
    for url in (
        reverse("v1:appeals-cases"),
        reverse("v1:appeals-case", args=[case.pk]),
        reverse("v1:appeals-queue"),
    ):
        assert client.get(url).status_code in (401, 403)
    assert client.post(reverse("v1:appeals-case-decide", args=[case.pk]), {}, format="json").status_code in (
        401,
        403,
    )
    case.refresh_from_db()
    assert case.status == "received"
