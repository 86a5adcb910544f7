"""Celery entry points for the formulary. Thin: load by id, call the service.

``formulary.import`` runs on the ``ingest`` queue (routing ``formulary.import*``), and so does
``formulary.import_rebuild`` (the unified-coverage rebuild that follows an import).
"""

from uuid import UUID

from apps.core.tasks import memberhub_task
from apps.formulary.services import formulary_import_run, pair_coverage_rebuild
from apps.plans.models import AlignedPlanPair


@memberhub_task(name="formulary.import", queue="ingest", soft_time_limit=1800, time_limit=2400)
def import_formulary_task(run_id: str) -> None:
    formulary_import_run(run_id=UUID(run_id))


@memberhub_task(name="formulary.import_rebuild", queue="ingest", soft_time_limit=600, time_limit=900)
def rebuild_pair_coverage_task(pair_id: str) -> None:
    pair = (
        AlignedPlanPair.objects.select_related("medicare_plan", "medi_cal_plan")
        .filter(pk=UUID(pair_id))
        .first()
    )
    if pair is not None:
        pair_coverage_rebuild(pair=pair)
