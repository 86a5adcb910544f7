"""python manage.py import_directory --plan PLAN_CODE [--network NETWORK_ID] [--skip-invalid] PATH..."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from apps.directory.services import directory_import, directory_rebuild_plan_pairs
from apps.ingest.models import ImportStatus
from apps.plans.models import Plan


class Command(BaseCommand):
    help = (
        "Import a plan's provider directory: Plan-Net FHIR (Bundle JSON, NDJSON, or a folder of resource "
        "JSON files) or the documented CSV layout. A run with errors applies nothing unless --skip-invalid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="files or folders")
        parser.add_argument("--plan", required=True, help="plan code, e.g. H5501-001-000 or MC-SUNRISE-LA")
        parser.add_argument("--network", default="", help="keep only this Plan-Net network (Organization id)")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="apply the valid resources, list the rest"
        )
        parser.add_argument("--as-of", default="", help="participation date (YYYY-MM-DD, default today)")
        parser.add_argument(
            "--rebuild-now",
            action="store_true",
            help="rebuild the unified directory in this process instead of on the ingest queue",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        plan = Plan.objects.filter(code=options["plan"]).first()
        if plan is None:
            raise CommandError(f"unknown plan {options['plan']!r}")
        as_of = None
        if options["as_of"]:
            try:
                as_of = date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError(f"--as-of: {exc}") from exc
        bar = tqdm(desc="resources read", unit=" res", disable=options["verbosity"] == 0)
        state = {"last": 0}

        def progress(done: int) -> None:
            bar.update(done - state["last"])
            state["last"] = done

        run = directory_import(
            plan=plan,
            paths=options["paths"],
            network_id=options["network"],
            skip_invalid=options["skip_invalid"],
            as_of=as_of,
            progress=progress,
            schedule_rebuild=not options["rebuild_now"],
        )
        bar.close()
        for problem in run.errors:
            self.stderr.write(_line("ERROR", problem))
        for problem in run.warnings[:50]:
            self.stderr.write(_line("warning", problem))
        if len(run.warnings) > 50:
            self.stderr.write(f"... and {len(run.warnings) - 50} more warnings (see import run {run.pk})")
        counts = run.counts
        self.stdout.write(
            f"import run {run.pk}: {run.status}; read {counts.get('resources_read', 0)} resources, "
            f"applied {counts.get('applied', 0)} entries, rejected {counts.get('rejected', 0)}"
        )
        if run.status == ImportStatus.FAILED:
            raise CommandError("nothing applied (fix the errors above, or use --skip-invalid)")
        if options["rebuild_now"] and run.status != ImportStatus.DUPLICATE:
            for code, result in directory_rebuild_plan_pairs(plan=plan).items():
                self.stdout.write(f"rebuilt {code}: {result}")


def _line(level: str, problem: dict[str, Any]) -> str:
    where = ":".join(str(p) for p in (problem.get("file"), problem.get("line")) if p)
    what = " ".join(
        str(p) for p in (problem.get("segment"), f"[{problem['field']}]" if problem.get("field") else "") if p
    )
    return f"{level}: {where} {what}: {problem.get('message')}".replace("  ", " ")
