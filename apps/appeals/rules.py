"""The rule table as the running site sees it: loaded once from settings.APPEALS_RULE_TABLE_PATH."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core import checks

from memberhub.appeals.errors import RuleTableError
from memberhub.appeals.rules import RuleTable, load_rule_table


@lru_cache(maxsize=4)
def _load(path: str) -> RuleTable:
    return load_rule_table(path)


def rule_table() -> RuleTable:
    return _load(str(settings.APPEALS_RULE_TABLE_PATH))


@checks.register()
def check_rule_table(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`manage.py check` refuses to start with a malformed rule table, naming file, rule and field."""
    try:
        load_rule_table(str(settings.APPEALS_RULE_TABLE_PATH))
    except RuleTableError as exc:
        return [checks.Error(exc.message, id="appeals.E001")]
    return []
