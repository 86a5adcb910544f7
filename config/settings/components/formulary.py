"""Settings for the formulary area.

Effective-dated regulatory figures (LIS copays, Medi-Cal Rx BIN/PCN/Group, insulin cap, tier labels)
live in config/formulary/schedules.yaml, parsed and validated by memberhub.formulary.schedules.
"""

from pathlib import Path

import yaml

from config.env import BASE_DIR, env

FORMULARY_SCHEDULES_FILE = Path(
    env("FORMULARY_SCHEDULES_FILE", default=str(BASE_DIR / "config" / "formulary" / "schedules.yaml"))
)
with FORMULARY_SCHEDULES_FILE.open(encoding="utf-8") as _fh:
    FORMULARY_SCHEDULES: dict = yaml.safe_load(_fh) or {}  # type: ignore[type-arg]

# Search: results per page and the minimum number of letters of a name query.
FORMULARY_SEARCH_LIMIT = env.int("FORMULARY_SEARCH_LIMIT", default=25)
FORMULARY_SEARCH_MIN_LENGTH = 3
# Aligned pairs (reference data read on every formulary request) are kept in memory this long.
FORMULARY_PAIR_CACHE_SECONDS = env.int("FORMULARY_PAIR_CACHE_SECONDS", default=60)
