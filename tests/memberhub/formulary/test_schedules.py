from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from memberhub.formulary.schedules import FormularyConfigError, parse_schedules

RAW = {
    "lis_copays": [
        {
            "valid_from": "2025-01-01",
            "valid_to": "2025-12-31",
            "levels": {
                "full_dual_low": {"generic": "1.60", "brand": "4.80"},
                "full_dual": {"generic": "4.90", "brand": "12.15"},
                "institutional": {"generic": "0", "brand": "0"},
            },
        },
        {
            "valid_from": "2026-01-01",
            "levels": {
                "full_dual_low": {"generic": "1.60", "brand": "4.90"},
                "full_dual": {"generic": "5.10", "brand": "12.65"},
                "institutional": {"generic": "0", "brand": "0"},
                "none": None,
            },
        },
    ],
    "medi_cal_rx_routing": [
        {"valid_from": "2022-01-01", "bin": "022659", "pcn": "6334225", "group": "MEDICALRX"}
    ],
    "insulin_monthly_cap": [{"valid_from": "2023-01-01", "amount": "35.00"}],
    "medi_cal_rx_copay": "0",
    "tier_labels": {1: "Preferred generic", 2: "Generic"},
}


def test_lis_copay_is_effective_dated() -> None:
    schedules = parse_schedules(RAW)
    lis_2025 = schedules.lis_copay(level="full_dual", on=date(2025, 6, 1))
    lis_2026 = schedules.lis_copay(level="full_dual", on=date(2026, 6, 1))
    assert lis_2025 is not None
    assert lis_2026 is not None
    assert (lis_2025.generic, lis_2025.brand) == (Decimal("4.90"), Decimal("12.15"))
    assert (lis_2026.generic, lis_2026.brand) == (Decimal("5.10"), Decimal("12.65"))
    assert schedules.lis_copay(level="none", on=date(2026, 6, 1)) is None
    assert schedules.lis_copay(level=None, on=date(2026, 6, 1)) is None
    assert schedules.lis_copay(level="full_dual", on=date(2020, 1, 1)) is None


def test_routing_insulin_labels() -> None:
    schedules = parse_schedules(RAW)
    numbers = schedules.medi_cal_rx_numbers(on=date(2026, 1, 1))
    assert numbers is not None
    assert numbers.as_dict() == {"bin": "022659", "pcn": "6334225", "group": "MEDICALRX"}
    assert schedules.medi_cal_rx_numbers(on=date(2021, 12, 31)) is None
    assert schedules.insulin_cap(on=date(2026, 1, 1)) == Decimal("35.00")
    assert schedules.tier_label(1) == "Preferred generic"
    assert schedules.tier_label(6) == "Tier 6"
    assert schedules.tier_label(None) is None


@pytest.mark.parametrize(
    ("_case", "patch", "where"),
    [
        (
            "bad_bin",
            {"medi_cal_rx_routing": [{"valid_from": "2022-01-01", "bin": "22659", "pcn": "x", "group": "y"}]},
            "bin",
        ),
        ("bad_date", {"insulin_monthly_cap": [{"valid_from": "soon", "amount": "35"}]}, "valid_from"),
        ("bad_amount", {"insulin_monthly_cap": [{"valid_from": "2023-01-01", "amount": "-1"}]}, "amount"),
        (
            "end_before_start",
            {"insulin_monthly_cap": [{"valid_from": "2023-01-01", "valid_to": "2022-01-01", "amount": "1"}]},
            "valid_to",
        ),
    ],
)
def test_bad_configuration_names_the_entry(_case: str, patch: dict, where: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(FormularyConfigError) as exc:
        parse_schedules({**RAW, **patch})
    assert where in exc.value.message
