import datetime as dt
from zoneinfo import ZoneInfo

from memberhub.appeals.enums import CaseKind
from memberhub.appeals.timeliness import CaseTiming, timeliness_report

LA = ZoneInfo("America/Los_Angeles")
UTC = dt.UTC


def la(*args):
    return dt.datetime(*args, tzinfo=LA)


def test_report_groups_by_pair_month_and_kind_with_on_time_late_and_average_days():
    cases = [
        # on time, resolved in January after 2 days
        CaseTiming(
            "H1234-001/MCP1",
            CaseKind.GRIEVANCE,
            la(2026, 1, 1, 10),
            la(2026, 1, 31, 23, 59),
            la(2026, 1, 3, 10),
        ),
        # late by one minute, resolved 1 Feb 00:00 LA (08:00 UTC): counts in February
        CaseTiming(
            "H1234-001/MCP1",
            CaseKind.GRIEVANCE,
            la(2026, 1, 2, 10),
            la(2026, 1, 31, 23, 59),
            la(2026, 2, 1, 0, 0),
        ),
        # resolved 31 Jan 23:30 LA, which is February in UTC: counts in January
        CaseTiming(
            "H1234-001/MCP1",
            CaseKind.RECONSIDERATION,
            la(2026, 1, 20, 10),
            la(2026, 2, 19, 23, 59),
            dt.datetime(2026, 2, 1, 7, 30, tzinfo=UTC),
        ),
        # open and overdue
        CaseTiming(
            "H1234-001/MCP1",
            CaseKind.ORGANIZATION_DETERMINATION,
            la(2026, 1, 1, 10),
            la(2026, 1, 15, 23, 59),
            None,
        ),
        # open, not yet due
        CaseTiming(
            "H1234-001/MCP1",
            CaseKind.ORGANIZATION_DETERMINATION,
            la(2026, 2, 20, 10),
            la(2026, 3, 6, 23, 59),
            None,
        ),
        # other pair
        CaseTiming(
            "H9999-002/MCP2",
            CaseKind.GRIEVANCE,
            la(2026, 1, 5, 10),
            la(2026, 2, 4, 23, 59),
            la(2026, 1, 6, 22),
        ),
    ]
    rows = timeliness_report(cases, tz=LA, now=la(2026, 2, 25, 12))
    table = [
        (r.pair, r.month, r.kind.value, r.resolved, r.on_time, r.late, r.open_overdue, r.average_days)
        for r in rows
    ]
    assert table == [
        ("H1234-001/MCP1", "2026-01", "grievance", 1, 1, 0, 0, 2.0),
        ("H1234-001/MCP1", "2026-01", "organization_determination", 0, 0, 0, 1, None),
        ("H1234-001/MCP1", "2026-01", "reconsideration", 1, 1, 0, 0, 11.56),
        ("H1234-001/MCP1", "2026-02", "grievance", 1, 0, 1, 0, 29.58),
        ("H9999-002/MCP2", "2026-01", "grievance", 1, 1, 0, 0, 1.5),
    ]
    assert rows[0].on_time_rate == 1.0
    assert rows[1].on_time_rate is None


def test_empty_report():
    assert timeliness_report([], tz=LA, now=la(2026, 1, 1)) == []
