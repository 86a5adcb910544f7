"""Celery entry points for the directory (queue `ingest`). Thin: load by id, call the service."""

from uuid import UUID

from apps.core.tasks import memberhub_task
from apps.directory.services import directory_import_run, directory_rebuild_pair
from apps.plans.models import AlignedPlanPair


@memberhub_task(name="directory.import", queue="ingest", soft_time_limit=1800, time_limit=2400)
def import_directory_task(run_id: str) -> None:
    directory_import_run(run_id=UUID(run_id))


@memberhub_task(name="directory.import_rebuild", queue="ingest", soft_time_limit=1200, time_limit=1800)
def rebuild_directory_task(pair_id: str) -> None:
    """Rebuild one pair's unified directory (named directory.import_* so it routes to `ingest`)."""
    pair = (
        AlignedPlanPair.objects.select_related("medicare_plan", "medi_cal_plan")
        .filter(pk=UUID(pair_id))
        .first()
    )
    if pair is not None:
        directory_rebuild_pair(pair=pair)
