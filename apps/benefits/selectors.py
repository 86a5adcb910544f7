"""Reads for benefits: catalogs as domain values, the unified answer per pair / member / category, and the
plan-year comparison the notices area uses for the Annual Notice of Changes."""

import datetime as dt
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch

from apps.benefits.errors import (
    BenefitCatalogMissing,
    BenefitPairNotFound,
    MemberHasNoBenefitPlans,
    UnknownCategory,
)
from apps.benefits.models import BenefitCatalog, BenefitEntry
from apps.members.models import Member
from apps.members.selectors import enrollments_on, member_current_pair, today
from apps.plans.models import AlignedPlanPair, Plan, PlanKind
from memberhub.benefits import catalog as domain
from memberhub.benefits.categories import ServiceCategory, category_search, is_category
from memberhub.benefits.comparison import benefit_changes
from memberhub.benefits.rules import (
    CostSharingPolicy,
    DualStatusRule,
    UnifiedBenefitAnswer,
    cost_sharing_policy_from_config,
    unified_benefit_answer,
    unified_benefit_answers,
)
from memberhub.benefits.serialize import (
    access_from_dict,
    carve_out_from_dict,
    contact_from_dict,
    limit_from_dict,
    text_from_dict,
)

_policy_cache: dict[int, CostSharingPolicy] = {}


def benefit_policy() -> CostSharingPolicy:
    """The dual-status cost-sharing policy from settings.BENEFITS_COST_SHARING (validated once per value)."""
    config = settings.BENEFITS_COST_SHARING
    key = id(config)
    if key not in _policy_cache:
        _policy_cache.clear()
        _policy_cache[key] = cost_sharing_policy_from_config(config)
    return _policy_cache[key]


def _entry_from_row(row: BenefitEntry) -> domain.BenefitEntry:
    cost = None
    if row.copay is not None or row.coinsurance_percent is not None:
        cost = domain.CostSharing(
            copay=row.copay,
            coinsurance_percent=row.coinsurance_percent,
            per=domain.Unit(row.cost_per or "service"),
        )
    return domain.BenefitEntry(
        category=ServiceCategory(row.category),
        kind=domain.EntryKind(row.kind),
        covered=row.covered,
        cost_sharing=cost,
        prior_authorization=row.prior_authorization,
        referral_required=row.referral_required,
        limits=tuple(limit_from_dict(limit) for limit in row.limits),
        access=access_from_dict(row.access),
        carve_out=carve_out_from_dict(row.carve_out),
        description=text_from_dict(row.description),
        notes=text_from_dict(row.notes),
        line=row.source_line,
    )


def catalog_to_domain(row: BenefitCatalog) -> domain.BenefitCatalog:
    """A stored catalog as the pure domain value (uses prefetched entries when present)."""
    contact = contact_from_dict(row.member_services)
    assert contact is not None
    return domain.BenefitCatalog(
        plan_code=row.plan.code,
        program=domain.Program(row.program),
        plan_year=row.plan_year,
        plan_name=row.plan_name or row.plan.name,
        member_services=contact,
        entries=tuple(_entry_from_row(e) for e in row.entries.all()),
        layout_version=row.layout_version,
        source_name=row.source_name,
    )


_CATALOG_CACHE_SIZE = 256
_catalog_cache: OrderedDict[tuple[str, str], domain.BenefitCatalog] = OrderedDict()


def benefit_catalogs_get(*, plans: list[Plan], plan_year: int) -> dict[str, domain.BenefitCatalog]:
    """Catalogs of the given plans for one plan year, keyed by plan code (missing ones are absent).

    One small query finds the catalogs and their content hashes; a catalog is rebuilt from its entries only
    when this process has not built that exact version yet (key: catalog id + source hash, so a reloaded
    catalog is never served stale)."""
    heads = list(
        BenefitCatalog.objects.filter(plan__in=plans, plan_year=plan_year).values_list(
            "id", "source_sha256", "plan__code"
        )
    )
    found: dict[str, domain.BenefitCatalog] = {}
    to_build: list[uuid.UUID] = []
    for catalog_id, sha, plan_code in heads:
        key = (str(catalog_id), sha)
        cached = _catalog_cache.get(key)
        if cached is None:
            to_build.append(catalog_id)
        else:
            _catalog_cache.move_to_end(key)
            found[plan_code] = cached
    if to_build:
        rows = (
            BenefitCatalog.objects.filter(pk__in=to_build)
            .defer("source_text")
            .select_related("plan")
            .prefetch_related(Prefetch("entries", queryset=BenefitEntry.objects.order_by("position")))
        )
        for row in rows:
            built = catalog_to_domain(row)
            _catalog_cache[(str(row.pk), row.source_sha256)] = built
            found[row.plan.code] = built
        while len(_catalog_cache) > _CATALOG_CACHE_SIZE:
            _catalog_cache.popitem(last=False)
    return found


def benefit_catalog_list(
    *, plan_code: str | None = None, parent_organization_id: uuid.UUID | None = None
) -> list[dict[str, Any]]:
    """Loaded catalogs (plan, year, entry count, source), for admins and the console."""
    rows = (
        BenefitCatalog.objects.select_related("plan")
        .annotate(entry_count=Count("entries"))
        .defer("source_text")
        .order_by("plan__code", "plan_year")
    )
    if plan_code:
        rows = rows.filter(plan__code=plan_code)
    if parent_organization_id is not None:
        rows = rows.filter(plan__parent_id=parent_organization_id)
    return [
        {
            "plan_code": r.plan.code,
            "plan_year": r.plan_year,
            "program": r.program,
            "entries": r.entry_count,  # type: ignore[attr-defined]
            "source_name": r.source_name,
            "source_sha256": r.source_sha256,
            "loaded_at": r.updated_at.isoformat(),
        }
        for r in rows
    ]


@dataclass(frozen=True)
class BenefitsView:
    """The unified answers for one pair (or one member's pair of plans) and the rule that produced them."""

    pair_code: str | None
    pair_name: str
    plan_year: int
    medicare_plan_code: str | None
    medi_cal_plan_code: str | None
    rule: DualStatusRule
    answers: list[UnifiedBenefitAnswer]
    query: str | None = None
    missing_catalogs: list[str] = field(default_factory=list)


def _categories_for(query: str | None, category: str | None) -> list[ServiceCategory] | None:
    if category is not None:
        if not is_category(category):
            raise UnknownCategory(f"Unknown service category {category!r}.", category=category)
        return [ServiceCategory(category)]
    if query is not None and query.strip():
        return category_search(query)
    return None


def _answers(
    *,
    medicare_plan: Plan | None,
    medi_cal_plan: Plan | None,
    plan_year: int,
    rule: DualStatusRule,
    query: str | None,
    category: str | None,
    what: str,
) -> tuple[list[UnifiedBenefitAnswer], list[str]]:
    categories = _categories_for(query, category)
    plans = [p for p in (medicare_plan, medi_cal_plan) if p is not None]
    catalogs = benefit_catalogs_get(plans=plans, plan_year=plan_year)
    missing = [p.code for p in plans if p.code not in catalogs]
    if not catalogs:
        raise BenefitCatalogMissing(
            f"No benefit catalog is loaded for {what} plan year {plan_year}.",
            plan_year=plan_year,
            plan_codes=[p.code for p in plans],
        )
    medicare = catalogs.get(medicare_plan.code) if medicare_plan is not None else None
    medi_cal = catalogs.get(medi_cal_plan.code) if medi_cal_plan is not None else None
    if categories is not None and category is not None:
        answers = [
            unified_benefit_answer(category=categories[0], medicare=medicare, medi_cal=medi_cal, rule=rule)
        ]
    else:
        answers = unified_benefit_answers(
            medicare=medicare, medi_cal=medi_cal, rule=rule, categories=categories
        )
    return answers, missing


def pair_get(*, pair_code: str) -> AlignedPlanPair:
    pair = (
        AlignedPlanPair.objects.select_related("medicare_plan", "medi_cal_plan")
        .filter(code=pair_code)
        .first()
    )
    if pair is None:
        raise BenefitPairNotFound(f"No aligned plan pair {pair_code!r}.", pair=pair_code)
    return pair


def pair_benefits_get(
    *, pair_code: str, query: str | None = None, category: str | None = None, dual_status: str | None = None
) -> BenefitsView:
    """Public answers for a pair, for the configured public dual status (a full-benefit dual) unless given."""
    pair = pair_get(pair_code=pair_code)
    policy = benefit_policy()
    rule = policy.rule_for(dual_status) if dual_status else policy.public_rule
    answers, missing = _answers(
        medicare_plan=pair.medicare_plan,
        medi_cal_plan=pair.medi_cal_plan,
        plan_year=pair.plan_year,
        rule=rule,
        query=query,
        category=category,
        what=f"pair {pair.code}",
    )
    return BenefitsView(
        pair_code=pair.code,
        pair_name=pair.name,
        plan_year=pair.plan_year,
        medicare_plan_code=pair.medicare_plan.code,
        medi_cal_plan_code=pair.medi_cal_plan.code,
        rule=rule,
        answers=answers,
        query=query,
        missing_catalogs=missing,
    )


def member_benefits_get(
    *, member: Member, query: str | None = None, category: str | None = None, on: dt.date | None = None
) -> BenefitsView:
    """The member's own answers: their aligned pair (or, if not aligned, the D-SNP and Medi-Cal plans they are
    enrolled in on the date) and the rule for their dual status. The caller has already scoped `member`."""
    on = on or today()
    policy = benefit_policy()
    rule = policy.rule_for(member.dual_status)
    pair = member_current_pair(member=member, on=on)
    if pair is not None:
        medicare_plan: Plan | None = pair.medicare_plan
        medi_cal_plan: Plan | None = pair.medi_cal_plan
        plan_year, pair_code, pair_name = pair.plan_year, pair.code, pair.name
    else:
        medicare_plan = medi_cal_plan = None
        for enrollment in enrollments_on(member=member, on=on):
            if enrollment.plan.kind == PlanKind.MEDICARE_DSNP and medicare_plan is None:
                medicare_plan = enrollment.plan
            elif enrollment.plan.kind == PlanKind.MEDI_CAL and medi_cal_plan is None:
                medi_cal_plan = enrollment.plan
        if medicare_plan is None and medi_cal_plan is None:
            raise MemberHasNoBenefitPlans("The member has no plan with us on this date.", on=on.isoformat())
        plan_year, pair_code = on.year, None
        pair_name = " + ".join(p.name for p in (medicare_plan, medi_cal_plan) if p is not None)
    answers, missing = _answers(
        medicare_plan=medicare_plan,
        medi_cal_plan=medi_cal_plan,
        plan_year=plan_year,
        rule=rule,
        query=query,
        category=category,
        what="the member's plans for",
    )
    return BenefitsView(
        pair_code=pair_code,
        pair_name=pair_name,
        plan_year=plan_year,
        medicare_plan_code=medicare_plan.code if medicare_plan else None,
        medi_cal_plan_code=medi_cal_plan.code if medi_cal_plan else None,
        rule=rule,
        answers=answers,
        query=query,
        missing_catalogs=missing,
    )


def benefit_changes_between_years(*, pair_code: str, from_year: int, to_year: int) -> list[dict[str, Any]]:
    """What changes for a pair's members from one plan year to another, category by category.

    `pair_code` names any year's pair of the product (e.g. "sunrise-la-2026"); the plans are that pair's,
    except that when a pair of `to_year` exists for the same D-SNP its Medi-Cal plan is used for `to_year`.
    Returns plain data: a list of {category, category_label{en,es}, kind, change, plan_code, from_year,
    to_year, before{en,es}, after{en,es}, sentence{en,es}} in code-list order (empty when nothing changes).
    Raises BenefitCatalogMissing (naming plan and year) when a year has no catalog for either plan.
    """
    pair = pair_get(pair_code=pair_code)
    to_pair = (
        AlignedPlanPair.objects.select_related("medicare_plan", "medi_cal_plan")
        .filter(medicare_plan=pair.medicare_plan, plan_year=to_year)
        .first()
    )
    from_plans = [pair.medicare_plan, pair.medi_cal_plan]
    to_plans = [to_pair.medicare_plan, to_pair.medi_cal_plan] if to_pair is not None else from_plans
    before = benefit_catalogs_get(plans=from_plans, plan_year=from_year)
    after = benefit_catalogs_get(plans=to_plans, plan_year=to_year)
    for year, plans, found in ((from_year, from_plans, before), (to_year, to_plans, after)):
        if not found:
            raise BenefitCatalogMissing(
                f"No benefit catalog is loaded for pair {pair.code} plan year {year}.",
                plan_year=year,
                plan_codes=[p.code for p in plans],
            )
    changes = benefit_changes(before=list(before.values()), after=list(after.values()))
    return [change.as_dict() for change in changes]


def benefit_catalog_gaps(*, parent_organization_id: uuid.UUID | None = None) -> list[dict[str, Any]]:
    """Pairs whose plan year lacks a catalog for one of its plans (optionally one organization's pairs).

    Two queries whatever the number of pairs. Each gap: {pair_code, pair_name, plan_year, plan_code, program}."""
    pairs = AlignedPlanPair.objects.select_related("medicare_plan", "medi_cal_plan").order_by(
        "plan_year", "code"
    )
    if parent_organization_id is not None:
        pairs = pairs.filter(parent_id=parent_organization_id)
    loaded = set(BenefitCatalog.objects.values_list("plan_id", "plan_year"))
    gaps = []
    for pair in pairs:
        for plan in (pair.medicare_plan, pair.medi_cal_plan):
            if (plan.pk, pair.plan_year) not in loaded:
                gaps.append(
                    {
                        "pair_code": pair.code,
                        "pair_name": pair.name,
                        "plan_year": pair.plan_year,
                        "plan_code": plan.code,
                        "program": "medicare" if plan.kind == PlanKind.MEDICARE_DSNP else "medi_cal",
                    }
                )
    return gaps
