"""Inputs of the content builders.

``Recipient`` and ``PlanPairInfo`` come from the member and plan rows; the per-kind context comes from
the caller of ``notice_issue`` (a JSON-serializable mapping, kept on the notice row so the letter can be
rendered again). ``notice_context_parse`` validates it and names every bad field at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from memberhub.notices.errors import NoticeContextError
from memberhub.notices.kinds import NoticeFormat, NoticeKind

MEDICARE = "medicare"
MEDI_CAL = "medi_cal"
PROGRAMS = (MEDICARE, MEDI_CAL)


@dataclass(frozen=True)
class Recipient:
    member_id: str  # the unified member id printed on letters (never the MBI)
    full_name: str
    address_lines: tuple[str, ...]
    language: str = "en"
    alternate_format: NoticeFormat = NoticeFormat.STANDARD


@dataclass(frozen=True)
class PlanPairInfo:
    product_name: str  # the aligned pair's consumer name ("Medi-Medi Plan")
    medicare_plan_name: str
    medicare_plan_id: str  # contract-PBP, e.g. H1234-001
    medi_cal_plan_name: str
    phones: Mapping[str, str] = field(default_factory=dict)  # member_services, tty, nurse_line, ...


# ---------------------------------------------------------------------------------------- kind contexts


@dataclass(frozen=True)
class WelcomeContext:
    enrollment_id: str
    effective_on: date
    enrollment_confirmed_on: date
    card_included: bool = True


@dataclass(frozen=True)
class PlanChange:
    program: str  # medicare | medi_cal | both
    topic: Mapping[str, str]  # language -> text ("en" required)
    current: Mapping[str, str]
    next: Mapping[str, str]


@dataclass(frozen=True)
class AnnualNoticeContext:
    plan_year: int  # the coming plan year
    changes: tuple[PlanChange, ...]


@dataclass(frozen=True)
class CoverageDecisionContext:
    case_id: str
    decision_date: date
    service: str
    decision: str  # denied | partially_denied | reduced | stopped | suspended | changed
    requested: str
    reason: str
    programs: tuple[str, ...]
    approved: str = ""
    requesting_provider: str = ""
    expedited: bool = False
    not_billed: bool = False
    previously_authorized: bool = False
    action_effective_on: date | None = None
    decision_due_on: date | None = None


@dataclass(frozen=True)
class AppealAcknowledgmentContext:
    case_id: str
    case_kind: str  # appeal | grievance
    received_on: date
    expedited: bool = False
    decision_due_on: date | None = None


@dataclass(frozen=True)
class AppealDecisionContext:
    case_id: str
    decision_date: date
    outcome: str  # favorable | partially_favorable | adverse
    service: str
    reason: str
    programs: tuple[str, ...]
    decision_due_on: date | None = None


@dataclass(frozen=True)
class GrievanceResolutionContext:
    case_id: str
    received_on: date
    resolved_on: date
    summary: str
    decision_due_on: date | None = None


@dataclass(frozen=True)
class ExtensionContext:
    case_id: str
    case_kind: str  # coverage_request | appeal | grievance
    original_due_on: date
    new_due_on: date
    reason: str
    requested_by: str = "plan"  # plan | member


@dataclass(frozen=True)
class PcpChangeContext:
    assignment_id: str
    pcp_name: str
    effective_on: date
    pcp_phone: str = ""
    medical_group: str = ""


@dataclass(frozen=True)
class CardMailedContext:
    card_id: str
    mailed_on: date


@dataclass(frozen=True)
class MisalignmentContext:
    detected_on: date
    medicare_plan_name: str
    medi_cal_plan_name: str


@dataclass(frozen=True)
class ExpediteRefusedContext:
    """A request for fast (expedited) handling was refused: the case runs on the standard clock."""

    case_id: str
    case_kind: str  # coverage_request | appeal
    received_on: date
    decision_due_on: date  # the standard clock's due date
    reason: str = ""


@dataclass(frozen=True)
class PartDRoutedOutContext:
    """A Part D request was sent to the separate Part D process (not the integrated one)."""

    case_id: str
    received_on: date
    service: str = ""
    part_d_phone: str = ""  # default: the pair's pharmacy help line
    rest_stays: bool = False  # the non-Part D part of the request stays in the integrated process


KindContext = (
    WelcomeContext
    | AnnualNoticeContext
    | CoverageDecisionContext
    | AppealAcknowledgmentContext
    | AppealDecisionContext
    | GrievanceResolutionContext
    | ExtensionContext
    | PcpChangeContext
    | CardMailedContext
    | MisalignmentContext
    | ExpediteRefusedContext
    | PartDRoutedOutContext
)

DECISIONS = ("denied", "partially_denied", "reduced", "stopped", "suspended", "changed")
OUTCOMES = ("favorable", "partially_favorable", "adverse")

T = TypeVar("T")
_MISSING = object()


class _Fields:
    """Reads typed fields from a mapping and collects one message per bad field."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, str] = {}

    def _get(self, name: str, required: bool) -> Any:
        value = self.data.get(name, _MISSING)
        if value is _MISSING or value is None or value == "":
            if required:
                self.errors[name] = "This field is required."
            return _MISSING
        return value

    def str_(self, name: str, *, required: bool = True, choices: tuple[str, ...] = ()) -> str:
        value = self._get(name, required)
        if value is _MISSING:
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.errors[name] = "Must be text."
            return ""
        if choices and value not in choices:
            self.errors[name] = f"Must be one of: {', '.join(choices)}."
        return value

    def date_(self, name: str, *, required: bool = True) -> date | None:
        value = self._get(name, required)
        if value is _MISSING:
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value[:10]) if len(value) >= 10 else date.fromisoformat(value)
            except ValueError:
                pass
        self.errors[name] = "Must be a date (YYYY-MM-DD)."
        return None

    def bool_(self, name: str, default: bool = False) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            self.errors[name] = "Must be true or false."
            return default
        return value

    def int_(self, name: str) -> int:
        value = self._get(name, True)
        if value is _MISSING:
            return 0
        if isinstance(value, bool) or not isinstance(value, int):
            self.errors[name] = "Must be a whole number."
            return 0
        return value

    def programs(self, name: str) -> tuple[str, ...]:
        value = self._get(name, True)
        if value is _MISSING:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not value or any(v not in PROGRAMS for v in value):
            self.errors[name] = f"Must be a list of: {', '.join(PROGRAMS)}."
            return ()
        return tuple(p for p in PROGRAMS if p in value)


def _text_by_language(value: Any) -> Mapping[str, str] | None:
    if isinstance(value, str) and value:
        return {"en": value}
    if (
        isinstance(value, Mapping)
        and isinstance(value.get("en"), str)
        and value["en"]
        and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    ):
        return dict(value)
    return None


def _changes(f: _Fields, name: str) -> tuple[PlanChange, ...]:
    raw = f.data.get(name, [])
    if not isinstance(raw, list):
        f.errors[name] = "Must be a list of changes."
        return ()
    out: list[PlanChange] = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping):
            f.errors[f"{name}[{i}]"] = "Must be an object."
            continue
        program = item.get("program")
        if program not in (*PROGRAMS, "both"):
            f.errors[f"{name}[{i}].program"] = "Must be medicare, medi_cal or both."
        texts: dict[str, Mapping[str, str]] = {}
        for key in ("topic", "current", "next"):
            text = _text_by_language(item.get(key))
            if text is None:
                f.errors[f"{name}[{i}].{key}"] = "Must be text, or an object of texts by language with 'en'."
            else:
                texts[key] = text
        if len(texts) == 3 and program in (*PROGRAMS, "both"):
            out.append(
                PlanChange(
                    program=str(program), topic=texts["topic"], current=texts["current"], next=texts["next"]
                )
            )
    return tuple(out)


def _welcome(f: _Fields) -> WelcomeContext:
    effective = f.date_("effective_on")
    confirmed = f.date_("enrollment_confirmed_on", required=False) or effective
    return WelcomeContext(
        enrollment_id=f.str_("enrollment_id"),
        effective_on=effective or date.min,
        enrollment_confirmed_on=confirmed or date.min,
        card_included=f.bool_("card_included", True),
    )


def _anoc(f: _Fields) -> AnnualNoticeContext:
    year = f.int_("plan_year")
    if year and not 2000 <= year <= 2100:
        f.errors["plan_year"] = "Must be a plan year between 2000 and 2100."
    return AnnualNoticeContext(plan_year=year, changes=_changes(f, "changes"))


def _coverage_decision(f: _Fields) -> CoverageDecisionContext:
    ctx = CoverageDecisionContext(
        case_id=f.str_("case_id"),
        decision_date=f.date_("decision_date") or date.min,
        service=f.str_("service"),
        decision=f.str_("decision", choices=DECISIONS),
        requested=f.str_("requested"),
        reason=f.str_("reason"),
        programs=f.programs("programs"),
        approved=f.str_("approved", required=False),
        requesting_provider=f.str_("requesting_provider", required=False),
        expedited=f.bool_("expedited"),
        not_billed=f.bool_("not_billed"),
        previously_authorized=f.bool_("previously_authorized"),
        action_effective_on=f.date_("action_effective_on", required=False),
        decision_due_on=f.date_("decision_due_on", required=False),
    )
    if ctx.decision == "partially_denied" and not ctx.approved:
        f.errors["approved"] = "Required when the decision is partially_denied."
    return ctx


def _appeal_ack(f: _Fields) -> AppealAcknowledgmentContext:
    return AppealAcknowledgmentContext(
        case_id=f.str_("case_id"),
        case_kind=f.str_("case_kind", choices=("appeal", "grievance")),
        received_on=f.date_("received_on") or date.min,
        expedited=f.bool_("expedited"),
        decision_due_on=f.date_("decision_due_on", required=False),
    )


def _appeal_decision(f: _Fields) -> AppealDecisionContext:
    return AppealDecisionContext(
        case_id=f.str_("case_id"),
        decision_date=f.date_("decision_date") or date.min,
        outcome=f.str_("outcome", choices=OUTCOMES),
        service=f.str_("service"),
        reason=f.str_("reason"),
        programs=f.programs("programs"),
        decision_due_on=f.date_("decision_due_on", required=False),
    )


def _grievance_resolution(f: _Fields) -> GrievanceResolutionContext:
    return GrievanceResolutionContext(
        case_id=f.str_("case_id"),
        received_on=f.date_("received_on") or date.min,
        resolved_on=f.date_("resolved_on") or date.min,
        summary=f.str_("summary"),
        decision_due_on=f.date_("decision_due_on", required=False),
    )


def _extension(f: _Fields) -> ExtensionContext:
    ctx = ExtensionContext(
        case_id=f.str_("case_id"),
        case_kind=f.str_("case_kind", choices=("coverage_request", "appeal", "grievance")),
        original_due_on=f.date_("original_due_on") or date.min,
        new_due_on=f.date_("new_due_on") or date.min,
        reason=f.str_("reason"),
        requested_by=f.str_("requested_by", required=False, choices=("plan", "member")) or "plan",
    )
    if (
        ctx.new_due_on != date.min
        and ctx.original_due_on != date.min
        and ctx.new_due_on <= ctx.original_due_on
    ):
        f.errors["new_due_on"] = "Must be after original_due_on."
    return ctx


def _pcp_change(f: _Fields) -> PcpChangeContext:
    return PcpChangeContext(
        assignment_id=f.str_("assignment_id"),
        pcp_name=f.str_("pcp_name"),
        effective_on=f.date_("effective_on") or date.min,
        pcp_phone=f.str_("pcp_phone", required=False),
        medical_group=f.str_("medical_group", required=False),
    )


def _card_mailed(f: _Fields) -> CardMailedContext:
    return CardMailedContext(card_id=f.str_("card_id"), mailed_on=f.date_("mailed_on") or date.min)


def _misalignment(f: _Fields) -> MisalignmentContext:
    return MisalignmentContext(
        detected_on=f.date_("detected_on") or date.min,
        medicare_plan_name=f.str_("medicare_plan_name"),
        medi_cal_plan_name=f.str_("medi_cal_plan_name"),
    )


def _expedite_refused(f: _Fields) -> ExpediteRefusedContext:
    return ExpediteRefusedContext(
        case_id=f.str_("case_id"),
        case_kind=f.str_("case_kind", choices=("coverage_request", "appeal")),
        received_on=f.date_("received_on") or date.min,
        decision_due_on=f.date_("decision_due_on") or date.min,
        reason=f.str_("reason", required=False),
    )


def _part_d_routed_out(f: _Fields) -> PartDRoutedOutContext:
    return PartDRoutedOutContext(
        case_id=f.str_("case_id"),
        received_on=f.date_("received_on") or date.min,
        service=f.str_("service", required=False),
        part_d_phone=f.str_("part_d_phone", required=False),
        rest_stays=f.bool_("rest_stays"),
    )


_PARSERS: dict[NoticeKind, Callable[[_Fields], Any]] = {
    NoticeKind.WELCOME: _welcome,
    NoticeKind.ANNUAL_NOTICE_OF_CHANGES: _anoc,
    NoticeKind.COVERAGE_DECISION: _coverage_decision,
    NoticeKind.APPEAL_ACKNOWLEDGMENT: _appeal_ack,
    NoticeKind.APPEAL_DECISION: _appeal_decision,
    NoticeKind.GRIEVANCE_RESOLUTION: _grievance_resolution,
    NoticeKind.EXTENSION: _extension,
    NoticeKind.PCP_CHANGE_CONFIRMATION: _pcp_change,
    NoticeKind.CARD_MAILED: _card_mailed,
    NoticeKind.MISALIGNMENT_OUTREACH: _misalignment,
    NoticeKind.EXPEDITE_REFUSED: _expedite_refused,
    NoticeKind.PART_D_ROUTED_OUT: _part_d_routed_out,
}

#: Context fields that identify "the same notice": one notice per (member, kind, these values).
IDENTITY_FIELDS: dict[NoticeKind, tuple[str, ...]] = {
    NoticeKind.WELCOME: ("enrollment_id",),
    NoticeKind.ANNUAL_NOTICE_OF_CHANGES: ("plan_year",),
    NoticeKind.COVERAGE_DECISION: ("case_id",),
    NoticeKind.APPEAL_ACKNOWLEDGMENT: ("case_id",),
    NoticeKind.APPEAL_DECISION: ("case_id",),
    NoticeKind.GRIEVANCE_RESOLUTION: ("case_id",),
    NoticeKind.EXTENSION: ("case_id", "new_due_on"),
    NoticeKind.PCP_CHANGE_CONFIRMATION: ("assignment_id",),
    NoticeKind.CARD_MAILED: ("card_id",),
    NoticeKind.MISALIGNMENT_OUTREACH: ("detected_on",),
    NoticeKind.EXPEDITE_REFUSED: ("case_id",),
    NoticeKind.PART_D_ROUTED_OUT: ("case_id",),
}


def notice_context_parse(kind: NoticeKind, data: Mapping[str, Any]) -> KindContext:
    """Validate a caller's context for ``kind``; raises NoticeContextError with ``extra['fields']``."""
    if not isinstance(data, Mapping):
        raise NoticeContextError("The notice context must be an object.", extra={"kind": kind.value})
    fields = _Fields(data)
    ctx = _PARSERS[kind](fields)
    if fields.errors:
        names = ", ".join(sorted(fields.errors))
        raise NoticeContextError(
            f"The {kind.value} context is invalid: {names}",
            extra={"kind": kind.value, "fields": dict(sorted(fields.errors.items()))},
        )
    result: KindContext = ctx
    return result


def notice_context_key(kind: NoticeKind, data: Mapping[str, Any]) -> str:
    """The identity of a notice within a member and kind, e.g. ``case_id=8f2c...``.

    Values are the caller's ids and dates (never names or identifiers like the MBI), so the key can be
    stored and logged.
    """
    ctx = notice_context_parse(kind, data)
    parts = []
    for name in IDENTITY_FIELDS[kind]:
        value = getattr(ctx, name)
        parts.append(f"{name}={value.isoformat() if isinstance(value, date) else value}")
    return ";".join(parts)
