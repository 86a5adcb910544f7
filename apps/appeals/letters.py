"""Letters for case steps, issued through the notices service (apps.notices.services.notice_issue).

The notices app renders them in the member's language and format; this module only maps a case step
to the notice kind and its context (ids, dates and enums: the context is stored on the notice row).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.appeals.models import Case, CaseEventKind, CaseLetter
from apps.appeals.rules import rule_table
from memberhub.appeals import enums
from memberhub.appeals.clock import local_date
from memberhub.errors import DomainError

logger = logging.getLogger(__name__)

_CASE_KIND_WORDS = {
    enums.CaseKind.GRIEVANCE: "grievance",
    enums.CaseKind.ORGANIZATION_DETERMINATION: "coverage_request",
    enums.CaseKind.RECONSIDERATION: "appeal",
}
_OD_DECISIONS = {
    enums.Outcome.ADVERSE: "denied",
    enums.Outcome.PARTIALLY_FAVORABLE: "partially_denied",
}
_OD_ACTION_DECISIONS = {"reduction": "reduced", "termination": "stopped", "suspension": "suspended"}


def _day(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return local_date(value, rule_table().timezone).isoformat()


def _notice_programs(case: Case) -> list[str]:
    programs = set()
    for program in case.programs:
        if program in case.routed_out_programs:
            continue
        programs.add("medi_cal" if program == enums.Program.MEDI_CAL else "medicare")
    return sorted(programs)


def letter_request(case: Case, kind: str) -> tuple[str, dict[str, Any]] | None:
    """(notice kind, context) for a case step, or None when the notices catalog has no letter for it."""
    case_kind = enums.CaseKind(case.kind)
    if kind == CaseLetter.Kind.ACKNOWLEDGMENT:
        if case_kind is enums.CaseKind.ORGANIZATION_DETERMINATION:
            return None  # coverage requests are answered by the decision, not acknowledged in writing
        return "appeal_acknowledgment", {
            "case_id": str(case.pk),
            "case_kind": "grievance" if case_kind is enums.CaseKind.GRIEVANCE else "appeal",
            "received_on": _day(case.received_at),
            "expedited": case.priority == enums.Priority.EXPEDITED,
            "decision_due_on": _day(case.due_at),
        }
    if kind == CaseLetter.Kind.FAST_COMPLAINT_RIGHTS:
        # expedite refused: the right to an expedited grievance + the standard clock (422.631(c)-(d), 422.630(d))
        if case_kind is enums.CaseKind.GRIEVANCE or case.due_at is None:
            return None
        return "expedite_refused", {
            "case_id": str(case.pk),
            "case_kind": _CASE_KIND_WORDS[case_kind],
            "received_on": _day(case.received_at),
            "decision_due_on": _day(case.due_at),
            "reason": case.expedite_refusal_reason,
        }
    if kind == CaseLetter.Kind.ROUTED_OUT:
        if not case.routed_out_programs:
            return None
        return "part_d_routed_out", {
            "case_id": str(case.pk),
            "received_on": _day(case.received_at),
            "service": case.service_description,
            "rest_stays": case.status != enums.Status.ROUTED_OUT,
        }
    if kind == CaseLetter.Kind.EXTENSION:
        last = case.extensions.order_by("-created_at").first()
        if last is None:
            return None
        return "extension", {
            "case_id": str(case.pk),
            "case_kind": _CASE_KIND_WORDS[case_kind],
            "original_due_on": _day(last.previous_due_at),
            "new_due_on": _day(last.new_due_at),
            "reason": last.reason,
            "requested_by": last.requested_by,
        }
    if kind == CaseLetter.Kind.DECISION and case.decided_at is not None:
        outcome = enums.Outcome(case.outcome)
        if case_kind is enums.CaseKind.GRIEVANCE:
            return "grievance_resolution", {
                "case_id": str(case.pk),
                "received_on": _day(case.received_at),
                "resolved_on": _day(case.decided_at),
                "summary": case.decision_summary,
                "decision_due_on": _day(case.due_at),
            }
        if case_kind is enums.CaseKind.RECONSIDERATION:
            return "appeal_decision", {
                "case_id": str(case.pk),
                "decision_date": _day(case.decided_at),
                "outcome": outcome.value,
                "service": case.service_description,
                "reason": case.decision_summary,
                "programs": _notice_programs(case),
                "decision_due_on": _day(case.due_at),
            }
        if outcome in _OD_DECISIONS:
            decision = _OD_DECISIONS[outcome]
            if outcome is enums.Outcome.ADVERSE and case.action_type in _OD_ACTION_DECISIONS:
                decision = _OD_ACTION_DECISIONS[case.action_type]
            approved = (
                {"approved": case.decision_summary} if outcome is enums.Outcome.PARTIALLY_FAVORABLE else {}
            )
            return "coverage_decision", {
                **approved,
                "case_id": str(case.pk),
                "decision_date": _day(case.decided_at),
                "service": case.service_description,
                "decision": decision,
                "requested": case.service_description,
                "reason": case.decision_summary,
                "programs": _notice_programs(case),
                "expedited": case.priority == enums.Priority.EXPEDITED,
                "previously_authorized": case.is_previously_authorized,
                "decision_due_on": _day(case.due_at),
            }
        return None  # an approved coverage request: no adverse-decision letter (CMS-10716 is for denials)
    return None


def case_letter_issue(*, case: Case, kind: str, actor: Any, event: Callable[..., Any]) -> CaseLetter | None:
    """Issue the letter for a step. Returns None (and records why on the timeline) when no letter
    applies or the notices service refuses it; the case step itself stands."""
    request = letter_request(case, kind)
    now = timezone.now()
    if request is None:
        return None
    notice_kind, context = request
    try:
        from apps.notices.services import notice_issue  # lazy: notices is built in parallel
    except ImportError:
        event(
            case=case,
            kind=CaseEventKind.LETTER_FAILED,
            actor=actor,
            at=now,
            note="The notices service is not installed; send the letter by hand",
            letter=kind,
        )
        return None
    try:
        with transaction.atomic():  # a refused letter rolls back only its own writes
            notice = notice_issue(
                kind=notice_kind,
                member=case.member,
                context=context,
                issued_by=actor if getattr(actor, "is_authenticated", False) else None,
                issued_on=local_date(now, rule_table().timezone),
            )
    except DomainError as exc:
        logger.warning("appeals letter refused by notices", extra={"case_id": str(case.pk), "code": exc.code})
        event(
            case=case,
            kind=CaseEventKind.LETTER_FAILED,
            actor=actor,
            at=now,
            note=exc.message,
            letter=kind,
            code=exc.code,
        )
        return None
    letter, _ = CaseLetter.objects.get_or_create(
        case=case,
        kind=kind,
        notice_id=notice.pk,
        defaults={"notice_kind": notice_kind, "issued_at": now},
    )
    event(
        case=case,
        kind=CaseEventKind.LETTER_ISSUED,
        actor=actor,
        at=now,
        note=letter.get_kind_display(),
        letter=kind,
        notice_id=str(notice.pk),
        notice_kind=notice_kind,
    )
    return letter
