"""Pure notice rules: due dates, appeal-rights deadlines, delivery routing, format, late risk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from memberhub.notices.config import DUE_AFTER, DUE_CONTEXT, DUE_FIXED, AppealRightsRules, KindPolicy
from memberhub.notices.context import (
    MEDI_CAL,
    MEDICARE,
    AnnualNoticeContext,
    AppealDecisionContext,
    CoverageDecisionContext,
    KindContext,
)
from memberhub.notices.errors import NoticeContextError
from memberhub.notices.kinds import VENDOR_FORMATS, DeliveryChannel, NoticeFormat

# ----------------------------------------------------------------------------------------- due dates


def notice_due_date(*, policy: KindPolicy, context: KindContext) -> date | None:
    """The date the member must have the notice by, from the kind's configured rule, or None."""
    rule = policy.due
    if rule is None:
        return None
    if rule.rule == DUE_CONTEXT:
        value = getattr(context, rule.field or "", None)
        return value if isinstance(value, date) else None
    if rule.rule == DUE_AFTER:
        anchor = getattr(context, rule.anchor or "", None)
        if not isinstance(anchor, date):
            raise NoticeContextError(
                f"Due rule needs the context date {rule.anchor!r}",
                extra={"fields": {rule.anchor: "required"}},
            )
        return anchor + timedelta(days=rule.days)
    if rule.rule == DUE_FIXED:
        year = getattr(context, rule.year_field or "", None)
        if not isinstance(year, int):
            raise NoticeContextError(
                f"Due rule needs the context year {rule.year_field!r}",
                extra={"fields": {rule.year_field: "required"}},
            )
        return date(year + rule.year_offset, rule.month, rule.day)
    return None


class LateRisk(StrEnum):
    ON_TIME = "on_time"
    AT_RISK = "at_risk"
    LATE = "late"


def notice_late_risk(*, due_on: date | None, sent_on: date | None, today: date, risk_days: int) -> LateRisk:
    """A sent notice is late if sent after its due date; an unsent one is at risk within ``risk_days``."""
    if due_on is None:
        return LateRisk.ON_TIME
    if sent_on is not None:
        return LateRisk.LATE if sent_on > due_on else LateRisk.ON_TIME
    if today > due_on:
        return LateRisk.LATE
    if (due_on - today).days <= risk_days:
        return LateRisk.AT_RISK
    return LateRisk.ON_TIME


# ------------------------------------------------------------------------------------- appeal rights


@dataclass(frozen=True)
class Deadline:
    key: str  # catalog key of the label, e.g. "deadline.reconsideration"
    on: date


def coverage_decision_deadlines(
    *, context: CoverageDecisionContext, rules: AppealRightsRules
) -> tuple[Deadline, ...]:
    """Appeal-rights dates printed on a CMS-10716 letter, computed from the decision (notice) date.

    - integrated reconsideration: 60 days after presumed receipt (notice date + 5), 42 CFR 422.633(d);
    - continuation of benefits (previously authorized services being reduced/stopped/suspended):
      within 10 days of the notice date or by the intended effective date, whichever is later (422.632).
    """
    notice = context.decision_date
    appeal_by = notice + timedelta(
        days=rules.reconsideration_presumed_receipt_days + rules.reconsideration_window_days
    )
    out = [Deadline("deadline.reconsideration", appeal_by)]
    if context.previously_authorized and context.decision in ("reduced", "stopped", "suspended"):
        continuation = notice + timedelta(days=rules.continuation_window_days)
        if context.action_effective_on and context.action_effective_on > continuation:
            continuation = context.action_effective_on
        out.append(Deadline("deadline.continuation", continuation))
    return tuple(out)


def appeal_decision_deadlines(
    *, context: AppealDecisionContext, rules: AppealRightsRules
) -> tuple[Deadline, ...]:
    """After an adverse (or partly adverse) integrated reconsideration: State Hearing for the Medi-Cal part.

    The Medicare part is forwarded to the independent review entity automatically (no member deadline).
    """
    if context.outcome == "favorable" or MEDI_CAL not in context.programs:
        return ()
    return (
        Deadline(
            "deadline.state_hearing", context.decision_date + timedelta(days=rules.state_hearing_window_days)
        ),
    )


def forwards_to_ire(context: AppealDecisionContext) -> bool:
    return context.outcome != "favorable" and MEDICARE in context.programs


def anoc_is_for_next_year(context: AnnualNoticeContext, *, issued_on: date) -> bool:
    return context.plan_year > issued_on.year


# ------------------------------------------------------------------------------------------ delivery


@dataclass(frozen=True)
class DeliveryPreference:
    channel: DeliveryChannel = DeliveryChannel.MAIL
    has_electronic_consent: bool = False
    has_mailing_address: bool = True


@dataclass(frozen=True)
class DeliveryRoute:
    mail: bool
    electronic: bool
    reason: str  # route reason code, e.g. "preference", "paper_required", "no_consent"


def notice_delivery_route(*, policy: KindPolicy, preference: DeliveryPreference) -> DeliveryRoute:
    """Where a notice goes.

    - electronic delivery needs the member's consent on file; without it the notice is mailed;
    - kinds that a rule says must be on paper are always mailed (and also posted electronically
      when the member prefers electronic and consented);
    - a member with no usable mailing address but electronic consent gets it electronically, except
      for paper-required kinds, which are still mailed (returned mail is then tracked).
    """
    wants_mail = preference.channel in (DeliveryChannel.MAIL, DeliveryChannel.BOTH)
    wants_electronic = preference.channel in (DeliveryChannel.ELECTRONIC, DeliveryChannel.BOTH)
    electronic = wants_electronic and preference.has_electronic_consent
    if policy.requires_paper:
        return DeliveryRoute(mail=True, electronic=electronic, reason="paper_required")
    if wants_electronic and not preference.has_electronic_consent:
        return DeliveryRoute(mail=True, electronic=False, reason="no_electronic_consent")
    if not preference.has_mailing_address and preference.has_electronic_consent:
        return DeliveryRoute(mail=False, electronic=True, reason="no_mailing_address")
    return DeliveryRoute(mail=wants_mail, electronic=electronic, reason="preference")


def notice_print_format(alternate_format: NoticeFormat) -> NoticeFormat:
    """The format our renderer prints. Braille/audio/data-CD are produced by a vendor from the data
    export; the mailed piece that accompanies them is large print (the accessible fallback)."""
    if alternate_format in VENDOR_FORMATS:
        return NoticeFormat.LARGE_PRINT
    return alternate_format


def notice_needs_vendor_export(alternate_format: NoticeFormat) -> bool:
    return alternate_format in VENDOR_FORMATS
