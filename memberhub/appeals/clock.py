"""Regulatory clocks: due times, extensions, tolling, filing windows, at-risk classification.

Conventions (documented in config/appeals/rules.yaml):
- Calendar-day limits count on the America/Los_Angeles calendar: receipt at any time on day 0 is due
  by the end of day N (23:59:59.999999 Los Angeles time). A request received at 23:59 in Los Angeles
  is received that day, even though it is already the next day in UTC.
- Hour limits are elapsed time: 72 hours across the spring-forward night ends at a wall-clock time
  one hour later than the same span on an ordinary night.
- Extensions add calendar days on the wall clock in Los Angeles.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from memberhub.appeals.enums import ClockState, ExtensionRequester, Filer
from memberhub.appeals.errors import (
    ExtensionNotAllowed,
    FilingWindowExpired,
    InvalidCase,
    InvalidTimestamp,
)
from memberhub.appeals.rules import Anchor, Rule, RuleTable, Span, Tolling, Unit

_UTC = dt.UTC
_END_OF_DAY = dt.time(23, 59, 59, 999999)


def require_aware(value: dt.datetime, *, name: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidTimestamp(f"{name} must carry a time zone", field=name)
    return value


def as_utc(value: dt.datetime) -> dt.datetime:
    """Compare and subtract instants in UTC: Python compares two datetimes that share a tzinfo by
    wall time, which is wrong across a daylight-saving change."""
    return require_aware(value, name="timestamp").astimezone(_UTC)


def local_date(value: dt.datetime, tz: ZoneInfo) -> dt.date:
    """The calendar date of an instant in the rule table's time zone."""
    return require_aware(value, name="timestamp").astimezone(tz).date()


def end_of_day(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, _END_OF_DAY, tzinfo=tz)


def _normalize(value: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """Round-trip through UTC so a wall time in a DST gap or fold resolves to a real instant."""
    return value.astimezone(_UTC).astimezone(tz)


def add_calendar_days(value: dt.datetime, days: int, tz: ZoneInfo) -> dt.datetime:
    """Same wall-clock time ``days`` calendar days later in ``tz``."""
    local = require_aware(value, name="timestamp").astimezone(tz)
    return _normalize(local + dt.timedelta(days=days), tz)


def add_span(start: dt.datetime, span: Span, tz: ZoneInfo) -> dt.datetime:
    """The due instant of ``span`` counted from ``start``."""
    require_aware(start, name="start")
    if span.unit is Unit.HOURS:
        return (start.astimezone(_UTC) + dt.timedelta(hours=span.amount)).astimezone(tz)
    return end_of_day(local_date(start, tz) + dt.timedelta(days=span.amount), tz)


@dataclass(frozen=True)
class Clock:
    rule: Rule
    started_at: dt.datetime
    due_at: dt.datetime
    tolled_until: dt.datetime | None = None  # set when the start was moved by a tolling rule


def clock_start(
    *,
    rule: Rule,
    received_at: dt.datetime,
    filer: Filer,
    authorization_received_at: dt.datetime | None,
) -> tuple[dt.datetime, dt.datetime | None]:
    """When the clock starts, and the tolling end if a tolling rule moved it.

    Receipt anywhere in the organization starts the clock. The only tolling the table knows is
    ``representative_authorization``: for a representative's request, the clock starts when the
    authorization arrives, if later than receipt (and only for rules that list it).
    """
    require_aware(received_at, name="received_at")
    if (
        filer is Filer.REPRESENTATIVE
        and Tolling.REPRESENTATIVE_AUTHORIZATION in rule.tolling
        and authorization_received_at is not None
    ):
        require_aware(authorization_received_at, name="authorization_received_at")
        if as_utc(authorization_received_at) > as_utc(received_at):
            return authorization_received_at, authorization_received_at
    return received_at, None


def clock_compute(
    *,
    table: RuleTable,
    rule_key: str,
    received_at: dt.datetime,
    filer: Filer = Filer.MEMBER,
    authorization_received_at: dt.datetime | None = None,
) -> Clock:
    """Due time of rule ``rule_key`` for a request received at ``received_at``.

    The rule version is the one in force on the receipt date (Los Angeles calendar).
    """
    tz = table.timezone
    rule = table.get(rule_key, on=local_date(received_at, tz))
    if rule.anchor is not Anchor.RECEIPT:
        raise InvalidCase(f"Rule {rule_key!r} is not a receipt clock", rule_key=rule_key)
    started_at, tolled_until = clock_start(
        rule=rule,
        received_at=received_at,
        filer=filer,
        authorization_received_at=authorization_received_at,
    )
    return Clock(
        rule=rule,
        started_at=started_at.astimezone(tz),
        due_at=add_span(started_at, rule.limit, tz),
        tolled_until=tolled_until,
    )


def clock_from_decision(*, table: RuleTable, rule_key: str, decided_at: dt.datetime) -> Clock:
    tz = table.timezone
    rule = table.get(rule_key, on=local_date(decided_at, tz))
    if rule.anchor is not Anchor.DECISION:
        raise InvalidCase(f"Rule {rule_key!r} is not a decision clock", rule_key=rule_key)
    return Clock(rule=rule, started_at=decided_at.astimezone(tz), due_at=add_span(decided_at, rule.limit, tz))


@dataclass(frozen=True)
class Extension:
    days: int
    total_days: int
    new_due_at: dt.datetime
    requested_by: ExtensionRequester
    reason: str


def extension_compute(
    *,
    table: RuleTable,
    rule: Rule,
    original_due_at: dt.datetime,
    current_due_at: dt.datetime,
    days_already_extended: int,
    days: int,
    requested_by: ExtensionRequester,
    reason: str,
    now: dt.datetime,
) -> Extension:
    """Check and compute an extension of the resolution clock.

    Only rules with ``extension_max_days`` can be extended, by at most that many days in total, before
    the current due time, and always with a reason (the notice to the member states it).
    """
    require_aware(now, name="now")
    if not rule.allows_extension or rule.extension_max_days is None:
        raise ExtensionNotAllowed(f"Rule {rule.key} ({rule.citation}) allows no extension", rule_key=rule.key)
    if days < 1:
        raise ExtensionNotAllowed("An extension is at least 1 day", field="days")
    total = days_already_extended + days
    if total > rule.extension_max_days:
        remaining = rule.extension_max_days - days_already_extended
        raise ExtensionNotAllowed(
            f"Rule {rule.key} allows at most {rule.extension_max_days} days of extension; {remaining} left",
            field="days",
            max_days=rule.extension_max_days,
            remaining_days=remaining,
        )
    if as_utc(now) > as_utc(current_due_at):
        raise ExtensionNotAllowed("An extension must be taken before the case is due", field="days")
    if not reason.strip():
        raise ExtensionNotAllowed(
            "Give the reason for the extension (it goes into the notice to the member)",
            field="reason",
        )
    new_due_at = add_calendar_days(original_due_at, total, table.timezone)
    return Extension(
        days=days,
        total_days=total,
        new_due_at=new_due_at,
        requested_by=requested_by,
        reason=reason.strip(),
    )


@dataclass(frozen=True)
class WindowCheck:
    rule: Rule
    notice_date: dt.date
    presumed_receipt: dt.date
    last_day: dt.date
    filed_on: dt.date
    is_timely: bool
    days_late: int
    good_cause_reason: str = ""

    @property
    def is_accepted(self) -> bool:
        return self.is_timely or bool(self.good_cause_reason)


def window_last_day(
    *, rule: Rule, notice_date: dt.date, action_effective_date: dt.date | None = None
) -> dt.date:
    """Last calendar day to file: notice date + presumed mailing days + limit in days."""
    if rule.anchor is not Anchor.NOTICE_DATE or rule.limit.unit is not Unit.DAYS:
        raise InvalidCase(f"Rule {rule.key!r} is not a filing window", rule_key=rule.key)
    last = notice_date + dt.timedelta(days=rule.mailing_days + rule.limit.amount)
    if rule.later_of_effective_date and action_effective_date is not None:
        last = max(last, action_effective_date)
    return last


def filing_window_check(
    *,
    table: RuleTable,
    rule_key: str,
    notice_date: dt.date,
    filed_at: dt.datetime,
    action_effective_date: dt.date | None = None,
    good_cause_reason: str = "",
) -> WindowCheck:
    """Was a request filed within the window that starts at ``notice_date``?

    ``filed_at`` is when the plan first received the request (Los Angeles calendar date counts).
    A late filing is accepted only with a good-cause reason and only for rules that allow it;
    otherwise :class:`FilingWindowExpired` is raised.
    """
    filed_on = local_date(filed_at, table.timezone)
    if notice_date > filed_on:
        raise InvalidCase("The notice date is after the date the request was received", field="notice_date")
    rule = table.get(rule_key, on=filed_on)
    last_day = window_last_day(
        rule=rule, notice_date=notice_date, action_effective_date=action_effective_date
    )
    days_late = max(0, (filed_on - last_day).days)
    reason = good_cause_reason.strip()
    check = WindowCheck(
        rule=rule,
        notice_date=notice_date,
        presumed_receipt=notice_date + dt.timedelta(days=rule.mailing_days),
        last_day=last_day,
        filed_on=filed_on,
        is_timely=days_late == 0,
        days_late=days_late,
        good_cause_reason=reason if days_late else "",
    )
    if check.is_timely:
        return check
    if not rule.good_cause:
        raise FilingWindowExpired(
            f"Filed {days_late} day(s) after the last day {last_day.isoformat()} "
            f"({rule.citation}); no good-cause exception applies",
            field="notice_date",
            last_day=last_day.isoformat(),
            days_late=days_late,
        )
    if not reason:
        raise FilingWindowExpired(
            f"Filed {days_late} day(s) after the last day {last_day.isoformat()} "
            f"({rule.citation}); record a good-cause reason to accept it",
            field="good_cause_reason",
            last_day=last_day.isoformat(),
            days_late=days_late,
        )
    return check


def clock_state(
    *,
    due_at: dt.datetime,
    now: dt.datetime,
    at_risk: Span | None,
    is_running: bool = True,
) -> ClockState:
    """On track, at risk (within the rule's at-risk span of the due time), or overdue."""
    require_aware(now, name="now")
    if not is_running:
        return ClockState.STOPPED
    if as_utc(now) > as_utc(due_at):
        return ClockState.OVERDUE
    if at_risk is not None and as_utc(due_at) - as_utc(now) <= at_risk.as_timedelta():
        return ClockState.AT_RISK
    return ClockState.ON_TRACK


def _plural(amount: int, word: str) -> str:
    return f"{amount} {word}" if amount == 1 else f"{amount} {word}s"


def duration_describe(delta: dt.timedelta) -> str:
    """'2 days 4 hours', '3 hours 5 minutes', '12 minutes', 'less than a minute'."""
    seconds = int(abs(delta).total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _plural(days, "day") + (f" {_plural(hours, 'hour')}" if hours else "")
    if hours:
        return _plural(hours, "hour") + (f" {_plural(minutes, 'minute')}" if minutes else "")
    if minutes:
        return _plural(minutes, "minute")
    return "less than a minute"


def time_left_describe(*, due_at: dt.datetime, now: dt.datetime) -> str:
    """Human clock for the case page and queue: 'due in 2 days 4 hours' / 'overdue by 3 hours'."""
    require_aware(now, name="now")
    left = as_utc(due_at) - as_utc(now)
    if left < dt.timedelta(0):
        return f"overdue by {duration_describe(-left)}"
    return f"due in {duration_describe(left)}"
