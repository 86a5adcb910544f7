from memberhub.directory.csvlayout import read_directory_csv
from tests.fixtures.directory import DIRECTORY_DATA


def test_csv_rows_become_entries_and_collapse_per_address():
    result = read_directory_csv([DIRECTORY_DATA / "directory.csv"])
    assert result.errors == []
    assert result.resources_read == 3
    entries = {e.key: e for e in result.entries}
    # r1 and r3 are one doctor at one address written two ways, in two networks
    linh = entries[("practitioner", "1558598797", "1 MARKET ST STE 300|SAN FRANCISCO|CA|94105")]
    assert linh.accepting == (("NET-MC", "newpt"), ("NET-OTHER", "nopt"))
    assert linh.languages == ("en", "vi")
    assert linh.specialties == ("207Q00000X", "207QG0300X")
    assert linh.resource_refs == ("row/r1", "row/r3")
    assert linh.geo_source == "source"
    pharmacy = entries[("pharmacy", "1234567893", "2400 MISSION ST|SAN FRANCISCO|CA|94110")]
    assert pharmacy.geo_source == "zip_centroid"
    assert pharmacy.provider_kind == "organization"
    assert pharmacy.phone == "4155550111"


def test_csv_network_filter():
    result = read_directory_csv([DIRECTORY_DATA / "directory.csv"], network_id="NET-OTHER")
    assert [e.resource_refs for e in result.entries] == [("row/r3",)]
    missing = read_directory_csv([DIRECTORY_DATA / "directory.csv"], network_id="NOPE")
    assert [p.code for p in missing.errors] == ["directory.unknown_network"]


def test_csv_bad_rows_named_by_line_and_field():
    result = read_directory_csv([DIRECTORY_DATA / "directory_bad.csv"])
    assert [(p.position, p.field) for p in result.errors] == [
        ("line 3", "provider_type"),
        ("line 4", "taxonomy_codes"),
        ("line 4", "languages"),
        ("line 4", "accepting_new_patients"),
    ]
    assert [e.name for e in result.entries] == ["Dr Ok"]
    assert len(result.rejected) == 2


def test_csv_missing_required_column(tmp_path):
    import pytest

    from memberhub.directory.plannet import ReadError

    path = tmp_path / "x.csv"
    path.write_text("npi,name\n1558598797,A\n")
    with pytest.raises(ReadError, match="missing column"):
        read_directory_csv([path])
