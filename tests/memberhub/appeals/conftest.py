import copy
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from memberhub.appeals import DEFAULT_RULE_TABLE_PATH
from memberhub.appeals.rules import RuleTable, load_rule_table

LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture(scope="session")
def rule_table() -> RuleTable:
    return load_rule_table(DEFAULT_RULE_TABLE_PATH)


@pytest.fixture
def rule_table_data() -> dict[str, Any]:
    """The shipped rule table as plain data, to vary in a test."""
    return copy.deepcopy(yaml.safe_load(DEFAULT_RULE_TABLE_PATH.read_text(encoding="utf-8")))
