import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from memberhub.appeals.clock import (
    clock_compute,
    clock_state,
    duration_describe,
    extension_compute,
    filing_window_check,
    local_date,
    time_left_describe,
)
from memberhub.appeals.enums import ClockState, ExtensionRequester, Filer
from memberhub.appeals.errors import (
    ExtensionNotAllowed,
    FilingWindowExpired,
    InvalidCase,
    InvalidTimestamp,
)
from memberhub.appeals.rules import Span, Unit

LA = ZoneInfo("America/Los_Angeles")
UTC = dt.UTC


def la(*args):
    return dt.datetime(*args, tzinfo=LA)


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59, 999999), tzinfo=LA)


# --- calendar-day clocks: day N vs day N+1 -------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "rule_key", "received", "due_day"),
    [
        ("grievance 30 days", "grievance.standard", la(2026, 1, 1, 10, 0), dt.date(2026, 1, 31)),
        ("OD service 14 days", "od.standard.service", la(2026, 1, 1, 10, 0), dt.date(2026, 1, 15)),
        ("recon 30 days", "recon.standard", la(2026, 1, 1, 10, 0), dt.date(2026, 1, 31)),
        (
            "Part B drug recon 7 days",
            "recon.part_b_drug.standard",
            la(2026, 1, 1, 10, 0),
            dt.date(2026, 1, 8),
        ),
        ("acknowledgment 5 days", "acknowledgment", la(2026, 1, 1, 10, 0), dt.date(2026, 1, 6)),
        ("30 days over February", "recon.standard", la(2026, 2, 10, 9, 0), dt.date(2026, 3, 12)),
        ("30 days over leap day", "recon.standard", la(2028, 2, 10, 9, 0), dt.date(2028, 3, 11)),
    ],
)
def test_calendar_day_clock_ends_at_the_end_of_the_last_day_in_los_angeles(
    rule_table, _case, rule_key, received, due_day
):
    clock = clock_compute(table=rule_table, rule_key=rule_key, received_at=received)
    assert clock.due_at == end_of(due_day)
    # decided on the last day, one microsecond before midnight: on time; a moment later: overdue
    at_risk = clock.rule.at_risk
    assert clock_state(due_at=clock.due_at, now=end_of(due_day), at_risk=at_risk) is ClockState.AT_RISK
    next_midnight = dt.datetime.combine(due_day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=LA)
    assert clock_state(due_at=clock.due_at, now=next_midnight, at_risk=at_risk) is ClockState.OVERDUE


def test_day_30_is_on_time_and_day_31_is_late_for_a_grievance(rule_table):
    # given a grievance received on 1 March at 08:00
    clock = clock_compute(table=rule_table, rule_key="grievance.standard", received_at=la(2026, 3, 1, 8))
    # then the 30th day after receipt (31 March) is the last day
    day_30 = la(2026, 3, 31, 17, 0)
    day_31 = la(2026, 4, 1, 9, 0)
    assert day_30 <= clock.due_at < day_31
    assert (local_date(clock.due_at, LA) - dt.date(2026, 3, 1)).days == 30


@pytest.mark.parametrize(
    ("_case", "received_at", "receipt_day"),
    [
        (
            "23:59:30 in LA is already the next day in UTC",
            dt.datetime(2026, 1, 2, 7, 59, 30, tzinfo=UTC),
            dt.date(2026, 1, 1),
        ),
        ("00:00:10 in LA", dt.datetime(2026, 1, 2, 8, 0, 10, tzinfo=UTC), dt.date(2026, 1, 2)),
        (
            "summer: 23:59 PDT is 06:59 UTC next day",
            dt.datetime(2026, 7, 2, 6, 59, tzinfo=UTC),
            dt.date(2026, 7, 1),
        ),
        ("summer: 00:00 PDT is 07:00 UTC", dt.datetime(2026, 7, 2, 7, 0, tzinfo=UTC), dt.date(2026, 7, 2)),
    ],
)
def test_receipt_day_is_the_los_angeles_calendar_day(rule_table, _case, received_at, receipt_day):
    clock = clock_compute(table=rule_table, rule_key="grievance.standard", received_at=received_at)
    assert clock.started_at.date() == receipt_day
    assert clock.due_at == end_of(receipt_day + dt.timedelta(days=30))


def test_calendar_day_clock_crossing_spring_forward_keeps_local_midnight(rule_table):
    # 2026-03-08 02:00 PST -> 03:00 PDT
    clock = clock_compute(table=rule_table, rule_key="od.standard.service", received_at=la(2026, 3, 1, 12))
    assert clock.due_at == end_of(dt.date(2026, 3, 15))
    assert clock.due_at.utcoffset() == dt.timedelta(hours=-7)
    assert clock.due_at.astimezone(UTC) == dt.datetime(2026, 3, 16, 6, 59, 59, 999999, tzinfo=UTC)


# --- hour clocks: elapsed time across daylight-saving changes ------------------------------------


@pytest.mark.parametrize(
    ("_case", "rule_key", "received", "due"),
    [
        ("72h, ordinary week", "od.expedited.service", la(2026, 5, 4, 9), la(2026, 5, 7, 9)),
        (
            "72h across spring forward ends an hour later on the wall clock",
            "od.expedited.service",
            la(2026, 3, 7, 9),
            la(2026, 3, 10, 10),
        ),
        (
            "72h across fall back ends an hour earlier on the wall clock",
            "recon.expedited",
            la(2026, 10, 31, 9),
            la(2026, 11, 3, 8),
        ),
        (
            "24h grievance across spring forward",
            "grievance.expedited",
            la(2026, 3, 7, 12),
            la(2026, 3, 8, 13),
        ),
        (
            "24h Part B drug across fall back",
            "od.part_b_drug.expedited",
            la(2026, 10, 31, 12),
            la(2026, 11, 1, 11),
        ),
        (
            "72h Part B drug standard",
            "od.part_b_drug.standard",
            la(2026, 1, 1, 23, 30),
            la(2026, 1, 4, 23, 30),
        ),
        (
            "received 01:30 PST during the fall-back fold (second pass)",
            "grievance.expedited",
            dt.datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
            la(2026, 11, 2, 1, 30),
        ),
    ],
)
def test_hour_clock_counts_elapsed_hours(rule_table, _case, rule_key, received, due):
    clock = clock_compute(table=rule_table, rule_key=rule_key, received_at=received)
    assert clock.due_at == due
    elapsed = clock.due_at.astimezone(UTC) - received.astimezone(UTC)
    assert elapsed == clock.rule.limit.as_timedelta()


def test_naive_timestamp_is_refused(rule_table):
    with pytest.raises(InvalidTimestamp):
        clock_compute(
            table=rule_table, rule_key="grievance.standard", received_at=dt.datetime(2026, 1, 1, 10)
        )


def test_filing_window_rule_is_not_a_receipt_clock(rule_table):
    with pytest.raises(InvalidCase):
        clock_compute(table=rule_table, rule_key="recon.filing_window", received_at=la(2026, 1, 1, 10))


# --- tolling ------------------------------------------------------------------------------------


def test_representative_request_clock_starts_when_the_authorization_arrives(rule_table):
    received = la(2026, 2, 2, 10)
    authorization = la(2026, 2, 5, 16)
    clock = clock_compute(
        table=rule_table,
        rule_key="recon.standard",
        received_at=received,
        filer=Filer.REPRESENTATIVE,
        authorization_received_at=authorization,
    )
    assert clock.started_at == authorization
    assert clock.tolled_until == authorization
    assert clock.due_at == end_of(dt.date(2026, 3, 7))


@pytest.mark.parametrize(
    ("_case", "rule_key", "filer", "authorization"),
    [
        ("grievances are not tolled", "grievance.standard", Filer.REPRESENTATIVE, la(2026, 2, 5, 16)),
        ("member filings are not tolled", "recon.standard", Filer.MEMBER, la(2026, 2, 5, 16)),
        ("authorization already on file", "recon.standard", Filer.REPRESENTATIVE, la(2026, 1, 5, 16)),
        (
            "Part B drug clocks are not tolled",
            "od.part_b_drug.standard",
            Filer.REPRESENTATIVE,
            la(2026, 2, 5, 16),
        ),
    ],
)
def test_clock_starts_at_receipt_without_applicable_tolling(
    rule_table, _case, rule_key, filer, authorization
):
    received = la(2026, 2, 2, 10)
    clock = clock_compute(
        table=rule_table,
        rule_key=rule_key,
        received_at=received,
        filer=filer,
        authorization_received_at=authorization,
    )
    assert clock.started_at == received
    assert clock.tolled_until is None


# --- extensions ---------------------------------------------------------------------------------


def _extend(rule_table, clock, *, days, already=0, current_due=None, now=None, reason="need records"):
    return extension_compute(
        table=rule_table,
        rule=clock.rule,
        original_due_at=clock.due_at,
        current_due_at=current_due or clock.due_at,
        days_already_extended=already,
        days=days,
        requested_by=ExtensionRequester.PLAN,
        reason=reason,
        now=now or clock.started_at,
    )


def test_extension_of_14_days_moves_the_last_day(rule_table):
    clock = clock_compute(table=rule_table, rule_key="od.standard.service", received_at=la(2026, 1, 1, 10))
    extension = _extend(rule_table, clock, days=14)
    assert extension.new_due_at == end_of(dt.date(2026, 1, 29))
    assert extension.total_days == 14


def test_extensions_add_up_to_the_maximum_and_no_further(rule_table):
    clock = clock_compute(table=rule_table, rule_key="recon.standard", received_at=la(2026, 1, 1, 10))
    first = _extend(rule_table, clock, days=10)
    second = _extend(rule_table, clock, days=4, already=10, current_due=first.new_due_at)
    assert second.new_due_at == end_of(dt.date(2026, 2, 14))
    with pytest.raises(ExtensionNotAllowed) as excinfo:
        _extend(rule_table, clock, days=1, already=14, current_due=second.new_due_at)
    assert excinfo.value.extra["remaining_days"] == 0


def test_extension_beyond_the_maximum_is_refused(rule_table):
    clock = clock_compute(table=rule_table, rule_key="grievance.standard", received_at=la(2026, 1, 1, 10))
    with pytest.raises(ExtensionNotAllowed, match="at most 14 days"):
        _extend(rule_table, clock, days=15)


@pytest.mark.parametrize(
    "rule_key",
    [
        "od.part_b_drug.standard",
        "od.part_b_drug.expedited",
        "recon.part_b_drug.standard",
        "recon.part_b_drug.expedited",
        "grievance.expedited",
    ],
)
def test_rules_without_extension_refuse_any(rule_table, rule_key):
    clock = clock_compute(table=rule_table, rule_key=rule_key, received_at=la(2026, 1, 1, 10))
    with pytest.raises(ExtensionNotAllowed, match="allows no extension"):
        _extend(rule_table, clock, days=1)


def test_extension_after_the_due_time_is_refused(rule_table):
    clock = clock_compute(table=rule_table, rule_key="od.standard.service", received_at=la(2026, 1, 1, 10))
    with pytest.raises(ExtensionNotAllowed, match="before the case is due"):
        _extend(rule_table, clock, days=3, now=la(2026, 1, 16, 0, 0))
    # at 23:59 on the last day it is still allowed
    assert _extend(rule_table, clock, days=3, now=la(2026, 1, 15, 23, 59)).total_days == 3


def test_extension_needs_a_reason(rule_table):
    clock = clock_compute(table=rule_table, rule_key="od.standard.service", received_at=la(2026, 1, 1, 10))
    with pytest.raises(ExtensionNotAllowed, match="reason"):
        _extend(rule_table, clock, days=3, reason="  ")


def test_extension_of_an_hour_clock_keeps_the_wall_clock_time_across_dst(rule_table):
    # 72h expedited OD received Fri 6 March 15:00 PST: due Mon 9 March 16:00 PDT
    clock = clock_compute(table=rule_table, rule_key="od.expedited.service", received_at=la(2026, 3, 6, 15))
    assert clock.due_at == la(2026, 3, 9, 16)
    extension = _extend(rule_table, clock, days=14)
    assert extension.new_due_at == la(2026, 3, 23, 16)


# --- filing windows -----------------------------------------------------------------------------


def test_reconsideration_window_is_notice_date_plus_65_days(rule_table):
    # notice dated 1 Jan 2026: presumed received 6 Jan, last day 7 March
    check = filing_window_check(
        table=rule_table,
        rule_key="recon.filing_window",
        notice_date=dt.date(2026, 1, 1),
        filed_at=la(2026, 3, 7, 23, 59),
    )
    assert check.presumed_receipt == dt.date(2026, 1, 6)
    assert check.last_day == dt.date(2026, 3, 7)
    assert check.is_timely
    assert check.is_accepted


def test_reconsideration_filed_on_day_66_is_late_without_good_cause(rule_table):
    with pytest.raises(FilingWindowExpired) as excinfo:
        filing_window_check(
            table=rule_table,
            rule_key="recon.filing_window",
            notice_date=dt.date(2026, 1, 1),
            filed_at=la(2026, 3, 8, 0, 0, 1),
        )
    assert excinfo.value.extra == {"field": "good_cause_reason", "last_day": "2026-03-07", "days_late": 1}


def test_late_reconsideration_is_accepted_with_good_cause(rule_table):
    check = filing_window_check(
        table=rule_table,
        rule_key="recon.filing_window",
        notice_date=dt.date(2026, 1, 1),
        filed_at=la(2026, 3, 20, 10),
        good_cause_reason="Member was hospitalized",
    )
    assert not check.is_timely
    assert check.is_accepted
    assert check.days_late == 13
    assert check.good_cause_reason == "Member was hospitalized"


def test_filing_time_near_midnight_uses_the_los_angeles_date(rule_table):
    # 2026-03-08 07:30 UTC is 7 March 23:30 PST: still the last day
    check = filing_window_check(
        table=rule_table,
        rule_key="recon.filing_window",
        notice_date=dt.date(2026, 1, 1),
        filed_at=dt.datetime(2026, 3, 8, 7, 30, tzinfo=UTC),
    )
    assert check.filed_on == dt.date(2026, 3, 7)
    assert check.is_timely


def test_notice_dated_after_the_request_is_refused(rule_table):
    with pytest.raises(InvalidCase):
        filing_window_check(
            table=rule_table,
            rule_key="recon.filing_window",
            notice_date=dt.date(2026, 2, 1),
            filed_at=la(2026, 1, 31, 10),
        )


@pytest.mark.parametrize(
    ("_case", "effective", "filed", "timely", "last_day"),
    [
        ("day 10 after the notice", None, la(2026, 1, 11, 23), True, dt.date(2026, 1, 11)),
        ("day 11 after the notice", None, la(2026, 1, 12, 0, 5), False, dt.date(2026, 1, 11)),
        (
            "later effective date extends the window",
            dt.date(2026, 1, 20),
            la(2026, 1, 20, 16),
            True,
            dt.date(2026, 1, 20),
        ),
        (
            "earlier effective date does not shorten it",
            dt.date(2026, 1, 5),
            la(2026, 1, 11, 16),
            True,
            dt.date(2026, 1, 11),
        ),
    ],
)
def test_continuation_request_window(rule_table, _case, effective, filed, timely, last_day):
    if timely:
        check = filing_window_check(
            table=rule_table,
            rule_key="continuation.request_window",
            notice_date=dt.date(2026, 1, 1),
            filed_at=filed,
            action_effective_date=effective,
        )
        assert check.last_day == last_day
    else:
        with pytest.raises(FilingWindowExpired, match="no good-cause exception"):
            filing_window_check(
                table=rule_table,
                rule_key="continuation.request_window",
                notice_date=dt.date(2026, 1, 1),
                filed_at=filed,
                action_effective_date=effective,
            )


def test_state_hearing_window_is_120_days(rule_table):
    ok = filing_window_check(
        table=rule_table,
        rule_key="sfh.filing_window",
        notice_date=dt.date(2026, 1, 1),
        filed_at=la(2026, 5, 1, 12),
    )
    assert ok.last_day == dt.date(2026, 5, 1)
    with pytest.raises(FilingWindowExpired):
        filing_window_check(
            table=rule_table,
            rule_key="sfh.filing_window",
            notice_date=dt.date(2026, 1, 1),
            filed_at=la(2026, 5, 2, 0, 1),
        )


# --- at risk / overdue and the human clock ------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "now", "state"),
    [
        ("more than 5 days left", la(2026, 1, 26, 23, 59), ClockState.ON_TRACK),
        ("exactly 5 days left", la(2026, 1, 26, 23, 59, 59, 999999), ClockState.AT_RISK),
        ("last minute", la(2026, 1, 31, 23, 59), ClockState.AT_RISK),
        ("past midnight", la(2026, 2, 1, 0, 0), ClockState.OVERDUE),
    ],
)
def test_clock_state_edges(rule_table, _case, now, state):
    clock = clock_compute(table=rule_table, rule_key="grievance.standard", received_at=la(2026, 1, 1, 10))
    assert clock_state(due_at=clock.due_at, now=now, at_risk=clock.rule.at_risk) is state


def test_stopped_clock_is_never_overdue():
    due = la(2026, 1, 1, 10)
    assert clock_state(due_at=due, now=la(2026, 2, 1), at_risk=None, is_running=False) is ClockState.STOPPED


@pytest.mark.parametrize(
    ("_case", "delta", "text"),
    [
        ("days and hours", dt.timedelta(days=2, hours=4, minutes=10), "2 days 4 hours"),
        ("one day exactly", dt.timedelta(days=1), "1 day"),
        ("hours and minutes", dt.timedelta(hours=3, minutes=1), "3 hours 1 minute"),
        ("minutes", dt.timedelta(minutes=12, seconds=40), "12 minutes"),
        ("seconds", dt.timedelta(seconds=20), "less than a minute"),
    ],
)
def test_duration_describe(_case, delta, text):
    assert duration_describe(delta) == text


def test_time_left_describe_due_and_overdue():
    due = la(2026, 1, 10, 12)
    assert time_left_describe(due_at=due, now=la(2026, 1, 8, 8)) == "due in 2 days 4 hours"
    assert time_left_describe(due_at=due, now=la(2026, 1, 10, 15)) == "overdue by 3 hours"


def test_time_left_across_spring_forward_is_real_elapsed_time():
    # from Sat 7 March 12:00 PST to Sun 8 March 12:00 PDT is 23 hours
    assert time_left_describe(due_at=la(2026, 3, 8, 12), now=la(2026, 3, 7, 12)) == "due in 23 hours"


def test_span_text():
    assert str(Span(1, Unit.DAYS)) == "1 day"
    assert str(Span(72, Unit.HOURS)) == "72 hours"


def test_clock_state_compares_real_instants_in_the_fall_back_fold():
    # due 01:30 PST (second pass of 1 November); now 01:45 PDT is 45 minutes earlier in real time
    due = dt.datetime(2026, 11, 1, 9, 30, tzinfo=UTC).astimezone(LA)
    now = dt.datetime(2026, 11, 1, 8, 45, tzinfo=UTC).astimezone(LA)
    assert (now.hour, now.minute, due.hour, due.minute) == (1, 45, 1, 30)
    assert clock_state(due_at=due, now=now, at_risk=None) is ClockState.ON_TRACK
    assert time_left_describe(due_at=due, now=now) == "due in 45 minutes"
