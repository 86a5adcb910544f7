"""python manage.py rebuild_directory --pair PAIR_CODE (or --all)"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.directory.services import directory_rebuild_pair
from apps.plans.models import AlignedPlanPair


class Command(BaseCommand):
    help = "Rebuild the unified directory of an aligned pair from both plans' imported directories."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pair", action="append", default=[], help="pair code (repeatable)")
        parser.add_argument("--all", action="store_true", help="every pair")

    def handle(self, *args: Any, **options: Any) -> None:
        pairs = AlignedPlanPair.objects.select_related("medicare_plan", "medi_cal_plan")
        if not options["all"]:
            if not options["pair"]:
                raise CommandError("give --pair PAIR_CODE or --all")
            pairs = pairs.filter(code__in=options["pair"])
            missing = set(options["pair"]) - set(pairs.values_list("code", flat=True))
            if missing:
                raise CommandError(f"unknown pair(s): {', '.join(sorted(missing))}")
        for pair in pairs.order_by("code"):
            counts = directory_rebuild_pair(pair=pair)
            self.stdout.write(f"{pair.code}: {counts}")
