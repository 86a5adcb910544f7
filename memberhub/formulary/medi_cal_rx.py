"""Reader for the Medi-Cal Rx Contract Drugs List (CDL) in memberhub's CSV layout.

DHCS publishes the CDL as a PDF (entry = generic name → restriction text → table of dosage form |
strength | billing unit, with symbols such as ``*`` Code I). memberhub imports it as a CSV whose
layout is derived from DOMAIN.md §4.1 and documented in ``apps/formulary/README.md``:

===========================  ========  =========================================================
column                       required  meaning
===========================  ========  =========================================================
DRUG_NAME                    yes       generic name as listed in the CDL ("Acetaminophen")
STRENGTH                               "325 mg", "160 mg/5 ml" (blank for kits, supplies)
DOSAGE_FORM                  yes       "Tablet", "Liquid", "Cream" ...
BILLING_UNIT                 yes       each | ml | gm  (EA / ML / GM / GRAM / MILLILITER accepted)
NDC                                    one NDC, 11 digits or hyphenated 10/11-digit form
RXCUI                                  RxNorm concept when known (1-8 digits)
CDL_PART                               1 prescription, 2 OTC, 3 OTC cough/cold, 8 step therapy;
                                       default 1
CODE_1                                 Y/N or ``*`` - Code I restriction (prescriber documents
                                       diagnosis/criteria)
RESTRICTION_TEXT                       the CDL restriction sentence(s), verbatim
AGE_MIN / AGE_MAX                      inclusive ages in years ("younger than 21" -> AGE_MAX 20)
QUANTITY_LIMIT_AMOUNT /                quantity limit: amount per number of days
QUANTITY_LIMIT_DAYS
LABELER_CODES                          ';'-separated NDC labeler codes the entry is limited to
DIAGNOSIS_RESTRICTION                  "HIV infection", "cancer" ...
STEP_THERAPY                           Y/N (CDL Part 8)
PRIOR_AUTHORIZATION                    Y/N (a TAR / PA is needed)
PART_D_EXCLUDED_CATEGORY               why Part D excludes it (see PART_D_EXCLUDED_CATEGORIES);
                                       OTC parts 2 and 3 imply ``otc``
EFFECTIVE_FROM               yes       YYYY-MM-DD or MM/DD/YYYY
EFFECTIVE_TO                           last day the entry applies (inclusive)
REVISION_DATE                          CDL revision (publication) date
===========================  ========  =========================================================

Comma-separated, RFC 4180 quoting, UTF-8 with or without a byte-order mark. Header-driven:
columns may come in any order and unknown columns are ignored.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, TypeVar

from memberhub.formulary.errors import FormularyFileError
from memberhub.formulary.spuf import QuantityLimit
from memberhub.formulary.values import (
    RXCUI_RE,
    FieldError,
    clean,
    ndc_to_11,
    optional_identifier,
    parse_decimal,
    parse_flag,
    parse_int,
)

T = TypeVar("T")

REQUIRED_COLUMNS = ("DRUG_NAME", "DOSAGE_FORM", "BILLING_UNIT", "EFFECTIVE_FROM")

PART_D_EXCLUDED_CATEGORIES: dict[str, str] = {
    "otc": "Nonprescription (over-the-counter) drug",
    "cough_cold": "Symptomatic relief of cough and colds",
    "vitamins_minerals": "Prescription vitamins and minerals",
    "weight": "Anorexia, weight loss or weight gain",
    "fertility": "Fertility agent",
    "cosmetic_hair": "Cosmetic or hair growth agent",
    "sexual_dysfunction": "Sexual or erectile dysfunction agent",
    "manufacturer_monitoring": "Manufacturer requires tests/monitoring bought from it",
}

_BILLING_UNITS = {
    "EA": "each",
    "EACH": "each",
    "ML": "ml",
    "MILLILITER": "ml",
    "MILLILITERS": "ml",
    "GM": "gm",
    "G": "gm",
    "GRAM": "gm",
    "GRAMS": "gm",
}
_CDL_PARTS = frozenset({1, 2, 3, 8})


@dataclass(frozen=True, slots=True)
class MediCalRxRow:
    line: int
    drug_name: str
    strength: str | None
    dosage_form: str
    billing_unit: str
    ndc: str | None
    rxcui: str | None
    cdl_part: int
    is_code_1: bool
    restriction_text: str | None
    age_min: int | None
    age_max: int | None
    quantity_limit: QuantityLimit | None
    labeler_codes: tuple[str, ...]
    diagnosis_restriction: str | None
    has_step_therapy: bool
    has_prior_authorization: bool
    part_d_excluded_category: str | None
    effective_from: date
    effective_to: date | None
    revision_date: date | None

    @property
    def is_part_d_excluded(self) -> bool:
        """Part D excludes the drug by law, so Medi-Cal Rx pays it for a dual (DOMAIN.md §4.2)."""
        return self.part_d_excluded_category is not None

    def is_effective_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


def parse_date(value: str | None) -> date | None:
    text = clean(value)
    if text is None:
        return None
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%Y%m%d"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise FieldError(f"expected a date (YYYY-MM-DD or MM/DD/YYYY), got {text!r}")


def _code_1(value: str | None) -> bool:
    text = clean(value)
    if text is None:
        return False
    if text == "*":
        return True
    return bool(parse_flag(text))


def _billing_unit(value: str | None) -> str:
    text = clean(value)
    if text is None:
        raise FieldError("BILLING_UNIT is required")
    unit = _BILLING_UNITS.get(text.upper().rstrip("."))
    if unit is None:
        raise FieldError(f"billing unit {text!r} is not each, ml or gm")
    return unit


def _labelers(value: str | None) -> tuple[str, ...]:
    text = clean(value)
    if text is None:
        return ()
    codes = tuple(part.strip() for part in re.split(r"[;,\s]+", text) if part.strip())
    for code in codes:
        if not re.fullmatch(r"\d{4,5}", code):
            raise FieldError(f"labeler code {code!r} is not 4-5 digits")
    return tuple(code.zfill(5) for code in codes)


def _excluded_category(value: str | None, cdl_part: int) -> str | None:
    text = clean(value)
    if text is None:
        return "otc" if cdl_part in (2, 3) else None
    key = text.lower().replace("-", "_").replace(" ", "_")
    if key not in PART_D_EXCLUDED_CATEGORIES:
        raise FieldError(
            f"unknown Part D excluded category {text!r} (one of {', '.join(PART_D_EXCLUDED_CATEGORIES)})"
        )
    return key


class _Fields:
    """Values of one CSV record, parsed by column name; errors name file, line and column."""

    def __init__(self, *, file: str, line: int, columns: dict[str, int], values: list[str]) -> None:
        self.file = file
        self.line = line
        self.columns = columns
        self.values = values

    def raw(self, name: str) -> str | None:
        idx = self.columns.get(name)
        if idx is None or idx >= len(self.values):
            return None
        return self.values[idx]

    def get(self, name: str, parser: Callable[[str | None], T]) -> T:
        try:
            return parser(self.raw(name))
        except FieldError as exc:
            raise FormularyFileError(str(exc), file=self.file, line=self.line, column=name) from None

    def fail(self, name: str, message: str) -> FormularyFileError:
        return FormularyFileError(message, file=self.file, line=self.line, column=name)


def read_contract_drugs_list(stream: IO[bytes], *, file: str) -> list[MediCalRxRow]:
    """Read the whole CDL CSV; the first bad value refuses the file (file, line, column)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", errors="strict")
    reader = csv.reader(text)
    try:
        header = next(reader)
    except StopIteration:
        raise FormularyFileError("file is empty (no header row)", file=file, line=1) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FormularyFileError(f"header cannot be read: {exc}", file=file, line=1) from None
    columns = {name.strip().upper(): idx for idx, name in enumerate(header) if name.strip()}
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            raise FormularyFileError(
                f"required column {name} is missing from the header", file=file, line=1, column=name
            )
    rows: list[MediCalRxRow] = []
    seen: dict[tuple[object, ...], int] = {}
    line = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except (UnicodeDecodeError, csv.Error) as exc:
            raise FormularyFileError(f"cannot read the line: {exc}", file=file, line=line + 1) from None
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
            raise FormularyFileError(
                f"expected {len(header)} fields, found {len(values)}", file=file, line=line
            )
        row = _build_row(_Fields(file=file, line=line, columns=columns, values=values))
        key = (
            row.drug_name.lower(),
            (row.strength or "").lower(),
            row.dosage_form.lower(),
            row.ndc,
            row.effective_from,
        )
        if key in seen:
            raise FormularyFileError(
                f"duplicate entry (same drug, strength, form, NDC and start date as line {seen[key]})",
                file=file,
                line=line,
            )
        seen[key] = line
        rows.append(row)
    return rows


def _required_text(value: str | None) -> str:
    text = clean(value)
    if text is None:
        raise FieldError("a value is required")
    return text


def _required_date(value: str | None) -> date:
    day = parse_date(value)
    if day is None:
        raise FieldError("a date is required")
    return day


def _ndc(value: str | None) -> str | None:
    text = clean(value)
    return None if text is None else ndc_to_11(text)


def _rxcui(value: str | None) -> str | None:
    return optional_identifier(value, RXCUI_RE, "RXCUI")


def _age(value: str | None) -> int | None:
    age = parse_int(value)
    if age is not None and not 0 <= age <= 130:
        raise FieldError(f"age {age} is outside 0..130")
    return age


def _cdl_part(value: str | None) -> int:
    part = parse_int(value)
    if part is None:
        return 1
    if part not in _CDL_PARTS:
        raise FieldError(f"CDL part {part} is not one of 1, 2, 3, 8")
    return part


def _positive_decimal(value: str | None) -> Decimal | None:
    number = parse_decimal(value)
    if number is not None and number <= 0:
        raise FieldError("must be positive")
    return number


def _positive_int(value: str | None) -> int | None:
    number = parse_int(value)
    if number is not None and number <= 0:
        raise FieldError("must be positive")
    return number


def _build_row(f: _Fields) -> MediCalRxRow:
    cdl_part = f.get("CDL_PART", _cdl_part)
    ql_amount = f.get("QUANTITY_LIMIT_AMOUNT", _positive_decimal)
    ql_days = f.get("QUANTITY_LIMIT_DAYS", _positive_int)
    age_min = f.get("AGE_MIN", _age)
    age_max = f.get("AGE_MAX", _age)
    effective_from = f.get("EFFECTIVE_FROM", _required_date)
    effective_to = f.get("EFFECTIVE_TO", parse_date)
    if effective_to is not None and effective_to < effective_from:
        raise f.fail("EFFECTIVE_TO", "EFFECTIVE_TO is before EFFECTIVE_FROM")
    if age_min is not None and age_max is not None and age_max < age_min:
        raise f.fail("AGE_MAX", "AGE_MAX is below AGE_MIN")
    return MediCalRxRow(
        line=f.line,
        drug_name=f.get("DRUG_NAME", _required_text),
        strength=f.get("STRENGTH", clean),
        dosage_form=f.get("DOSAGE_FORM", _required_text),
        billing_unit=f.get("BILLING_UNIT", _billing_unit),
        ndc=f.get("NDC", _ndc),
        rxcui=f.get("RXCUI", _rxcui),
        cdl_part=cdl_part,
        is_code_1=f.get("CODE_1", _code_1),
        restriction_text=f.get("RESTRICTION_TEXT", clean),
        age_min=age_min,
        age_max=age_max,
        quantity_limit=(
            QuantityLimit(amount=ql_amount, days=ql_days)
            if ql_amount is not None or ql_days is not None
            else None
        ),
        labeler_codes=f.get("LABELER_CODES", _labelers),
        diagnosis_restriction=f.get("DIAGNOSIS_RESTRICTION", clean),
        has_step_therapy=bool(f.get("STEP_THERAPY", parse_flag)) or cdl_part == 8,
        has_prior_authorization=bool(f.get("PRIOR_AUTHORIZATION", parse_flag)),
        part_d_excluded_category=f.get("PART_D_EXCLUDED_CATEGORY", lambda v: _excluded_category(v, cdl_part)),
        effective_from=effective_from,
        effective_to=effective_to,
        revision_date=f.get("REVISION_DATE", parse_date),
    )


def sniff_is_cdl(first_bytes: bytes) -> bool:
    """True when the bytes start like a CDL CSV header (used to tell sources apart)."""
    head = codecs.decode(first_bytes[:4096], "utf-8", errors="ignore").lstrip("\ufeff").upper()
    return "DRUG_NAME" in head and "BILLING_UNIT" in head


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9./% ]+", " ", text.lower())).strip()


def _norm_strength(text: str) -> str:
    return re.sub(r"\s*/\s*", "/", re.sub(r"(\d)\s*([a-z%])", r"\1 \2", _norm(text)))


def name_match_key(drug_name: str, strength: str | None) -> tuple[str, str]:
    """Key to match a CDL entry with no RxCUI/NDC to RxNorm drugs: ingredient(s) and strength.

    ``("Pyridoxine Hydrochloride", "25 mg")`` and RxNorm ``pyridoxine hydrochloride 25 MG Oral
    Tablet`` give the same key. Multi-ingredient names are sorted like RxNorm ingredient keys.
    """
    ingredients = sorted(_norm(part) for part in drug_name.split("/") if part.strip())
    return " / ".join(ingredients), _norm_strength(strength or "")


def rxnorm_match_key(ingredient_key: str, strength: str) -> tuple[str, str]:
    return ingredient_key, _norm_strength(strength)
