"""python manage.py import_formulary --source {partd,medi-cal-rx,rxnorm} PATH [--contract-year Y] [--async]

partd: a CMS Part D formulary release zip (nested zips), a folder of extracted files or one table.
medi-cal-rx: the Contract Drugs List CSV (layout in apps/formulary/README.md).
rxnorm: RXNCONSO.RRF (+ RXNSAT.RRF) in a folder or the RxNorm zip, or a FHIR MedicationKnowledge
ndjson seed. Import order for a fresh database: rxnorm, partd, medi-cal-rx.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.formulary.models import SnapshotSource
from apps.formulary.services import formulary_import, formulary_import_start
from apps.ingest.models import ImportStatus

SOURCE_ALIASES = {
    "partd": SnapshotSource.PART_D,
    "part-d": SnapshotSource.PART_D,
    "medi-cal-rx": SnapshotSource.MEDI_CAL_RX,
    "medi_cal_rx": SnapshotSource.MEDI_CAL_RX,
    "rxnorm": SnapshotSource.RXNORM,
}


class Command(BaseCommand):
    help = "Import a formulary source file as a new immutable snapshot (no-op if already imported)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", required=True, choices=sorted(SOURCE_ALIASES))
        parser.add_argument("path")
        parser.add_argument("--contract-year", type=int, default=None)
        parser.add_argument(
            "--async", dest="run_async", action="store_true", help="queue it on the ingest worker"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        source = SOURCE_ALIASES[options["source"]]
        if options["run_async"]:
            run = formulary_import_start(
                source=source, path=options["path"], contract_year=options["contract_year"]
            )
            self.stdout.write(f"queued import run {run.pk}")
            return
        bar = tqdm(
            desc=f"{options['source']}",
            unit=" rows",
            disable=options["no_progress"] or options["verbosity"] == 0,
            file=self.stderr._out,
        )

        def progress(stage: str, count: int) -> None:
            bar.set_postfix_str(stage)
            if count > bar.n:
                bar.update(count - bar.n)

        try:
            run = formulary_import(
                source=source, path=options["path"], contract_year=options["contract_year"], progress=progress
            )
        finally:
            bar.close()
        if run.status == ImportStatus.FAILED:
            problems = "; ".join(e["message"] for e in run.errors)
            raise CommandError(f"import refused, nothing changed: {problems}")
        verb = "already imported (no-op)" if run.status == ImportStatus.DUPLICATE else "imported"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb}: snapshot {run.result.get('snapshot_id')} "
                f"(current: {run.result.get('is_current')}) counts {run.counts}"
            )
        )
