"""Timeliness report: per plan pair, month and case kind, how many cases were resolved on time.

A case counts in the month (Los Angeles calendar) it was resolved; a case still open past its due
time counts as "open overdue" in the month it fell due. Average days = received → resolved, for
resolved cases only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from memberhub.appeals.clock import as_utc
from memberhub.appeals.enums import CaseKind


@dataclass(frozen=True)
class CaseTiming:
    pair: str
    kind: CaseKind
    received_at: dt.datetime
    due_at: dt.datetime
    resolved_at: dt.datetime | None


@dataclass(frozen=True)
class TimelinessRow:
    pair: str
    month: str  # YYYY-MM
    kind: CaseKind
    resolved: int
    on_time: int
    late: int
    open_overdue: int
    average_days: float | None

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time / self.resolved, 4) if self.resolved else None


_KIND_ORDER = {kind: i for i, kind in enumerate(CaseKind)}


def timeliness_report(cases: Iterable[CaseTiming], *, tz: ZoneInfo, now: dt.datetime) -> list[TimelinessRow]:
    buckets: dict[tuple[str, str, CaseKind], dict[str, float]] = defaultdict(
        lambda: {"resolved": 0, "on_time": 0, "late": 0, "open_overdue": 0, "days": 0.0}
    )
    for case in cases:
        if case.resolved_at is not None:
            month = case.resolved_at.astimezone(tz).strftime("%Y-%m")
            bucket = buckets[(case.pair, month, case.kind)]
            bucket["resolved"] += 1
            resolved_at = as_utc(case.resolved_at)
            bucket["on_time" if resolved_at <= as_utc(case.due_at) else "late"] += 1
            bucket["days"] += (resolved_at - as_utc(case.received_at)).total_seconds() / 86400
        elif as_utc(now) > as_utc(case.due_at):
            month = case.due_at.astimezone(tz).strftime("%Y-%m")
            buckets[(case.pair, month, case.kind)]["open_overdue"] += 1
    rows = []
    for (pair, month, kind), b in buckets.items():
        resolved = int(b["resolved"])
        rows.append(
            TimelinessRow(
                pair=pair,
                month=month,
                kind=kind,
                resolved=resolved,
                on_time=int(b["on_time"]),
                late=int(b["late"]),
                open_overdue=int(b["open_overdue"]),
                average_days=round(b["days"] / resolved, 2) if resolved else None,
            )
        )
    rows.sort(key=lambda r: (r.pair, r.month, _KIND_ORDER[r.kind]))
    return rows
