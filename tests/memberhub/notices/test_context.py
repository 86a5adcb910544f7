import pytest

from memberhub.notices import NoticeKind, notice_context_key, notice_context_parse
from memberhub.notices.errors import NoticeContextError


def test_context_key_uses_identity_fields_only():
    a = notice_context_key(
        NoticeKind.APPEAL_DECISION,
        {
            "case_id": "c-1",
            "decision_date": "2026-03-01",
            "outcome": "adverse",
            "service": "s",
            "reason": "r",
            "programs": ["medicare"],
        },
    )
    b = notice_context_key(
        NoticeKind.APPEAL_DECISION,
        {
            "case_id": "c-1",
            "decision_date": "2026-03-02",
            "outcome": "favorable",
            "service": "t",
            "reason": "q",
            "programs": ["medi_cal"],
        },
    )
    assert a == b == "case_id=c-1"


def test_extension_key_includes_new_due_date():
    base = {"case_id": "c-1", "case_kind": "appeal", "original_due_on": "2026-03-31", "reason": "r"}
    first = notice_context_key(NoticeKind.EXTENSION, base | {"new_due_on": "2026-04-14"})
    assert first == "case_id=c-1;new_due_on=2026-04-14"


@pytest.mark.parametrize(
    ("_case", "kind", "data", "fields"),
    [
        ("missing everything", "welcome", {}, {"enrollment_id", "effective_on"}),
        (
            "bad boolean",
            "welcome",
            {"enrollment_id": "e", "effective_on": "2026-01-01", "card_included": "yes"},
            {"card_included"},
        ),
        (
            "partial denial needs approved",
            "coverage_decision",
            {
                "case_id": "c",
                "decision_date": "2026-03-01",
                "service": "s",
                "decision": "partially_denied",
                "requested": "r",
                "reason": "x",
                "programs": ["medicare"],
            },
            {"approved"},
        ),
        (
            "extension must move the date later",
            "extension",
            {
                "case_id": "c",
                "case_kind": "appeal",
                "original_due_on": "2026-03-31",
                "new_due_on": "2026-03-30",
                "reason": "r",
            },
            {"new_due_on"},
        ),
        (
            "anoc change without english",
            "annual_notice_of_changes",
            {
                "plan_year": 2027,
                "changes": [{"program": "medicare", "topic": {"es": "x"}, "current": "a", "next": "b"}],
            },
            {"changes[0].topic"},
        ),
        ("anoc year out of range", "annual_notice_of_changes", {"plan_year": 1999}, {"plan_year"}),
        (
            "unknown case kind",
            "appeal_acknowledgment",
            {"case_id": "c", "case_kind": "lawsuit", "received_on": "2026-01-01"},
            {"case_kind"},
        ),
    ],
)
def test_bad_context_is_refused_naming_fields(_case, kind, data, fields):
    with pytest.raises(NoticeContextError) as exc:
        notice_context_parse(NoticeKind(kind), data)
    assert set(exc.value.extra["fields"]) == fields


def test_context_must_be_a_mapping():
    with pytest.raises(NoticeContextError):
        notice_context_parse(NoticeKind.WELCOME, ["not", "a", "mapping"])  # type: ignore[arg-type]
