"""The notices configuration (templates, catalogs, rules) loaded once per process from settings."""

from functools import lru_cache
from pathlib import Path

from django.conf import settings

from memberhub.notices.config import NoticeConfig, notice_config_load


@lru_cache(maxsize=4)
def _load(path: str) -> NoticeConfig:
    return notice_config_load(Path(path))


def notice_config() -> NoticeConfig:
    return _load(str(settings.NOTICES_CONFIG_DIR))


def notice_config_reset() -> None:
    _load.cache_clear()
