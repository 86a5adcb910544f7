"""Writes for benefits: load a plan's benefit catalog file for one plan year (idempotent, all or nothing)."""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.benefits.models import BenefitCatalog, BenefitEntry
from apps.ingest.models import ImportKind, ImportRun, ImportStatus
from apps.plans.models import Plan, PlanKind
from memberhub.benefits import catalog as domain
from memberhub.benefits.reader import BenefitCatalogInvalid, CatalogProblem, catalog_parse
from memberhub.benefits.serialize import (
    access_to_dict,
    carve_out_to_dict,
    contact_to_dict,
    limit_to_dict,
    text_to_dict,
)
from memberhub.errors import DomainError

PROGRAM_FOR_PLAN_KIND = {
    PlanKind.MEDICARE_DSNP: domain.Program.MEDICARE,
    PlanKind.MEDI_CAL: domain.Program.MEDI_CAL,
}


class UnknownPlan(DomainError):
    code = "benefits.unknown_plan"
    http_status = 404


@dataclass(frozen=True)
class CatalogLoadResult:
    run: ImportRun
    catalog: BenefitCatalog | None

    @property
    def ok(self) -> bool:
        return self.run.status in (ImportStatus.SUCCEEDED, ImportStatus.DUPLICATE)


def _problem_dict(problem: CatalogProblem) -> dict[str, Any]:
    return {
        "file": problem.source,
        "line": problem.line,
        "segment": problem.entry,
        "field": problem.field,
        "code": "benefits.catalog_invalid",
        "message": problem.message,
    }


def _check_plan(catalog: domain.BenefitCatalog, plan: Plan, source: str) -> list[CatalogProblem]:
    problems = []
    if catalog.plan_code != plan.code:
        problems.append(
            CatalogProblem(
                source, None, None, "plan", f"the file is for plan {catalog.plan_code!r}, not {plan.code!r}"
            )
        )
    expected = PROGRAM_FOR_PLAN_KIND[PlanKind(plan.kind)]
    if catalog.program is not expected:
        problems.append(
            CatalogProblem(
                source,
                None,
                None,
                "program",
                f"plan {plan.code} is a {plan.get_kind_display()}; its catalog must say program: {expected.value}",
            )
        )
    return problems


def _entry_row(catalog: BenefitCatalog, position: int, entry: domain.BenefitEntry) -> BenefitEntry:
    cost = entry.cost_sharing
    return BenefitEntry(
        catalog=catalog,
        position=position,
        category=entry.category.value,
        kind=entry.kind.value,
        covered=entry.covered,
        copay=cost.copay if cost is not None else None,
        coinsurance_percent=cost.coinsurance_percent if cost is not None else None,
        cost_per=cost.per.value if cost is not None else "",
        prior_authorization=entry.prior_authorization,
        referral_required=entry.referral_required,
        limits=[limit_to_dict(limit) for limit in entry.limits],
        access=access_to_dict(entry.access),
        carve_out_program=entry.carve_out.program.value if entry.carve_out is not None else "",
        carve_out=carve_out_to_dict(entry.carve_out),
        description=text_to_dict(entry.description),
        notes=text_to_dict(entry.notes),
        source_line=entry.line,
    )


def benefit_catalog_load(
    *, plan_code: str, content: bytes, source_name: str, user: Any = None
) -> CatalogLoadResult:
    """Load one catalog file for a plan. Refused whole (run FAILED, nothing changed) when the file has any
    problem; a no-op (run DUPLICATE) when the same file is already the plan year's catalog; otherwise the
    plan year's catalog is created or replaced in one transaction. Other plan years are never touched."""
    plan = Plan.objects.filter(code=plan_code).first()
    if plan is None:
        raise UnknownPlan(f"No plan with code {plan_code!r}.", plan_code=plan_code)
    sha = hashlib.sha256(content).hexdigest()
    run = ImportRun.objects.create(
        kind=ImportKind.BENEFITS,
        plan=plan,
        status=ImportStatus.RUNNING,
        source_name=source_name[:500],
        source_sha256=sha,
        started_at=timezone.now(),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    try:
        parsed = catalog_parse(content, source=source_name)
        problems = _check_plan(parsed, plan, source_name)
        if problems:
            raise BenefitCatalogInvalid(source_name, problems)
    except BenefitCatalogInvalid as exc:
        run.status = ImportStatus.FAILED
        run.errors = [_problem_dict(p) for p in exc.catalog_problems]
        run.counts = {"entries": 0}
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "errors", "counts", "finished_at", "updated_at"])
        return CatalogLoadResult(run=run, catalog=None)

    try:
        return _apply(plan=plan, parsed=parsed, run=run, sha=sha, content=content, source_name=source_name)
    except IntegrityError as exc:  # a concurrent load of the same plan year won the race: nothing applied
        run.status = ImportStatus.FAILED
        run.errors = [
            {
                "file": source_name,
                "line": None,
                "segment": None,
                "field": None,
                "code": "benefits.concurrent_load",
                "message": f"another load of this plan year ran at the same time; re-run ({exc.__class__.__name__})",
            }
        ]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "errors", "finished_at", "updated_at"])
        return CatalogLoadResult(run=run, catalog=None)


def _apply(
    *, plan: Plan, parsed: domain.BenefitCatalog, run: ImportRun, sha: str, content: bytes, source_name: str
) -> CatalogLoadResult:
    with transaction.atomic():
        existing = (
            BenefitCatalog.objects.select_for_update().filter(plan=plan, plan_year=parsed.plan_year).first()
        )
        if existing is not None and existing.source_sha256 == sha:
            run.status = ImportStatus.DUPLICATE
            run.counts = {"entries": existing.entries.count()}
            run.result = {
                "catalog_id": str(existing.pk),
                "plan_year": parsed.plan_year,
                "action": "unchanged",
            }
            run.finished_at = timezone.now()
            run.save(update_fields=["status", "counts", "result", "finished_at", "updated_at"])
            return CatalogLoadResult(run=run, catalog=existing)
        values = {
            "program": parsed.program.value,
            "plan_name": parsed.plan_name or "",
            "member_services": contact_to_dict(parsed.member_services),
            "layout_version": parsed.layout_version,
            "source_name": source_name[:500],
            "source_sha256": sha,
            "source_text": content.decode("utf-8-sig"),
            "import_run": run,
        }
        if existing is None:
            catalog = BenefitCatalog(plan=plan, plan_year=parsed.plan_year, **values)
            action = "created"
        else:
            catalog = existing
            for name, value in values.items():
                setattr(catalog, name, value)
            catalog.entries.all().delete()
            action = "replaced"
        catalog.full_clean()
        catalog.save()
        BenefitEntry.objects.bulk_create(
            [_entry_row(catalog, position, entry) for position, entry in enumerate(parsed.entries)]
        )
        run.status = ImportStatus.SUCCEEDED
        run.counts = {"entries": len(parsed.entries)}
        run.result = {"catalog_id": str(catalog.pk), "plan_year": parsed.plan_year, "action": action}
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "counts", "result", "finished_at", "updated_at"])
    return CatalogLoadResult(run=run, catalog=catalog)
