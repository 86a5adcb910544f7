"""Demo benefit catalogs: every plan of every demo pair, plan years 2026 and 2027 (config/benefits/<PLAN>/<YEAR>.yaml).

Idempotent: a file already loaded is a no-op (same content hash); a changed file replaces that plan year.
"""

from pathlib import Path
from typing import Any

from django.conf import settings

from apps.benefits.services import benefit_catalog_load
from apps.ingest.models import ImportStatus
from apps.plans.models import Plan


def demo_catalog_files() -> list[tuple[str, Path]]:
    """(plan code, file) for every sample catalog, sorted."""
    root = Path(settings.BASE_DIR) / settings.BENEFITS_DEMO_CATALOG_DIR
    return sorted((path.parent.name, path) for path in root.glob("*/*.yaml"))


def load_demo(*, stdout: Any) -> None:
    known = set(Plan.objects.values_list("code", flat=True))
    loaded = unchanged = skipped = 0
    for plan_code, path in demo_catalog_files():
        if plan_code not in known:
            skipped += 1
            continue
        result = benefit_catalog_load(plan_code=plan_code, content=path.read_bytes(), source_name=str(path))
        if result.run.status == ImportStatus.FAILED:
            problems = "; ".join(e["message"] for e in result.run.errors[:3])
            raise RuntimeError(f"demo benefit catalog {path} refused: {problems}")
        if result.run.status == ImportStatus.DUPLICATE:
            unchanged += 1
        else:
            loaded += 1
    stdout.write(
        f"benefits: {loaded} catalogs loaded, {unchanged} unchanged, {skipped} skipped (plan not seeded)\n"
    )
