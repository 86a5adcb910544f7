from __future__ import annotations

import pytest

from memberhub.formulary.matching import (
    QueryKind,
    classify_query,
    damerau_levenshtein,
    group_by_ingredient_strength,
    is_close_match,
    normalize_name,
    rank_names,
    trigram_similarity,
    word_similarity,
)


@pytest.mark.parametrize(
    ("_case", "raw", "kind", "ndcs"),
    [
        ("rxcui", "617310", QueryKind.RXCUI, ()),
        ("ndc11", "00093123401", QueryKind.NDC, ("00093123401",)),
        ("ndc_hyphen", "0093-1234-01", QueryKind.NDC, ("00093123401",)),
        ("ndc10", "0093123401", QueryKind.NDC, ("00093123401", "00931023401", "00931234001")),
        ("name", "Atorvastatn 20mg", QueryKind.NAME, ()),
    ],
)
def test_classify_query(_case: str, raw: str, kind: QueryKind, ndcs: tuple[str, ...]) -> None:
    query = classify_query(raw)
    assert query.kind == kind
    assert query.ndcs == ndcs


def test_normalize_name() -> None:
    assert normalize_name("  Café-Tabs®  (Oral) ") == "cafe tabs oral"


def test_trigram_similarity_matches_pg_trgm() -> None:
    # pg_trgm: SELECT similarity('word', 'two words') = 0.36363637
    assert round(trigram_similarity("word", "two words"), 6) == round(4 / 11, 6)
    assert trigram_similarity("", "abc") == 0.0


def test_typo_is_close_to_the_real_name() -> None:
    assert is_close_match("atorvastatn", "atorvastatin")
    assert is_close_match("lurasidon", "lurasidone")
    assert is_close_match("ator", "atorvastatin")  # prefix
    assert not is_close_match("aspirin", "atorvastatin")
    assert damerau_levenshtein("abcd", "acbd") == 1
    assert word_similarity("atorvastatn", "atorvastatin 20 MG Oral Tablet") > 0.5


def test_rank_names_prefix_first_then_similarity_deterministic() -> None:
    names = [
        ("3", "lurasidone hydrochloride 40 MG Oral Tablet"),
        ("1", "atorvastatin 20 MG Oral Tablet"),
        ("2", "atorvastatin 20 MG Oral Tablet [Lipitor]"),
        ("4", "aspirin 81 MG Oral Tablet"),
    ]
    assert [r.key for r in rank_names("atorvastatn", names)] == ["1", "2"]
    assert [r.key for r in rank_names("ator", names)] == ["1", "2"]
    assert [r.key for r in rank_names("lipitor", names)] == ["2"]


def test_group_by_ingredient_strength_keeps_rank_order() -> None:
    groups = group_by_ingredient_strength(
        [
            ("atorvastatin", "20 MG", "617310"),
            ("lurasidone", "40 MG", "1040031"),
            ("atorvastatin", "20 MG", "617312"),
        ]
    )
    assert [(g.ingredient, ids) for g, ids in groups] == [
        ("atorvastatin", ["617310", "617312"]),
        ("lurasidone", ["1040031"]),
    ]
