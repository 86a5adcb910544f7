"""Field-level parsing shared by the readers: missing values, flags, identifiers, NDCs, money."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

CONTRACT_ID_RE = re.compile(r"^[HRS]\d{4}$")
PLAN_ID_RE = re.compile(r"^\d{3}$")
SEGMENT_ID_RE = PLAN_ID_RE
FORMULARY_ID_RE = re.compile(r"^\d{8}$")
NDC11_RE = re.compile(r"^\d{11}$")
RXCUI_RE = re.compile(r"^\d{1,8}$")
_HYPHEN_NDC_RE = re.compile(r"^(\d{4,5})-(\d{3,4})-(\d{1,2})$")

_TRUE = frozenset({"Y", "YES", "1", "T", "TRUE"})
_FALSE = frozenset({"N", "NO", "0", "F", "FALSE"})


class FieldError(ValueError):
    """A single value is invalid; the reader adds file/line/column."""


def clean(value: str | None) -> str | None:
    """Strip; blank, single space and SAS ``.`` mean missing."""
    if value is None:
        return None
    value = value.strip()
    if not value or value == ".":
        return None
    return value


def parse_flag(value: str | None) -> bool | None:
    """Y/N (and 1/0, used by the Excluded Drugs quantity-limit column) to bool; missing to None."""
    text = clean(value)
    if text is None:
        return None
    upper = text.upper()
    if upper in _TRUE:
        return True
    if upper in _FALSE:
        return False
    raise FieldError(f"expected Y/N or 1/0, got {text!r}")


def parse_decimal(value: str | None) -> Decimal | None:
    text = clean(value)
    if text is None:
        return None
    try:
        number = Decimal(text.replace(",", "").lstrip("$"))
    except InvalidOperation:
        raise FieldError(f"expected a number, got {text!r}") from None
    if not number.is_finite():
        raise FieldError(f"expected a number, got {text!r}")
    return number


def parse_int(value: str | None) -> int | None:
    text = clean(value)
    if text is None:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise FieldError(f"expected a whole number, got {text!r}") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise FieldError(f"expected a whole number, got {text!r}")
    return int(number)


def check_identifier(value: str | None, pattern: re.Pattern[str], what: str) -> str:
    """Identifiers stay strings with their leading zeros; required and shape-checked."""
    text = clean(value)
    if text is None:
        raise FieldError(f"{what} is required")
    if not pattern.match(text):
        raise FieldError(f"{what} {text!r} does not match {pattern.pattern}")
    return text


def optional_identifier(value: str | None, pattern: re.Pattern[str], what: str) -> str | None:
    if clean(value) is None:
        return None
    return check_identifier(value, pattern, what)


def ndc_to_11(value: str) -> str:
    """Normalize one NDC written in a known layout to the 11-digit (5-4-2) billing form.

    Accepts 11 digits, or a hyphenated 4-4-2 / 5-3-2 / 5-4-1 / 5-4-2 code. A bare 10-digit code
    is ambiguous (the hyphen position is unknown): use :func:`ndc_candidates` for it.
    """
    text = value.strip()
    if NDC11_RE.match(text):
        return text
    match = _HYPHEN_NDC_RE.match(text)
    if not match:
        raise FieldError(f"NDC {text!r} is not 11 digits or a hyphenated 10/11-digit code")
    labeler, product, package = match.groups()
    lengths = (len(labeler), len(product), len(package))
    if lengths == (4, 4, 2):
        labeler = "0" + labeler
    elif lengths == (5, 3, 2):
        product = "0" + product
    elif lengths == (5, 4, 1):
        package = "0" + package
    elif lengths != (5, 4, 2):
        raise FieldError(f"NDC {text!r} has an unknown segment layout {lengths}")
    return labeler + product + package


def ndc_candidates(value: str) -> tuple[str, ...]:
    """Every 11-digit NDC that a user-typed code may stand for (empty when it is not an NDC)."""
    text = value.strip().replace(" ", "")
    if _HYPHEN_NDC_RE.match(text) or NDC11_RE.match(text):
        try:
            return (ndc_to_11(text),)
        except FieldError:
            return ()
    if re.fullmatch(r"\d{10}", text):
        # 4-4-2, 5-3-2, 5-4-1 padded to 5-4-2
        return (
            "0" + text,
            text[:5] + "0" + text[5:],
            text[:9] + "0" + text[9:],
        )
    return ()


def format_ndc(ndc11: str) -> str:
    """11-digit NDC in the printed 5-4-2 form."""
    return f"{ndc11[:5]}-{ndc11[5:9]}-{ndc11[9:]}"
