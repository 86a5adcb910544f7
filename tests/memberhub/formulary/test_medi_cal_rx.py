from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest

from memberhub.formulary.errors import FormularyFileError
from memberhub.formulary.medi_cal_rx import read_contract_drugs_list, sniff_is_cdl
from tests.fixtures.formulary import CDL_CSV

HEADER = (
    "DRUG_NAME,STRENGTH,DOSAGE_FORM,BILLING_UNIT,NDC,RXCUI,CDL_PART,CODE_1,RESTRICTION_TEXT,AGE_MIN,AGE_MAX,"
    "QUANTITY_LIMIT_AMOUNT,QUANTITY_LIMIT_DAYS,LABELER_CODES,DIAGNOSIS_RESTRICTION,STEP_THERAPY,"
    "PRIOR_AUTHORIZATION,PART_D_EXCLUDED_CATEGORY,EFFECTIVE_FROM,EFFECTIVE_TO,REVISION_DATE"
)


def _read(text: str) -> list:  # type: ignore[type-arg]
    return read_contract_drugs_list(io.BytesIO(text.encode("utf-8")), file="cdl.csv")


def test_reads_the_fixture_cdl() -> None:
    with CDL_CSV.open("rb") as fh:
        rows = read_contract_drugs_list(fh, file=CDL_CSV.name)
    assert len(rows) == 9
    doxylamine = rows[0]
    assert (doxylamine.rxcui, doxylamine.cdl_part, doxylamine.billing_unit) == ("1101446", 2, "each")
    assert doxylamine.part_d_excluded_category == "otc"  # implied by CDL part 2
    assert doxylamine.quantity_limit is not None
    assert (doxylamine.quantity_limit.amount, doxylamine.quantity_limit.days) == (Decimal(30), 30)
    diphenhydramine = rows[2]
    assert (
        diphenhydramine.age_min,
        diphenhydramine.billing_unit,
        diphenhydramine.part_d_excluded_category,
    ) == (
        2,
        "ml",
        "otc",
    )
    cough = rows[3]
    assert cough.is_code_1 is True
    assert cough.part_d_excluded_category == "cough_cold"
    vitamins = rows[4]
    assert vitamins.ndc == "64376064001"  # hyphenated 5-4-2 normalized
    assert vitamins.effective_from == date(2024, 1, 1)  # MM/DD/YYYY accepted
    assert vitamins.diagnosis_restriction == "end-stage renal disease"
    methotrexate = rows[5]
    assert methotrexate.is_part_d_excluded is False
    lurasidone = rows[6]
    assert lurasidone.has_step_therapy is True
    acetaminophen = rows[7]
    assert (acetaminophen.rxcui, acetaminophen.age_max) == (None, 20)
    clomiphene = rows[8]
    assert clomiphene.labeler_codes == ("00093",)
    assert clomiphene.is_effective_on(date(2025, 12, 31)) is True
    assert clomiphene.is_effective_on(date(2026, 1, 1)) is False


def test_bom_and_column_order_do_not_matter() -> None:
    rows = read_contract_drugs_list(
        io.BytesIO(
            "\ufeffEFFECTIVE_FROM,BILLING_UNIT,DOSAGE_FORM,DRUG_NAME\n2026-01-01,GM,Cream,Permethrin\n".encode()
        ),
        file="cdl.csv",
    )
    assert (rows[0].drug_name, rows[0].billing_unit, rows[0].cdl_part) == ("Permethrin", "gm", 1)


@pytest.mark.parametrize(
    ("_case", "row", "column"),
    [
        ("bad_unit", "Aspirin,81 mg,Tablet,box,,,2,N,,,,,,,,N,N,,2026-01-01,,", "BILLING_UNIT"),
        ("bad_rxcui", "Aspirin,81 mg,Tablet,each,,12345678901,2,N,,,,,,,,N,N,,2026-01-01,,", "RXCUI"),
        ("bad_ndc", "Aspirin,81 mg,Tablet,each,123-45,,2,N,,,,,,,,N,N,,2026-01-01,,", "NDC"),
        ("bad_part", "Aspirin,81 mg,Tablet,each,,,5,N,,,,,,,,N,N,,2026-01-01,,", "CDL_PART"),
        ("bad_date", "Aspirin,81 mg,Tablet,each,,,2,N,,,,,,,,N,N,,2026-13-01,,", "EFFECTIVE_FROM"),
        ("no_start", "Aspirin,81 mg,Tablet,each,,,2,N,,,,,,,,N,N,,,,", "EFFECTIVE_FROM"),
        (
            "end_before_start",
            "Aspirin,81 mg,Tablet,each,,,2,N,,,,,,,,N,N,,2026-01-01,2025-01-01,",
            "EFFECTIVE_TO",
        ),
        (
            "bad_category",
            "Aspirin,81 mg,Tablet,each,,,1,N,,,,,,,,N,N,magic,2026-01-01,,",
            "PART_D_EXCLUDED_CATEGORY",
        ),
        ("bad_age", "Aspirin,81 mg,Tablet,each,,,1,N,,abc,,,,,,N,N,,2026-01-01,,", "AGE_MIN"),
        ("no_name", ",81 mg,Tablet,each,,,1,N,,,,,,,,N,N,,2026-01-01,,", "DRUG_NAME"),
    ],
)
def test_bad_value_refuses_the_file_naming_line_and_column(_case: str, row: str, column: str) -> None:
    good = "Permethrin,5%,Cream,gm,,106387,1,N,,,,,,,,N,N,,2026-01-01,,"
    with pytest.raises(FormularyFileError) as exc:
        _read(f"{HEADER}\n{good}\n{row}\n")
    assert (exc.value.line, exc.value.column) == (3, column)


def test_missing_required_column() -> None:
    with pytest.raises(FormularyFileError) as exc:
        _read("DRUG_NAME,DOSAGE_FORM,EFFECTIVE_FROM\nAspirin,Tablet,2026-01-01\n")
    assert (exc.value.line, exc.value.column) == (1, "BILLING_UNIT")


def test_duplicate_entry_is_refused() -> None:
    row = "Permethrin,5%,Cream,gm,,106387,1,N,,,,,,,,N,N,,2026-01-01,,"
    with pytest.raises(FormularyFileError) as exc:
        _read(f"{HEADER}\n{row}\n{row}\n")
    assert exc.value.line == 3
    assert "line 2" in exc.value.message


def test_not_utf8_is_refused() -> None:
    with pytest.raises(FormularyFileError):
        read_contract_drugs_list(
            io.BytesIO(HEADER.encode() + b"\nCaf\xe9,1,Tablet,each,,,1,N,,,,,,,,N,N,,2026-01-01,,\n"),
            file="x.csv",
        )


def test_empty_file_is_refused() -> None:
    with pytest.raises(FormularyFileError):
        _read("")


def test_sniff() -> None:
    assert sniff_is_cdl(HEADER.encode())
    assert not sniff_is_cdl(b"CONTRACT_ID|PLAN_ID")
