"""Properties of the clocks over any receipt instant (Hypothesis), across years with DST changes."""

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from memberhub.appeals import DEFAULT_RULE_TABLE_PATH
from memberhub.appeals.clock import as_utc, clock_compute, clock_state, extension_compute, local_date
from memberhub.appeals.enums import ClockState, ExtensionRequester
from memberhub.appeals.rules import Unit, load_rule_table

LA = ZoneInfo("America/Los_Angeles")
TABLE = load_rule_table(DEFAULT_RULE_TABLE_PATH)
RECEIPT_KEYS = [r.key for r in TABLE.rules if r.anchor.value == "receipt"]

instants = st.datetimes(
    min_value=dt.datetime(2021, 1, 1, 9), max_value=dt.datetime(2030, 12, 31), timezones=st.just(dt.UTC)
)


@settings(max_examples=300, deadline=None)
@given(received=instants, key=st.sampled_from(RECEIPT_KEYS))
def test_due_time_matches_the_rule(received, key):
    clock = clock_compute(table=TABLE, rule_key=key, received_at=received)
    limit = clock.rule.limit
    if limit.unit is Unit.HOURS:
        assert as_utc(clock.due_at) - as_utc(received) == dt.timedelta(hours=limit.amount)
    else:
        local_due = clock.due_at.astimezone(LA)
        assert (local_due.hour, local_due.minute, local_due.second, local_due.microsecond) == (
            23,
            59,
            59,
            999999,
        )
        assert (local_due.date() - local_date(received, LA)).days == limit.amount
    # one microsecond after the due time the case is overdue, at the due time it is not
    assert clock_state(due_at=clock.due_at, now=clock.due_at, at_risk=None) is ClockState.ON_TRACK
    after = as_utc(clock.due_at) + dt.timedelta(microseconds=1)
    assert clock_state(due_at=clock.due_at, now=after, at_risk=None) is ClockState.OVERDUE


@settings(max_examples=200, deadline=None)
@given(
    received=instants,
    key=st.sampled_from([k for k in RECEIPT_KEYS if TABLE.versions(k)[0].extension_max_days]),
    days=st.integers(min_value=1, max_value=14),
)
def test_extension_keeps_the_wall_clock_time_and_adds_calendar_days(received, key, days):
    clock = clock_compute(table=TABLE, rule_key=key, received_at=received)
    extension = extension_compute(
        table=TABLE,
        rule=clock.rule,
        original_due_at=clock.due_at,
        current_due_at=clock.due_at,
        days_already_extended=0,
        days=days,
        requested_by=ExtensionRequester.MEMBER,
        reason="asked for time to send records",
        now=received,
    )
    before = clock.due_at.astimezone(LA)
    after = extension.new_due_at.astimezone(LA)
    assert (after.date() - before.date()).days == days
    # same wall-clock time unless the original time falls in a spring-forward gap on the new date
    assert after.time() == before.time() or (before.hour == 2 and after.hour == 3)
