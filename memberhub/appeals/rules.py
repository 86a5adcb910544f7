"""The effective-dated rule table: every clock and window with its citation.

The table lives in ``config/appeals/rules.yaml`` (numbers tagged [U] in DOMAIN.md §9 are unverified,
so they are configuration that compliance signs off, never constants in code). This module parses
and validates it; a malformed file raises :class:`RuleTableError` naming the file, the rule and the
field, and nothing is half-loaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from memberhub.appeals.errors import RuleNotFound, RuleTableError

SCHEMA = "memberhub.appeals.rules/1"

_E = TypeVar("_E", bound=StrEnum)


class Anchor(StrEnum):
    """What a rule's clock counts from."""

    RECEIPT = "receipt"  # first receipt of the request anywhere in the organization
    NOTICE_DATE = "notice_date"  # the date printed on the notice the member responds to
    DECISION = "decision"  # the moment the plan decided (e.g. reversal to effectuate)


class Unit(StrEnum):
    DAYS = "days"  # calendar days, counted on the America/Los_Angeles calendar
    HOURS = "hours"  # elapsed hours (absolute time: a DST change does not add or remove any)


class Tolling(StrEnum):
    """Named reasons a clock may start later than receipt. Only those a rule lists apply."""

    REPRESENTATIVE_AUTHORIZATION = "representative_authorization"


class Tag(StrEnum):
    VERIFIED = "V"
    SECONDARY = "S"
    UNVERIFIED = "U"


@dataclass(frozen=True)
class Span:
    amount: int
    unit: Unit

    def __str__(self) -> str:
        word = self.unit.value if self.amount != 1 else self.unit.value[:-1]
        return f"{self.amount} {word}"

    def as_timedelta(self) -> dt.timedelta:
        if self.unit is Unit.HOURS:
            return dt.timedelta(hours=self.amount)
        return dt.timedelta(days=self.amount)


@dataclass(frozen=True)
class Rule:
    key: str
    effective_from: dt.date
    effective_to: dt.date | None  # last day the version applies (inclusive); None = open
    anchor: Anchor
    limit: Span
    citation: str
    tag: Tag
    extension_max_days: int | None = None
    mailing_days: int = 0  # days added to the notice date for presumed receipt
    later_of_effective_date: bool = False  # window ends on the later of limit or the action date
    good_cause: bool = False  # a late filing may be accepted for good cause
    tolling: frozenset[Tolling] = frozenset()
    at_risk: Span | None = None
    source: str = ""
    notes: str = ""

    def applies_on(self, day: dt.date) -> bool:
        if day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to

    @property
    def allows_extension(self) -> bool:
        return bool(self.extension_max_days)


# Every key the domain code asks for. The loader refuses a table that lacks one of them.
REQUIRED_KEYS: tuple[str, ...] = (
    "acknowledgment",
    "grievance.standard",
    "grievance.expedited",
    "od.standard.service",
    "od.expedited.service",
    "od.part_b_drug.standard",
    "od.part_b_drug.expedited",
    "recon.standard",
    "recon.expedited",
    "recon.part_b_drug.standard",
    "recon.part_b_drug.expedited",
    "recon.filing_window",
    "continuation.request_window",
    "continuation.after_adverse_reconsideration",
    "sfh.filing_window",
    "effectuation.reversal",
)


@dataclass(frozen=True)
class RuleTable:
    timezone: ZoneInfo
    rules: tuple[Rule, ...]
    source: str = "<memory>"
    _by_key: Mapping[str, tuple[Rule, ...]] = field(default_factory=dict, repr=False)

    def get(self, key: str, *, on: dt.date) -> Rule:
        """The version of rule ``key`` in force on ``on`` (a date on the Los Angeles calendar)."""
        for rule in self._by_key.get(key, ()):
            if rule.applies_on(on):
                return rule
        raise RuleNotFound(
            f"No rule {key!r} in force on {on.isoformat()} in {self.source}",
            key=key,
            on=on.isoformat(),
        )

    def keys(self) -> list[str]:
        return sorted(self._by_key)

    def versions(self, key: str) -> tuple[Rule, ...]:
        return self._by_key.get(key, ())


def load_rule_table(path: str | Path) -> RuleTable:
    """Read and validate a rule table YAML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleTableError(f"{path}: cannot read the rule table ({exc.strerror})", file=str(path)) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = None
        mark = getattr(exc, "problem_mark", None)
        if mark is not None:
            line = mark.line + 1
        raise RuleTableError(
            f"{path}: not valid YAML" + (f" (line {line})" if line else ""),
            file=str(path),
            line=line,
        ) from exc
    return parse_rule_table(data, source=str(path))


def parse_rule_table(data: Any, *, source: str = "<memory>") -> RuleTable:
    if not isinstance(data, dict):
        raise RuleTableError(f"{source}: the rule table must be a mapping", file=source)
    if data.get("schema") != SCHEMA:
        raise RuleTableError(f"{source}: field 'schema' must be {SCHEMA!r}", file=source, field="schema")
    tz_name = data.get("timezone")
    try:
        timezone = ZoneInfo(str(tz_name))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RuleTableError(
            f"{source}: field 'timezone': unknown time zone {tz_name!r}",
            file=source,
            field="timezone",
        ) from exc
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise RuleTableError(f"{source}: field 'rules' must be a non-empty list", file=source, field="rules")
    rules = [_parse_rule(raw, index=i, source=source) for i, raw in enumerate(raw_rules)]
    by_key: dict[str, list[Rule]] = {}
    for rule in rules:
        by_key.setdefault(rule.key, []).append(rule)
    for key, versions in by_key.items():
        versions.sort(key=lambda r: r.effective_from)
        _check_no_overlap(key, versions, source=source)
    missing = [key for key in REQUIRED_KEYS if key not in by_key]
    if missing:
        raise RuleTableError(f"{source}: missing rules: {', '.join(missing)}", file=source, missing=missing)
    return RuleTable(
        timezone=timezone,
        rules=tuple(rules),
        source=source,
        _by_key={key: tuple(versions) for key, versions in by_key.items()},
    )


def _check_no_overlap(key: str, versions: Iterable[Rule], *, source: str) -> None:
    previous: Rule | None = None
    for rule in versions:
        if previous is not None and (
            previous.effective_to is None or previous.effective_to >= rule.effective_from
        ):
            raise RuleTableError(
                f"{source}: rule {key!r}: version from {rule.effective_from.isoformat()} overlaps "
                f"the version from {previous.effective_from.isoformat()}",
                file=source,
                rule_key=key,
                field="effective_from",
            )
        previous = rule


class _RuleReader:
    def __init__(self, raw: Mapping[str, Any], *, index: int, source: str) -> None:
        self.raw = raw
        self.index = index
        self.source = source
        self.key = str(raw.get("key", "?"))

    def fail(self, field_name: str, problem: str) -> RuleTableError:
        return RuleTableError(
            f"{self.source}: rules[{self.index}] ({self.key}): field {field_name!r}: {problem}",
            file=self.source,
            rule_index=self.index,
            rule_key=self.key,
            field=field_name,
        )

    def text(self, name: str, *, required: bool = True) -> str:
        value = self.raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(name, "is required")
            return ""
        if not isinstance(value, str):
            raise self.fail(name, "must be text")
        return value.strip()

    def day(self, name: str, *, required: bool) -> dt.date | None:
        value = self.raw.get(name)
        if value is None:
            if required:
                raise self.fail(name, "is required")
            return None
        if isinstance(value, dt.datetime):
            raise self.fail(name, "must be a date, not a timestamp")
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(name, f"{value!r} is not a date (YYYY-MM-DD)")

    def integer(self, name: str, *, default: int | None, minimum: int = 0) -> int | None:
        value: object = self.raw.get(name, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(name, f"{value!r} is not a whole number")
        if value < minimum:
            raise self.fail(name, f"must be at least {minimum}")
        return value

    def flag(self, name: str) -> bool:
        value = self.raw.get(name, False)
        if not isinstance(value, bool):
            raise self.fail(name, "must be true or false")
        return value

    def span(self, name: str, *, required: bool) -> Span | None:
        value = self.raw.get(name)
        if value is None:
            if required:
                raise self.fail(name, "is required")
            return None
        if not isinstance(value, dict) or len(value) != 1:
            raise self.fail(name, "must be one of {days: N} or {hours: N}")
        ((unit_name, amount),) = value.items()
        try:
            unit = Unit(unit_name)
        except ValueError:
            raise self.fail(name, f"unit {unit_name!r} must be 'days' or 'hours'") from None
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise self.fail(name, f"{amount!r} must be a positive whole number")
        return Span(amount=amount, unit=unit)

    def choice(self, name: str, enum: type[_E]) -> _E:
        value = str(self.raw.get(name))
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            raise self.fail(name, f"{value!r} must be one of: {allowed}") from None


def _parse_rule(raw: Any, *, index: int, source: str) -> Rule:
    if not isinstance(raw, dict):
        raise RuleTableError(f"{source}: rules[{index}] must be a mapping", file=source, rule_index=index)
    reader = _RuleReader(raw, index=index, source=source)
    known = {
        "key",
        "effective_from",
        "effective_to",
        "anchor",
        "limit",
        "extension_max_days",
        "mailing_days",
        "later_of_effective_date",
        "good_cause",
        "tolling",
        "at_risk",
        "tag",
        "citation",
        "source",
        "notes",
    }
    unknown = sorted(set(raw) - known)
    if unknown:
        raise reader.fail(unknown[0], "is not a known field")
    key = reader.text("key")
    effective_from = reader.day("effective_from", required=True)
    assert effective_from is not None  # required=True guarantees it
    effective_to = reader.day("effective_to", required=False)
    if effective_to is not None and effective_to < effective_from:
        raise reader.fail("effective_to", "is before effective_from")
    limit = reader.span("limit", required=True)
    assert limit is not None
    raw_tolling = raw.get("tolling") or []
    if not isinstance(raw_tolling, list):
        raise reader.fail("tolling", "must be a list")
    tolling: set[Tolling] = set()
    for item in raw_tolling:
        try:
            tolling.add(Tolling(item))
        except ValueError:
            raise reader.fail("tolling", f"{item!r} is not a known tolling rule") from None
    extension = reader.integer("extension_max_days", default=None, minimum=1)
    tag = reader.choice("tag", Tag)
    return Rule(
        key=key,
        effective_from=effective_from,
        effective_to=effective_to,
        anchor=reader.choice("anchor", Anchor),
        limit=limit,
        citation=reader.text("citation"),
        tag=tag,
        extension_max_days=extension,
        mailing_days=reader.integer("mailing_days", default=0) or 0,
        later_of_effective_date=reader.flag("later_of_effective_date"),
        good_cause=reader.flag("good_cause"),
        tolling=frozenset(tolling),
        at_risk=reader.span("at_risk", required=False),
        source=reader.text("source", required=False),
        notes=reader.text("notes", required=False),
    )
