"""Queue entry points for appeals: thin, idempotent, ids only."""

from __future__ import annotations

from apps.appeals.services import case_clock_refresh
from apps.core.tasks import memberhub_task


@memberhub_task(name="appeals.clock_refresh", soft_time_limit=240, time_limit=300)
def clock_refresh_task() -> dict[str, int]:
    """Beat: mark open cases at risk / overdue so they rise to the top of the work queue."""
    return case_clock_refresh()
