import pytest

from memberhub.benefits.categories import (
    CATEGORIES,
    ServiceCategory,
    category_info,
    category_search,
    is_category,
)

REQUIRED = [
    "primary_care", "specialist", "preventive", "inpatient_hospital", "skilled_nursing", "home_health",
    "durable_medical_equipment", "ambulance", "emergency_care", "urgent_care", "outpatient_mental_health",
    "substance_use", "lab_and_imaging", "dialysis", "vision", "hearing", "dental", "transportation",
    "over_the_counter", "long_term_services", "community_adult_services", "in_home_supportive_services",
]  # fmt: skip


def test_code_list_covers_every_required_category_with_both_labels():
    for code in REQUIRED:
        assert is_category(code)
        info = category_info(code)
        assert info.label_en
        assert info.label_es
    assert set(CATEGORIES) == set(ServiceCategory)


def test_unknown_code_is_not_a_category():
    assert not is_category("dentl")
    with pytest.raises(ValueError, match="dentl"):
        category_info("dentl")


@pytest.mark.parametrize(
    ("_case", "query", "expected_first"),
    [
        ("dental", "dental", ServiceCategory.DENTAL),
        ("ride", "ride", ServiceCategory.TRANSPORTATION),
        ("wheelchair", "wheelchair", ServiceCategory.DURABLE_MEDICAL_EQUIPMENT),
        ("spanish with accents", "Silla de ruedas", ServiceCategory.DURABLE_MEDICAL_EQUIPMENT),
        ("spanish without accents", "dentista", ServiceCategory.DENTAL),
        ("prefix", "wheel", ServiceCategory.DURABLE_MEDICAL_EQUIPMENT),
        ("upper case", "GLASSES", ServiceCategory.VISION),
        ("abbreviation", "IHSS", ServiceCategory.IN_HOME_SUPPORTIVE_SERVICES),
    ],
)
def test_category_search_finds_the_category(_case, query, expected_first):
    assert category_search(query)[0] is expected_first


def test_category_search_ranks_exact_keyword_before_partial_and_finds_all_home_care():
    found = category_search("home care")
    assert ServiceCategory.HOME_HEALTH in found
    assert ServiceCategory.IN_HOME_SUPPORTIVE_SERVICES in found


def test_category_search_nothing_for_gibberish_and_everything_for_empty():
    assert category_search("zzqx") == []
    assert category_search("  ") == list(ServiceCategory)
