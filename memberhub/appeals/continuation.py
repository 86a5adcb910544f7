"""Continuation of benefits pending an integrated reconsideration (42 CFR 422.632; model 438.420).

Benefits continue if all hold: the appeal is an integrated reconsideration, filed timely (within 10
days of the notice date or by the intended effective date, whichever is later), about a reduction,
suspension or termination of a previously authorized service, ordered by an authorized provider,
within the original authorization period, and the member asks for it. They end at the earliest of:
withdrawal, 10 days after an adverse reconsideration notice (unless a State Hearing with
continuation is requested within those 10 days), an adverse hearing decision, or the end of the
authorization period / service limits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from memberhub.appeals.clock import window_last_day
from memberhub.appeals.enums import (
    CONTINUATION_ACTIONS,
    INTEGRATED_PROGRAMS,
    ActionType,
    CaseKind,
    Program,
)
from memberhub.appeals.rules import RuleTable


class ContinuationRefusal(StrEnum):
    NOT_A_RECONSIDERATION = "not_a_reconsideration"
    NOT_INTEGRATED = "not_integrated"
    ACTION_NOT_REDUCTION_OR_TERMINATION = "action_not_reduction_or_termination"
    NOT_PREVIOUSLY_AUTHORIZED = "not_previously_authorized"
    REQUEST_LATE = "request_late"
    NOT_ORDERED_BY_AUTHORIZED_PROVIDER = "not_ordered_by_authorized_provider"
    AUTHORIZATION_EXPIRED = "authorization_expired"
    NOT_REQUESTED = "not_requested"


REFUSAL_TEXT: dict[ContinuationRefusal, str] = {
    ContinuationRefusal.NOT_A_RECONSIDERATION: "only an integrated reconsideration (appeal) continues benefits",
    ContinuationRefusal.NOT_INTEGRATED: "Part D services are not continued under the integrated process",
    ContinuationRefusal.ACTION_NOT_REDUCTION_OR_TERMINATION: "the notice did not reduce, suspend or end a service",
    ContinuationRefusal.NOT_PREVIOUSLY_AUTHORIZED: "the service was not previously authorized",
    ContinuationRefusal.REQUEST_LATE: "the appeal was not filed within the continuation window",
    ContinuationRefusal.NOT_ORDERED_BY_AUTHORIZED_PROVIDER: "the service was not ordered by an authorized provider",
    ContinuationRefusal.AUTHORIZATION_EXPIRED: "the original authorization period has ended",
    ContinuationRefusal.NOT_REQUESTED: "the member did not ask for continuation",
}


@dataclass(frozen=True)
class ContinuationDecision:
    is_granted: bool
    window_last_day: dt.date
    refusals: tuple[ContinuationRefusal, ...]

    @property
    def explanation(self) -> str:
        return "; ".join(REFUSAL_TEXT[r] for r in self.refusals)


def continuation_evaluate(
    *,
    table: RuleTable,
    kind: CaseKind,
    programs: Iterable[Program],
    action: ActionType,
    is_previously_authorized: bool,
    notice_date: dt.date,
    action_effective_date: dt.date | None,
    filed_on: dt.date,
    is_ordered_by_authorized_provider: bool,
    authorization_end_date: dt.date | None,
    is_requested: bool,
) -> ContinuationDecision:
    """Whether benefits continue while the reconsideration is pending, with every failing test."""
    rule = table.get("continuation.request_window", on=filed_on)
    last_day = window_last_day(
        rule=rule, notice_date=notice_date, action_effective_date=action_effective_date
    )
    refusals: list[ContinuationRefusal] = []
    if kind is not CaseKind.RECONSIDERATION:
        refusals.append(ContinuationRefusal.NOT_A_RECONSIDERATION)
    if not (frozenset(programs) & INTEGRATED_PROGRAMS):
        refusals.append(ContinuationRefusal.NOT_INTEGRATED)
    if action not in CONTINUATION_ACTIONS:
        refusals.append(ContinuationRefusal.ACTION_NOT_REDUCTION_OR_TERMINATION)
    if not is_previously_authorized:
        refusals.append(ContinuationRefusal.NOT_PREVIOUSLY_AUTHORIZED)
    if filed_on > last_day:
        refusals.append(ContinuationRefusal.REQUEST_LATE)
    if not is_ordered_by_authorized_provider:
        refusals.append(ContinuationRefusal.NOT_ORDERED_BY_AUTHORIZED_PROVIDER)
    if authorization_end_date is not None and authorization_end_date < filed_on:
        refusals.append(ContinuationRefusal.AUTHORIZATION_EXPIRED)
    if not is_requested:
        refusals.append(ContinuationRefusal.NOT_REQUESTED)
    return ContinuationDecision(is_granted=not refusals, window_last_day=last_day, refusals=tuple(refusals))


class ContinuationEndReason(StrEnum):
    WITHDRAWN = "withdrawn"
    ADVERSE_RECONSIDERATION = "adverse_reconsideration"  # 10 days after the notice, no hearing asked
    HEARING_ADVERSE = "hearing_adverse"
    AUTHORIZATION_LIMIT = "authorization_limit"


@dataclass(frozen=True)
class ContinuationEnd:
    ends_on: dt.date | None  # last day benefits continue; None while no end condition is known
    reason: ContinuationEndReason | None

    def is_active_on(self, day: dt.date) -> bool:
        return self.ends_on is None or day <= self.ends_on


def continuation_end(
    *,
    table: RuleTable,
    authorization_end_date: dt.date | None,
    withdrawn_on: dt.date | None = None,
    adverse_notice_date: dt.date | None = None,
    hearing_with_continuation_requested_on: dt.date | None = None,
    hearing_adverse_on: dt.date | None = None,
) -> ContinuationEnd:
    """The earliest end condition that applies (438.420(c) model, 422.632)."""
    candidates: list[tuple[dt.date, ContinuationEndReason]] = []
    if withdrawn_on is not None:
        candidates.append((withdrawn_on, ContinuationEndReason.WITHDRAWN))
    if adverse_notice_date is not None:
        rule = table.get("continuation.after_adverse_reconsideration", on=adverse_notice_date)
        ten_days = window_last_day(rule=rule, notice_date=adverse_notice_date)
        hearing_in_time = (
            hearing_with_continuation_requested_on is not None
            and adverse_notice_date <= hearing_with_continuation_requested_on <= ten_days
        )
        if not hearing_in_time:
            candidates.append((ten_days, ContinuationEndReason.ADVERSE_RECONSIDERATION))
        elif hearing_adverse_on is not None:
            candidates.append((hearing_adverse_on, ContinuationEndReason.HEARING_ADVERSE))
    if authorization_end_date is not None:
        candidates.append((authorization_end_date, ContinuationEndReason.AUTHORIZATION_LIMIT))
    if not candidates:
        return ContinuationEnd(ends_on=None, reason=None)
    ends_on, reason = min(candidates, key=lambda c: c[0])
    return ContinuationEnd(ends_on=ends_on, reason=reason)
