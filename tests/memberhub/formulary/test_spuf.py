from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from memberhub.formulary.errors import FormularyFileError, MissingTableError
from memberhub.formulary.spuf import (
    CostKind,
    PlanKey,
    SpufTable,
    classify_table_name,
    find_tables,
    read_basic_formulary,
    read_part_d_release,
    read_plan_information,
    release_from_name,
)
from tests.fixtures.formulary import SPUF_DIR, build_release_zip

OURS = [PlanKey("H5928", "001", "000"), PlanKey("H5928", "002", "000")]


@pytest.mark.parametrize(
    ("_case", "name", "table"),
    [
        ("plan", "PLAN INFORMATION  20260115.txt", SpufTable.PLAN_INFORMATION),
        ("basic", "basic drugs formulary file  PPUF_2023Q2.txt", SpufTable.BASIC_FORMULARY),
        ("basic_zip", "Basic_Drugs_Formulary_File_20260115.zip", SpufTable.BASIC_FORMULARY),
        ("excluded", "excluded drugs formulary file  20260115.txt", SpufTable.EXCLUDED_DRUGS),
        ("insulin", "insulin beneficiary cost file 20260115.txt", SpufTable.INSULIN_BENEFICIARY_COST),
        ("cost", "beneficiary cost file  20260115.txt", SpufTable.BENEFICIARY_COST),
        ("geo", "geographic locator file 20260115.txt", SpufTable.GEOGRAPHIC_LOCATOR),
        (
            "ibc",
            "Indication Based Coverage Formulary File  PPUF_2023Q2.txt",
            SpufTable.INDICATION_BASED_COVERAGE,
        ),
        ("pharmacy", "pharmacy networks file 20260115 part 1.zip", SpufTable.PHARMACY_NETWORK),
        ("layout", "Record Layout 2026.txt", None),
    ],
)
def test_classify_table_name_is_case_and_space_insensitive(
    _case: str, name: str, table: SpufTable | None
) -> None:
    assert classify_table_name(name) == table


def test_release_from_name() -> None:
    quarterly = release_from_name("SPUF_2026_20260115.zip")
    assert (quarterly.contract_year, str(quarterly.release_date), quarterly.kind) == (
        2026,
        "2026-01-15",
        "quarterly",
    )
    monthly = release_from_name("2026_20251015.zip")
    assert (monthly.contract_year, monthly.kind) == (2026, "monthly")


def test_find_tables_in_nested_release_zip(release_zip: Path) -> None:
    tables = find_tables(release_zip)
    assert set(tables) == {
        SpufTable.PLAN_INFORMATION,
        SpufTable.BASIC_FORMULARY,
        SpufTable.EXCLUDED_DRUGS,
        SpufTable.BENEFICIARY_COST,
        SpufTable.INSULIN_BENEFICIARY_COST,
        SpufTable.GEOGRAPHIC_LOCATOR,
    }
    assert tables[SpufTable.BASIC_FORMULARY].name.startswith("SPUF_2026_20260115.zip!")
    with tables[SpufTable.PLAN_INFORMATION].open() as fh:
        assert fh.read(11) == b"CONTRACT_ID"


def test_plan_information_is_windows_1252() -> None:
    with (SPUF_DIR / "plan information  20260115.txt").open("rb") as fh:
        rows = list(read_plan_information(fh, file="plan", contracts={"H5928"}))
    assert [r.plan_id for r in rows] == ["001", "001", "001", "002", "003"]
    assert rows[0].contract_name == "SALUD MÉDICA HEALTH PLAN, INC."
    assert rows[0].formulary_id == "00026408"
    assert rows[0].snp_type == 2
    assert rows[0].county_code == "05200"
    assert rows[4].is_suppressed is True


def test_read_release_keeps_only_our_formularies(release_zip: Path) -> None:
    # when
    release = read_part_d_release(release_zip, plans=OURS)
    # then
    assert release.contract_year == 2026
    assert str(release.info.release_date) == "2026-01-15"
    assert release.formulary_by_plan == {OURS[0]: "00026408", OURS[1]: "00026999"}
    assert {r.formulary_id for r in release.basic_rows} == {"00026408", "00026999"}
    assert len(release.basic_rows) == 17
    latuda = next(r for r in release.basic_rows if r.formulary_id == "00026408" and r.rxcui == "1040036")
    assert (latuda.tier, latuda.has_prior_authorization, latuda.has_step_therapy) == (4, True, True)
    assert latuda.ndc == "63402030410"
    lurasidone_80 = next(r for r in release.basic_rows if r.rxcui == "1040041")
    assert lurasidone_80.quantity_limit is not None
    assert (lurasidone_80.quantity_limit.amount, lurasidone_80.quantity_limit.days) == (Decimal(30), 30)
    xarelto = next(r for r in release.basic_rows if r.rxcui == "1232088")
    assert xarelto.is_selected_drug is True
    assert [(r.contract_id, r.rxcui) for r in release.excluded_rows] == [
        ("H5928", "1248057"),
        ("H5928", "1101446"),
    ]
    assert release.excluded_rows[0].has_quantity_limit is True  # 0/1 flag
    assert release.excluded_rows[0].quantity_limit is not None
    assert {(r.plan_id, r.coverage_level) for r in release.cost_rows} == {
        ("001", 0),
        ("001", 1),
        ("001", 3),
        ("002", 1),
    }
    tier4 = next(
        r
        for r in release.cost_rows
        if r.plan_id == "001" and r.coverage_level == 1 and r.tier == 4 and r.days_supply == 30
    )
    assert tier4.preferred_retail.kind == CostKind.COINSURANCE
    assert tier4.preferred_retail.amount == Decimal("0.40")
    tier5_90 = next(
        r
        for r in release.cost_rows
        if r.plan_id == "001" and r.coverage_level == 1 and r.tier == 5 and r.days_supply == 90
    )
    assert tier5_90.preferred_retail.kind == CostKind.NOT_OFFERED
    assert tier5_90.is_specialty_tier is True
    assert [(r.tier, r.days_supply_code, r.copay_preferred_retail) for r in release.insulin_rows] == [
        (None, 1, Decimal("35.00")),
        (None, 2, Decimal("105.00")),
    ]


def test_read_release_from_extracted_folder() -> None:
    release = read_part_d_release(SPUF_DIR, plans=OURS[:1])
    assert release.formulary_by_plan == {OURS[0]: "00026408"}
    assert len(release.basic_rows) == 14


def test_header_driven_reader_survives_reordered_and_extra_columns(tmp_path: Path) -> None:
    # given the old layout with an ICL column and columns in another order
    src = (SPUF_DIR / "basic drugs formulary file  20260115.txt").read_text("ascii").splitlines()
    header = src[0].split("|")
    order = list(reversed(range(len(header))))
    lines = ["|".join(["ICL"] + [header[i] for i in order])]
    for line in src[1:]:
        fields = line.split("|")
        lines.append("|".join(["X"] + [fields[i] for i in order]))
    path = tmp_path / "Basic Drugs Formulary File 2026.txt"
    path.write_text("\r\n".join(lines) + "\r\n", "ascii")
    # when
    with path.open("rb") as fh:
        rows = list(read_basic_formulary(fh, file=path.name, formulary_ids={"00026408"}))
    # then
    assert len(rows) == 14
    assert rows[0].rxcui == "1040031"
    assert rows[0].ndc == "00093123401"


def _write_release(tmp_path: Path, table: str, transform: object) -> Path:
    folder = tmp_path / "release"
    folder.mkdir()
    for txt in SPUF_DIR.glob("*.txt"):
        data = txt.read_bytes()
        if table in txt.name:
            data = transform(data)  # type: ignore[operator]
        (folder / txt.name).write_bytes(data)
    return folder


def test_bad_ndc_is_refused_with_file_line_and_column(tmp_path: Path) -> None:
    folder = _write_release(tmp_path, "basic", lambda d: d.replace(b"|63402030410|4|", b"|6340203041X|4|"))
    with pytest.raises(FormularyFileError) as exc:
        read_part_d_release(folder, plans=OURS)
    assert exc.value.file == "basic drugs formulary file  20260115.txt"
    assert exc.value.line == 5
    assert exc.value.column == "NDC"
    assert "6340203041X" in exc.value.message


def test_missing_required_column_is_refused(tmp_path: Path) -> None:
    folder = _write_release(tmp_path, "basic", lambda d: d.replace(b"TIER_LEVEL_VALUE", b"TIER_LVL"))
    with pytest.raises(FormularyFileError) as exc:
        read_part_d_release(folder, plans=OURS)
    assert (exc.value.line, exc.value.column) == (1, "TIER_LEVEL_VALUE")


def test_short_row_is_refused_even_for_other_formularies(tmp_path: Path) -> None:
    folder = _write_release(
        tmp_path, "basic", lambda d: d.replace(b"00021467|00000031|2026|1232088|", b"00021467|2026|1232088|")
    )
    with pytest.raises(FormularyFileError) as exc:
        read_part_d_release(folder, plans=OURS)
    assert exc.value.line == 21
    assert "expected 12 fields" in exc.value.message


def test_unknown_formulary_is_refused(tmp_path: Path) -> None:
    # given our plan points at a formulary that has no drug rows
    folder = _write_release(tmp_path, "plan information", lambda d: d.replace(b"|00026999|", b"|00029999|"))
    with pytest.raises(FormularyFileError) as exc:
        read_part_d_release(folder, plans=OURS)
    assert exc.value.code == "formulary.unknown_formulary"
    assert "00029999" in exc.value.message


def test_plan_missing_from_release_uses_configured_formulary_or_fails() -> None:
    other = PlanKey("H9999", "001", "000")
    with pytest.raises(FormularyFileError) as exc:
        read_part_d_release(SPUF_DIR, plans=[other])
    assert exc.value.code == "formulary.unknown_formulary"
    release = read_part_d_release(SPUF_DIR, plans=[other], configured_formularies={other: "00026999"})
    assert len(release.basic_rows) == 3


def test_release_without_basic_formulary_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "plan information  20260115.txt").write_bytes(
        (SPUF_DIR / "plan information  20260115.txt").read_bytes()
    )
    with pytest.raises(MissingTableError):
        read_part_d_release(folder, plans=OURS)


def test_bad_encoding_names_the_line(tmp_path: Path) -> None:
    folder = _write_release(
        tmp_path,
        "basic",
        lambda d: d.replace(b"00026408|00000018|2026|1040041", b"00026408|0000\x8118|2026|1040041"),
    )
    with pytest.raises(FormularyFileError) as exc:
        read_part_d_release(folder, plans=OURS)
    assert exc.value.line == 6


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "SPUF_2026_20260115.zip"
    bogus.write_bytes(b"this is not a zip")
    with pytest.raises(FormularyFileError) as exc:
        find_tables(bogus)
    assert "zip" in exc.value.message


def test_single_table_zip_is_accepted(tmp_path: Path) -> None:
    target = tmp_path / "basic.zip"
    with zipfile.ZipFile(target, "w") as zf:
        zf.writestr(
            "BASIC DRUGS FORMULARY FILE  20260115.TXT",
            (SPUF_DIR / "basic drugs formulary file  20260115.txt").read_bytes(),
        )
    assert set(find_tables(target)) == {SpufTable.BASIC_FORMULARY}


def test_progress_is_reported(release_zip: Path) -> None:
    seen: list[tuple[str, int]] = []
    read_part_d_release(release_zip, plans=OURS, progress=lambda table, count: seen.append((table, count)))
    assert ("basic_formulary", 17) in seen
    assert seen[0] == ("plan_information", 4)


def test_build_release_zip_roundtrip(tmp_path: Path) -> None:
    path = build_release_zip(tmp_path / "SPUF_2026_20260115.zip")
    with zipfile.ZipFile(path) as outer:
        inner_names = [n for n in outer.namelist() if n.endswith(".zip")]
        assert len(inner_names) == 6
        with zipfile.ZipFile(io.BytesIO(outer.read(inner_names[0]))) as inner:
            assert inner.namelist()
