"""Close print batches now (the beat job does it every weekday at 17:30):

python manage.py documents_close_batches [--vendor CODE] [--date YYYY-MM-DD]
"""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.documents.models import MailingVendor
from apps.documents.services import print_batch_close


class Command(BaseCommand):
    help = "Close a print batch per vendor from the queued pieces whose documents are ready."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--vendor", help="vendor code (default: every active vendor)")
        parser.add_argument("--date", type=dt.date.fromisoformat, help="business date (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        vendors = MailingVendor.objects.filter(is_active=True)
        if options["vendor"]:
            vendors = vendors.filter(code=options["vendor"])
            if not vendors.exists():
                raise CommandError(f"no active vendor with code {options['vendor']!r}")
        for vendor in vendors:
            batches = print_batch_close(vendor=vendor, business_date=options["date"])
            codes = ", ".join(b.code for b in batches) or "nothing queued"
            self.stdout.write(f"{vendor.code}: {codes}")
