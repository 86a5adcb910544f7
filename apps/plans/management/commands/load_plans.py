from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.plans.services import plans_load_file
from memberhub.errors import ValidationFailed


class Command(BaseCommand):
    help = "Load parent organizations, plans and aligned pairs from a YAML file (idempotent; refused whole on error)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        try:
            result = plans_load_file(path=path)
        except ValidationFailed as exc:
            raise CommandError("\n".join([exc.message, *(f"  - {p}" for p in exc.problems)])) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"plans loaded: {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
            )
        )
