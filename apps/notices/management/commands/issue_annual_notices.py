"""python manage.py issue_annual_notices --plan-year 2027 [--pair PAIR_CODE] [--issued-on YYYY-MM-DD]

Issue the annual notice of changes to every exclusively aligned member (idempotent per member and year).
"""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand

from apps.notices.annual import annual_notices_issue


class Command(BaseCommand):
    help = "Issue the annual notice of changes for a plan year."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--plan-year", type=int, required=True)
        parser.add_argument("--pair", default=None)
        parser.add_argument("--issued-on", type=dt.date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        counts = annual_notices_issue(
            plan_year=options["plan_year"],
            pair_code=options["pair"],
            issued_on=options["issued_on"],
            stdout=self.stdout,
        )
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
