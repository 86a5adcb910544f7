"""Case-level rules: routing Part D out, which clock applies, expediting, decisions and what follows.

42 CFR 422.629-422.634 (DOMAIN.md §9). Part D coverage determinations, redeterminations and Part D
grievances are not integrated: they are routed to the Part D process (Part 423 subparts M and U).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from memberhub.appeals.clock import (
    Clock,
    as_utc,
    clock_compute,
    clock_from_decision,
    local_date,
    window_last_day,
)
from memberhub.appeals.enums import (
    ADVERSE_OUTCOMES,
    INTEGRATED_PROGRAMS,
    MEDICARE_PROGRAMS,
    CaseKind,
    Filer,
    Outcome,
    Priority,
    Program,
)
from memberhub.appeals.errors import ExpediteRefusalNotAllowed, InvalidCase, InvalidDecision
from memberhub.appeals.rules import RuleTable

PART_D_ROUTING_NOTE = (
    "Part D requests are not part of the integrated process (42 CFR 422.629; Part 423 subparts M "
    "and U): routed to the Part D coverage determination / redetermination / grievance process."
)


@dataclass(frozen=True)
class Routing:
    integrated: frozenset[Program]
    routed_out: frozenset[Program]

    @property
    def is_routed_out_entirely(self) -> bool:
        return not self.integrated

    @property
    def note(self) -> str:
        return PART_D_ROUTING_NOTE if self.routed_out else ""


def programs_route(programs: Iterable[Program]) -> Routing:
    """Split the programs a case is about into the integrated ones and those routed out (Part D)."""
    chosen = frozenset(programs)
    if not chosen:
        raise InvalidCase("Say which program covers the service or drug", field="programs")
    return Routing(integrated=chosen & INTEGRATED_PROGRAMS, routed_out=chosen - INTEGRATED_PROGRAMS)


def resolution_rule_key(*, kind: CaseKind, program: Program, priority: Priority) -> str:
    """The rule-table key of the resolution clock for one program of a case."""
    if program is Program.PART_D:
        raise InvalidCase(PART_D_ROUTING_NOTE, field="programs")
    expedited = priority is Priority.EXPEDITED
    if kind is CaseKind.GRIEVANCE:
        return "grievance.expedited" if expedited else "grievance.standard"
    prefix = "od" if kind is CaseKind.ORGANIZATION_DETERMINATION else "recon"
    if program is Program.PART_B_DRUG:
        return f"{prefix}.part_b_drug.{priority.value}"
    if prefix == "od":
        return f"od.{priority.value}.service"
    return f"recon.{priority.value}"


def resolution_clock(
    *,
    table: RuleTable,
    kind: CaseKind,
    programs: Iterable[Program],
    priority: Priority,
    received_at: dt.datetime,
    filer: Filer = Filer.MEMBER,
    authorization_received_at: dt.datetime | None = None,
) -> Clock:
    """The clock of a case: where its programs carry different rules, the earliest due time wins
    (a request for a Part B drug and a service is answered on the Part B drug clock)."""
    routing = programs_route(programs)
    if routing.is_routed_out_entirely:
        raise InvalidCase(PART_D_ROUTING_NOTE, field="programs")
    keys = sorted(
        {resolution_rule_key(kind=kind, program=program, priority=priority) for program in routing.integrated}
    )
    clocks = [
        clock_compute(
            table=table,
            rule_key=key,
            received_at=received_at,
            filer=filer,
            authorization_received_at=authorization_received_at,
        )
        for key in keys
    ]
    return min(clocks, key=lambda clock: (as_utc(clock.due_at), clock.rule.key))


def acknowledgment_clock(*, table: RuleTable, received_at: dt.datetime) -> Clock:
    return clock_compute(table=table, rule_key="acknowledgment", received_at=received_at)


@dataclass(frozen=True)
class ExpediteDecision:
    priority: Priority
    is_requested: bool
    is_granted: bool
    refusal_reason: str

    @property
    def sends_fast_complaint_notice(self) -> bool:
        """A refused expedite request earns the 'right to make a fast complaint' letter."""
        return self.is_requested and not self.is_granted


def expedite_decide(
    *,
    kind: CaseKind,
    filer: Filer,
    is_requested: bool,
    is_granted: bool,
    refusal_reason: str = "",
) -> ExpediteDecision:
    """Standard or expedited. When a provider asks to expedite an OD or a reconsideration, the plan
    must (422.631(c)(3), 422.633(e)); a refusal needs a reason."""
    if not is_requested:
        if is_granted:
            raise InvalidCase("Expedited handling was not requested", field="expedited_granted")
        return ExpediteDecision(Priority.STANDARD, False, False, "")
    if is_granted:
        return ExpediteDecision(Priority.EXPEDITED, True, True, "")
    if filer is Filer.PROVIDER and kind is not CaseKind.GRIEVANCE:
        raise ExpediteRefusalNotAllowed(
            "A provider indicated that the standard time could seriously jeopardize the member's "
            "health: the request must be expedited (42 CFR 422.631(c)(3), 422.633(e))",
            field="expedited_granted",
        )
    reason = refusal_reason.strip()
    if not reason:
        raise InvalidCase("Give the reason expedited handling is refused", field="expedite_refusal_reason")
    return ExpediteDecision(Priority.STANDARD, True, False, reason)


def outcome_check(*, kind: CaseKind, outcome: Outcome) -> None:
    if kind is CaseKind.GRIEVANCE:
        if outcome is not Outcome.RESOLVED:
            raise InvalidDecision("A grievance is decided as resolved", field="outcome")
    elif outcome is Outcome.RESOLVED:
        raise InvalidDecision(
            "A coverage decision is favorable, partially favorable or adverse", field="outcome"
        )


@dataclass(frozen=True)
class AfterDecision:
    """What the decision sets in motion (decision letter content and follow-up clocks)."""

    forward_to_ire: bool  # Medicare part of an adverse reconsideration: auto-forward (422.634)
    state_hearing_rights: bool  # Medi-Cal part of an adverse reconsideration
    state_hearing_last_day: dt.date | None
    reconsideration_last_day: dt.date | None  # adverse OD: last day to ask for a reconsideration
    continuation_end_unless_hearing: dt.date | None  # 10 days after the adverse recon notice
    effectuation: Clock | None  # reversal: authorize/provide within 72 hours
    citations: tuple[str, ...]


def after_decision(
    *,
    table: RuleTable,
    kind: CaseKind,
    programs: Iterable[Program],
    outcome: Outcome,
    decided_at: dt.datetime,
    notice_date: dt.date | None = None,
) -> AfterDecision:
    """Consequences of a decision.

    - Adverse or partly adverse integrated reconsideration: the Medicare part goes to the Part C IRE
      automatically; the Medi-Cal part carries State Hearing rights (120 days from the notice).
    - Adverse OD: the member may ask for an integrated reconsideration (60 days + 5 mailing days).
    - Favorable or partly favorable reconsideration: effectuate the reversal within 72 hours.
    """
    outcome_check(kind=kind, outcome=outcome)
    routing = programs_route(programs)
    tz = table.timezone
    notice_day = notice_date or local_date(decided_at, tz)
    adverse = outcome in ADVERSE_OUTCOMES
    forward = sfh = False
    sfh_last = recon_last = continuation_end = None
    effectuation = None
    citations: list[str] = []
    if kind is CaseKind.RECONSIDERATION and adverse:
        forward = bool(routing.integrated & MEDICARE_PROGRAMS)
        sfh = Program.MEDI_CAL in routing.integrated
        if forward:
            citations.append("42 CFR 422.634: Medicare part auto-forwarded to the Part C IRE")
        if sfh:
            rule = table.get("sfh.filing_window", on=notice_day)
            sfh_last = window_last_day(rule=rule, notice_date=notice_day)
            citations.append(rule.citation)
        cont_rule = table.get("continuation.after_adverse_reconsideration", on=notice_day)
        continuation_end = window_last_day(rule=cont_rule, notice_date=notice_day)
    if kind is CaseKind.ORGANIZATION_DETERMINATION and adverse:
        rule = table.get("recon.filing_window", on=notice_day)
        recon_last = window_last_day(rule=rule, notice_date=notice_day)
        citations.append(rule.citation)
    if kind is CaseKind.RECONSIDERATION and outcome in {
        Outcome.FAVORABLE,
        Outcome.PARTIALLY_FAVORABLE,
    }:
        effectuation = clock_from_decision(
            table=table, rule_key="effectuation.reversal", decided_at=decided_at
        )
        citations.append(effectuation.rule.citation)
    return AfterDecision(
        forward_to_ire=forward,
        state_hearing_rights=sfh,
        state_hearing_last_day=sfh_last,
        reconsideration_last_day=recon_last,
        continuation_end_unless_hearing=continuation_end,
        effectuation=effectuation,
        citations=tuple(citations),
    )
