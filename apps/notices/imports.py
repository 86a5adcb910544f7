"""Import of external notices: PDFs the plans' own systems produce, with a JSON/CSV manifest.

Each file is checked (manifest fields, kind and language known, PDF readable, member known and enrolled
in the importing plan) and refused with a readable error naming the file, its manifest position and the
field; good files are imported once (idempotent on the file's SHA-256) and join the member's notice
history, labeled with the plan that issued them. Files that must be mailed are queued for the vendor's
print batch, where they can share an envelope with memberhub's own pieces for the same member and day.
"""

from __future__ import annotations

import contextlib
import io
import logging
import uuid
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from apps.audit.services import audit_record
from apps.documents.models import Document, DocumentStatus
from apps.documents.services import document_content_hash
from apps.documents.storage import storage_put
from apps.ingest.models import ImportKind, ImportRun, ImportStatus
from apps.members.models import Enrollment, Member
from apps.members.selectors import member_current_pair
from apps.notices.conf import notice_config
from apps.notices.error_codes import NoticeErrorCode
from apps.notices.models import Notice, NoticeSource
from apps.notices.services import DOCUMENT_KIND, _deliver, notice_delivery_preference
from apps.plans.models import Plan
from memberhub.documents.hashing import sha256_hex, storage_key
from memberhub.errors import DomainError
from memberhub.identifiers import normalize_cin, normalize_mbi
from memberhub.notices.catalog import language_code_normalize
from memberhub.notices.errors import ManifestError
from memberhub.notices.external import ExternalEntry, external_drop_read
from memberhub.notices.kinds import DeliveryChannel

logger = logging.getLogger(__name__)
MAX_PDF_BYTES = 25 * 1024 * 1024


class UnknownPlan(DomainError):
    code = "notices.unknown_plan"
    http_status = 400


def _error(
    entry: ExternalEntry | None, *, file: str, code: str, message: str, field: str = ""
) -> dict[str, Any]:
    return {
        "file": file,
        "line": entry.position if entry else "",
        "segment": "",
        "field": field,
        "code": code,
        "message": message,
    }


def _pdf_pages(data: bytes) -> int:
    """Page count of a readable, unencrypted PDF; raises ValueError otherwise."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.startswith(b"%PDF-"):
        raise ValueError("not a PDF file (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValueError("the PDF is encrypted")
        pages = len(reader.pages)
        for page in reader.pages[:1]:
            page.extract_text()
    except (PdfReadError, OSError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"the PDF cannot be read ({type(exc).__name__})") from exc
    if pages < 1:
        raise ValueError("the PDF has no pages")
    return pages


def _member_for(entry: ExternalEntry, plan: Plan) -> Member | None:
    """The member the entry names, who must be (or have been) enrolled in the importing plan."""
    enrolled = Enrollment.objects.filter(plan=plan)
    query = Q()
    if entry.plan_member_id:
        query |= Q(pk__in=enrolled.filter(subscriber_id=entry.plan_member_id).values("member_id"))
    if entry.mbi:
        with contextlib.suppress(DomainError):
            query |= Q(mbi=normalize_mbi(entry.mbi))
    if entry.cin:
        with contextlib.suppress(DomainError):
            query |= Q(medi_cal_cin=normalize_cin(entry.cin))
    if not query:
        return None
    matches = list(Member.objects.filter(query).filter(pk__in=enrolled.values("member_id")).distinct()[:2])
    return matches[0] if len(matches) == 1 else None


def notices_import_start(*, plan_code: str, path: str | Path, created_by: Any = None) -> ImportRun:
    """Create the ImportRun for a drop (then run it with `notices_import_run`, inline or as a task)."""
    plan = Plan.objects.filter(code=plan_code).first()
    if plan is None:
        raise UnknownPlan(f"Unknown plan {plan_code!r}.", plan=plan_code)
    return ImportRun.objects.create(
        kind=ImportKind.NOTICES,
        plan=plan,
        status=ImportStatus.PENDING,
        source_name=str(path)[:500],
        options={"path": str(Path(path).resolve())},
        created_by=created_by if getattr(created_by, "is_authenticated", False) else None,
    )


def notices_import_run(*, run_id: uuid.UUID) -> ImportRun:
    """Import every good file of the run's drop; refuse bad ones per file. Safe to re-run."""
    claimed = ImportRun.objects.filter(
        pk=run_id, kind=ImportKind.NOTICES, status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]
    ).update(status=ImportStatus.RUNNING, started_at=timezone.now())
    run = ImportRun.objects.select_related("plan").get(pk=run_id)
    if not claimed:
        return run
    plan = run.plan
    assert plan is not None
    config = notice_config()
    errors: list[dict[str, Any]] = []
    counts = {"files": 0, "imported": 0, "duplicates": 0, "refused": 0, "mailed": 0}
    try:
        entries = external_drop_read(
            Path(run.options["path"]),
            plan=plan.code,
            known_kinds=config.external_kinds.keys(),
            known_languages=config.languages.keys(),
        )
    except ManifestError as exc:
        run.status = ImportStatus.FAILED
        run.errors = [
            _error(None, file=exc.extra.get("file", run.source_name), code=exc.code, message=exc.message)
        ]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "errors", "finished_at", "updated_at"])
        return run

    run.progress_total = len(entries)
    run.save(update_fields=["progress_total", "updated_at"])
    for done, entry in enumerate(entries, start=1):
        counts["files"] += 1
        outcome = _import_entry(entry=entry, plan=plan, run=run, errors=errors)
        counts[outcome] += 1
        if outcome == "imported" and entry.must_mail:
            counts["mailed"] += 1
        if done % 25 == 0:
            ImportRun.objects.filter(pk=run.pk).update(progress_done=done)

    run.counts = counts
    run.errors = errors
    run.progress_done = len(entries)
    if errors and counts["imported"] == 0 and counts["duplicates"] == 0:
        run.status = ImportStatus.FAILED
    elif errors:
        run.status = ImportStatus.SUCCEEDED_WITH_ERRORS
    elif counts["imported"] == 0:
        run.status = ImportStatus.DUPLICATE
    else:
        run.status = ImportStatus.SUCCEEDED
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "errors", "progress_done", "status", "finished_at", "updated_at"])
    audit_record(
        actor=run.created_by,
        action="create",
        resource="notice_import",
        resource_id=run.pk,
        channel="system",
        imported=counts["imported"],
        refused=counts["refused"],
    )
    return run


def _import_entry(*, entry: ExternalEntry, plan: Plan, run: ImportRun, errors: list[dict[str, Any]]) -> str:
    config = notice_config()
    if not entry.is_valid:
        for field, message in sorted(entry.errors.items()):
            errors.append(
                _error(
                    entry,
                    file=entry.file_name,
                    code=NoticeErrorCode.FILE_INVALID,
                    message=message,
                    field=field,
                )
            )
        return "refused"
    assert entry.path is not None
    assert entry.notice_date is not None
    size = entry.path.stat().st_size
    if size > MAX_PDF_BYTES:
        errors.append(
            _error(
                entry,
                file=entry.file_name,
                code=NoticeErrorCode.FILE_INVALID,
                field="file",
                message=f"file is larger than {MAX_PDF_BYTES // (1024 * 1024)} MB",
            )
        )
        return "refused"
    data = entry.path.read_bytes()
    digest = sha256_hex(data)
    context_key = f"sha256={digest}"
    if Notice.objects.filter(source=NoticeSource.EXTERNAL, context_key=context_key).exists():
        return "duplicates"
    try:
        pages = _pdf_pages(data)
    except ValueError as exc:
        errors.append(
            _error(
                entry,
                file=entry.file_name,
                code=NoticeErrorCode.PDF_UNREADABLE,
                field="file",
                message=str(exc),
            )
        )
        return "refused"
    member = _member_for(entry, plan)
    if member is None:
        errors.append(
            _error(
                entry,
                file=entry.file_name,
                code=NoticeErrorCode.MEMBER_UNKNOWN,
                field="member",
                message=f"no single member of plan {plan.code} matches the given identifier",
            )
        )
        return "refused"

    kind = config.external_kinds[entry.kind]
    title = entry.title or kind.label(entry.language)
    content = {
        "source": "external",
        "external_kind": entry.kind,
        "plan": plan.code,
        "sha256": digest,
        "language": entry.language,
        "notice_date": entry.notice_date.isoformat(),
        "title": title,
    }
    preference = notice_delivery_preference(member=member)
    electronic = preference.has_electronic_consent and preference.channel in (
        DeliveryChannel.ELECTRONIC,
        DeliveryChannel.BOTH,
    )
    by_mail = entry.must_mail or not electronic
    pair = member_current_pair(member=member, on=entry.notice_date)
    mail_date = max(timezone.localdate(), entry.notice_date)
    try:
        with transaction.atomic():
            content_hash = document_content_hash(kind=DOCUMENT_KIND, content=content)
            key = storage_key(kind=DOCUMENT_KIND, content_hash=content_hash)
            document, _ = Document.objects.get_or_create(
                member=member,
                kind=DOCUMENT_KIND,
                content_hash=content_hash,
                defaults={
                    "template_version": "external",
                    "language": entry.language,
                    "format": "standard",
                    "content": content,
                    "status": DocumentStatus.READY,
                    "file_key": key,
                    "page_count": pages,
                    "size_bytes": len(data),
                    "sha256": digest,
                    "render_path": "external",
                    "rendered_at": timezone.now(),
                },
            )
            storage_put(key, data)
            notice = Notice.objects.create(
                member=member,
                source=NoticeSource.EXTERNAL,
                kind=entry.kind,
                context_key=context_key,
                plan=plan,
                pair=pair,
                title=title[:200],
                issued_on=entry.notice_date,
                language=entry.language,
                requested_language=language_code_normalize(member.written_language),
                format="standard",
                alternate_format=member.alternate_format or "",
                document=document,
                by_mail=by_mail,
                electronic=electronic,
                route_reason="plan_requires_mail" if entry.must_mail else "preference",
                must_mail=entry.must_mail,
                import_run_id=run.pk,
            )
            _deliver(notice=notice, pair=pair, mail_date=mail_date, requested_by=None, reason="initial")
    except IntegrityError:
        return "duplicates"
    audit_record(
        actor=None,
        action="create",
        resource="notice",
        member_id=member.pk,
        resource_id=notice.pk,
        channel="system",
        kind=entry.kind,
        source="external",
    )
    return "imported"
