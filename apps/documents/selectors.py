"""Reads for documents and print batches, scoped by the caller."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from apps.documents.models import Document, MailPiece, PrintBatch


def print_batch_list_for_vendor(*, user: Any, status: str | None = None) -> QuerySet[PrintBatch]:
    """A vendor user sees only its own vendor's batches; anyone else sees none here."""
    vendor_id = getattr(user, "vendor_id", None)
    if not vendor_id or getattr(user, "role", None) != "vendor":
        return PrintBatch.objects.none()
    qs = PrintBatch.objects.filter(vendor_id=vendor_id).select_related("vendor")
    if status:
        qs = qs.filter(status=status)
    return qs


def print_batch_get_for_vendor(*, user: Any, batch_pk: uuid.UUID | str) -> PrintBatch:
    try:
        return print_batch_list_for_vendor(user=user).get(pk=batch_pk)
    except (PrintBatch.DoesNotExist, ValueError) as exc:
        raise Http404("No such print batch.") from exc


def document_get_for_member(
    *, member: Any, document_pk: uuid.UUID | str, kind: str | None = None
) -> Document:
    qs = Document.objects.filter(member=member)
    if kind:
        qs = qs.filter(kind=kind)
    try:
        return qs.get(pk=document_pk)
    except (Document.DoesNotExist, ValueError) as exc:
        raise Http404("No such document.") from exc


def mail_pieces_for_member(*, member: Any) -> QuerySet[MailPiece]:
    return MailPiece.objects.filter(member=member).select_related("vendor", "batch", "primary_document")
