"""Cases are built through the real intake service so every clock field is computed by the rules."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from apps.appeals.models import Case
from apps.appeals.services import case_intake

LA = ZoneInfo("America/Los_Angeles")


def intake_kwargs(**overrides: Any) -> dict[str, Any]:
    received = overrides.pop("received_at", dt.datetime(2026, 3, 2, 9, 30, tzinfo=LA))
    kwargs: dict[str, Any] = {
        "kind": "grievance",
        "received_at": received,
        "channel": "phone",
        "filer": "member",
        "programs": ["medi_cal"],
        "service_description": "Home health aide visits",
        "description": "Aide did not come on three scheduled days.",
        "now": received + dt.timedelta(minutes=5),
    }
    kwargs.update(overrides)
    return kwargs


def case_create(*, member: Any, actor: Any, **overrides: Any) -> Case:
    return case_intake(member=member, actor=actor, **intake_kwargs(**overrides))
