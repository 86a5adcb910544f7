import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from memberhub.appeals.enums import CaseKind, Filer, Outcome, Priority, Program
from memberhub.appeals.errors import ExpediteRefusalNotAllowed, InvalidCase, InvalidDecision
from memberhub.appeals.process import (
    PART_D_ROUTING_NOTE,
    after_decision,
    expedite_decide,
    outcome_check,
    programs_route,
    resolution_clock,
    resolution_rule_key,
)

LA = ZoneInfo("America/Los_Angeles")


def la(*args):
    return dt.datetime(*args, tzinfo=LA)


# --- routing ------------------------------------------------------------------------------------


def test_part_d_only_request_is_routed_out_with_a_note():
    routing = programs_route([Program.PART_D])
    assert routing.is_routed_out_entirely
    assert routing.routed_out == {Program.PART_D}
    assert "Part 423" in routing.note


def test_mixed_request_keeps_the_integrated_part_and_routes_part_d_out():
    routing = programs_route([Program.MEDI_CAL, Program.PART_D])
    assert routing.integrated == {Program.MEDI_CAL}
    assert routing.routed_out == {Program.PART_D}
    assert routing.note == PART_D_ROUTING_NOTE


def test_integrated_request_has_no_routing_note():
    routing = programs_route([Program.MEDICARE_A_B, Program.MEDI_CAL])
    assert not routing.routed_out
    assert routing.note == ""


def test_no_program_is_refused():
    with pytest.raises(InvalidCase):
        programs_route([])


def test_part_d_has_no_integrated_clock(rule_table):
    with pytest.raises(InvalidCase, match="Part 423"):
        resolution_clock(
            table=rule_table,
            kind=CaseKind.ORGANIZATION_DETERMINATION,
            programs=[Program.PART_D],
            priority=Priority.STANDARD,
            received_at=la(2026, 1, 1, 10),
        )


@pytest.mark.parametrize(
    ("kind", "program", "priority", "key"),
    [
        (CaseKind.GRIEVANCE, Program.MEDI_CAL, Priority.STANDARD, "grievance.standard"),
        (CaseKind.GRIEVANCE, Program.PART_B_DRUG, Priority.EXPEDITED, "grievance.expedited"),
        (CaseKind.ORGANIZATION_DETERMINATION, Program.MEDICARE_A_B, Priority.STANDARD, "od.standard.service"),
        (CaseKind.ORGANIZATION_DETERMINATION, Program.MEDI_CAL, Priority.EXPEDITED, "od.expedited.service"),
        (
            CaseKind.ORGANIZATION_DETERMINATION,
            Program.PART_B_DRUG,
            Priority.STANDARD,
            "od.part_b_drug.standard",
        ),
        (
            CaseKind.ORGANIZATION_DETERMINATION,
            Program.PART_B_DRUG,
            Priority.EXPEDITED,
            "od.part_b_drug.expedited",
        ),
        (CaseKind.RECONSIDERATION, Program.MEDICARE_A_B, Priority.STANDARD, "recon.standard"),
        (CaseKind.RECONSIDERATION, Program.MEDI_CAL, Priority.EXPEDITED, "recon.expedited"),
        (CaseKind.RECONSIDERATION, Program.PART_B_DRUG, Priority.STANDARD, "recon.part_b_drug.standard"),
        (CaseKind.RECONSIDERATION, Program.PART_B_DRUG, Priority.EXPEDITED, "recon.part_b_drug.expedited"),
    ],
)
def test_resolution_rule_key(kind, program, priority, key):
    assert resolution_rule_key(kind=kind, program=program, priority=priority) == key


def test_mixed_part_b_drug_and_service_uses_the_earliest_clock(rule_table):
    clock = resolution_clock(
        table=rule_table,
        kind=CaseKind.ORGANIZATION_DETERMINATION,
        programs=[Program.MEDICARE_A_B, Program.PART_B_DRUG],
        priority=Priority.STANDARD,
        received_at=la(2026, 1, 1, 10),
    )
    assert clock.rule.key == "od.part_b_drug.standard"
    assert clock.due_at == la(2026, 1, 4, 10)


def test_medicare_and_medi_cal_service_share_one_clock(rule_table):
    clock = resolution_clock(
        table=rule_table,
        kind=CaseKind.RECONSIDERATION,
        programs=[Program.MEDICARE_A_B, Program.MEDI_CAL, Program.PART_D],
        priority=Priority.EXPEDITED,
        received_at=la(2026, 1, 1, 10),
    )
    assert clock.rule.key == "recon.expedited"
    assert clock.due_at == la(2026, 1, 4, 10)


# --- expediting ---------------------------------------------------------------------------------


def test_not_requested_is_standard():
    decision = expedite_decide(
        kind=CaseKind.RECONSIDERATION, filer=Filer.MEMBER, is_requested=False, is_granted=False
    )
    assert decision.priority is Priority.STANDARD
    assert not decision.sends_fast_complaint_notice


def test_granted_is_expedited():
    decision = expedite_decide(
        kind=CaseKind.ORGANIZATION_DETERMINATION, filer=Filer.MEMBER, is_requested=True, is_granted=True
    )
    assert decision.priority is Priority.EXPEDITED


def test_member_request_refused_with_reason_is_standard_and_sends_fast_complaint_notice():
    decision = expedite_decide(
        kind=CaseKind.ORGANIZATION_DETERMINATION,
        filer=Filer.MEMBER,
        is_requested=True,
        is_granted=False,
        refusal_reason=" No jeopardy to health shown ",
    )
    assert decision.priority is Priority.STANDARD
    assert decision.refusal_reason == "No jeopardy to health shown"
    assert decision.sends_fast_complaint_notice


def test_refusal_without_reason_is_refused():
    with pytest.raises(InvalidCase) as excinfo:
        expedite_decide(
            kind=CaseKind.RECONSIDERATION, filer=Filer.MEMBER, is_requested=True, is_granted=False
        )
    assert excinfo.value.extra["field"] == "expedite_refusal_reason"


@pytest.mark.parametrize("kind", [CaseKind.ORGANIZATION_DETERMINATION, CaseKind.RECONSIDERATION])
def test_provider_request_to_expedite_cannot_be_refused(kind):
    with pytest.raises(ExpediteRefusalNotAllowed):
        expedite_decide(
            kind=kind, filer=Filer.PROVIDER, is_requested=True, is_granted=False, refusal_reason="no"
        )


def test_granted_without_request_is_refused():
    with pytest.raises(InvalidCase):
        expedite_decide(kind=CaseKind.GRIEVANCE, filer=Filer.MEMBER, is_requested=False, is_granted=True)


# --- decisions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "outcome", "ok"),
    [
        (CaseKind.GRIEVANCE, Outcome.RESOLVED, True),
        (CaseKind.GRIEVANCE, Outcome.ADVERSE, False),
        (CaseKind.ORGANIZATION_DETERMINATION, Outcome.FAVORABLE, True),
        (CaseKind.ORGANIZATION_DETERMINATION, Outcome.RESOLVED, False),
        (CaseKind.RECONSIDERATION, Outcome.PARTIALLY_FAVORABLE, True),
    ],
)
def test_outcome_fits_the_kind(kind, outcome, ok):
    if ok:
        outcome_check(kind=kind, outcome=outcome)
    else:
        with pytest.raises(InvalidDecision):
            outcome_check(kind=kind, outcome=outcome)


def test_adverse_reconsideration_for_both_programs_forwards_to_ire_and_gives_state_hearing_rights(rule_table):
    result = after_decision(
        table=rule_table,
        kind=CaseKind.RECONSIDERATION,
        programs=[Program.MEDICARE_A_B, Program.MEDI_CAL],
        outcome=Outcome.ADVERSE,
        decided_at=la(2026, 1, 10, 16),
    )
    assert result.forward_to_ire
    assert result.state_hearing_rights
    assert result.state_hearing_last_day == dt.date(2026, 5, 10)  # 120 days from 10 January
    assert result.continuation_end_unless_hearing == dt.date(2026, 1, 20)
    assert result.effectuation is None
    assert any("422.634" in c for c in result.citations)


def test_adverse_reconsideration_medi_cal_only_is_not_forwarded_to_the_ire(rule_table):
    result = after_decision(
        table=rule_table,
        kind=CaseKind.RECONSIDERATION,
        programs=[Program.MEDI_CAL],
        outcome=Outcome.ADVERSE,
        decided_at=la(2026, 1, 10, 16),
        notice_date=dt.date(2026, 1, 12),
    )
    assert not result.forward_to_ire
    assert result.state_hearing_rights
    assert result.state_hearing_last_day == dt.date(2026, 5, 12)


def test_adverse_reconsideration_part_b_drug_is_forwarded_without_state_hearing(rule_table):
    result = after_decision(
        table=rule_table,
        kind=CaseKind.RECONSIDERATION,
        programs=[Program.PART_B_DRUG],
        outcome=Outcome.ADVERSE,
        decided_at=la(2026, 1, 10, 16),
    )
    assert result.forward_to_ire
    assert not result.state_hearing_rights
    assert result.state_hearing_last_day is None


def test_partially_favorable_reconsideration_is_forwarded_and_effectuated(rule_table):
    result = after_decision(
        table=rule_table,
        kind=CaseKind.RECONSIDERATION,
        programs=[Program.MEDICARE_A_B],
        outcome=Outcome.PARTIALLY_FAVORABLE,
        decided_at=la(2026, 3, 7, 9),
    )
    assert result.forward_to_ire
    assert result.effectuation is not None
    assert result.effectuation.due_at == la(2026, 3, 10, 10)  # 72 elapsed hours across spring forward


def test_favorable_reconsideration_is_effectuated_not_forwarded(rule_table):
    result = after_decision(
        table=rule_table,
        kind=CaseKind.RECONSIDERATION,
        programs=[Program.MEDICARE_A_B, Program.MEDI_CAL],
        outcome=Outcome.FAVORABLE,
        decided_at=la(2026, 1, 10, 16),
    )
    assert not result.forward_to_ire
    assert not result.state_hearing_rights
    assert result.effectuation is not None
    assert result.effectuation.due_at == la(2026, 1, 13, 16)


def test_adverse_od_gives_the_reconsideration_deadline_and_no_forwarding(rule_table):
    result = after_decision(
        table=rule_table,
        kind=CaseKind.ORGANIZATION_DETERMINATION,
        programs=[Program.MEDICARE_A_B, Program.MEDI_CAL],
        outcome=Outcome.ADVERSE,
        decided_at=la(2026, 1, 1, 23, 30),
    )
    assert not result.forward_to_ire
    assert not result.state_hearing_rights
    assert result.reconsideration_last_day == dt.date(2026, 3, 7)


def test_resolved_grievance_sets_nothing_in_motion(rule_table):
    result = after_decision(
        table=rule_table,
        kind=CaseKind.GRIEVANCE,
        programs=[Program.MEDI_CAL],
        outcome=Outcome.RESOLVED,
        decided_at=la(2026, 1, 10, 16),
    )
    assert (result.forward_to_ire, result.state_hearing_rights, result.effectuation) == (False, False, None)
    assert result.reconsideration_last_day is None
