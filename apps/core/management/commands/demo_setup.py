import importlib
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

# Order matters: later areas use earlier ones (cards use formulary routing, notices go with cards, ...).
DEMO_APPS = ("directory", "formulary", "benefits", "ingest", "cards", "notices", "appeals")


class Command(BaseCommand):
    help = (
        "Everything make demo loads: seed_demo, then each app's demo loader (apps/<app>/demo.py: load_demo)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("seed_demo", members=options["members"], seed=options["seed"], stdout=self.stdout)
        for app in DEMO_APPS:
            try:
                module = importlib.import_module(f"apps.{app}.demo")
            except ModuleNotFoundError:
                continue
            loader = getattr(module, "load_demo", None)
            if loader is None:
                continue
            started = time.monotonic()
            self.stdout.write(f"demo: {app} ...")
            loader(stdout=self.stdout)
            self.stdout.write(f"demo: {app} done in {time.monotonic() - started:.1f}s")
