"""Demo provider directories: a synthetic California directory per demo aligned pair, plus the Plan-Net examples.

For each plan of the plan-year-2026 pairs, write the plan's published directory as Plan-Net NDJSON
(memberhub.directory.synthetic, deterministic) and import it with the real importer; the Sunrise LA
pair also gets the Plan-Net IG examples (D-SNP) and their Medi-Cal counterpart. Then rebuild every
pair. Idempotent: a re-run re-imports identical content (no-op) and rebuilds deterministically.
"""

import tempfile
from pathlib import Path
from typing import Any

from apps.directory.services import directory_import, directory_rebuild_pair
from apps.plans.models import AlignedPlanPair
from memberhub.directory.synthetic import write_synthetic_directories

DEMO_DATA = Path(__file__).resolve().parent / "demo_data"
ROWS_PER_PLAN = 1200
COUNTY_CENTRES: dict[str, tuple[float, float, float, float]] = {
    "06037": (34.05, -118.25, 1.0, 0.20),  # Los Angeles
    "06059": (33.74, -117.87, 1.0, 0.10),  # Orange
    "06073": (32.80, -117.10, 1.0, 0.12),  # San Diego
    "06065": (33.90, -117.35, 0.6, 0.15),  # Riverside
    "06071": (34.10, -117.30, 0.6, 0.15),  # San Bernardino
    "06001": (37.80, -122.27, 1.0, 0.10),  # Alameda
}
CITIES = {"06037": "Los Angeles", "06059": "Santa Ana", "06073": "San Diego", "06065": "Riverside"}


def load_demo(*, stdout: Any) -> None:
    pairs = list(
        AlignedPlanPair.objects.filter(plan_year=2026)
        .select_related("medicare_plan", "medi_cal_plan")
        .order_by("code")
    )
    if not pairs:
        stdout.write("directory: no 2026 aligned pairs (run seed_demo first); nothing loaded")
        return
    all_pairs = AlignedPlanPair.objects.select_related("medicare_plan", "medi_cal_plan").order_by("code")
    with tempfile.TemporaryDirectory(prefix="memberhub-demo-directory-") as tmp:
        for index, pair in enumerate(pairs):
            centres = [COUNTY_CENTRES[c] for c in pair.counties if c in COUNTY_CENTRES] or [
                COUNTY_CENTRES["06037"]
            ]
            files = write_synthetic_directories(
                out_dir=Path(tmp) / pair.code,
                rows=ROWS_PER_PLAN,
                seed=1000 + index,
                centres=centres,
                rural=0.0,
                npi_base=(index + 1) * 1_000_000,
                city=CITIES.get(pair.counties[0] if pair.counties else "", "Los Angeles"),
                payer_name=pair.parent.name,
                networks=(f"net-{pair.medicare_plan.code}", f"net-{pair.medi_cal_plan.code}"),
            )
            medicare_paths = [str(files["A"])]
            medi_cal_paths = [str(files["B"])]
            if index == 0:
                medicare_paths.append(str(DEMO_DATA / "plannet-ig-examples"))
                medi_cal_paths.append(str(DEMO_DATA / "medi_cal_bundle.json"))
            for plan, paths in ((pair.medicare_plan, medicare_paths), (pair.medi_cal_plan, medi_cal_paths)):
                run = directory_import(plan=plan, paths=paths, schedule_rebuild=False)
                stdout.write(
                    f"directory: {plan.code}: {run.status} ({run.counts.get('applied', 0)} entries, "
                    f"{run.counts.get('warnings', 0)} warnings)"
                )
    for pair in all_pairs:
        counts = directory_rebuild_pair(pair=pair)
        stdout.write(f"directory: {pair.code}: {counts['entries']} entries, {counts['both']} in both networks, "
                     f"{counts['conflicts']} with conflicts")  # fmt: skip
