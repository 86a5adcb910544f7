"""834 import use cases: create a run (store the file), execute it (parse, validate, apply, acknowledge)."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any, BinaryIO, cast

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import storages
from django.db import connection, connections, transaction
from django.utils import timezone

from apps.audit.services import audit_record
from apps.ingest.enrollment.apply import Applier, ApplyOutcome
from apps.ingest.models import (
    AckStatus,
    EnrollmentWorkItem,
    ImportAcknowledgment,
    ImportKind,
    ImportRun,
    ImportStatus,
    WorkItemKind,
    WorkItemStatus,
)
from apps.members.models import Member
from apps.plans.models import Plan
from memberhub.errors import ValidationFailed
from memberhub.x12 import Issue, Reader834, X12Error, build_999

logger = logging.getLogger("memberhub.ingest")

_CHUNK = 1 << 20


class RecordsRefused(ValidationFailed):
    code = "enrollment.records_refused"


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(_CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _interchange_control_number(stream: IO[bytes]) -> str:
    head = stream.read(512).lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"ISA") and len(head) >= 106:
        separator = head[3:4]
        parts = head[:106].split(separator)
        if len(parts) >= 14:
            return parts[13].decode("latin-1").strip()[:20]
    return ""


def import_834_create(
    *,
    plan: Plan,
    source: IO[bytes],
    name: str,
    created_by: Any = None,
    skip_invalid: bool = False,
    terminate_absent: bool = False,
) -> ImportRun:
    """Store the file where the worker can read it and create a pending run (nothing applied yet)."""
    run_id = uuid.uuid4()
    storage = storages[settings.ENROLLMENT_834["STORAGE"]]
    source.seek(0)
    sha = _sha256(source)
    source.seek(0)
    control = _interchange_control_number(source)
    source.seek(0)
    stored = storage.save(f"imports/834/{run_id}.x12", File(source, name=f"{run_id}.x12"))
    run = ImportRun(
        id=run_id,
        kind=ImportKind.ENROLLMENT_834,
        plan=plan,
        status=ImportStatus.PENDING,
        source_name=name[:500],
        source_sha256=sha,
        source_key=control,
        options={"skip_invalid": skip_invalid, "terminate_absent": terminate_absent, "stored_file": stored},
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    run.full_clean()
    run.save()
    audit_record(
        actor=run.created_by,
        action="create",
        resource="import_run",
        resource_id=str(run.pk),
        kind=ImportKind.ENROLLMENT_834,
        plan=plan.code,
    )
    return run


def import_834_enqueue(*, run: ImportRun) -> None:
    from apps.ingest.tasks import import_834_task

    import_834_task.delay_on_commit(str(run.pk))


class _Progress:
    """Progress written through a second connection, so it is visible while the import transaction runs."""

    def __init__(self, run_id: uuid.UUID, total_bytes: int | None) -> None:
        self.run_id = run_id
        self.total_bytes = total_bytes
        self._connection: Any = None

    def __call__(self, records: int, bytes_read: int) -> None:
        try:
            if self._connection is None:
                self._connection = connections.create_connection("default")
            with self._connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE ingest_importrun SET progress_done = %s, progress_total = %s WHERE id = %s",
                    [bytes_read, self.total_bytes, self.run_id],
                )
        except Exception:  # progress is best effort; the import itself decides the outcome
            logger.warning("import progress update failed", extra={"run_id": str(self.run_id)})

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


def _problem(issue: Issue, *, file: str, record_line: int) -> dict[str, Any]:
    field = f"{issue.segment_id}{issue.element:02d}" if issue.element else ""
    return {
        "file": file,
        "line": issue.position.line,
        "segment": issue.segment_id,
        "segment_number": issue.position.segment_number,
        "field": field,
        "code": issue.code,
        "message": issue.message,
        "record_line": record_line,
    }


def _next_ack_control_number() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('ingest_ack_control_number_seq')")
        return int(cursor.fetchone()[0])


def _store_ack(
    run: ImportRun, reader: Reader834, outcome: ApplyOutcome | None, *, applied_with_errors: bool
) -> None:
    control = _next_ack_control_number()
    ack = build_999(
        reader.ack,
        control_number=control,
        created=timezone.localtime(),
        extra_issues=outcome.extra_issues if outcome else None,
        reject_sets_with_errors=not applied_with_errors,
    )
    ImportAcknowledgment.objects.update_or_create(
        run=run, defaults={"control_number": ack.control_number, "status": ack.status, "text": ack.text}
    )
    run.result["ack_999"] = {"control_number": ack.control_number, "status": ack.status}


@contextmanager
def _open_source(run: ImportRun, local_path: str | None) -> Iterator[tuple[BinaryIO, int | None]]:
    if local_path:
        with open(local_path, "rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(0)
            yield handle, size
        return
    storage = storages[settings.ENROLLMENT_834["STORAGE"]]
    name = run.options["stored_file"]
    size = storage.size(name)
    with storage.open(name, "rb") as handle:
        yield cast(BinaryIO, handle), size


def _finish(run: ImportRun, status: str) -> ImportRun:
    run.status = status
    run.finished_at = timezone.now()
    run.save()
    return run


def import_834_retry(*, run: ImportRun) -> ImportRun:
    """Put a failed 834 run back to pending (a failed run applied nothing, so re-running it is safe)."""
    if run.kind != ImportKind.ENROLLMENT_834 or run.status != ImportStatus.FAILED:
        raise ValidationFailed(
            "Only a failed 834 import run can be retried.", code="enrollment.not_retryable"
        )
    ImportRun.objects.filter(pk=run.pk, status=ImportStatus.FAILED).update(
        status=ImportStatus.PENDING, errors=[], warnings=[], counts={}, result={}, finished_at=None
    )
    ImportAcknowledgment.objects.filter(run=run).delete()
    run.refresh_from_db()
    return run


def import_834_execute(
    *, run_id: uuid.UUID, local_path: str | None = None, today: dt.date | None = None
) -> ImportRun:
    """Run a pending 834 import. Idempotent: a run that is not pending is returned as it is."""
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, started_at=timezone.now()
    )
    run = ImportRun.objects.select_related("plan").get(pk=run_id)
    if not claimed:
        return run
    try:
        return _execute(run, local_path=local_path, today=today)
    except Exception:
        # Nothing was applied (the apply is one transaction); leave a readable, PHI-free failure behind.
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            errors=[
                {
                    "file": run.source_name,
                    "line": 0,
                    "segment": "",
                    "field": "",
                    "code": "enrollment.internal_error",
                    "message": "The import stopped on an unexpected error; nothing was applied. It can be retried.",
                }
            ],
        )
        raise


def _execute(run: ImportRun, *, local_path: str | None, today: dt.date | None) -> ImportRun:
    assert run.plan is not None
    file_name = run.source_name.rsplit("/", 1)[-1]
    previous = (
        ImportRun.objects.filter(
            kind=ImportKind.ENROLLMENT_834,
            plan=run.plan,
            source_sha256=run.source_sha256,
            status__in=[ImportStatus.SUCCEEDED, ImportStatus.SUCCEEDED_WITH_ERRORS],
        )
        .exclude(pk=run.pk)
        .order_by("created_at")
        .first()
    )
    if previous is not None:
        run.result = {
            "duplicate_of": str(previous.pk),
            "message": "This file was already imported; nothing changed.",
        }
        run.warnings = [
            {
                "file": file_name,
                "line": 0,
                "segment": "ISA",
                "field": "ISA13",
                "code": "enrollment.duplicate_file",
                "message": f"Same interchange ({run.source_key}) and content as run {previous.pk}: no-op.",
            }
        ]
        return _finish(run, ImportStatus.DUPLICATE)

    skip_invalid = bool(run.options.get("skip_invalid"))
    today = today or timezone.localdate()
    max_listed = int(settings.ENROLLMENT_834["MAX_LISTED_PROBLEMS"])
    with _open_source(run, local_path) as (stream, size):
        progress = _Progress(run.pk, size)
        applier = Applier(
            plan=run.plan,
            run_id=run.pk,
            today=today,
            skip_invalid=skip_invalid,
            terminate_absent=bool(run.options.get("terminate_absent")),
            progress=progress,
        )
        reader: Reader834 | None = None
        try:
            with transaction.atomic():
                reader = applier.stage(stream, name=file_name, size=size)
                outcome = applier.outcome
                if outcome.rejected and not skip_invalid:
                    raise RecordsRefused(
                        f"{len(outcome.rejected)} of {outcome.records} member records are invalid; nothing was applied.",
                        problems=[],
                    )
                applier.apply()
                _record_work_items(run, outcome)
        except X12Error as error:
            progress.close()
            run.errors = [
                {
                    "file": file_name,
                    "line": error.line,
                    "segment": error.segment,
                    "segment_number": error.segment_number,
                    "field": error.expected,
                    "code": error.code,
                    "message": error.message,
                }
            ]
            run.counts = {"records": applier.outcome.records}
            failed_reader = reader or applier_reader(applier)
            if failed_reader is not None:
                _store_ack(run, failed_reader, None, applied_with_errors=False)
            return _finish(run, ImportStatus.FAILED)
        except RecordsRefused as error:
            progress.close()
            outcome = applier.outcome
            run.errors = _record_problems(outcome, file_name, max_listed)
            run.counts = {"records": outcome.records, "rejected": len(outcome.rejected)}
            run.result = {"message": error.message}
            assert reader is not None
            _store_ack(run, reader, outcome, applied_with_errors=False)
            return _finish(run, ImportStatus.FAILED)
        progress.close()
    outcome = applier.outcome
    run.counts = {
        "records": outcome.records,
        "applied": outcome.staged,
        "rejected": len(outcome.rejected),
        **outcome.counts,
    }
    run.errors = _record_problems(outcome, file_name, max_listed)
    for warning in outcome.warnings:
        warning["file"] = warning["file"] or file_name
    run.warnings = outcome.warnings[:max_listed]
    run.progress_done = run.progress_total = size or 0
    run.result = {
        "full_file": outcome.full_file,
        "alignment_changes": _with_member_ids(outcome.alignment_changes[:max_listed]),
        "absent_members": [str(pk) for pk in outcome.absent_members[:max_listed]],
        "newly_aligned": len(outcome.newly_aligned),
        "timings_seconds": outcome.timings,
    }
    assert reader is not None
    _store_ack(run, reader, outcome, applied_with_errors=True)
    run.counts["cards_requested"] = _request_cards(outcome.newly_aligned)
    run.counts["pcp_changes"] = len(outcome.pcp_changed)
    if outcome.pcp_changed:
        _schedule_pcp_confirmations(list(outcome.pcp_changed))
    status = ImportStatus.SUCCEEDED_WITH_ERRORS if outcome.rejected else ImportStatus.SUCCEEDED
    _finish(run, status)
    audit_record(
        actor=run.created_by,
        action="update",
        resource="import_run",
        resource_id=str(run.pk),
        kind=ImportKind.ENROLLMENT_834,
        status=status,
        records=outcome.records,
    )
    return run


def _with_member_ids(changes: list[dict[str, str]]) -> list[dict[str, str]]:
    """Add the unified member id (MH...) to each alignment change, for people reading the run."""
    ids = dict(
        Member.objects.filter(pk__in=[uuid.UUID(c["member"]) for c in changes]).values_list("pk", "member_id")
    )
    return [{**change, "member_id": ids.get(uuid.UUID(change["member"]), "")} for change in changes]


def applier_reader(applier: Applier) -> Reader834 | None:
    """The reader of a stage() that raised (kept on the exception path for the 999)."""
    return getattr(applier, "reader", None)


def _record_problems(outcome: ApplyOutcome, file_name: str, max_listed: int) -> list[dict[str, Any]]:
    problems: list[dict[str, Any]] = []
    for rejected in outcome.rejected:
        for issue in rejected.issues:
            problems.append(_problem(issue, file=file_name, record_line=rejected.line))
            if len(problems) >= max_listed:
                return problems
    return problems


def _record_work_items(run: ImportRun, outcome: ApplyOutcome) -> None:
    assert run.plan is not None
    parent_id = run.plan.parent_id
    items = [
        EnrollmentWorkItem(
            member_id=uuid.UUID(change["member"]),
            run=run,
            parent_organization_id=parent_id,
            kind=change["kind"],
            alignment_before=change["before"],
            alignment_after=change["after"],
            reason=change["reason"],
        )
        for change in outcome.alignment_changes
    ]
    items += [
        EnrollmentWorkItem(
            member_id=member_id,
            run=run,
            parent_organization_id=parent_id,
            kind=WorkItemKind.ABSENT_FROM_FULL_FILE,
            reason=f"Not in the full file for plan {run.plan.code}.",
        )
        for member_id in outcome.absent_members
    ]
    EnrollmentWorkItem.objects.bulk_create(items, batch_size=2000, ignore_conflicts=True)


def _request_cards(member_ids: list[uuid.UUID]) -> int:
    """Ask the cards area for a card for each newly aligned member (skipped if that service is absent)."""
    if not member_ids:
        return 0
    try:
        module = importlib.import_module("apps.cards.services")
    except ImportError:
        return 0
    request = getattr(module, "id_card_request", None)
    if request is None:
        return 0
    reason = settings.ENROLLMENT_834["CARD_REASON_NEW_ENROLLMENT"]
    requested = 0
    for start in range(0, len(member_ids), 1000):
        for member in Member.objects.filter(pk__in=member_ids[start : start + 1000]):
            try:
                request(member=member, reason=reason)
            except Exception:  # one member's card must not undo an applied import
                logger.exception("card request after 834 import failed", extra={"member_pk": str(member.pk)})
            else:
                requested += 1
    return requested


PCP_CONFIRMATION_CHUNK = 500


def _delay_on_commit_robust(task: Any, chunk: list[str]) -> None:
    """Like Celery's delay_on_commit, but a failure to queue is logged, not raised after the commit."""
    transaction.on_commit(lambda: task.delay(chunk), robust=True)


def _schedule_pcp_confirmations(assignment_ids: list[uuid.UUID]) -> int:
    """Queue, on commit of the import, a PCP change confirmation for each new PCP assignment (the notices
    area; skipped if absent), in chunks of PCP_CONFIRMATION_CHUNK ids per task so a large file's letters
    are issued by the workers in parallel, not inside the import. Robust hooks: a failure to queue is
    logged and never undoes the import. Returns the number of tasks scheduled."""
    try:
        tasks = importlib.import_module("apps.notices.tasks")
    except ImportError:
        return 0
    scheduled = 0
    for start in range(0, len(assignment_ids), PCP_CONFIRMATION_CHUNK):
        chunk = [str(pk) for pk in assignment_ids[start : start + PCP_CONFIRMATION_CHUNK]]
        _delay_on_commit_robust(tasks.pcp_change_confirmations_task, chunk)
        scheduled += 1
    return scheduled


def work_item_resolve(*, item: EnrollmentWorkItem, user: Any, note: str = "") -> EnrollmentWorkItem:
    if item.status == WorkItemStatus.RESOLVED:
        return item
    item.status = WorkItemStatus.RESOLVED
    item.resolved_at = timezone.now()
    item.resolved_by = user
    item.resolution_note = note[:500]
    item.full_clean()
    item.save()
    audit_record(
        actor=user,
        action="update",
        resource="enrollment_work_item",
        member_id=item.member_id,
        resource_id=str(item.pk),
    )
    return item


__all__ = [
    "AckStatus",
    "RecordsRefused",
    "import_834_create",
    "import_834_enqueue",
    "import_834_execute",
    "import_834_retry",
    "work_item_resolve",
]
