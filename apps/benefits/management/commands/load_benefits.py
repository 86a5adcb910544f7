from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.benefits.services import UnknownPlan, benefit_catalog_load
from apps.ingest.models import ImportStatus


class Command(BaseCommand):
    help = (
        "Load a plan's benefit catalog file (YAML layout in apps/benefits/README.md) for the plan year it names. "
        "Idempotent: the same file again is a no-op; a changed file replaces that plan year's catalog. "
        "A file with any problem is refused whole and each problem is printed with its line, entry and field."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True, help="Plan code, e.g. H5501-001-000 or MC-SUNRISE-LA")
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            result = benefit_catalog_load(
                plan_code=options["plan"], content=path.read_bytes(), source_name=str(path)
            )
        except UnknownPlan as exc:
            raise CommandError(exc.message) from exc
        run = result.run
        if run.status == ImportStatus.FAILED:
            lines = [
                f"{path}: catalog refused, nothing changed ({len(run.errors)} problems; import run {run.pk})"
            ]
            for error in run.errors:
                where = ", ".join(
                    part
                    for part in (
                        f"line {error['line']}" if error.get("line") else "",
                        error.get("segment") or "",
                        f"field '{error['field']}'" if error.get("field") else "",
                    )
                    if part
                )
                lines.append(f"  - {where}: {error['message']}" if where else f"  - {error['message']}")
            raise CommandError("\n".join(lines))
        action = run.result.get("action", "unchanged")
        self.stdout.write(
            self.style.SUCCESS(
                f"benefit catalog {options['plan']} {run.result.get('plan_year')}: {action}, "
                f"{run.counts.get('entries', 0)} entries (import run {run.pk})"
            )
        )
