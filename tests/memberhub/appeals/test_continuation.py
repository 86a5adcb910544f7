import datetime as dt

import pytest

from memberhub.appeals.continuation import (
    ContinuationEndReason,
    ContinuationRefusal,
    continuation_end,
    continuation_evaluate,
)
from memberhub.appeals.enums import ActionType, CaseKind, Program

NOTICE = dt.date(2026, 1, 1)


def _evaluate(rule_table, **overrides):
    arguments = {
        "table": rule_table,
        "kind": CaseKind.RECONSIDERATION,
        "programs": [Program.MEDI_CAL],
        "action": ActionType.REDUCTION,
        "is_previously_authorized": True,
        "notice_date": NOTICE,
        "action_effective_date": None,
        "filed_on": dt.date(2026, 1, 11),
        "is_ordered_by_authorized_provider": True,
        "authorization_end_date": dt.date(2026, 6, 30),
        "is_requested": True,
    }
    arguments.update(overrides)
    return continuation_evaluate(**arguments)


def test_all_conditions_met_on_day_10_grants_continuation(rule_table):
    decision = _evaluate(rule_table)
    assert decision.is_granted
    assert decision.window_last_day == dt.date(2026, 1, 11)
    assert decision.refusals == ()


@pytest.mark.parametrize(
    ("_case", "overrides", "refusal"),
    [
        ("filed on day 11", {"filed_on": dt.date(2026, 1, 12)}, ContinuationRefusal.REQUEST_LATE),
        (
            "an OD, not an appeal",
            {"kind": CaseKind.ORGANIZATION_DETERMINATION},
            ContinuationRefusal.NOT_A_RECONSIDERATION,
        ),
        (
            "a denial of a new service",
            {"action": ActionType.DENIAL},
            ContinuationRefusal.ACTION_NOT_REDUCTION_OR_TERMINATION,
        ),
        (
            "not previously authorized",
            {"is_previously_authorized": False},
            ContinuationRefusal.NOT_PREVIOUSLY_AUTHORIZED,
        ),
        (
            "not ordered by an authorized provider",
            {"is_ordered_by_authorized_provider": False},
            ContinuationRefusal.NOT_ORDERED_BY_AUTHORIZED_PROVIDER,
        ),
        (
            "authorization ended the day before filing",
            {"authorization_end_date": dt.date(2026, 1, 10)},
            ContinuationRefusal.AUTHORIZATION_EXPIRED,
        ),
        ("member did not ask", {"is_requested": False}, ContinuationRefusal.NOT_REQUESTED),
        ("Part D only", {"programs": [Program.PART_D]}, ContinuationRefusal.NOT_INTEGRATED),
    ],
)
def test_each_failed_condition_refuses_continuation(rule_table, _case, overrides, refusal):
    decision = _evaluate(rule_table, **overrides)
    assert not decision.is_granted
    assert decision.refusals == (refusal,)
    assert decision.explanation


def test_later_effective_date_extends_the_continuation_window(rule_table):
    decision = _evaluate(
        rule_table, action_effective_date=dt.date(2026, 1, 25), filed_on=dt.date(2026, 1, 25)
    )
    assert decision.is_granted
    assert decision.window_last_day == dt.date(2026, 1, 25)


@pytest.mark.parametrize(
    ("_case", "kwargs", "ends_on", "reason"),
    [
        ("nothing known yet", {}, None, None),
        (
            "authorization ends",
            {"authorization_end_date": dt.date(2026, 3, 31)},
            dt.date(2026, 3, 31),
            ContinuationEndReason.AUTHORIZATION_LIMIT,
        ),
        (
            "member withdraws",
            {"authorization_end_date": dt.date(2026, 3, 31), "withdrawn_on": dt.date(2026, 2, 2)},
            dt.date(2026, 2, 2),
            ContinuationEndReason.WITHDRAWN,
        ),
        (
            "adverse decision, no hearing: 10 days after the notice",
            {"adverse_notice_date": dt.date(2026, 2, 1)},
            dt.date(2026, 2, 11),
            ContinuationEndReason.ADVERSE_RECONSIDERATION,
        ),
        (
            "hearing asked on day 11 is too late",
            {
                "adverse_notice_date": dt.date(2026, 2, 1),
                "hearing_with_continuation_requested_on": dt.date(2026, 2, 12),
            },
            dt.date(2026, 2, 11),
            ContinuationEndReason.ADVERSE_RECONSIDERATION,
        ),
        (
            "hearing asked on day 10 keeps benefits",
            {
                "adverse_notice_date": dt.date(2026, 2, 1),
                "hearing_with_continuation_requested_on": dt.date(2026, 2, 11),
            },
            None,
            None,
        ),
        (
            "until the adverse hearing decision",
            {
                "adverse_notice_date": dt.date(2026, 2, 1),
                "hearing_with_continuation_requested_on": dt.date(2026, 2, 5),
                "hearing_adverse_on": dt.date(2026, 4, 1),
            },
            dt.date(2026, 4, 1),
            ContinuationEndReason.HEARING_ADVERSE,
        ),
        (
            "authorization ends before the hearing",
            {
                "authorization_end_date": dt.date(2026, 3, 1),
                "adverse_notice_date": dt.date(2026, 2, 1),
                "hearing_with_continuation_requested_on": dt.date(2026, 2, 5),
                "hearing_adverse_on": dt.date(2026, 4, 1),
            },
            dt.date(2026, 3, 1),
            ContinuationEndReason.AUTHORIZATION_LIMIT,
        ),
    ],
)
def test_continuation_ends_at_the_earliest_end_condition(rule_table, _case, kwargs, ends_on, reason):
    kwargs.setdefault("authorization_end_date", None)
    end = continuation_end(table=rule_table, **kwargs)
    assert end.ends_on == ends_on
    assert end.reason == reason


def test_continuation_is_active_through_its_last_day(rule_table):
    end = continuation_end(
        table=rule_table, authorization_end_date=None, adverse_notice_date=dt.date(2026, 2, 1)
    )
    assert end.is_active_on(dt.date(2026, 2, 11))
    assert not end.is_active_on(dt.date(2026, 2, 12))
