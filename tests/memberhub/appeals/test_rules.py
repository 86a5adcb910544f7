import datetime as dt
from pathlib import Path

import pytest

from memberhub.appeals.errors import RuleNotFound, RuleTableError
from memberhub.appeals.rules import (
    REQUIRED_KEYS,
    Anchor,
    Span,
    Tag,
    Unit,
    load_rule_table,
    parse_rule_table,
)


def test_shipped_table_has_every_required_rule_with_citation_and_tag(rule_table):
    # given the shipped config/appeals/rules.yaml
    # then every key the code needs is there, each version cites its source and carries a tag
    assert set(REQUIRED_KEYS) <= set(rule_table.keys())
    for rule in rule_table.rules:
        assert rule.citation
        assert rule.tag in set(Tag)
    assert str(rule_table.timezone) == "America/Los_Angeles"


@pytest.mark.parametrize(
    ("_case", "key", "limit", "extension"),
    [
        ("grievance standard 30 days +14", "grievance.standard", Span(30, Unit.DAYS), 14),
        ("grievance expedited 24 hours", "grievance.expedited", Span(24, Unit.HOURS), None),
        ("OD standard 14 days +14", "od.standard.service", Span(14, Unit.DAYS), 14),
        ("OD expedited 72 hours +14", "od.expedited.service", Span(72, Unit.HOURS), 14),
        ("Part B drug OD 72 hours", "od.part_b_drug.standard", Span(72, Unit.HOURS), None),
        ("Part B drug OD expedited 24 hours", "od.part_b_drug.expedited", Span(24, Unit.HOURS), None),
        ("recon standard 30 days +14", "recon.standard", Span(30, Unit.DAYS), 14),
        ("recon expedited 72 hours +14", "recon.expedited", Span(72, Unit.HOURS), 14),
        ("recon filing 60 days", "recon.filing_window", Span(60, Unit.DAYS), None),
        ("continuation 10 days", "continuation.request_window", Span(10, Unit.DAYS), None),
        ("State Hearing 120 days", "sfh.filing_window", Span(120, Unit.DAYS), None),
        ("effectuation 72 hours", "effectuation.reversal", Span(72, Unit.HOURS), None),
        ("acknowledgment 5 days", "acknowledgment", Span(5, Unit.DAYS), None),
    ],
)
def test_shipped_table_values_match_domain_table(rule_table, _case, key, limit, extension):
    rule = rule_table.get(key, on=dt.date(2026, 6, 1))
    assert rule.limit == limit
    assert rule.extension_max_days == extension


def test_filing_window_counts_five_mailing_days_from_the_notice_date(rule_table):
    rule = rule_table.get("recon.filing_window", on=dt.date(2026, 6, 1))
    assert rule.anchor is Anchor.NOTICE_DATE
    assert rule.mailing_days == 5
    assert rule.good_cause is True
    assert rule.tag is Tag.VERIFIED


def test_effective_dated_versions_are_chosen_by_date(rule_table_data):
    # given grievance.standard shortened to 20 days from 2027-01-01
    rules = rule_table_data["rules"]
    current = next(r for r in rules if r["key"] == "grievance.standard")
    current["effective_to"] = dt.date(2026, 12, 31)
    rules.append(
        {**current, "effective_from": dt.date(2027, 1, 1), "effective_to": None, "limit": {"days": 20}}
    )
    table = parse_rule_table(rule_table_data, source="test.yaml")
    # then each day gets its version, the boundary days included
    assert table.get("grievance.standard", on=dt.date(2026, 12, 31)).limit.amount == 30
    assert table.get("grievance.standard", on=dt.date(2027, 1, 1)).limit.amount == 20
    assert len(table.versions("grievance.standard")) == 2


def test_no_version_in_force_is_a_clear_error(rule_table):
    with pytest.raises(RuleNotFound) as excinfo:
        rule_table.get("grievance.standard", on=dt.date(2020, 12, 31))
    assert excinfo.value.code == "appeals.rule_not_found"
    assert "2020-12-31" in excinfo.value.message


def test_overlapping_versions_are_refused(rule_table_data):
    rules = rule_table_data["rules"]
    current = next(r for r in rules if r["key"] == "recon.standard")
    rules.append({**current, "effective_from": dt.date(2026, 1, 1)})
    with pytest.raises(RuleTableError) as excinfo:
        parse_rule_table(rule_table_data, source="test.yaml")
    assert excinfo.value.extra["rule_key"] == "recon.standard"
    assert "overlaps" in excinfo.value.message


@pytest.mark.parametrize(
    ("_case", "field", "value", "problem"),
    [
        ("missing citation", "citation", None, "is required"),
        ("unit not days or hours", "limit", {"weeks": 2}, "unit 'weeks'"),
        ("zero limit", "limit", {"days": 0}, "positive whole number"),
        ("bad date", "effective_from", "2021-02-30", "is not a date"),
        ("unknown tag", "tag", "X", "must be one of"),
        ("unknown anchor", "anchor", "decision_date", "must be one of"),
        ("unknown tolling", "tolling", ["weekends"], "not a known tolling rule"),
        ("extension not a number", "extension_max_days", "14", "not a whole number"),
        ("unknown field", "deadline", 3, "is not a known field"),
    ],
)
def test_malformed_rule_names_file_rule_and_field(rule_table_data, _case, field, value, problem):
    # given the third rule broken in one field
    rule_table_data["rules"][2][field] = value
    key = rule_table_data["rules"][2]["key"]
    # when parsing, then the error names the file, the rule (index and key) and the field
    with pytest.raises(RuleTableError) as excinfo:
        parse_rule_table(rule_table_data, source="rules.yaml")
    error = excinfo.value
    assert error.extra == {"file": "rules.yaml", "rule_index": 2, "rule_key": key, "field": field}
    assert problem in error.message
    assert error.message.startswith(f"rules.yaml: rules[2] ({key}): field {field!r}")


def test_missing_required_rule_is_refused(rule_table_data):
    rule_table_data["rules"] = [r for r in rule_table_data["rules"] if r["key"] != "sfh.filing_window"]
    with pytest.raises(RuleTableError) as excinfo:
        parse_rule_table(rule_table_data, source="rules.yaml")
    assert excinfo.value.extra["missing"] == ["sfh.filing_window"]


def test_wrong_schema_or_timezone_is_refused(rule_table_data):
    with pytest.raises(RuleTableError, match="schema"):
        parse_rule_table({**rule_table_data, "schema": "v0"}, source="x.yaml")
    with pytest.raises(RuleTableError, match="Mars/Olympus"):
        parse_rule_table({**rule_table_data, "timezone": "Mars/Olympus"}, source="x.yaml")


def test_invalid_yaml_file_names_the_line(tmp_path: Path):
    path = tmp_path / "rules.yaml"
    path.write_text("schema: memberhub.appeals.rules/1\nrules:\n  - key: [unclosed\n", encoding="utf-8")
    with pytest.raises(RuleTableError) as excinfo:
        load_rule_table(path)
    assert excinfo.value.extra["file"] == str(path)
    assert excinfo.value.extra["line"] == 4


def test_missing_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(RuleTableError, match="cannot read"):
        load_rule_table(tmp_path / "nope.yaml")
