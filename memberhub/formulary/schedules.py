"""Effective-dated formulary configuration (LIS copays, Medi-Cal Rx routing numbers, the insulin
cap, tier labels), parsed from a plain mapping (the YAML under ``config/``) into typed values.

Regulatory numbers change yearly and several are unverified ([U] in DOMAIN.md §4, §10.4), so they
live in configuration with validity dates, never as constants in code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Generic, TypeVar

from memberhub.errors import ConfigurationError

T = TypeVar("T")


class FormularyConfigError(ConfigurationError):
    code = "formulary.invalid_config"


@dataclass(frozen=True, slots=True)
class Dated(Generic[T]):
    valid_from: date
    valid_to: date | None
    value: T

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def pick(entries: Sequence[Dated[T]], on: date) -> T | None:
    """The entry in force on ``on`` (the latest start wins if periods overlap)."""
    best: Dated[T] | None = None
    for entry in entries:
        if entry.covers(on) and (best is None or entry.valid_from > best.valid_from):
            best = entry
    return None if best is None else best.value


@dataclass(frozen=True, slots=True)
class LisCopay:
    """Maximum copay per prescription for a LIS level: generics/preferred multi-source vs others."""

    level: str
    generic: Decimal
    brand: Decimal


@dataclass(frozen=True, slots=True)
class RoutingNumbers:
    """What a pharmacy bills: NCPDP BIN (6 digits), PCN and Group."""

    bin: str
    pcn: str
    group: str

    def as_dict(self) -> dict[str, str]:
        return {"bin": self.bin, "pcn": self.pcn, "group": self.group}


@dataclass(frozen=True)
class FormularySchedules:
    lis_copays: tuple[Dated[dict[str, LisCopay]], ...]
    medi_cal_rx_routing: tuple[Dated[RoutingNumbers], ...]
    insulin_monthly_cap: tuple[Dated[Decimal], ...]
    medi_cal_rx_copay: Decimal
    tier_labels: dict[int, str]

    def lis_copay(self, *, level: str | None, on: date) -> LisCopay | None:
        if not level:
            return None
        table = pick(self.lis_copays, on)
        return None if table is None else table.get(level)

    def medi_cal_rx_numbers(self, *, on: date) -> RoutingNumbers | None:
        return pick(self.medi_cal_rx_routing, on)

    def insulin_cap(self, *, on: date) -> Decimal | None:
        return pick(self.insulin_monthly_cap, on)

    def tier_label(self, tier: int | None) -> str | None:
        if tier is None:
            return None
        return self.tier_labels.get(tier, f"Tier {tier}")


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise FormularyConfigError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _money(value: Any, where: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise FormularyConfigError(f"{where}: {value!r} is not an amount") from None
    if not amount.is_finite() or amount < 0:
        raise FormularyConfigError(f"{where}: {value!r} is not an amount")
    return amount


def _period(item: Mapping[str, Any], where: str) -> tuple[date, date | None]:
    start = _date(item.get("valid_from"), f"{where}.valid_from")
    end = item.get("valid_to")
    end_date = None if end in (None, "") else _date(end, f"{where}.valid_to")
    if end_date is not None and end_date < start:
        raise FormularyConfigError(f"{where}: valid_to is before valid_from")
    return start, end_date


def _routing(item: Mapping[str, Any], where: str) -> RoutingNumbers:
    bin_ = str(item.get("bin", "")).strip()
    if not (len(bin_) == 6 and bin_.isdigit()):
        raise FormularyConfigError(f"{where}.bin: {bin_!r} is not a 6-digit BIN")
    pcn = str(item.get("pcn", "")).strip()
    group = str(item.get("group", "")).strip()
    if not pcn or not group:
        raise FormularyConfigError(f"{where}: pcn and group are required")
    return RoutingNumbers(bin=bin_, pcn=pcn, group=group)


def parse_schedules(raw: Mapping[str, Any]) -> FormularySchedules:
    """Validate the configuration mapping; errors say which entry is wrong."""
    lis: list[Dated[dict[str, LisCopay]]] = []
    for i, item in enumerate(raw.get("lis_copays") or []):
        where = f"lis_copays[{i}]"
        start, end = _period(item, where)
        levels: dict[str, LisCopay] = {}
        for level, amounts in (item.get("levels") or {}).items():
            if amounts is None:
                continue
            levels[str(level)] = LisCopay(
                level=str(level),
                generic=_money(amounts.get("generic"), f"{where}.levels.{level}.generic"),
                brand=_money(amounts.get("brand"), f"{where}.levels.{level}.brand"),
            )
        lis.append(Dated(start, end, levels))
    routing: list[Dated[RoutingNumbers]] = []
    for i, item in enumerate(raw.get("medi_cal_rx_routing") or []):
        where = f"medi_cal_rx_routing[{i}]"
        start, end = _period(item, where)
        routing.append(Dated(start, end, _routing(item, where)))
    insulin: list[Dated[Decimal]] = []
    for i, item in enumerate(raw.get("insulin_monthly_cap") or []):
        where = f"insulin_monthly_cap[{i}]"
        start, end = _period(item, where)
        insulin.append(Dated(start, end, _money(item.get("amount"), f"{where}.amount")))
    labels = {int(k): str(v) for k, v in (raw.get("tier_labels") or {}).items()}
    return FormularySchedules(
        lis_copays=tuple(lis),
        medi_cal_rx_routing=tuple(routing),
        insulin_monthly_cap=tuple(insulin),
        medi_cal_rx_copay=_money(raw.get("medi_cal_rx_copay", "0"), "medi_cal_rx_copay"),
        tier_labels=labels,
    )
