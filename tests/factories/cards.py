"""Helpers for card tests."""

from apps.cards.services import id_card_request
from apps.documents.models import Document, DocumentStatus


def card_documents_ready(member, reason="new_enrollment", requested_by=None):  # type: ignore[no-untyped-def]
    """Request a card (eager Celery in tests renders it at commit) and return the request."""
    req = id_card_request(member=member, reason=reason, requested_by=requested_by)
    assert Document.objects.get(pk=req.document_id).status == DocumentStatus.READY
    return req
