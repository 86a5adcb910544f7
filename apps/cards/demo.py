"""Demo: render ID cards (+ carrier letters) for demo members and close one print batch for the demo vendor.

Renders synchronously in this process (Celery eager for the duration), so `make demo` needs no worker.
Idempotent: cards are unique by content, so a second run renders nothing new and closes no empty batch.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings

from apps.cards.models import CardRequestReason
from apps.cards.services import MemberNotAligned, id_card_request
from apps.documents.models import Document, DocumentStatus, MailingVendor
from apps.documents.services import print_batch_close
from apps.members.models import Member
from memberhub.documents.address import AddressError

DEMO_CARDS = 100  # the issue asks for at most ~200 in the demo; 100 keep `make demo` well under a minute


def load_demo(*, stdout: Any) -> None:
    from config.celery import app

    eager_before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    started = time.monotonic()
    created = reused = skipped = 0
    try:
        members = Member.objects.order_by("member_id")[: DEMO_CARDS * 2]
        for member in members:
            if created + reused >= DEMO_CARDS:
                break
            try:
                req = id_card_request(member=member, reason=CardRequestReason.DEMO)
            except (MemberNotAligned, AddressError):
                skipped += 1
                continue
            if req.created_document:
                created += 1
            else:
                reused += 1
        for doc in Document.objects.filter(
            kind__in=["id_card", "card_carrier"], status=DocumentStatus.PENDING
        ):
            # a render scheduled while the broker was unreachable: do it now
            from apps.documents.services import document_render

            document_render(document_id=doc.pk)
        batches = 0
        for vendor in MailingVendor.objects.filter(is_active=True):
            batches += len(print_batch_close(vendor=vendor))
    finally:
        app.conf.task_always_eager = eager_before
    fast = Document.objects.filter(kind="id_card", render_path="fast").count()
    stdout.write(
        f"cards: {created} new card(s), {reused} unchanged, {skipped} member(s) skipped (not aligned / bad address); "
        f"{fast} cards on the fast path; {batches} print batch(es) closed; "
        f"{time.monotonic() - started:.1f}s (fast path {'on' if settings.DOCUMENTS_FAST_PATH else 'off'})\n"
    )
