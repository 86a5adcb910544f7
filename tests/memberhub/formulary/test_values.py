from __future__ import annotations

from decimal import Decimal

import pytest

from memberhub.formulary.values import (
    FieldError,
    clean,
    format_ndc,
    ndc_candidates,
    ndc_to_11,
    parse_decimal,
    parse_flag,
    parse_int,
)


@pytest.mark.parametrize(
    ("_case", "raw", "expected"),
    [
        ("blank", "", None),
        ("space", " ", None),
        ("sas_dot", ".", None),
        ("value", " 007 ", "007"),
    ],
)
def test_clean_treats_blank_and_dot_as_missing(_case: str, raw: str, expected: str | None) -> None:
    assert clean(raw) == expected


def test_parse_flag_reads_yn_and_01() -> None:
    assert parse_flag("Y") is True
    assert parse_flag("n") is False
    assert parse_flag("1") is True
    assert parse_flag("0") is False
    assert parse_flag(" ") is None
    with pytest.raises(FieldError):
        parse_flag("X")


def test_parse_numbers() -> None:
    assert parse_decimal("47.00") == Decimal("47.00")
    assert parse_decimal("$1,200.50") == Decimal("1200.50")
    assert parse_int("30") == 30
    assert parse_int("30.0") == 30
    with pytest.raises(FieldError):
        parse_int("3.5")
    with pytest.raises(FieldError):
        parse_decimal("abc")
    with pytest.raises(FieldError):
        parse_decimal("NaN")


@pytest.mark.parametrize(
    ("_case", "raw", "expected"),
    [
        ("eleven", "00093123401", "00093123401"),
        ("4-4-2", "0093-1234-01", "00093123401"),
        ("5-3-2", "00093-123-01", "00093012301"),
        ("5-4-1", "00093-1234-1", "00093123401"),
        ("5-4-2", "00093-1234-01", "00093123401"),
    ],
)
def test_ndc_to_11_pads_the_short_segment(_case: str, raw: str, expected: str) -> None:
    assert ndc_to_11(raw) == expected


def test_ndc_to_11_refuses_garbage() -> None:
    with pytest.raises(FieldError):
        ndc_to_11("123-45")


def test_ten_digit_ndc_has_three_readings() -> None:
    assert ndc_candidates("0093123401") == ("00093123401", "00931023401", "00931234001")
    assert ndc_candidates("abc") == ()
    assert format_ndc("00093123401") == "00093-1234-01"
