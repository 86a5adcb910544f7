import pytest

from memberhub.directory.languages import language_name, normalize_language
from memberhub.directory.reference import (
    is_taxonomy_code,
    taxonomy_codes_for,
    taxonomy_name,
    taxonomy_table,
    zip_centroid,
    zip_centroids,
)


def test_taxonomy_table_has_the_nucc_code_set():
    table = taxonomy_table()
    assert len(table) == 874
    assert table["207Q00000X"].classification == "Family Medicine"
    assert taxonomy_name("207RC0000X") == "Cardiovascular Disease Physician"
    assert taxonomy_name("ZZZ") == "ZZZ"


@pytest.mark.parametrize(
    ("_case", "query", "expected_in", "expected_not_in"),
    [
        ("code", "207Q00000X", "207Q00000X", "207R00000X"),
        ("code list", "207Q00000X, 207R00000X", "207R00000X", "208D00000X"),
        ("words", "family medicine", "207QG0300X", "207R00000X"),
        ("synonym", "cardiology", "207RC0000X", "207Q00000X"),
        ("prefix and plural", "pediatric", "208000000X", "207Q00000X"),
        ("pharmacy", "retail pharmacy", "3336C0003X", "3336H0001X"),
    ],
)
def test_taxonomy_codes_for(_case, query, expected_in, expected_not_in):
    codes = taxonomy_codes_for(query)
    assert expected_in in codes
    assert expected_not_in not in codes
    assert list(codes) == sorted(codes)


def test_taxonomy_codes_for_nothing():
    assert taxonomy_codes_for("") == ()
    assert taxonomy_codes_for("the and of") == ()
    assert taxonomy_codes_for("xylophonist") == ()


def test_is_taxonomy_code():
    assert is_taxonomy_code("207q00000x")
    assert not is_taxonomy_code("207Q0000X")
    assert not is_taxonomy_code("FAMILY")


def test_zip_centroids_cover_california_only():
    table = zip_centroids()
    assert len(table) > 1700
    assert all("90000" <= z <= "96199" for z in table)
    lat, lon = zip_centroid("94103-1234")  # type: ignore[misc]
    assert lat == pytest.approx(37.773, abs=0.01)
    assert lon == pytest.approx(-122.411, abs=0.01)
    assert zip_centroid("10001") is None  # New York
    assert zip_centroid("") is None
    assert zip_centroid(None) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("es", "es"),
        ("es-MX", "es"),
        ("Spanish", "es"),
        ("zh-Hant", "zh"),
        ("Cantonese", "zh"),
        ("yue", "zh"),
        ("ASL", "ase"),
        ("Farsi", "fa"),
        ("persian", "fa"),
        ("klingon", None),
        ("", None),
        ("12", None),
    ],
)
def test_normalize_language(value, expected):
    assert normalize_language(value) == expected


def test_language_name():
    assert language_name("vi") == "Vietnamese"
    assert language_name("xx") == "xx"
