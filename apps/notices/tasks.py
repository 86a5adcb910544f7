"""Thin, idempotent notice tasks (ids only). `notices.import*` run on the `ingest` queue."""

import logging
import uuid
from pathlib import Path

from django.conf import settings

from apps.core.tasks import memberhub_task
from apps.notices import imports, services

logger = logging.getLogger(__name__)
IMPORTED_MARKER = ".memberhub-imported"


@memberhub_task(name="notices.import_drop", soft_time_limit=1800, time_limit=2100)
def import_notices_task(run_id: str) -> None:
    imports.notices_import_run(run_id=uuid.UUID(run_id))


@memberhub_task(name="notices.card_mailed_for_batch")
def card_mailed_for_batch_task(batch_id: str) -> None:
    """After a vendor acknowledged a print batch: card_mailed notices (idempotent per card document)."""
    services.card_mailed_notices_issue(batch_id=uuid.UUID(batch_id))


@memberhub_task(name="notices.pcp_change_confirmations", soft_time_limit=1800, time_limit=2100)
def pcp_change_confirmations_task(assignment_ids: list[str]) -> int:
    """Confirm new PCP assignments (a chunk, ids only); idempotent per assignment (notice_issue)."""
    return services.pcp_change_notices_issue(assignment_ids=[uuid.UUID(i) for i in assignment_ids])


@memberhub_task(name="notices.import_inbox", soft_time_limit=1800, time_limit=2100)
def import_inbox_task() -> None:
    """Import every drop folder in the inbox (<inbox>/<PLAN_CODE>/<drop>/) not imported yet.

    A drop is marked once its run finished without refused files; re-importing a drop is harmless anyway
    (idempotent on each file's checksum)."""
    inbox = Path(settings.NOTICES_INBOX_DIR)
    if not inbox.is_dir():
        return
    for plan_dir in sorted(p for p in inbox.iterdir() if p.is_dir()):
        for drop in sorted(p for p in plan_dir.iterdir() if p.is_dir()):
            marker = drop / IMPORTED_MARKER
            if marker.exists():
                continue
            try:
                run = imports.notices_import_start(plan_code=plan_dir.name, path=drop)
            except imports.UnknownPlan:
                logger.warning("notices inbox: unknown plan folder %s", plan_dir.name)
                break
            run = imports.notices_import_run(run_id=run.pk)
            if run.status in ("succeeded", "duplicate"):
                marker.write_text(str(run.pk), encoding="utf-8")
