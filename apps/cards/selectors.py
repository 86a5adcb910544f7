"""Card reads: the member's current card and the full history (versions, mailing, returns)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from apps.cards.models import CardRequest
from apps.documents.models import Document, DocumentStatus, MailPiece
from apps.members.models import Member


def id_card_current(*, member: Member) -> Document | None:
    """The newest card document that is ready (else the newest one at all, so callers can show status)."""
    cards = Document.objects.filter(member=member, kind="id_card")
    return (
        cards.filter(status=DocumentStatus.READY).order_by("-created_at").first()
        or cards.order_by("-created_at").first()
    )


def id_card_history(*, member: Member) -> list[dict[str, Any]]:
    """Every card version with its requests and every mailing (vendor, printed, returned)."""
    docs = list(Document.objects.filter(member=member, kind="id_card").order_by("-created_at"))
    pieces = MailPiece.objects.filter(member=member, kind="id_card").select_related("vendor", "batch")
    by_doc: dict[Any, list[MailPiece]] = {}
    for p in pieces.order_by("-created_at"):
        by_doc.setdefault(p.primary_document_id, []).append(p)
    reqs: dict[Any, list[CardRequest]] = {}
    for r in CardRequest.objects.filter(member=member).order_by("-created_at"):
        reqs.setdefault(r.document_id, []).append(r)
    out = []
    for version, d in zip(range(len(docs), 0, -1), docs, strict=True):
        out.append(
            {
                "version": version,
                "document": d,
                "mailings": by_doc.get(d.pk, []),
                "requests": reqs.get(d.pk, []),
            }
        )
    return out


def card_requests_for(*, member: Member) -> QuerySet[CardRequest]:
    return CardRequest.objects.filter(member=member).select_related("document", "mail_piece")
