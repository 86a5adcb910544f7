"""The parsed, validated formulary schedules (config/formulary/schedules.yaml via settings)."""

from typing import Any

from django.conf import settings

from memberhub.formulary.schedules import FormularySchedules, parse_schedules

_cache: list[tuple[Any, FormularySchedules]] = []


def formulary_schedules() -> FormularySchedules:
    """Parsed once per settings value (a test that overrides the setting gets a fresh parse)."""
    raw = settings.FORMULARY_SCHEDULES
    if _cache and _cache[0][0] is raw:
        return _cache[0][1]
    parsed = parse_schedules(raw)
    _cache[:] = [(raw, parsed)]
    return parsed
