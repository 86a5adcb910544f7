"""Thin, idempotent tasks (ids only). Rendering runs on the `render` queue (route `documents.*`)."""

import uuid

from apps.core.tasks import memberhub_task
from apps.documents import services
from apps.documents.error_codes import DocumentErrorCode
from apps.documents.storage import StorageUnavailable


def _on_render_failure(self, exc, task_id, args, kwargs, einfo):  # type: ignore[no-untyped-def]
    """Retries ran out on a transient error: mark the row FAILED with a readable code."""
    if args:
        services.document_fail(
            document_id=uuid.UUID(str(args[0])),
            code=DocumentErrorCode.STORAGE_RETRIES_EXHAUSTED.value,
            message=f"{type(exc).__name__} after retries",
        )


@memberhub_task(
    name="documents.render",
    autoretry_for=(OSError, StorageUnavailable),
    retry_backoff=True,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
    on_failure=_on_render_failure,
)
def render_document_task(document_id: str) -> None:
    services.document_render(document_id=uuid.UUID(document_id))


@memberhub_task(
    name="documents.build_print_batch",
    autoretry_for=(OSError, StorageUnavailable),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=600,
    time_limit=900,
)
def build_print_batch_task(batch_id: str) -> None:
    services.print_batch_build(batch_id=uuid.UUID(batch_id))


@memberhub_task(name="documents.close_print_batches")
def close_print_batches_task() -> None:
    services.print_batches_close_all()


@memberhub_task(name="documents.requeue_stale")
def requeue_stale_task() -> None:
    services.documents_requeue_stale()
    services.print_batches_requeue_stale()
