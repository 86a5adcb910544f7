from __future__ import annotations

import io

import pytest

from memberhub.formulary.errors import FormularyFileError
from memberhub.formulary.rxnorm import (
    best_concepts,
    infer_tty,
    parse_drug_name,
    read_medication_knowledge_ndjson,
    read_rxnconso,
    read_rxnsat_ndcs,
)
from tests.fixtures.formulary import RXNORM_DIR, SEED_NDJSON


def test_rxnconso_keeps_rxnorm_atoms_of_member_term_types() -> None:
    with (RXNORM_DIR / "RXNCONSO.RRF").open("rb") as fh:
        concepts = best_concepts(read_rxnconso(fh, file="RXNCONSO.RRF"))
    assert concepts["617310"].tty == "SCD"  # PSN and MMSL synonyms ignored
    assert concepts["617312"].name == "atorvastatin 20 MG Oral Tablet [Lipitor]"
    assert concepts["83367"].tty == "IN"
    assert concepts["153165"].tty == "BN"
    assert "1099999" not in concepts  # obsolete
    assert len(concepts) == 10


def test_rxnsat_ndcs_only_rxnorm_normalized() -> None:
    with (RXNORM_DIR / "RXNSAT.RRF").open("rb") as fh:
        links = list(read_rxnsat_ndcs(fh, file="RXNSAT.RRF"))
    assert [(link.rxcui, link.ndc) for link in links] == [
        ("617310", "00378395077"),
        ("617312", "00071015523"),
        ("1040031", "00093123401"),
        ("1146002", "64376064001"),
    ]
    with (RXNORM_DIR / "RXNSAT.RRF").open("rb") as fh:
        assert [link.rxcui for link in read_rxnsat_ndcs(fh, file="x", rxcuis={"1146002"})] == ["1146002"]


def test_rrf_with_wrong_field_count_is_refused() -> None:
    with pytest.raises(FormularyFileError) as exc:
        list(read_rxnconso(io.BytesIO(b"617310|ENG|RXNORM|SCD|x|\n"), file="RXNCONSO.RRF"))
    assert exc.value.line == 1


def test_rrf_with_bad_rxcui_is_refused() -> None:
    line = b"ABC|ENG||||||1|||1|RXNORM|SCD|1|name||N|4096|\n"
    with pytest.raises(FormularyFileError) as exc:
        list(read_rxnconso(io.BytesIO(line), file="RXNCONSO.RRF"))
    assert exc.value.column == "RXCUI"


@pytest.mark.parametrize(
    ("_case", "name", "ingredients", "strength", "form", "brand"),
    [
        ("scd", "atorvastatin 20 MG Oral Tablet", ("atorvastatin",), "20 MG", "Oral Tablet", None),
        (
            "sbd",
            "lurasidone hydrochloride 40 MG Oral Tablet [Latuda]",
            ("lurasidone hydrochloride",),
            "40 MG",
            "Oral Tablet",
            "Latuda",
        ),
        (
            "multi",
            "amlodipine 5 MG / hydrochlorothiazide 25 MG / olmesartan medoxomil 40 MG Oral Tablet",
            ("amlodipine", "hydrochlorothiazide", "olmesartan medoxomil"),
            "5 MG / 25 MG / 40 MG",
            "Oral Tablet",
            None,
        ),
        (
            "quantity_prefix",
            "24 HR diltiazem hydrochloride 240 MG Extended Release Oral Tablet [Matzim]",
            ("diltiazem hydrochloride",),
            "240 MG",
            "Extended Release Oral Tablet",
            "Matzim",
        ),
        (
            "volume_prefix",
            "5 ML lidocaine hydrochloride 20 MG/ML Prefilled Syringe",
            ("lidocaine hydrochloride",),
            "20 MG/ML",
            "Prefilled Syringe",
            None,
        ),
        (
            "actuation",
            "120 ACTUAT budesonide 0.08 MG/ACTUAT / formoterol fumarate 0.0045 MG/ACTUAT Metered Dose Inhaler",
            ("budesonide", "formoterol fumarate"),
            "0.08 MG/ACTUAT / 0.0045 MG/ACTUAT",
            "Metered Dose Inhaler",
            None,
        ),
        (
            "insulin",
            "insulin isophane, human 70 UNT/ML / insulin, regular, human 30 UNT/ML Injectable Suspension [Humulin]",
            ("insulin isophane, human", "insulin, regular, human"),
            "70 UNT/ML / 30 UNT/ML",
            "Injectable Suspension",
            "Humulin",
        ),
    ],
)
def test_parse_drug_name(
    _case: str, name: str, ingredients: tuple[str, ...], strength: str, form: str, brand: str | None
) -> None:
    parsed = parse_drug_name(name, infer_tty(name))
    assert (parsed.ingredients, parsed.strength, parsed.dose_form, parsed.brand_name) == (
        ingredients,
        strength,
        form,
        brand,
    )


def test_parse_pack_lists_active_ingredients() -> None:
    name = (
        "{21 (drospirenone 3 MG / ethinyl estradiol 0.03 MG Oral Tablet) / "
        "7 (inert ingredients 1 MG Oral Tablet) } Pack [Syeda 28 Day]"
    )
    parsed = parse_drug_name(name, infer_tty(name))
    assert infer_tty(name) == "BPCK"
    assert parsed.is_pack is True
    assert parsed.ingredients == ("drospirenone", "ethinyl estradiol")
    assert parsed.ingredient_key == "drospirenone / ethinyl estradiol"
    assert parsed.brand_name == "Syeda 28 Day"


def test_parse_ingredient_and_brand_concepts() -> None:
    assert parse_drug_name("atorvastatin", "IN").ingredients == ("atorvastatin",)
    assert parse_drug_name("Lipitor", "BN").brand_name == "Lipitor"


def test_every_seed_drug_parses() -> None:
    with SEED_NDJSON.open("rb") as fh:
        drugs = list(read_medication_knowledge_ndjson(fh, file=SEED_NDJSON.name))
    assert len(drugs) == 329
    for drug in drugs:
        parsed = parse_drug_name(drug.name, infer_tty(drug.name))
        assert parsed.ingredients, drug.name
        assert parsed.dose_form, drug.name
        assert parsed.strength or parsed.is_pack, drug.name


def test_seed_reader_refuses_non_medication_knowledge() -> None:
    with pytest.raises(FormularyFileError) as exc:
        list(read_medication_knowledge_ndjson(io.BytesIO(b'{"resourceType":"Patient"}\n'), file="x.ndjson"))
    assert exc.value.line == 1
