"""Annual notice of changes for a member's aligned pair, drawn from the plan configuration of both years
(the pair for next year: its name and Medi-Cal plan) and the benefits area's plan-year comparison."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.benefits.errors import BenefitCatalogMissing
from apps.benefits.selectors import benefit_changes_between_years
from apps.members.models import Member
from apps.members.selectors import member_current_pair, members_alignment
from apps.notices.models import Notice
from apps.notices.services import NoPlanPair, notice_issue
from apps.plans.models import AlignedPlanPair
from memberhub.errors import DomainError

NOT_COVERED = {"en": "Not covered", "es": "No cubierto"}


class NoNextYearPair(DomainError):
    code = "notices.no_next_year_pair"
    http_status = 409


def _program(kind: str) -> str:
    return "medi_cal" if kind == "medi_cal" else "medicare"


def _texts(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return dict(NOT_COVERED)
    return {lang: (value.get(lang) or NOT_COVERED[lang]) for lang in ("en", "es")}


def annual_notice_context(*, member: Member, plan_year: int, on: dt.date | None = None) -> dict[str, Any]:
    """The `annual_notice_of_changes` context for `member`: every change from this year's pair to the
    pair of `plan_year` (same D-SNP), plan configuration first, then benefits category by category."""
    current = member_current_pair(member=member, on=on)
    if current is None:
        raise NoPlanPair("The member is not in an aligned pair.", member_id=str(member.pk))
    next_pair = (
        AlignedPlanPair.objects.select_related("medicare_plan", "medi_cal_plan")
        .filter(medicare_plan=current.medicare_plan, plan_year=plan_year)
        .first()
    )
    if next_pair is None:
        raise NoNextYearPair(f"No {plan_year} pair is configured for {current.code}.", pair=current.code)
    changes: list[dict[str, Any]] = []
    if next_pair.name != current.name:
        changes.append(
            {
                "program": "both",
                "topic": {"en": "Plan name", "es": "Nombre del plan"},
                "current": {"en": current.name, "es": current.name},
                "next": {"en": next_pair.name, "es": next_pair.name},
            }
        )
    if next_pair.medi_cal_plan_id != current.medi_cal_plan_id:
        changes.append(
            {
                "program": "medi_cal",
                "topic": {"en": "Your Medi-Cal plan", "es": "Su plan de Medi-Cal"},
                "current": {"en": current.medi_cal_plan.name, "es": current.medi_cal_plan.name},
                "next": {"en": next_pair.medi_cal_plan.name, "es": next_pair.medi_cal_plan.name},
            }
        )
    try:
        rows = benefit_changes_between_years(
            pair_code=current.code, from_year=current.plan_year, to_year=plan_year
        )
    except BenefitCatalogMissing:
        rows = []
    for row in rows:
        changes.append(
            {
                "program": _program(row["kind"]),
                "topic": row["category_label"],
                "current": _texts(row["before"]),
                "next": _texts(row["after"]),
            }
        )
    return {"plan_year": plan_year, "changes": changes}


def annual_notices_issue(
    *, plan_year: int, pair_code: str | None = None, issued_on: dt.date | None = None, stdout: Any = None
) -> dict[str, int]:
    """Issue the ANOC to every exclusively aligned member of the current pair(s) (idempotent per member
    and plan year). Returns counts."""
    issued_on = issued_on or timezone.localdate()
    pairs = AlignedPlanPair.objects.filter(plan_year=plan_year - 1)
    if pair_code:
        pairs = pairs.filter(code=pair_code)
    counts = {"issued": 0, "existing": 0, "skipped": 0}
    for pair in pairs.select_related("medicare_plan", "medi_cal_plan"):
        member_ids = list(
            Member.objects.filter(enrollments__plan=pair.medicare_plan)
            .values_list("pk", flat=True)
            .distinct()
        )
        alignment = members_alignment(member_ids=member_ids, on=issued_on)
        aligned = [pk for pk, a in alignment.items() if a.pair_code == pair.code]
        done = set(
            Notice.objects.filter(
                member_id__in=aligned, kind="annual_notice_of_changes", context_key=f"plan_year={plan_year}"
            ).values_list("member_id", flat=True)
        )
        counts["existing"] += len(done)
        for member in Member.objects.filter(pk__in=[pk for pk in aligned if pk not in done]):
            try:
                with transaction.atomic():
                    context = annual_notice_context(member=member, plan_year=plan_year, on=issued_on)
                    notice_issue(
                        kind="annual_notice_of_changes", member=member, context=context, issued_on=issued_on
                    )
                counts["issued"] += 1
            except DomainError:
                counts["skipped"] += 1
        if stdout is not None:
            stdout.write(f"{pair.code}: {len(aligned)} aligned members")
    return counts
