import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.appeals.models import Case, CaseEvent, CaseEventKind, CaseExtension
from apps.appeals.services import (
    case_attachment_add,
    case_clock_refresh,
    case_decide,
    case_extend,
    case_transition,
)
from apps.audit.models import AuditEvent
from memberhub.appeals.errors import (
    ExpediteRefusalNotAllowed,
    ExtensionNotAllowed,
    FilingWindowExpired,
    IllegalTransition,
    InvalidCase,
)

LA = ZoneInfo("America/Los_Angeles")
pytestmark = pytest.mark.django_db


def la(*args):
    return dt.datetime(*args, tzinfo=LA)


def _advance(case, actor, *, to="in_review", at=None):
    at = at or case.received_at + dt.timedelta(hours=1)
    case = case_transition(case=case, target="acknowledged", actor=actor, now=at)
    if to == "in_review":
        case = case_transition(case=case, target="in_review", actor=actor, now=at)
    return case


def _reconsideration_with_continuation(make_case, **overrides):
    """A reconsideration of a previously authorized service, ordered by an authorized provider, filed
    with a request that benefits continue."""
    return make_case(
        **{
            "kind": "reconsideration",
            "notice_date": dt.date(2026, 2, 25),
            "continuation_requested": True,
            "is_previously_authorized": True,
            "is_ordered_by_authorized_provider": True,
            **overrides,
        }
    )


def _expedite_asked(make_case, *, granted, refusal_reason=""):
    """A member's coverage request for a Medicare service, asked to be expedited and granted or refused."""
    return make_case(
        kind="organization_determination",
        programs=["medicare_a_b"],
        expedited_requested=True,
        expedited_granted=granted,
        expedite_refusal_reason=refusal_reason,
    )


def test_grievance_intake_computes_the_clock_from_the_rule_table(make_case, rep_user, member, pair):
    # given a phone grievance received 2 March 09:30 in Los Angeles
    case = make_case()
    # then it is due at the end of 1 April (30 days), acknowledged by the end of 7 March (5 days)
    assert case.status == "received"
    assert case.rule_key == "grievance.standard"
    assert "422.630" in case.rule_citation
    assert case.due_at == la(2026, 4, 1, 23, 59, 59, 999999)
    assert case.acknowledgment_due_at == la(2026, 3, 7, 23, 59, 59, 999999)
    assert case.pair == pair
    assert case.number.startswith("GA-20260302-")
    event = CaseEvent.objects.get(case=case)
    assert event.kind == CaseEventKind.RECEIVED
    audit = AuditEvent.objects.get(resource="appeal_case", resource_id=str(case.pk))
    assert (audit.action, audit.member_id, audit.actor_id) == ("create", member.pk, rep_user.pk)
    assert audit.params["event"] == "received"


def test_receipt_at_2359_los_angeles_counts_that_day(make_case):
    case = make_case(received_at=dt.datetime(2026, 3, 3, 7, 59, tzinfo=dt.UTC))  # 2 March 23:59 PST
    assert case.due_at == la(2026, 4, 1, 23, 59, 59, 999999)


def test_part_d_request_is_routed_out_without_a_clock(make_case):
    case = make_case(
        kind="organization_determination", programs=["part_d"], service_description="Eliquis 5 mg"
    )
    assert case.status == "routed_out"
    assert case.due_at is None
    assert case.clock_state == "stopped"
    assert "Part 423" in case.routing_note
    assert list(case.events.values_list("kind", flat=True)) == ["received", "routed_out", "letter_issued"]


def test_mixed_request_keeps_integrated_part_and_notes_part_d(make_case):
    case = make_case(kind="organization_determination", programs=["medicare_a_b", "part_d"])
    assert case.status == "received"
    assert case.routed_out_programs == ["part_d"]
    assert case.rule_key == "od.standard.service"
    assert case.routing_note


def test_expedited_part_b_drug_request_gets_24_hours(make_case):
    case = make_case(
        kind="organization_determination",
        programs=["part_b_drug"],
        expedited_requested=True,
        expedited_granted=True,
        received_at=la(2026, 3, 7, 12),
    )
    assert case.priority == "expedited"
    assert case.rule_key == "od.part_b_drug.expedited"
    assert case.due_at == la(2026, 3, 8, 13)  # 24 elapsed hours across spring forward


def test_refused_expedite_is_recorded_with_reason(make_case):
    case = _expedite_asked(make_case, granted=False, refusal_reason="No risk to health shown")
    assert case.priority == "standard"
    assert case.events.filter(kind=CaseEventKind.EXPEDITE_REFUSED, note="No risk to health shown").exists()


def test_provider_expedite_request_cannot_be_refused_and_nothing_is_saved(make_case):
    with pytest.raises(ExpediteRefusalNotAllowed):
        make_case(
            kind="reconsideration",
            filer="provider",
            provider_npi="1234567893",
            notice_date=dt.date(2026, 2, 20),
            expedited_requested=True,
            expedited_granted=False,
            expedite_refusal_reason="no",
        )
    assert Case.objects.count() == 0
    assert AuditEvent.objects.filter(resource="appeal_case").count() == 0


def test_late_reconsideration_needs_good_cause(make_case):
    # notice dated 1 January: last day 7 March; received 9 March
    with pytest.raises(FilingWindowExpired):
        make_case(kind="reconsideration", notice_date=dt.date(2026, 1, 1), received_at=la(2026, 3, 9, 10))
    assert Case.objects.count() == 0
    case = make_case(
        kind="reconsideration",
        notice_date=dt.date(2026, 1, 1),
        received_at=la(2026, 3, 9, 10),
        good_cause_reason="Member was in hospital",
    )
    assert case.filing_last_day == dt.date(2026, 3, 7)
    assert case.good_cause_reason == "Member was in hospital"


def test_representative_clock_starts_when_authorization_arrives(make_case):
    case = make_case(
        kind="reconsideration",
        filer="representative",
        representative_name="Luis Martinez (son)",
        representative_authorization_received_at=la(2026, 3, 5, 15),
        notice_date=dt.date(2026, 2, 20),
    )
    assert case.clock_started_at == la(2026, 3, 5, 15)
    assert case.due_at == la(2026, 4, 4, 23, 59, 59, 999999)


def test_continuation_of_benefits_is_recorded(make_case):
    case = _reconsideration_with_continuation(
        make_case, action_type="reduction", authorization_end_date=dt.date(2026, 6, 30)
    )
    assert case.aid_paid_pending is True
    assert case.continuation_ends_on == dt.date(2026, 6, 30)
    late = _reconsideration_with_continuation(
        make_case, notice_date=dt.date(2026, 2, 1), action_type="termination"
    )
    assert late.aid_paid_pending is False
    assert late.continuation_refusals == ["request_late"]


@pytest.mark.parametrize(
    ("_case", "overrides", "field"),
    [
        ("no description", {"description": "  "}, "description"),
        ("representative without a name", {"filer": "representative"}, "representative_name"),
        ("provider without NPI", {"filer": "provider"}, "provider_npi"),
        ("bad NPI", {"filer": "provider", "provider_npi": "1234567890"}, "provider_npi"),
        ("appeal without notice date", {"kind": "reconsideration"}, "notice_date"),
        ("future receipt", {"now": la(2026, 3, 1, 9)}, "received_at"),
    ],
)
def test_bad_intake_is_refused_with_the_field(make_case, _case, overrides, field):
    with pytest.raises(InvalidCase) as excinfo:
        make_case(**overrides)
    assert excinfo.value.extra["field"] == field
    assert Case.objects.count() == 0


def test_full_path_to_closed_with_every_step_audited(make_case, rep_user):
    case = make_case()
    case = _advance(case, rep_user)
    case = case_decide(
        case=case,
        outcome="resolved",
        summary="Agency replaced the aide.",
        actor=rep_user,
        now=la(2026, 3, 10, 12),
    )
    assert case.status == "notified"  # the grievance resolution letter was issued
    case = case_transition(case=case, target="closed", actor=rep_user, now=la(2026, 3, 11, 9))
    assert case.status == "closed"
    assert case.clock_state == "stopped"
    statuses = list(
        case.events.filter(kind__in=["status_changed", "decided"]).values_list("to_status", flat=True)
    )
    assert statuses == ["acknowledged", "in_review", "decided", "notified", "closed"]
    audited = list(
        AuditEvent.objects.filter(resource="appeal_case", resource_id=str(case.pk)).values_list(
            "params__to_status", flat=True
        )
    )
    for status in statuses:
        assert status in audited


def test_illegal_transition_is_refused_and_changes_nothing(make_case, rep_user):
    case = make_case()
    events_before = case.events.count()
    with pytest.raises(IllegalTransition):
        case_transition(case=case, target="closed", actor=rep_user)
    with pytest.raises(IllegalTransition):
        case_decide(case=case, outcome="resolved", summary="x", actor=rep_user)
    case.refresh_from_db()
    assert case.status == "received"
    assert case.events.count() == events_before


def test_extension_moves_due_and_is_limited(make_case, rep_user):
    case = make_case(kind="organization_determination", programs=["medicare_a_b"])
    original = case.due_at
    extension = case_extend(
        case=case,
        days=10,
        requested_by="plan",
        reason="Waiting for records from Dr. Lee",
        actor=rep_user,
        now=la(2026, 3, 5, 9),
    )
    case.refresh_from_db()
    assert case.due_at == la(2026, 3, 26, 23, 59, 59, 999999)
    assert extension.previous_due_at == original
    assert case.extension_days == 10
    with pytest.raises(ExtensionNotAllowed):
        case_extend(
            case=case, days=5, requested_by="plan", reason="more", actor=rep_user, now=la(2026, 3, 6, 9)
        )
    assert CaseExtension.objects.filter(case=case).count() == 1


def test_part_b_drug_case_cannot_be_extended(make_case, rep_user):
    case = make_case(kind="organization_determination", programs=["part_b_drug"])
    with pytest.raises(ExtensionNotAllowed):
        case_extend(
            case=case, days=1, requested_by="member", reason="asked", actor=rep_user, now=case.received_at
        )


def test_adverse_reconsideration_forwards_to_ire_and_gives_state_hearing_rights(make_case, rep_user):
    case = make_case(
        kind="reconsideration", programs=["medicare_a_b", "medi_cal"], notice_date=dt.date(2026, 2, 20)
    )
    case = _advance(case, rep_user)
    decided_at = la(2026, 3, 20, 15)
    case = case_decide(
        case=case,
        outcome="adverse",
        summary="Not medically necessary per criteria.",
        actor=rep_user,
        now=decided_at,
    )
    assert case.forwarded_to_ire_at == decided_at
    assert case.state_hearing_last_day == dt.date(2026, 7, 18)
    kinds = set(case.events.values_list("kind", flat=True))
    assert {"decided", "forwarded_to_ire", "state_hearing_rights"} <= kinds


def test_favorable_reconsideration_sets_effectuation_not_forwarding(make_case, rep_user):
    case = make_case(kind="reconsideration", programs=["medicare_a_b"], notice_date=dt.date(2026, 2, 20))
    case = _advance(case, rep_user)
    case = case_decide(
        case=case, outcome="favorable", summary="Approved.", actor=rep_user, now=la(2026, 3, 20, 15)
    )
    assert case.forwarded_to_ire_at is None
    assert case.effectuation_due_at == la(2026, 3, 23, 15)


def test_grievance_decision_outcome_must_be_resolved(make_case, rep_user):
    case = _advance(make_case(), rep_user)
    with pytest.raises(Exception, match="resolved"):
        case_decide(case=case, outcome="adverse", summary="x", actor=rep_user)
    case.refresh_from_db()
    assert case.status == "in_review"


def test_clock_refresh_marks_at_risk_then_overdue_once(make_case, rep_user):
    case = make_case()  # due 1 April 23:59:59 LA, at risk 5 days before
    counts = case_clock_refresh(now=la(2026, 3, 20, 9))
    assert counts["changed"] == 0
    counts = case_clock_refresh(now=la(2026, 3, 28, 9))
    case.refresh_from_db()
    assert case.clock_state == "at_risk"
    assert counts == {"checked": 1, "at_risk": 1, "overdue": 0, "changed": 1}
    case_clock_refresh(now=la(2026, 3, 28, 10))  # idempotent: no second event
    assert case.events.filter(kind="at_risk").count() == 1
    case_clock_refresh(now=la(2026, 4, 2, 0, 0))
    case.refresh_from_db()
    assert case.clock_state == "overdue"
    assert case.events.filter(kind="overdue").count() == 1


def test_attachment_is_stored_with_checksum(make_case, rep_user):
    case = make_case()
    upload = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    attachment = case_attachment_add(case=case, upload=upload, actor=rep_user)
    assert attachment.size == 13
    assert len(attachment.sha256) == 64
    with attachment.file.open("rb") as fh:
        assert fh.read() == b"%PDF-1.4 test"
    assert case.events.filter(kind="attachment_added").exists()


def test_empty_attachment_is_refused(make_case, rep_user):
    case = make_case()
    with pytest.raises(InvalidCase):
        case_attachment_add(case=case, upload=SimpleUploadedFile("x.txt", b""), actor=rep_user)


def test_letters_are_issued_through_the_notices_service(make_case, rep_user):
    from apps.notices.models import Notice

    # given an appeal acknowledged, extended and decided
    case = make_case(
        kind="reconsideration", programs=["medicare_a_b", "medi_cal"], notice_date=dt.date(2026, 2, 20)
    )
    case = _advance(case, rep_user)
    case_extend(
        case=case,
        days=14,
        requested_by="plan",
        reason="Waiting for records",
        actor=rep_user,
        now=la(2026, 3, 5, 9),
    )
    case = case_decide(
        case=case, outcome="adverse", summary="Not covered.", actor=rep_user, now=la(2026, 3, 20, 15)
    )
    # then each step has its letter in the member's notices, and the decision letter marks it notified
    letters = dict(case.letters.values_list("kind", "notice_kind"))
    assert letters == {
        "acknowledgment": "appeal_acknowledgment",
        "extension": "extension",
        "decision": "appeal_decision",
    }
    assert Notice.objects.filter(
        member=case.member, kind="appeal_decision", context__case_id=str(case.pk)
    ).exists()
    assert case.status == "notified"
    assert case.extensions.get().notice_id is not None
    assert not case.events.filter(kind="letter_failed").exists()


def _adverse_with_continuation(make_case, rep_user):
    case = _reconsideration_with_continuation(
        make_case,
        programs=["medi_cal"],
        action_type="termination",
        authorization_end_date=dt.date(2026, 12, 31),
    )
    case = _advance(case, rep_user)
    return case_decide(
        case=case, outcome="adverse", summary="Upheld.", actor=rep_user, now=la(2026, 3, 20, 15)
    )


def test_adverse_decision_ends_continued_benefits_ten_days_after_the_notice(make_case, rep_user):
    case = _adverse_with_continuation(make_case, rep_user)
    assert (case.continuation_ends_on, case.continuation_end_reason) == (
        dt.date(2026, 3, 30),
        "adverse_reconsideration",
    )
    assert case.state_hearing_last_day == dt.date(2026, 7, 18)


def test_state_hearing_with_continuation_within_ten_days_keeps_benefits(make_case, rep_user):
    from apps.appeals.services import case_state_hearing_record

    case = _adverse_with_continuation(make_case, rep_user)
    case = case_state_hearing_record(
        case=case, requested_on=dt.date(2026, 3, 30), with_continuation=True, actor=rep_user
    )
    # the hearing decision is not known yet: benefits go on until the authorization ends
    assert (case.continuation_ends_on, case.continuation_end_reason) == (
        dt.date(2026, 12, 31),
        "authorization_limit",
    )
    assert case.events.filter(kind="state_hearing_requested").exists()


def test_state_hearing_on_day_11_does_not_keep_benefits_and_after_120_days_is_refused(make_case, rep_user):
    from apps.appeals.services import case_state_hearing_record

    case = _adverse_with_continuation(make_case, rep_user)
    case = case_state_hearing_record(
        case=case, requested_on=dt.date(2026, 3, 31), with_continuation=True, actor=rep_user
    )
    assert case.continuation_ends_on == dt.date(2026, 3, 30)
    with pytest.raises(FilingWindowExpired):
        case_state_hearing_record(
            case=case, requested_on=dt.date(2026, 7, 19), with_continuation=False, actor=rep_user
        )


def test_withdrawal_ends_continued_benefits(make_case, rep_user):
    case = _reconsideration_with_continuation(make_case, programs=["medicare_a_b"], action_type="reduction")
    case = case_transition(case=case, target="withdrawn", actor=rep_user, now=la(2026, 3, 4, 10))
    assert (case.continuation_ends_on, case.continuation_end_reason) == (dt.date(2026, 3, 4), "withdrawn")


def test_refused_expedite_sends_the_fast_complaint_letter_with_the_standard_clock(make_case):
    from apps.notices.models import Notice

    # given a member's coverage request asked to be expedited and refused
    case = _expedite_asked(make_case, granted=False, refusal_reason="No risk to health shown")
    # then the member gets the letter about the right to a fast complaint, with the standard due date
    letter = case.letters.get(kind="fast_complaint_rights")
    assert letter.notice_kind == "expedite_refused"
    notice = Notice.objects.get(pk=letter.notice_id)
    assert notice.kind == "expedite_refused"
    assert notice.context["case_kind"] == "coverage_request"
    assert notice.context["decision_due_on"] == case.due_at.astimezone(LA).date().isoformat()
    assert notice.context["reason"] == "No risk to health shown"
    assert notice.by_mail  # requires paper
    assert "fast complaint" in notice.title
    assert case.events.filter(kind="letter_issued", detail__notice_kind="expedite_refused").exists()
    assert not case.events.filter(kind="letter_failed").exists()


def test_granted_expedite_sends_no_fast_complaint_letter(make_case):
    case = _expedite_asked(make_case, granted=True)
    assert not case.letters.filter(kind="fast_complaint_rights").exists()


def test_part_d_request_routed_out_sends_the_part_d_letter(make_case, pair):
    from apps.notices.models import Notice

    # given the D-SNP's Part D pharmacy line
    pair.medicare_plan.phone_pharmacy_help = "1-800-555-0177"
    pair.medicare_plan.save(update_fields=["phone_pharmacy_help"])
    # when a Part D request is logged
    case = make_case(
        kind="organization_determination", programs=["part_d"], service_description="Eliquis 5 mg"
    )
    # then the member is told it went to the Part D process, with its phone
    letter = case.letters.get(kind="routed_out")
    notice = Notice.objects.get(pk=letter.notice_id)
    assert notice.kind == "part_d_routed_out"
    assert notice.context["rest_stays"] is False
    text = " ".join(
        b.get("text", "") + " " + " ".join(" ".join(r) for r in b.get("rows", []))
        for b in notice.document.content["blocks"]
    )
    assert "Part D pharmacy line at 1-800-555-0177" in text
    assert "Eliquis 5 mg" in text


def test_mixed_request_sends_the_part_d_letter_and_keeps_the_rest(make_case):
    from apps.notices.models import Notice

    case = make_case(kind="organization_determination", programs=["medicare_a_b", "part_d"])
    notice = Notice.objects.get(pk=case.letters.get(kind="routed_out").notice_id)
    assert notice.context["rest_stays"] is True
    assert case.status == "received"
