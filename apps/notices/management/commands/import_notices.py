"""python manage.py import_notices --plan PLAN_CODE PATH [--async]

Import a drop of external notices (PDF files with a manifest.json / manifest.csv, or a JSON sidecar per
PDF). Bad files are refused one by one with the file, manifest position and field; good files are imported
once (re-running the same drop imports nothing twice).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from apps.notices import imports
from apps.notices.tasks import import_notices_task


class Command(BaseCommand):
    help = "Import external notices (PDFs + JSON/CSV manifest) produced by a plan's own systems."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--plan", required=True, help="Code of the plan whose systems produced the letters"
        )
        parser.add_argument("path", help="Drop folder (or its manifest file)")
        parser.add_argument("--async", dest="run_async", action="store_true", help="Run as a Celery task")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = imports.notices_import_start(plan_code=options["plan"], path=options["path"])
        except imports.UnknownPlan as exc:
            raise CommandError(exc.message) from exc
        if options["run_async"]:
            import_notices_task.delay_on_commit(str(run.pk))
            self.stdout.write(f"import run {run.pk} queued")
            return
        run = imports.notices_import_run(run_id=run.pk)
        self.stdout.write(f"import run {run.pk}: {run.status}")
        for name, value in sorted(run.counts.items()):
            self.stdout.write(f"  {name}: {value}")
        for error in run.errors:
            self.stderr.write(f"  {error['file']} ({error['line']}) {error['field']}: {error['message']}")
        if run.status == "failed":
            raise CommandError("nothing imported")
