"""python manage.py import_834 --plan PLAN_CODE FILE [--skip-invalid] [--terminate-absent] [--queue]"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.ingest.enrollment.services import import_834_create, import_834_enqueue, import_834_execute
from apps.ingest.models import ImportStatus
from apps.plans.models import Plan


class Command(BaseCommand):
    help = "Import an X12 834 enrollment file for one plan (atomic; writes a 999 acknowledgment)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path of the 834 file")
        parser.add_argument(
            "--plan", required=True, help="Plan code (D-SNP or Medi-Cal plan) the file is for"
        )
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Apply the valid records and list the rejected ones"
        )
        parser.add_argument(
            "--terminate-absent",
            action="store_true",
            help="Full (audit) file: end the enrollments of members absent from the file",
        )
        parser.add_argument("--queue", action="store_true", help="Run on the ingest queue instead of inline")
        parser.add_argument("--ack-out", help="Also write the 999 acknowledgment to this path")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            plan = Plan.objects.get(code=options["plan"])
        except Plan.DoesNotExist as exc:
            raise CommandError(f"Unknown plan code {options['plan']!r}") from exc
        with path.open("rb") as source:
            run = import_834_create(
                plan=plan,
                source=source,
                name=path.name,
                skip_invalid=options["skip_invalid"],
                terminate_absent=options["terminate_absent"],
            )
        if options["queue"]:
            import_834_enqueue(run=run)
            self.stdout.write(f"Queued import run {run.pk} on the ingest queue.")
            return
        run = import_834_execute(run_id=run.pk, local_path=str(path))
        self.stdout.write(f"Import run {run.pk}: {run.status}")
        for key, value in sorted(run.counts.items()):
            self.stdout.write(f"  {key}: {value}")
        for problem in run.errors[:50]:
            self.stdout.write(
                f"  ERROR {problem['file']} line {problem['line']} {problem['segment']} "
                f"{problem.get('field', '')}: {problem['message']} [{problem['code']}]"
            )
        for problem in run.warnings[:20]:
            self.stdout.write(f"  warning line {problem['line']}: {problem['message']} [{problem['code']}]")
        if run.status == ImportStatus.DUPLICATE:
            self.stdout.write(f"  {run.result.get('message', '')}")
        acknowledgment = getattr(run, "acknowledgment", None)
        if acknowledgment is not None:
            self.stdout.write(f"  999 {acknowledgment.control_number}: {acknowledgment.status}")
            if options.get("ack_out"):
                Path(options["ack_out"]).write_text(acknowledgment.text)
        if run.status == ImportStatus.FAILED:
            raise CommandError("Import failed: nothing was applied.")
