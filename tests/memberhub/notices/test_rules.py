from datetime import date

import pytest

from memberhub.notices import (
    DeliveryChannel,
    DeliveryPreference,
    LateRisk,
    NoticeKind,
    notice_context_parse,
    notice_delivery_route,
    notice_due_date,
    notice_late_risk,
)
from memberhub.notices.kinds import NoticeFormat
from memberhub.notices.rules import (
    appeal_decision_deadlines,
    coverage_decision_deadlines,
    notice_needs_vendor_export,
    notice_print_format,
)


@pytest.mark.parametrize(
    ("_case", "kind", "context", "due"),
    [
        (
            "welcome: 10 days after confirmation",
            "welcome",
            {"enrollment_id": "e", "effective_on": "2026-04-01", "enrollment_confirmed_on": "2026-03-25"},
            date(2026, 4, 4),
        ),
        (
            "welcome: confirmation defaults to effective date",
            "welcome",
            {"enrollment_id": "e", "effective_on": "2026-04-01"},
            date(2026, 4, 11),
        ),
        (
            "ANOC: 30 September before the plan year",
            "annual_notice_of_changes",
            {"plan_year": 2027, "changes": []},
            date(2026, 9, 30),
        ),
        (
            "acknowledgment: 5 days after receipt",
            "appeal_acknowledgment",
            {"case_id": "c", "case_kind": "appeal", "received_on": "2026-12-29"},
            date(2027, 1, 3),
        ),
        (
            "decision letter: the case clock",
            "appeal_decision",
            {
                "case_id": "c",
                "decision_date": "2026-03-01",
                "outcome": "adverse",
                "service": "s",
                "reason": "r",
                "programs": ["medicare"],
                "decision_due_on": "2026-03-31",
            },
            date(2026, 3, 31),
        ),
        (
            "decision letter without clock",
            "appeal_decision",
            {
                "case_id": "c",
                "decision_date": "2026-03-01",
                "outcome": "adverse",
                "service": "s",
                "reason": "r",
                "programs": ["medicare"],
            },
            None,
        ),
        (
            "extension: before the original deadline",
            "extension",
            {
                "case_id": "c",
                "case_kind": "grievance",
                "original_due_on": "2026-03-31",
                "new_due_on": "2026-04-14",
                "reason": "r",
            },
            date(2026, 3, 31),
        ),
        (
            "card mailed: no regulatory due date",
            "card_mailed",
            {"card_id": "x", "mailed_on": "2026-03-02"},
            None,
        ),
    ],
)
def test_notice_due_date_follows_configured_rule(_case, kind, context, due, notice_config):
    kind = NoticeKind(kind)
    parsed = notice_context_parse(kind, context)
    assert notice_due_date(policy=notice_config.policy(kind), context=parsed) == due


@pytest.mark.parametrize(
    ("_case", "due_on", "sent_on", "today", "expected"),
    [
        ("no due date", None, None, date(2026, 3, 1), LateRisk.ON_TIME),
        ("far away", date(2026, 3, 20), None, date(2026, 3, 1), LateRisk.ON_TIME),
        ("inside the risk window", date(2026, 3, 4), None, date(2026, 3, 1), LateRisk.AT_RISK),
        ("due today", date(2026, 3, 1), None, date(2026, 3, 1), LateRisk.AT_RISK),
        ("past due, unsent", date(2026, 2, 28), None, date(2026, 3, 1), LateRisk.LATE),
        ("sent on the due date", date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 5), LateRisk.ON_TIME),
        ("sent after the due date", date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 5), LateRisk.LATE),
    ],
)
def test_notice_late_risk(_case, due_on, sent_on, today, expected):
    assert notice_late_risk(due_on=due_on, sent_on=sent_on, today=today, risk_days=3) == expected


def test_reconsideration_window_is_notice_date_plus_5_plus_60(notice_config):
    ctx = notice_context_parse(
        NoticeKind.COVERAGE_DECISION,
        {
            "case_id": "c",
            "decision_date": "2026-12-15",
            "service": "s",
            "decision": "denied",
            "requested": "r",
            "reason": "x",
            "programs": ["medi_cal"],
        },
    )
    deadlines = coverage_decision_deadlines(context=ctx, rules=notice_config.appeal_rights)
    assert [(d.key, d.on) for d in deadlines] == [("deadline.reconsideration", date(2027, 2, 18))]


@pytest.mark.parametrize(
    ("_case", "effective", "expected"),
    [
        ("10 days after the notice when the action is sooner", "2026-03-05", date(2026, 3, 12)),
        ("the effective date when it is later", "2026-03-25", date(2026, 3, 25)),
        ("no effective date", None, date(2026, 3, 12)),
    ],
)
def test_continuation_window_is_later_of_10_days_and_effective_date(
    _case, effective, expected, notice_config
):
    data = {
        "case_id": "c",
        "decision_date": "2026-03-02",
        "service": "s",
        "decision": "stopped",
        "requested": "r",
        "reason": "x",
        "programs": ["medicare"],
        "previously_authorized": True,
    }
    if effective:
        data["action_effective_on"] = effective
    ctx = notice_context_parse(NoticeKind.COVERAGE_DECISION, data)
    deadlines = {
        d.key: d.on for d in coverage_decision_deadlines(context=ctx, rules=notice_config.appeal_rights)
    }
    assert deadlines["deadline.continuation"] == expected


def test_state_hearing_window_only_for_medi_cal_part(notice_config):
    base = {"case_id": "c", "decision_date": "2026-03-02", "service": "s", "reason": "r"}
    both = notice_context_parse(
        NoticeKind.APPEAL_DECISION,
        base | {"outcome": "partially_favorable", "programs": ["medicare", "medi_cal"]},
    )
    medicare = notice_context_parse(
        NoticeKind.APPEAL_DECISION, base | {"outcome": "adverse", "programs": ["medicare"]}
    )
    assert [
        (d.key, d.on) for d in appeal_decision_deadlines(context=both, rules=notice_config.appeal_rights)
    ] == [("deadline.state_hearing", date(2026, 6, 30))]
    assert appeal_decision_deadlines(context=medicare, rules=notice_config.appeal_rights) == ()


@pytest.mark.parametrize(
    ("_case", "kind", "channel", "consent", "address", "mail", "electronic", "reason"),
    [
        ("mail preference", "welcome", DeliveryChannel.MAIL, False, True, True, False, "preference"),
        (
            "electronic with consent",
            "welcome",
            DeliveryChannel.ELECTRONIC,
            True,
            True,
            False,
            True,
            "preference",
        ),
        (
            "electronic without consent is mailed",
            "welcome",
            DeliveryChannel.ELECTRONIC,
            False,
            True,
            True,
            False,
            "no_electronic_consent",
        ),
        ("both with consent", "welcome", DeliveryChannel.BOTH, True, True, True, True, "preference"),
        (
            "both without consent",
            "welcome",
            DeliveryChannel.BOTH,
            False,
            True,
            True,
            False,
            "no_electronic_consent",
        ),
        (
            "paper-required kind, electronic member",
            "coverage_decision",
            DeliveryChannel.ELECTRONIC,
            True,
            True,
            True,
            True,
            "paper_required",
        ),
        (
            "paper-required kind, mail member",
            "appeal_decision",
            DeliveryChannel.MAIL,
            True,
            True,
            True,
            False,
            "paper_required",
        ),
        (
            "no address, consent",
            "card_mailed",
            DeliveryChannel.MAIL,
            True,
            False,
            False,
            True,
            "no_mailing_address",
        ),
        (
            "no address, paper required",
            "extension",
            DeliveryChannel.MAIL,
            True,
            False,
            True,
            False,
            "paper_required",
        ),
    ],
)
def test_notice_delivery_route(
    _case, kind, channel, consent, address, mail, electronic, reason, notice_config
):
    route = notice_delivery_route(
        policy=notice_config.policy(NoticeKind(kind)),
        preference=DeliveryPreference(
            channel=channel, has_electronic_consent=consent, has_mailing_address=address
        ),
    )
    assert (route.mail, route.electronic, route.reason) == (mail, electronic, reason)


def test_vendor_formats_print_large_print_and_need_export():
    assert notice_print_format(NoticeFormat.BRAILLE) == NoticeFormat.LARGE_PRINT
    assert notice_print_format(NoticeFormat.STANDARD) == NoticeFormat.STANDARD
    assert notice_needs_vendor_export(NoticeFormat.AUDIO)
    assert not notice_needs_vendor_export(NoticeFormat.LARGE_PRINT)
