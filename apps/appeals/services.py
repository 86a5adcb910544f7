"""Writes for grievance and appeal cases. Every change is a timeline event and an audit event.

The rules themselves (clocks, windows, expediting, routing, the status machine, continuation) live in
memberhub.appeals; these services apply them to rows, inside one transaction with the case locked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from apps.appeals.letters import case_letter_issue
from apps.appeals.models import (
    Case,
    CaseAttachment,
    CaseEvent,
    CaseEventKind,
    CaseExtension,
    CaseLetter,
    Status,
)
from apps.appeals.rules import rule_table
from apps.audit.services import audit_record
from apps.members.models import Member
from apps.members.selectors import member_current_pair
from memberhub.appeals import enums
from memberhub.appeals.clock import (
    as_utc,
    clock_state,
    extension_compute,
    filing_window_check,
    local_date,
    require_aware,
)
from memberhub.appeals.continuation import continuation_end, continuation_evaluate
from memberhub.appeals.errors import FilingWindowExpired, InvalidCase
from memberhub.appeals.process import (
    acknowledgment_clock,
    after_decision,
    expedite_decide,
    outcome_check,
    programs_route,
    resolution_clock,
)
from memberhub.appeals.status import CLOCK_RUNNING, transition_check
from memberhub.errors import InvalidIdentifier
from memberhub.identifiers.npi import normalize_npi

AUDIT_RESOURCE = "appeal_case"


def _event(
    *,
    case: Case,
    kind: str,
    actor: Any,
    at: dt.datetime,
    note: str = "",
    from_status: str = "",
    to_status: str = "",
    request: HttpRequest | None = None,
    audit_action: str = "update",
    **detail: Any,
) -> CaseEvent:
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        at=at,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        from_status=from_status,
        to_status=to_status,
        note=note,
        detail=detail,
    )
    # Audit params carry ids and enums only (no free text: it may hold PHI).
    audit_record(
        actor=actor,
        action=audit_action,
        resource=AUDIT_RESOURCE,
        member_id=case.member_id,
        resource_id=case.pk,
        request=request,
        channel=_channel(request),
        event=kind,
        from_status=from_status,
        to_status=to_status,
    )
    return event


def _channel(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return "api" if request.path.startswith("/api/") else "console"


def _case_number(received_at: dt.datetime) -> str:
    """GA-<receipt date>-<6 hex>: readable on the phone, unique (checked; the column is unique too)."""
    day = local_date(received_at, rule_table().timezone)
    while True:
        number = f"GA-{day:%Y%m%d}-{secrets.token_hex(3).upper()}"
        if not Case.objects.filter(number=number).exists():
            return number


def _clean_programs(programs: Iterable[str]) -> list[enums.Program]:
    try:
        chosen = sorted({enums.Program(p) for p in programs})
    except ValueError as exc:
        raise InvalidCase(f"Unknown program: {exc}", field="programs") from exc
    return chosen


def case_intake(
    *,
    member: Member,
    actor: Any,
    kind: str,
    received_at: dt.datetime,
    channel: str,
    filer: str,
    programs: Iterable[str],
    service_description: str,
    description: str,
    expedited_requested: bool = False,
    expedited_granted: bool = False,
    expedite_refusal_reason: str = "",
    representative_name: str = "",
    representative_authorization_received_at: dt.datetime | None = None,
    provider_npi: str = "",
    notice_date: dt.date | None = None,
    good_cause_reason: str = "",
    related_case: Case | None = None,
    continuation_requested: bool = False,
    action_type: str = "",
    is_previously_authorized: bool = False,
    action_effective_date: dt.date | None = None,
    authorization_end_date: dt.date | None = None,
    is_ordered_by_authorized_provider: bool = False,
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """Log a grievance, coverage request or appeal once, whichever program it belongs to.

    Computes the clock from the rule table, checks the reconsideration filing window (good cause
    overrides), decides on expediting, routes Part D out with a note, and records continuation of
    benefits when asked for.
    """
    table = rule_table()
    now = now or timezone.now()
    try:
        kind_e = enums.CaseKind(kind)
        channel_e = enums.Channel(channel)
        filer_e = enums.Filer(filer)
    except ValueError as exc:
        raise InvalidCase(str(exc), field="kind") from exc
    require_aware(received_at, name="received_at")
    if as_utc(received_at) > as_utc(now) + dt.timedelta(minutes=5):
        raise InvalidCase("The receipt time is in the future", field="received_at")
    if not service_description.strip():
        raise InvalidCase("Say which service, item or drug the case is about", field="service_description")
    if not description.strip():
        raise InvalidCase("Describe the complaint or request", field="description")
    if filer_e is enums.Filer.REPRESENTATIVE and not representative_name.strip():
        raise InvalidCase("Name the authorized representative", field="representative_name")
    if filer_e is not enums.Filer.REPRESENTATIVE and representative_authorization_received_at is not None:
        raise InvalidCase(
            "A representative authorization applies only to a representative's filing",
            field="representative_authorization_received_at",
        )
    npi = ""
    if provider_npi.strip():
        try:
            npi = normalize_npi(provider_npi)
        except InvalidIdentifier as exc:
            raise InvalidCase(exc.message, field="provider_npi") from exc
    elif filer_e is enums.Filer.PROVIDER:
        raise InvalidCase("Give the NPI of the provider who filed", field="provider_npi")
    if related_case is not None and related_case.member_id != member.pk:
        raise InvalidCase("The related case belongs to another member", field="related_case")

    program_list = _clean_programs(programs)
    routing = programs_route(program_list)
    expedite = expedite_decide(
        kind=kind_e,
        filer=filer_e,
        is_requested=expedited_requested,
        is_granted=expedited_granted,
        refusal_reason=expedite_refusal_reason,
    )

    case = Case(
        number=_case_number(received_at),
        member=member,
        related_case=related_case,
        kind=kind_e.value,
        received_at=received_at,
        channel=channel_e.value,
        filer=filer_e.value,
        representative_name=representative_name.strip(),
        representative_authorization_received_at=representative_authorization_received_at,
        provider_npi=npi,
        programs=[p.value for p in program_list],
        routed_out_programs=sorted(p.value for p in routing.routed_out),
        routing_note=routing.note,
        service_description=service_description.strip(),
        description=description.strip(),
        is_written_request=channel_e in enums.WRITTEN_CHANNELS,
        expedited_requested=expedite.is_requested,
        expedited_granted=expedite.is_granted,
        expedite_refusal_reason=expedite.refusal_reason,
        priority=expedite.priority.value,
        notice_date=notice_date,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    case.pair = member_current_pair(member=member, on=local_date(received_at, table.timezone))

    if routing.is_routed_out_entirely:
        case.status = Status.ROUTED_OUT
        case.clock_state = enums.ClockState.STOPPED.value
    else:
        if kind_e is enums.CaseKind.RECONSIDERATION:
            if notice_date is None:
                raise InvalidCase(
                    "Give the date on the coverage decision notice being appealed", field="notice_date"
                )
            window = filing_window_check(
                table=table,
                rule_key="recon.filing_window",
                notice_date=notice_date,
                filed_at=received_at,
                good_cause_reason=good_cause_reason,
            )
            case.filing_last_day = window.last_day
            case.good_cause_reason = window.good_cause_reason
        clock = resolution_clock(
            table=table,
            kind=kind_e,
            programs=routing.integrated,
            priority=expedite.priority,
            received_at=received_at,
            filer=filer_e,
            authorization_received_at=representative_authorization_received_at,
        )
        case.rule_key = clock.rule.key
        case.rule_citation = clock.rule.citation[:300]
        case.rule_effective_from = clock.rule.effective_from
        case.clock_started_at = clock.started_at
        case.original_due_at = case.due_at = clock.due_at
        case.acknowledgment_due_at = acknowledgment_clock(table=table, received_at=received_at).due_at
        case.clock_state = clock_state(due_at=clock.due_at, now=now, at_risk=clock.rule.at_risk).value
        case.clock_checked_at = now

    continuation = None
    if continuation_requested:
        if notice_date is None:
            raise InvalidCase("Continuation of benefits needs the notice date", field="notice_date")
        try:
            action = enums.ActionType(action_type)
        except ValueError as exc:
            raise InvalidCase("Say what the notice did to the service", field="action_type") from exc
        continuation = continuation_evaluate(
            table=table,
            kind=kind_e,
            programs=program_list,
            action=action,
            is_previously_authorized=is_previously_authorized,
            notice_date=notice_date,
            action_effective_date=action_effective_date,
            filed_on=local_date(received_at, table.timezone),
            is_ordered_by_authorized_provider=is_ordered_by_authorized_provider,
            authorization_end_date=authorization_end_date,
            is_requested=True,
        )
        case.continuation_requested = True
        case.action_type = action.value
        case.is_previously_authorized = is_previously_authorized
        case.action_effective_date = action_effective_date
        case.authorization_end_date = authorization_end_date
        case.is_ordered_by_authorized_provider = is_ordered_by_authorized_provider
        case.aid_paid_pending = continuation.is_granted
        case.continuation_refusals = [r.value for r in continuation.refusals]
        if continuation.is_granted:
            end = continuation_end(table=table, authorization_end_date=authorization_end_date)
            case.continuation_ends_on = end.ends_on
            case.continuation_end_reason = end.reason.value if end.reason else ""

    with transaction.atomic():
        case.full_clean()
        case.save()
        _event(
            case=case,
            kind=CaseEventKind.RECEIVED,
            actor=actor,
            at=received_at,
            to_status=Status.RECEIVED,
            request=request,
            audit_action="create",
            channel=case.channel,
            rule_key=case.rule_key,
            due_at=case.due_at.isoformat() if case.due_at else None,
            tolled_until=case.clock_started_at.isoformat()
            if case.clock_started_at and case.clock_started_at != received_at
            else None,
            good_cause=bool(case.good_cause_reason),
        )
        if expedite.sends_fast_complaint_notice:
            _event(
                case=case,
                kind=CaseEventKind.EXPEDITE_REFUSED,
                actor=actor,
                at=now,
                note=expedite.refusal_reason,
                request=request,
            )
            case_letter_issue(
                case=case, kind=CaseLetter.Kind.FAST_COMPLAINT_RIGHTS, actor=actor, event=_event
            )
        if continuation is not None:
            _event(
                case=case,
                kind=CaseEventKind.CONTINUATION,
                actor=actor,
                at=now,
                note=continuation.explanation
                if not continuation.is_granted
                else "Benefits continue pending appeal",
                request=request,
                granted=continuation.is_granted,
                refusals=list(case.continuation_refusals),
                window_last_day=continuation.window_last_day.isoformat(),
            )
        if case.status == Status.ROUTED_OUT:
            _event(
                case=case,
                kind=CaseEventKind.ROUTED_OUT,
                actor=actor,
                at=now,
                note=case.routing_note,
                from_status=Status.RECEIVED,
                to_status=Status.ROUTED_OUT,
                request=request,
            )
        if case.routed_out_programs:  # wholly or partly: the member hears where the Part D part went
            case_letter_issue(case=case, kind=CaseLetter.Kind.ROUTED_OUT, actor=actor, event=_event)
    return case


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("member").get(pk=case.pk)


_STAMPS = {
    Status.ACKNOWLEDGED: "acknowledged_at",
    Status.NOTIFIED: "notified_at",
    Status.CLOSED: "closed_at",
    Status.WITHDRAWN: "withdrawn_at",
}


def _refresh_state(case: Case, *, now: dt.datetime) -> None:
    if case.status not in {s.value for s in CLOCK_RUNNING} or case.due_at is None:
        case.clock_state = enums.ClockState.STOPPED.value
        return
    rule = rule_table().get(case.rule_key, on=local_date(case.received_at, rule_table().timezone))
    case.clock_state = clock_state(due_at=case.due_at, now=now, at_risk=rule.at_risk).value
    case.clock_checked_at = now


def _continuation_refresh(case: Case, *, withdrawn_on: dt.date | None = None) -> None:
    """Recompute when continued benefits end from what is known on the case (422.632 / 438.420(c))."""
    table = rule_table()
    adverse = case.decided_at is not None and case.outcome in {o.value for o in enums.ADVERSE_OUTCOMES}
    end = continuation_end(
        table=table,
        authorization_end_date=case.authorization_end_date,
        withdrawn_on=withdrawn_on,
        adverse_notice_date=local_date(case.decided_at, table.timezone)
        if adverse and case.decided_at
        else None,
        hearing_with_continuation_requested_on=case.state_hearing_requested_on
        if case.state_hearing_with_continuation
        else None,
    )
    case.continuation_ends_on = end.ends_on
    case.continuation_end_reason = end.reason.value if end.reason else ""


@transaction.atomic
def case_state_hearing_record(
    *,
    case: Case,
    requested_on: dt.date,
    with_continuation: bool,
    actor: Any,
    request: HttpRequest | None = None,
) -> Case:
    """Record that the member asked for a State Hearing on the Medi-Cal part of an adverse appeal.

    Checked against the 120-day window; asked within 10 days with continuation, benefits keep going
    until the hearing decision."""
    case = _lock(case)
    if case.state_hearing_last_day is None or case.decided_at is None:
        raise InvalidCase(
            "Only an adverse appeal decision on a Medi-Cal service carries State Hearing rights",
            field="requested_on",
        )
    table = rule_table()
    decided_on = local_date(case.decided_at, table.timezone)
    if requested_on < decided_on:
        raise InvalidCase("The hearing request is dated before the appeal decision", field="requested_on")
    if requested_on > case.state_hearing_last_day:
        raise FilingWindowExpired(
            f"The State Hearing window ended on {case.state_hearing_last_day.isoformat()}",
            field="requested_on",
            last_day=case.state_hearing_last_day.isoformat(),
        )
    case.state_hearing_requested_on = requested_on
    case.state_hearing_with_continuation = with_continuation
    if case.aid_paid_pending:
        _continuation_refresh(case)
    case.save()
    _event(
        case=case,
        kind=CaseEventKind.STATE_HEARING_REQUESTED,
        actor=actor,
        at=timezone.now(),
        request=request,
        requested_on=requested_on.isoformat(),
        with_continuation=with_continuation,
        continuation_ends_on=case.continuation_ends_on.isoformat() if case.continuation_ends_on else None,
    )
    return case


@transaction.atomic
def case_transition(
    *,
    case: Case,
    target: str,
    actor: Any,
    note: str = "",
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """Move a case one legal step (acknowledge, start review, mark notified, close, withdraw).

    Deciding goes through :func:`case_decide`. Illegal steps raise IllegalTransition (nothing changes).
    """
    now = now or timezone.now()
    case = _lock(case)
    current = enums.Status(case.status)
    try:
        target_e = enums.Status(target)
    except ValueError as exc:
        raise InvalidCase(f"Unknown status {target!r}", field="status") from exc
    transition_check(current=current, target=target_e)
    if target_e is enums.Status.DECIDED:
        raise InvalidCase("Record the decision with its outcome (decide)", field="status")
    if target_e is enums.Status.ROUTED_OUT:
        raise InvalidCase("Only Part D requests are routed out, at intake", field="status")
    case.status = target_e.value
    stamp = _STAMPS.get(Status(target_e.value))
    if stamp:
        setattr(case, stamp, now)
    if target_e is enums.Status.WITHDRAWN and case.aid_paid_pending:
        _continuation_refresh(case, withdrawn_on=local_date(now, rule_table().timezone))
    _refresh_state(case, now=now)
    case.save()
    _event(
        case=case,
        kind=CaseEventKind.STATUS_CHANGED,
        actor=actor,
        at=now,
        note=note.strip(),
        from_status=current.value,
        to_status=target_e.value,
        request=request,
    )
    if target_e is enums.Status.ACKNOWLEDGED:
        case_letter_issue(case=case, kind=CaseLetter.Kind.ACKNOWLEDGMENT, actor=actor, event=_event)
    return case


@transaction.atomic
def case_extend(
    *,
    case: Case,
    days: int,
    requested_by: str,
    reason: str,
    actor: Any,
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> CaseExtension:
    """Extend the resolution clock (at most the rule's days in total, before the due time).

    The member gets the extension notice with the reason and the right to a fast complaint.
    """
    now = now or timezone.now()
    case = _lock(case)
    if (
        case.status not in {s.value for s in CLOCK_RUNNING}
        or case.due_at is None
        or case.original_due_at is None
    ):
        raise InvalidCase("Only an open case can be extended", field="days", status=case.status)
    try:
        requester = enums.ExtensionRequester(requested_by)
    except ValueError as exc:
        raise InvalidCase("Say who asked for the extension", field="requested_by") from exc
    table = rule_table()
    rule = table.get(case.rule_key, on=local_date(case.received_at, table.timezone))
    extension = extension_compute(
        table=table,
        rule=rule,
        original_due_at=case.original_due_at,
        current_due_at=case.due_at,
        days_already_extended=case.extension_days,
        days=days,
        requested_by=requester,
        reason=reason,
        now=now,
    )
    row = CaseExtension.objects.create(
        case=case,
        days=extension.days,
        requested_by=requester.value,
        reason=extension.reason,
        previous_due_at=case.due_at,
        new_due_at=extension.new_due_at,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    case.due_at = extension.new_due_at
    case.extension_days = extension.total_days
    _refresh_state(case, now=now)
    case.save()
    _event(
        case=case,
        kind=CaseEventKind.EXTENDED,
        actor=actor,
        at=now,
        note=extension.reason,
        request=request,
        days=extension.days,
        total_days=extension.total_days,
        requested_by=requester.value,
        new_due_at=extension.new_due_at.isoformat(),
    )
    letter = case_letter_issue(case=case, kind=CaseLetter.Kind.EXTENSION, actor=actor, event=_event)
    if letter is not None:
        row.notice_id = letter.notice_id
        row.notice_sent_at = letter.issued_at
        row.save(update_fields=["notice_id", "notice_sent_at", "updated_at"])
    return row


@transaction.atomic
def case_decide(
    *,
    case: Case,
    outcome: str,
    summary: str,
    actor: Any,
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> Case:
    """Record the decision; forward an adverse reconsideration's Medicare part to the IRE, give State
    Hearing rights for its Medi-Cal part, set effectuation and continuation dates, send the letter."""
    now = now or timezone.now()
    case = _lock(case)
    current = enums.Status(case.status)
    transition_check(current=current, target=enums.Status.DECIDED)
    kind = enums.CaseKind(case.kind)
    try:
        outcome_e = enums.Outcome(outcome)
    except ValueError as exc:
        raise InvalidCase(f"Unknown outcome {outcome!r}", field="outcome") from exc
    outcome_check(kind=kind, outcome=outcome_e)
    if not summary.strip():
        raise InvalidCase("Write the decision and its reasons (it goes into the letter)", field="summary")
    table = rule_table()
    integrated = [enums.Program(p) for p in case.programs if p not in case.routed_out_programs]
    result = after_decision(table=table, kind=kind, programs=integrated, outcome=outcome_e, decided_at=now)
    case.status = Status.DECIDED
    case.outcome = outcome_e.value
    case.decision_summary = summary.strip()
    case.decided_at = now
    case.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    case.state_hearing_last_day = result.state_hearing_last_day
    case.reconsideration_last_day = result.reconsideration_last_day
    case.effectuation_due_at = result.effectuation.due_at if result.effectuation else None
    if result.forward_to_ire:
        case.forwarded_to_ire_at = now
    if case.aid_paid_pending and result.continuation_end_unless_hearing is not None:
        _continuation_refresh(case)
    _refresh_state(case, now=now)
    case.save()
    _event(
        case=case,
        kind=CaseEventKind.DECIDED,
        actor=actor,
        at=now,
        note=case.decision_summary,
        from_status=current.value,
        to_status=Status.DECIDED,
        request=request,
        outcome=outcome_e.value,
        on_time=as_utc(now) <= as_utc(case.due_at) if case.due_at else None,
    )
    if result.forward_to_ire:
        _event(
            case=case,
            kind=CaseEventKind.FORWARDED_TO_IRE,
            actor=actor,
            at=now,
            note="Medicare part auto-forwarded to the Part C independent review entity (42 CFR 422.634)",
            request=request,
        )
    if result.state_hearing_rights and result.state_hearing_last_day:
        _event(
            case=case,
            kind=CaseEventKind.STATE_HEARING_RIGHTS,
            actor=actor,
            at=now,
            note=f"Medi-Cal part: State Hearing may be requested until {result.state_hearing_last_day:%B %-d, %Y}",
            request=request,
            last_day=result.state_hearing_last_day.isoformat(),
        )
    letter = case_letter_issue(case=case, kind=CaseLetter.Kind.DECISION, actor=actor, event=_event)
    if letter is not None:
        case.status = Status.NOTIFIED
        case.notified_at = letter.issued_at
        case.save(update_fields=["status", "notified_at", "updated_at"])
        _event(
            case=case,
            kind=CaseEventKind.STATUS_CHANGED,
            actor=actor,
            at=now,
            note="Decision letter issued",
            from_status=Status.DECIDED,
            to_status=Status.NOTIFIED,
            request=request,
        )
    return case


@transaction.atomic
def case_attachment_add(
    *, case: Case, upload: UploadedFile, actor: Any, request: HttpRequest | None = None
) -> CaseAttachment:
    max_bytes = settings.APPEALS_ATTACHMENT_MAX_BYTES
    size = upload.size or 0
    if size <= 0:
        raise InvalidCase("The file is empty", field="file")
    if size > max_bytes:
        raise InvalidCase(f"The file is larger than {max_bytes // (1024 * 1024)} MB", field="file")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = CaseAttachment(
        case=case,
        original_name=(upload.name or "attachment")[:200],
        content_type=(upload.content_type or "application/octet-stream")[:100],
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    attachment.file.save(attachment.original_name, upload, save=False)
    attachment.save()
    _event(
        case=case,
        kind=CaseEventKind.ATTACHMENT_ADDED,
        actor=actor,
        at=timezone.now(),
        note=attachment.original_name,
        request=request,
        attachment_id=str(attachment.pk),
        sha256=attachment.sha256,
    )
    return attachment


def case_clock_refresh(*, now: dt.datetime | None = None, batch_size: int = 500) -> dict[str, int]:
    """Beat job: classify open cases on track / at risk / overdue; record each change on the timeline.

    Idempotent: a case already marked keeps its state and gets no new event.
    """
    now = now or timezone.now()
    counts = {"checked": 0, "at_risk": 0, "overdue": 0, "changed": 0}
    ids = list(Case.objects.open().filter(due_at__isnull=False).values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            rows = (
                Case.objects.select_for_update(of=("self",), skip_locked=True)
                .filter(pk__in=ids[start : start + batch_size])
                .order_by("pk")
            )
            for case in rows:
                before = case.clock_state
                _refresh_state(case, now=now)
                counts["checked"] += 1
                if case.clock_state in counts:
                    counts[case.clock_state] += 1
                if case.clock_state != before:
                    counts["changed"] += 1
                    case.save(update_fields=["clock_state", "clock_checked_at", "updated_at"])
                    if case.clock_state in (enums.ClockState.AT_RISK, enums.ClockState.OVERDUE):
                        _event(
                            case=case,
                            kind=case.clock_state,
                            actor=None,
                            at=now,
                            due_at=case.due_at.isoformat() if case.due_at else None,
                        )
                else:
                    case.save(update_fields=["clock_checked_at"])
    return counts
