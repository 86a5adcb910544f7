"""Queue entry points for imports (queue `ingest`, routed by the `ingest.` name prefix)."""

import uuid

from apps.core.tasks import memberhub_task
from apps.ingest.enrollment.services import import_834_execute


@memberhub_task(name="ingest.import_834", soft_time_limit=3300, time_limit=3600)
def import_834_task(run_id: str) -> None:
    """Execute one pending 834 import run; a run that is not pending is left alone (safe redelivery)."""
    import_834_execute(run_id=uuid.UUID(run_id))
