"""Unified grievances and appeals for applicable integrated plans (42 CFR 422.629-422.634).

Pure rules: the effective-dated rule table (config/appeals/rules.yaml), clocks, filing windows,
continuation of benefits, the status machine, Part D routing and the timeliness report.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_RULE_TABLE_PATH = Path(__file__).resolve().parents[2] / "config" / "appeals" / "rules.yaml"
