"""Reads for grievance and appeal cases, always scoped to the caller."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from apps.appeals.models import Case, CaseQuerySet
from apps.appeals.rules import rule_table
from apps.members.models import Member
from apps.members.selectors import member_queryset_for_user
from memberhub.appeals import enums
from memberhub.appeals.clock import clock_state, local_date, time_left_describe
from memberhub.appeals.errors import RuleNotFound
from memberhub.appeals.status import CLOCK_RUNNING
from memberhub.appeals.timeliness import CaseTiming, TimelinessRow, timeliness_report


def case_queryset_for_user(*, user: Any) -> CaseQuerySet:
    """Cases of the members the caller may see (a member: their own; a rep: their organization's)."""
    return Case.objects.filter(member__in=member_queryset_for_user(user=user)).select_related(
        "member", "pair"
    )


def case_get_for_user(*, user: Any, case_pk: uuid.UUID | str) -> Case:
    try:
        return case_queryset_for_user(user=user).get(pk=case_pk)
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such case.") from exc


def case_list_for_member(*, member: Member) -> QuerySet[Case]:
    return Case.objects.filter(member=member).prefetch_related("letters").order_by("-received_at")


@dataclass(frozen=True)
class CaseClock:
    state: enums.ClockState
    text: str
    due_at: dt.datetime | None

    @property
    def is_overdue(self) -> bool:
        return self.state is enums.ClockState.OVERDUE

    @property
    def is_at_risk(self) -> bool:
        return self.state is enums.ClockState.AT_RISK


def case_clock(*, case: Case, now: dt.datetime | None = None) -> CaseClock:
    """Live clock of a case: state and 'due in 2 days 4 hours' / 'overdue by 3 hours'."""
    now = now or timezone.now()
    running = case.status in {s.value for s in CLOCK_RUNNING} and case.due_at is not None
    if not running or case.due_at is None:
        if case.status == enums.Status.ROUTED_OUT:
            text = "routed to the Part D process"
        elif case.decided_at is not None:
            text = "decided " + ("on time" if case.due_at and case.decided_at <= case.due_at else "late")
        else:
            text = "clock stopped"
        return CaseClock(state=enums.ClockState.STOPPED, text=text, due_at=case.due_at)
    table = rule_table()
    try:
        at_risk = table.get(case.rule_key, on=local_date(case.received_at, table.timezone)).at_risk
    except RuleNotFound:
        at_risk = None
    state = clock_state(due_at=case.due_at, now=now, at_risk=at_risk)
    return CaseClock(state=state, text=time_left_describe(due_at=case.due_at, now=now), due_at=case.due_at)


_STATE_RANK = {
    enums.ClockState.OVERDUE: 0,
    enums.ClockState.AT_RISK: 1,
    enums.ClockState.ON_TRACK: 2,
    enums.ClockState.STOPPED: 3,
}


@dataclass(frozen=True)
class QueueItem:
    case: Case
    clock: CaseClock
    is_acknowledgment_overdue: bool = False  # still "received" after the 5-day acknowledgment time

    @property
    def is_expedited(self) -> bool:
        return self.case.priority == enums.Priority.EXPEDITED


def case_queue(
    *, user: Any, now: dt.datetime | None = None, pair_code: str = "", limit: int = 500, brief: bool = True
) -> list[QueueItem]:
    """Open cases by time left: overdue first, then at risk, then the rest; soonest due first.

    ``brief`` loads only the columns the queue pages show (pass False to serialize whole cases)."""
    now = now or timezone.now()
    cases = case_queryset_for_user(user=user).open().filter(due_at__isnull=False)
    if pair_code:
        cases = cases.filter(pair__code=pair_code)
    # Only the columns the queue shows: loading every timestamp of wide rows dominated the time.
    if brief:
        cases = cases.only(
            "id",
            "number",
            "kind",
            "status",
            "priority",
            "received_at",
            "due_at",
            "rule_key",
            "decided_at",
            "acknowledgment_due_at",
            "member_id",
            "member__member_id",
            "member__first_name",
            "member__last_name",
            "pair_id",
            "pair__code",
        )
    items = [
        QueueItem(
            case=c,
            clock=case_clock(case=c, now=now),
            is_acknowledgment_overdue=c.status == enums.Status.RECEIVED
            and c.acknowledgment_due_at is not None
            and c.acknowledgment_due_at < now,
        )
        for c in cases.order_by("due_at")[:limit]
    ]
    items.sort(key=lambda item: (_STATE_RANK[item.clock.state], item.case.due_at))
    return items


def timeliness_rows(
    *,
    user: Any,
    pair_code: str = "",
    month_from: str = "",
    month_to: str = "",
    now: dt.datetime | None = None,
) -> list[TimelinessRow]:
    """Timeliness per plan pair, month and kind (resolution = the decision; late = after the due time)."""
    now = now or timezone.now()
    cases = (
        case_queryset_for_user(user=user)
        .exclude(status__in=[enums.Status.ROUTED_OUT, enums.Status.WITHDRAWN])
        .filter(due_at__isnull=False)
    )
    if pair_code:
        cases = cases.filter(pair__code=pair_code)
    timings = [
        CaseTiming(
            pair=pair or "(no pair)",
            kind=enums.CaseKind(kind),
            received_at=received_at,
            due_at=due_at,
            resolved_at=decided_at,
        )
        for pair, kind, received_at, due_at, decided_at in cases.values_list(
            "pair__code", "kind", "received_at", "due_at", "decided_at"
        )
        if due_at is not None
    ]
    rows = timeliness_report(timings, tz=rule_table().timezone, now=now)
    return [
        row
        for row in rows
        if (not month_from or row.month >= month_from) and (not month_to or row.month <= month_to)
    ]


TIMELINESS_CSV_HEADER = (
    "plan_pair",
    "month",
    "case_kind",
    "resolved",
    "on_time",
    "late",
    "open_overdue",
    "on_time_rate",
    "average_days",
)


def timeliness_csv(rows: list[TimelinessRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(TIMELINESS_CSV_HEADER)
    for row in rows:
        writer.writerow(
            [
                row.pair,
                row.month,
                row.kind.value,
                row.resolved,
                row.on_time,
                row.late,
                row.open_overdue,
                "" if row.on_time_rate is None else f"{row.on_time_rate:.4f}",
                "" if row.average_days is None else f"{row.average_days:.2f}",
            ]
        )
    return out.getvalue()
