from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from apps.accounts.demo import demo_users_ensure
from apps.members.demo import members_seed_demo
from apps.plans.services import plans_load_file


class Command(BaseCommand):
    help = "Deterministic, idempotent demo data: plans and pairs, N synthetic members, demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--plans", type=Path, default=Path(settings.BASE_DIR) / "config" / "plans" / "demo.yaml"
        )
        parser.add_argument("--plan-year", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        result = plans_load_file(path=options["plans"])
        self.stdout.write(
            f"plans: {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
        )
        count = members_seed_demo(
            count=options["members"], seed=options["seed"], plan_year=options["plan_year"]
        )
        self.stdout.write(f"members: {count} demo members in place")
        logins = demo_users_ensure()
        self.stdout.write(f"demo logins: {', '.join(sorted(logins))} (passwords in var/demo-logins.json)")
