"""Documents pipeline services: request, render (claim + lease), mail pieces, print batches."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from apps.audit.services import audit_record
from apps.documents import renderers
from apps.documents.engine import TemplateError, pdf_previews
from apps.documents.error_codes import DocumentErrorCode
from apps.documents.models import (
    Document,
    DocumentStatus,
    MailingVendor,
    MailPiece,
    MailPieceStatus,
    PrintBatch,
    PrintBatchStatus,
)
from apps.documents.storage import storage_delete, storage_put, storage_read
from memberhub.documents.address import AddressError, MailingAddress
from memberhub.documents.batches import (
    EnvelopeGrouper,
    PieceInput,
    PiecePart,
    layout_batch,
    manifest_csv,
    manifest_json,
)
from memberhub.documents.hashing import content_hash, sha256_hex, storage_key
from memberhub.errors import DomainError

logger = logging.getLogger(__name__)


class DocumentNotReady(DomainError):
    code = "documents.not_ready"
    http_status = 409


class BatchCountMismatch(DomainError):
    code = DocumentErrorCode.BATCH_COUNT_MISMATCH.value
    http_status = 409


class BatchNotAcknowledgeable(DomainError):
    code = DocumentErrorCode.BATCH_NOT_READY.value
    http_status = 409


class UnknownPieces(DomainError):
    code = DocumentErrorCode.UNKNOWN_PIECES.value
    http_status = 400


def _hash_key() -> bytes:
    key: str = settings.MEMBERHUB_HASH_KEY
    raw = key.encode("utf-8")
    return raw if len(raw) >= 16 else (raw * (16 // max(len(raw), 1) + 1))[:32]


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=settings.DOCUMENTS_RENDER_LEASE_SECONDS)


# ---------------------------------------------------------------------------------------------------
# request + render
# ---------------------------------------------------------------------------------------------------


def document_content_hash(*, kind: str, content: Mapping[str, Any]) -> str:
    renderer = renderers.get(kind)
    hashed = {k: v for k, v in content.items() if k not in renderer.hash_exclude}
    return content_hash(
        key=_hash_key(), kind=kind, template_version=renderer.template_version, content=hashed
    )


def _schedule_render(document: Document) -> None:
    from apps.documents.tasks import render_document_task

    document_id = str(document.pk)
    transaction.on_commit(lambda: render_document_task.delay(document_id))


@transaction.atomic
def document_request(
    *,
    member: Any,
    kind: str,
    content: Mapping[str, Any],
    language: str = "en",
    format: str = "standard",
    related: Document | None = None,
) -> tuple[Document, bool]:
    """Get or create the document for this exact content; schedule its render on commit when it is
    not ready. The same content never produces two documents (unique on member, kind, content hash)."""
    renderer = renderers.get(kind)
    digest = document_content_hash(kind=kind, content=content)
    created = False
    try:
        with transaction.atomic():
            document, created = Document.objects.get_or_create(
                member=member,
                kind=kind,
                content_hash=digest,
                defaults={
                    "template_version": renderer.template_version,
                    "language": language,
                    "format": format,
                    "content": json.loads(json.dumps(dict(content), default=str)),
                    "related": related,
                },
            )
    except IntegrityError:  # a concurrent request created it first
        document = Document.objects.get(member=member, kind=kind, content_hash=digest)
    if created:
        audit_record(
            actor=None,
            action="create",
            resource="document",
            member_id=member.pk,
            resource_id=document.pk,
            channel="system",
            kind=kind,
        )
    if document.status in (DocumentStatus.PENDING, DocumentStatus.FAILED):
        if document.status == DocumentStatus.FAILED:
            Document.objects.filter(pk=document.pk, status=DocumentStatus.FAILED).update(
                status=DocumentStatus.PENDING, error_code="", error_message=""
            )
            document.refresh_from_db()
        _schedule_render(document)
    return document, created


def _claim(document_id: uuid.UUID) -> bool:
    now = timezone.now()
    claimable = Q(status=DocumentStatus.PENDING) | Q(
        status=DocumentStatus.RENDERING, claimed_at__lt=now - _lease()
    )
    with transaction.atomic():
        updated = Document.objects.filter(claimable, pk=document_id).update(
            status=DocumentStatus.RENDERING, claimed_at=now
        )
        if updated:
            Document.objects.filter(pk=document_id).update(attempts=F("attempts") + 1)
    return bool(updated)


def document_fail(*, document_id: uuid.UUID, code: str, message: str) -> None:
    Document.objects.filter(pk=document_id).exclude(status=DocumentStatus.READY).update(
        status=DocumentStatus.FAILED, error_code=code[:80], error_message=message[:2000], claimed_at=None
    )


def document_release(*, document_id: uuid.UUID) -> None:
    """Give a claim back after a transient error, so the retry can claim it again."""
    Document.objects.filter(pk=document_id, status=DocumentStatus.RENDERING).update(
        status=DocumentStatus.PENDING, claimed_at=None
    )


def document_render(*, document_id: uuid.UUID) -> bool:
    """Render one document (idempotent). Returns True if this call rendered it.

    Claim -> render outside any transaction -> deterministic storage keys -> mark READY. Template and
    data errors fail fast with a readable code; OSErrors (storage) propagate for the task to retry."""
    if not _claim(document_id):
        return False
    document = Document.objects.select_related("member").get(pk=document_id)
    try:
        renderer = renderers.get(document.kind)
        result = renderer.render(document)
        previews = pdf_previews(result.pdf) if renderer.previews and renderer.eager_previews else []
    except (TemplateError, DomainError) as exc:
        code = getattr(exc, "code", DocumentErrorCode.TEMPLATE_ERROR.value)
        document_fail(document_id=document_id, code=str(code), message=str(exc))
        logger.warning("document %s failed: %s", document_id, code)
        return False
    except OSError:
        document_release(document_id=document_id)
        raise
    except (KeyError, ValueError, TypeError) as exc:
        document_fail(
            document_id=document_id,
            code=DocumentErrorCode.DATA_ERROR.value,
            message=f"{type(exc).__name__}: {exc}",
        )
        logger.warning("document %s failed: data error %s", document_id, type(exc).__name__)
        return False

    key = storage_key(kind=document.kind, content_hash=document.content_hash)
    preview_keys = [
        storage_key(
            kind=document.kind, content_hash=document.content_hash, extension="png", variant=f"p{i + 1}"
        )
        for i in range(len(previews))
    ]
    try:
        storage_put(key, result.pdf)
        for pkey, png in zip(preview_keys, previews, strict=True):
            storage_put(pkey, png)
    except OSError:
        document_release(document_id=document_id)
        raise
    updated = Document.objects.filter(pk=document_id, status=DocumentStatus.RENDERING).update(
        status=DocumentStatus.READY,
        file_key=key,
        preview_keys=preview_keys,
        page_count=result.page_count,
        size_bytes=len(result.pdf),
        sha256=sha256_hex(result.pdf),
        render_path=result.render_path,
        rendered_at=timezone.now(),
        claimed_at=None,
        error_code="",
        error_message="",
    )
    if updated:
        audit_record(
            actor=None,
            action="create",
            resource="document_file",
            member_id=document.member_id,
            resource_id=document.pk,
            channel="worker",
            kind=document.kind,
            render_path=result.render_path,
        )
    return bool(updated)


def documents_requeue_stale(*, older_than_seconds: int | None = None, limit: int = 5000) -> int:
    """Re-enqueue documents whose render was lost (worker killed, broker message lost): RENDERING with an
    expired lease, or PENDING untouched for `DOCUMENTS_REQUEUE_PENDING_AFTER_SECONDS` (long enough that a
    mass re-carding queue is not flooded with duplicates). Each requeued row is touched, so it is requeued
    at most once per period. Safe to run often: the render claims each row once."""
    from apps.documents.tasks import render_document_task

    age = dt.timedelta(seconds=older_than_seconds or settings.DOCUMENTS_REQUEUE_PENDING_AFTER_SECONDS)
    now = timezone.now()
    stale = list(
        Document.objects.filter(
            Q(status=DocumentStatus.PENDING, updated_at__lt=now - age)
            | Q(status=DocumentStatus.RENDERING, claimed_at__lt=now - _lease())
        )
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    Document.objects.filter(pk__in=stale, status=DocumentStatus.PENDING).update(updated_at=now)
    for pk in stale:
        render_document_task.delay_on_commit(str(pk))
    return len(stale)


def document_file(*, document: Document) -> bytes:
    if document.status != DocumentStatus.READY:
        raise DocumentNotReady("the document is not rendered yet", status=document.status)
    return storage_read(document.file_key)


def document_preview(*, document: Document, page: int = 1) -> bytes:
    """PNG of one page, made from the stored PDF. Made on first request (lazily: a mass re-carding does not
    pay ~0.1 s per card for pictures nobody looks at) and kept under deterministic keys."""
    if document.status != DocumentStatus.READY:
        raise DocumentNotReady("the document is not rendered yet", status=document.status)
    if not renderers.get(document.kind).previews:
        raise DomainError("this kind of document has no preview", code="documents.no_preview")
    if not 1 <= page <= (document.page_count or 0):
        raise DomainError("no such page", code="documents.no_such_page", page=page)
    if len(document.preview_keys) == document.page_count:
        return storage_read(document.preview_keys[page - 1])
    pngs = pdf_previews(storage_read(document.file_key))
    keys = [
        storage_key(
            kind=document.kind, content_hash=document.content_hash, extension="png", variant=f"p{i + 1}"
        )
        for i in range(len(pngs))
    ]
    for key, png in zip(keys, pngs, strict=True):
        storage_put(key, png)
    Document.objects.filter(pk=document.pk).update(preview_keys=keys)
    document.preview_keys = keys
    return pngs[page - 1]


# ---------------------------------------------------------------------------------------------------
# mail pieces
# ---------------------------------------------------------------------------------------------------


def vendor_for(*, pair: Any, kind: str) -> MailingVendor | None:
    if pair is None:
        return None
    return (
        MailingVendor.objects.filter(is_active=True, pairs=pair, kinds__contains=[kind])
        .order_by("code")
        .first()
    )


@transaction.atomic
def mail_piece_queue(
    *,
    member: Any,
    documents: Sequence[Document],
    primary: Document,
    reason: str,
    pair: Any = None,
    mail_date: dt.date | None = None,
    requested_by: Any = None,
) -> MailPiece:
    """Queue a piece for the next print batch of the vendor that prints `primary.kind` for the pair."""
    if primary not in documents:
        raise DomainError(
            "the primary document must be one of the piece's documents", code="documents.bad_primary"
        )
    vendor = vendor_for(pair=pair, kind=primary.kind)
    return MailPiece.objects.create(
        member=member,
        kind=primary.kind,
        primary_document=primary,
        document_ids=[d.pk for d in documents],
        vendor=vendor,
        status=MailPieceStatus.QUEUED if vendor else MailPieceStatus.NO_VENDOR,
        mail_date=mail_date or timezone.localdate(),
        reason=reason,
        requested_by=requested_by if getattr(requested_by, "is_authenticated", False) else None,
    )


# ---------------------------------------------------------------------------------------------------
# print batches
# ---------------------------------------------------------------------------------------------------


def _envelope_grouper() -> EnvelopeGrouper:
    grouper: EnvelopeGrouper = import_string(settings.DOCUMENTS_ENVELOPE_GROUPER)
    return grouper


def print_batch_close(*, vendor: MailingVendor, business_date: dt.date | None = None) -> list[PrintBatch]:
    """Take the vendor's queued pieces whose documents are all ready into new batches (bounded by
    `vendor.max_pieces_per_batch`) and schedule their build on commit. Re-running takes nothing twice."""
    from apps.documents.tasks import build_print_batch_task

    business_date = business_date or timezone.localdate()
    batches: list[PrintBatch] = []
    with transaction.atomic():
        # one close at a time per vendor (batch codes are numbered per vendor and day)
        MailingVendor.objects.select_for_update().filter(pk=vendor.pk).first()
        queued = list(
            MailPiece.objects.select_for_update(skip_locked=True)
            .filter(vendor=vendor, status=MailPieceStatus.QUEUED, batch__isnull=True)
            .order_by("created_at", "pk")
        )
        doc_ids = {d for p in queued for d in p.document_ids}
        ready = set(
            Document.objects.filter(pk__in=doc_ids, status=DocumentStatus.READY).values_list("pk", flat=True)
        )
        takeable = [p for p in queued if all(d in ready for d in p.document_ids)]
        size = max(1, vendor.max_pieces_per_batch)
        existing = PrintBatch.objects.filter(vendor=vendor, business_date=business_date).count()
        for n, start in enumerate(range(0, len(takeable), size), start=existing + 1):
            chunk = takeable[start : start + size]
            batch = PrintBatch.objects.create(
                vendor=vendor,
                code=f"{vendor.code.upper()}-{business_date:%Y%m%d}-{n:03d}",
                business_date=business_date,
                closed_at=timezone.now(),
                piece_count=len(chunk),
            )
            MailPiece.objects.filter(pk__in=[p.pk for p in chunk]).update(
                batch=batch, status=MailPieceStatus.BATCHED
            )
            batches.append(batch)
        for batch in batches:
            batch_id = str(batch.pk)
            transaction.on_commit(lambda batch_id=batch_id: build_print_batch_task.delay(batch_id))  # type: ignore[misc]
    return batches


def _piece_address(piece: MailPiece) -> MailingAddress:
    m = piece.member
    name = " ".join(p for p in (m.first_name, (m.middle_name or "")[:1], m.last_name, m.suffix) if p)
    return MailingAddress.standardized(
        name=name,
        line1=m.address_line1,
        line2=m.address_line2 or "",
        city=m.city,
        state=m.state,
        zip_code=m.zip_code,
    )


def _postage_per_envelope_cents() -> int | None:
    """The first-class postage per envelope that co-mailing saves (the notices co-mailing rules, [U])."""
    try:
        from apps.notices.conf import notice_config  # lazy: documents does not depend on notices
    except ImportError:  # pragma: no cover - notices not installed
        return None
    return int(notice_config().comailing.postage_per_envelope_cents)


def print_batch_build(*, batch_id: uuid.UUID) -> bool:
    """Lay out, concatenate and checksum a closed batch (idempotent: same pieces -> same bytes/keys)."""
    from pypdf import PdfWriter

    now = timezone.now()
    claimed = PrintBatch.objects.filter(
        Q(status=PrintBatchStatus.BUILDING) & (Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - _lease())),
        pk=batch_id,
    ).update(claimed_at=now)
    if not claimed:
        return False
    batch = PrintBatch.objects.select_related("vendor").get(pk=batch_id)
    pieces = list(batch.pieces.select_related("member").order_by("pk"))
    docs = {d.pk: d for d in Document.objects.filter(pk__in={i for p in pieces for i in p.document_ids})}
    inputs: list[PieceInput] = []
    by_primary: dict[str, MailPiece] = {}
    try:
        for p in pieces:
            parts = tuple(
                PiecePart(
                    document_id=str(i),
                    kind=docs[i].kind,
                    page_count=docs[i].page_count or 0,
                    sha256=docs[i].sha256,
                )
                for i in p.document_ids
            )
            inputs.append(
                PieceInput(
                    member_id=p.member.member_id,
                    address=_piece_address(p),
                    parts=parts,
                    primary_document_id=str(p.primary_document_id),
                    mail_date=p.mail_date.isoformat(),
                )
            )
            by_primary[str(p.primary_document_id) + "|" + str(p.pk)] = p
        layout = layout_batch(batch_code=batch.code, pieces=inputs, grouper=_envelope_grouper())
    except (AddressError, DomainError, KeyError) as exc:
        PrintBatch.objects.filter(pk=batch_id).update(
            status=PrintBatchStatus.FAILED,
            error_code=getattr(exc, "code", "documents.batch_invalid"),
            error_message=str(exc)[:2000],
        )
        return False

    writer = PdfWriter()
    for doc_id in layout.document_order():
        document = docs[uuid.UUID(doc_id)]
        before = len(writer.pages)
        writer.append(io.BytesIO(storage_read(document.file_key)))
        if len(writer.pages) - before != document.page_count:
            PrintBatch.objects.filter(pk=batch_id).update(
                status=PrintBatchStatus.FAILED,
                error_code=DocumentErrorCode.PAGE_COUNT_MISMATCH.value,
                error_message=f"document {doc_id} page count changed",
            )
            return False
    writer.add_metadata({"/Title": f"memberhub print batch {batch.code}", "/Producer": "memberhub"})
    buf = io.BytesIO()
    writer.write(buf)
    pdf = buf.getvalue()
    batch_sha = sha256_hex(pdf)
    closed = (batch.closed_at or now).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    mjson = manifest_json(
        layout=layout,
        batch_id=str(batch.pk),
        vendor=batch.vendor.code,
        batch_sha256=batch_sha,
        closed_at=closed,
        postage_per_envelope_cents=_postage_per_envelope_cents(),
    )
    mcsv = manifest_csv(layout, batch_sha256=batch_sha)
    base = f"print_batches/{batch.vendor.code}/{batch.code}"
    storage_put(f"{base}.pdf", pdf)
    storage_put(f"{base}.manifest.json", mjson)
    storage_put(f"{base}.manifest.csv", mcsv)

    # map layout rows back to pieces (same primary document may appear once per piece)
    remaining = dict(by_primary.items())
    with transaction.atomic():
        for row in layout.rows:
            key = next(
                k
                for k in remaining
                if k.startswith(row.document_id + "|") and remaining[k].member.member_id == row.member_id
            )
            piece = remaining.pop(key)
            MailPiece.objects.filter(pk=piece.pk).update(
                sequence=row.sequence,
                piece_code=row.piece_id,
                envelope_code=row.envelope_id,
                first_page=row.first_page,
                last_page=row.last_page,
            )
        PrintBatch.objects.filter(pk=batch_id).update(
            status=PrintBatchStatus.READY,
            file_key=f"{base}.pdf",
            manifest_json_key=f"{base}.manifest.json",
            manifest_csv_key=f"{base}.manifest.csv",
            sha256=batch_sha,
            manifest_sha256=sha256_hex(mjson),
            size_bytes=len(pdf),
            piece_count=layout.piece_count,
            page_count=layout.page_count,
            ready_at=timezone.now(),
            claimed_at=None,
            error_code="",
            error_message="",
        )
    return True


def print_batches_close_all(*, business_date: dt.date | None = None) -> int:
    total = 0
    for vendor in MailingVendor.objects.filter(is_active=True):
        total += len(print_batch_close(vendor=vendor, business_date=business_date))
    return total


def print_batches_requeue_stale() -> int:
    from apps.documents.tasks import build_print_batch_task

    now = timezone.now()
    stale = PrintBatch.objects.filter(
        Q(status=PrintBatchStatus.BUILDING)
        & (Q(claimed_at__isnull=True, closed_at__lt=now - _lease()) | Q(claimed_at__lt=now - _lease()))
    ).values_list("pk", flat=True)
    n = 0
    for pk in stale:
        build_print_batch_task.delay_on_commit(str(pk))
        n += 1
    return n


def print_batch_acknowledge(
    *, batch: PrintBatch, piece_count: int, user: Any, request: Any = None
) -> PrintBatch:
    """The vendor confirms how many pieces it received. A mismatch is refused AND flagged (the flag is
    committed before the refusal is raised)."""
    mismatch: dict[str, int] | None = None
    with transaction.atomic():
        batch = PrintBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status == PrintBatchStatus.ACKNOWLEDGED:
            if batch.acknowledged_count == piece_count:
                return batch  # repeated acknowledgement: same answer
            raise BatchNotAcknowledgeable("batch already acknowledged with another count")
        if batch.status not in (PrintBatchStatus.READY, PrintBatchStatus.FLAGGED):
            raise BatchNotAcknowledgeable("batch is not ready", status=batch.status)
        if piece_count != batch.piece_count:
            batch.status = PrintBatchStatus.FLAGGED
            batch.flag_reason = f"vendor reported {piece_count} pieces, batch has {batch.piece_count}"
            batch.save(update_fields=["status", "flag_reason", "updated_at"])
            audit_record(
                actor=user,
                action="update",
                resource="print_batch",
                resource_id=batch.pk,
                request=request,
                channel="api",
                outcome="count_mismatch",
                reported=piece_count,
                expected=batch.piece_count,
            )
            mismatch = {"expected": batch.piece_count, "received": piece_count}
        else:
            now = timezone.now()
            batch.status = PrintBatchStatus.ACKNOWLEDGED
            batch.acknowledged_at = now
            batch.acknowledged_count = piece_count
            batch.flag_reason = ""
            batch.save(
                update_fields=["status", "acknowledged_at", "acknowledged_count", "flag_reason", "updated_at"]
            )
            batch.pieces.filter(status=MailPieceStatus.BATCHED).update(
                status=MailPieceStatus.ACKNOWLEDGED, printed_at=now
            )
            batch_id = batch.pk
            transaction.on_commit(lambda: _card_mailed_notices_schedule(batch_id), robust=True)
            audit_record(
                actor=user,
                action="update",
                resource="print_batch",
                resource_id=batch.pk,
                request=request,
                channel="api",
                outcome="acknowledged",
                piece_count=piece_count,
            )
    if mismatch is not None:
        raise BatchCountMismatch(
            "piece count does not match the batch; the batch is flagged for review",
            expected=mismatch["expected"],
            received=mismatch["received"],
        )
    return batch


def _card_mailed_notices_schedule(batch_id: uuid.UUID) -> None:
    """Post-commit: the notices area tells members whose card is in the batch that it was mailed.
    Lazy import (documents does not depend on notices); a failure never undoes the acknowledgement."""
    try:
        from apps.notices.tasks import card_mailed_for_batch_task
    except ImportError:  # pragma: no cover - notices not installed
        return
    card_mailed_for_batch_task.delay(str(batch_id))  # already inside a robust on_commit callback


@transaction.atomic
def print_batch_returned_mail(
    *, batch: PrintBatch, piece_codes: Sequence[str], user: Any, request: Any = None
) -> int:
    """Mark returned pieces and flag their members for an address check. Unknown piece ids refuse the
    whole request (nothing changes)."""
    from apps.members.models import Member

    codes = list(dict.fromkeys(piece_codes))
    pieces = list(batch.pieces.select_for_update().filter(piece_code__in=codes))
    found = {p.piece_code for p in pieces}
    missing = [c for c in codes if c not in found]
    if missing:
        raise UnknownPieces("some piece ids are not in this batch", piece_ids=missing[:50])
    now = timezone.now()
    for p in pieces:
        if p.status != MailPieceStatus.RETURNED:
            MailPiece.objects.filter(pk=p.pk).update(status=MailPieceStatus.RETURNED, returned_at=now)
    Member.objects.filter(pk__in=[p.member_id for p in pieces]).update(needs_address_check=True)
    for p in pieces:
        audit_record(
            actor=user,
            action="update",
            resource="mail_piece",
            member_id=p.member_id,
            resource_id=p.pk,
            request=request,
            channel="api",
            outcome="returned_mail",
        )
    return len(pieces)


def print_batch_file_delete(*, batch: PrintBatch) -> None:  # used by retention jobs / tests
    for key in (batch.file_key, batch.manifest_json_key, batch.manifest_csv_key):
        if key:
            storage_delete(key)
