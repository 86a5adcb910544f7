from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from apps.formulary.models import (
    Drug,
    DrugNdc,
    FormularySnapshot,
    MediCalRxDrug,
    PartDCostShare,
    PartDExcludedEntry,
    PartDFormularyEntry,
    PartDPlanFormulary,
    UnifiedCoverage,
)
from apps.formulary.services import formulary_import, formulary_snapshot_make_current, pair_coverage_rebuild
from tests.fixtures.formulary import CDL_CSV, SEED_NDJSON, SPUF_DIR, build_release_zip

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Drug, DrugNdc, FormularySnapshot, MediCalRxDrug, PartDCostShare, PartDExcludedEntry,
            PartDFormularyEntry, PartDPlanFormulary, UnifiedCoverage,
        )
    }  # fmt: skip


def test_seed_import_loads_the_329_real_drugs(formulary_pair) -> None:
    run = formulary_import(source="rxnorm", path=SEED_NDJSON)
    assert run.status == "succeeded"
    assert Drug.objects.count() == 329
    latuda = Drug.objects.get(rxcui="1040036")
    assert (latuda.is_brand, latuda.brand_name, latuda.ingredient_key, latuda.strength) == (
        True, "Latuda", "lurasidone hydrochloride", "40 MG",
    )  # fmt: skip
    assert latuda.search_text == "lurasidone hydrochloride 40 mg oral tablet latuda"


def test_rxnorm_rrf_import_adds_names_and_ndcs(formulary_pair, tmp_path) -> None:
    from tests.fixtures.formulary import RXNORM_DIR

    run = formulary_import(source="rxnorm", path=RXNORM_DIR)
    assert run.status == "succeeded", run.errors
    assert Drug.objects.get(rxcui="617312").brand_name == "Lipitor"
    assert not Drug.objects.filter(rxcui="83367").exists()  # ingredient concepts are not drugs
    assert DrugNdc.objects.get(ndc="00071015523").drug_id == "617312"


def test_part_d_import_creates_a_current_snapshot_and_rebuilds(
    formulary_pair, tmp_path, django_capture_on_commit_callbacks
) -> None:
    formulary_import(source="rxnorm", path=SEED_NDJSON)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = formulary_import(source="partd", path=build_release_zip(tmp_path / "SPUF_2026_20260115.zip"))
    assert run.status == "succeeded", run.errors
    assert len(callbacks) == 1  # one rebuild for the one 2026 pair, after commit
    snapshot = FormularySnapshot.objects.get(source="partd")
    assert (snapshot.contract_year, snapshot.release_date, snapshot.effective_from, snapshot.is_current) == (
        2026, dt.date(2026, 1, 15), dt.date(2026, 1, 15), True,
    )  # fmt: skip
    assert snapshot.counts["formulary_entries"] == 14
    assert list(PartDPlanFormulary.objects.values_list("formulary_id", flat=True)) == ["00026408"]
    latuda = PartDFormularyEntry.objects.get(formulary_id="00026408", rxcui="1040036")
    assert (latuda.tier, latuda.has_prior_authorization, latuda.has_step_therapy, latuda.ndc) == (
        4,
        True,
        True,
        "63402030410",
    )
    assert UnifiedCoverage.objects.filter(pair=formulary_pair).count() == 16  # 14 formulary + 2 supplemental
    assert run.result["is_current"] is True


def test_reimporting_the_same_file_is_a_no_op(formulary_pair, tmp_path) -> None:
    zip_path = build_release_zip(tmp_path / "SPUF_2026_20260115.zip")
    first = formulary_import(source="partd", path=zip_path)
    before = _counts()
    again = formulary_import(source="partd", path=zip_path)
    assert again.status == "duplicate"
    assert again.result["snapshot_id"] == first.result["snapshot_id"]
    assert _counts() == before


def test_malformed_release_changes_nothing_and_names_where(formulary_pair, tmp_path) -> None:
    formulary_import(source="rxnorm", path=SEED_NDJSON)
    folder = tmp_path / "release"
    folder.mkdir()
    for txt in SPUF_DIR.glob("*.txt"):
        data = txt.read_bytes()
        if "basic" in txt.name:
            data = data.replace(b"|00093123801|2|Y|30|30|", b"|00093123801|9|Y|30|30|")
        (folder / txt.name).write_bytes(data)
    before = _counts()
    run = formulary_import(source="partd", path=folder)
    assert run.status == "failed"
    assert run.errors == [{
        "file": "basic drugs formulary file  20260115.txt", "line": 6, "segment": "", "field": "TIER_LEVEL_VALUE",
        "code": "formulary.invalid_file",
        "message": "basic drugs formulary file  20260115.txt, line 6, column TIER_LEVEL_VALUE: tier 9 is outside 1..7",
    }]  # fmt: skip
    assert _counts() == before


def test_unknown_formulary_id_is_refused(formulary_pair, tmp_path) -> None:
    from tests.factories.plans import AlignedPlanPairFactory, DsnpPlanFactory

    AlignedPlanPairFactory(medicare_plan=DsnpPlanFactory(contract_id="H9999", formulary_id="00099999"))
    run = formulary_import(source="partd", path=SPUF_DIR)
    assert run.status == "failed"
    assert run.errors[0]["code"] == "formulary.unknown_formulary"
    assert "00099999" in run.errors[0]["message"]
    assert FormularySnapshot.objects.count() == 0


def test_medi_cal_import_resolves_rxcui_ndc_and_name(formulary_loaded) -> None:
    snapshot = FormularySnapshot.objects.get(source="medi_cal_rx")
    assert snapshot.counts == {"entries": 9, "matched": 8, "unmatched": 1}
    assert snapshot.effective_from == dt.date(2026, 1, 1)
    vitamins = MediCalRxDrug.objects.get(drug_name__startswith="Folic")
    assert (vitamins.rxcui, vitamins.match_method) == ("1146002", "ndc")
    methods = dict(MediCalRxDrug.objects.values_list("drug_name", "match_method"))
    assert methods["Acetaminophen"] == ""
    assert methods["Doxylamine Succinate"] == "rxcui"


def test_medi_cal_name_matching_without_ids(formulary_pair, tmp_path) -> None:
    formulary_import(source="rxnorm", path=SEED_NDJSON)
    csv = tmp_path / "cdl.csv"
    csv.write_text(
        "DRUG_NAME,STRENGTH,DOSAGE_FORM,BILLING_UNIT,CDL_PART,EFFECTIVE_FROM\n"
        "Pyridoxine Hydrochloride,25 mg,Tablet,each,2,2022-01-01\n"
    )
    run = formulary_import(source="medi_cal_rx", path=csv)
    assert run.status == "succeeded", run.errors
    row = MediCalRxDrug.objects.get()
    assert (row.rxcui, row.match_method) == ("1100457", "name")


def test_older_release_stays_for_as_of_but_does_not_become_current(formulary_pair, tmp_path) -> None:
    new = formulary_import(source="partd", path=build_release_zip(tmp_path / "SPUF_2026_20260115.zip"))
    older_dir = tmp_path / "older"
    older_dir.mkdir()
    for txt in SPUF_DIR.glob("*.txt"):
        data = txt.read_bytes()
        if "basic" in txt.name:
            data = data.replace(
                b"00026408|00000018|2026|1040036|63402030410|4|",
                b"00026408|00000017|2026|1040036|63402030410|3|",
            )
        (older_dir / txt.name.replace("20260115", "20251015")).write_bytes(data)
    old = formulary_import(source="partd", path=older_dir, contract_year=2026)
    assert old.status == "succeeded", old.errors
    assert old.result["is_current"] is False
    assert FormularySnapshot.objects.get(pk=new.result["snapshot_id"]).is_current is True
    old_snapshot = FormularySnapshot.objects.get(pk=old.result["snapshot_id"])
    assert (old_snapshot.release_date, old_snapshot.effective_from) == (
        dt.date(2025, 10, 15),
        dt.date(2026, 1, 1),
    )


def test_switching_current_is_atomic_and_unique(formulary_pair, tmp_path) -> None:
    first = formulary_import(source="partd", path=build_release_zip(tmp_path / "SPUF_2026_20260115.zip"))
    other = tmp_path / "b"
    other.mkdir()
    for txt in SPUF_DIR.glob("*.txt"):
        (other / txt.name.replace("20260115", "20260215")).write_bytes(txt.read_bytes() + b"\r\n")
    second = formulary_import(source="partd", path=other)
    assert second.result["is_current"] is True
    assert FormularySnapshot.objects.filter(source="partd", is_current=True).count() == 1
    formulary_snapshot_make_current(snapshot=FormularySnapshot.objects.get(pk=first.result["snapshot_id"]))
    assert list(FormularySnapshot.objects.filter(is_current=True).values_list("pk", flat=True)) == [
        FormularySnapshot.objects.get(pk=first.result["snapshot_id"]).pk
    ]


def test_rebuild_is_deterministic(formulary_loaded) -> None:
    fields = ("drug_id", "status", "primary_payer", "secondary_payer", "tier", "notes")
    first = list(UnifiedCoverage.objects.order_by("drug_id").values_list(*fields))
    assert pair_coverage_rebuild(pair=formulary_loaded) == len(first)
    assert list(UnifiedCoverage.objects.order_by("drug_id").values_list(*fields)) == first
    statuses = {d: s for d, s, *_ in first}
    assert statuses["1101446"] == "both"  # doxylamine: plan supplemental + Medi-Cal Rx OTC
    assert statuses["1100457"] == "medi_cal_rx"  # pyridoxine: OTC, Part D excluded
    assert statuses["105585"] == "not_covered"  # methotrexate: Part D drug off formulary
    assert statuses["1040036"] == "part_d"


def test_missing_file_fails_cleanly(formulary_pair) -> None:
    run = formulary_import(source="medi_cal_rx", path=Path("/nonexistent/cdl.csv"))
    assert run.status == "failed"
    assert "no such file" in run.errors[0]["message"]


def test_cdl_file_errors_are_reported(formulary_pair, tmp_path) -> None:
    bad = tmp_path / "cdl.csv"
    bad.write_text(
        CDL_CSV.read_text().replace(
            ",2022-01-01,,2026-01-01\nPyridoxine", ",2022-13-01,,2026-01-01\nPyridoxine"
        )
    )
    run = formulary_import(source="medi_cal_rx", path=bad)
    assert run.status == "failed"
    assert (run.errors[0]["line"], run.errors[0]["field"]) == (2, "EFFECTIVE_FROM")
    assert MediCalRxDrug.objects.count() == 0


def test_as_of_answers_from_the_release_in_force_that_day(formulary_pair, tmp_path) -> None:
    from apps.formulary.selectors import drug_coverage_get

    formulary_import(source="rxnorm", path=SEED_NDJSON)
    formulary_import(source="partd", path=build_release_zip(tmp_path / "SPUF_2026_20260115.zip"))
    older_dir = tmp_path / "older"
    older_dir.mkdir()
    for txt in SPUF_DIR.glob("*.txt"):
        data = txt.read_bytes()
        if "basic" in txt.name:
            data = data.replace(
                b"00026408|00000018|2026|1040036|63402030410|4|",
                b"00026408|00000017|2026|1040036|63402030410|3|",
            )
        (older_dir / txt.name.replace("20260115", "20251015")).write_bytes(data)
    assert formulary_import(source="partd", path=older_dir, contract_year=2026).status == "succeeded"
    early = drug_coverage_get(pair=formulary_pair, rxcui="1040036", on=dt.date(2026, 1, 10))
    late = drug_coverage_get(pair=formulary_pair, rxcui="1040036", on=dt.date(2026, 2, 1))
    now = drug_coverage_get(pair=formulary_pair, rxcui="1040036")
    assert (early["coverage"]["part_d"]["tier"], early["coverage"]["part_d"]["effective_from"]) == (
        3,
        "2026-01-01",
    )
    assert (late["coverage"]["part_d"]["tier"], late["coverage"]["part_d"]["effective_from"]) == (
        4,
        "2026-01-15",
    )
    assert now["coverage"]["part_d"]["tier"] == 4  # the current snapshot
