import json
from datetime import date

import pytest

from memberhub.directory.plannet import ReadError, read_directory
from tests.fixtures.directory import (
    AS_OF,
    DIRECTORY_DATA,
    MEDI_CAL_BUNDLE,
    MEDI_CAL_NDJSON,
    MEDICARE_DIRECTORY,
    MEDICARE_NETWORK,
)


def by_key(result):
    return {entry.key: entry for entry in result.entries}


def test_reads_every_ig_example_and_resolves_references():
    # when the 49 Plan-Net IG examples are read as a folder
    result = read_directory([MEDICARE_DIRECTORY], network_id=MEDICARE_NETWORK, as_of=AS_OF)
    # then every resource is read, nothing is rejected, and both networks are known
    assert result.resources_read == 49
    assert result.counts == {
        "Endpoint": 1,
        "HealthcareService": 10,
        "InsurancePlan": 2,
        "Location": 9,
        "Organization": 11,
        "OrganizationAffiliation": 7,
        "Practitioner": 3,
        "PractitionerRole": 6,
    }
    assert result.errors == []
    assert result.rejected == []
    assert set(result.networks) == {"AcmeofCTStdNet", "AcmeofCTPremNet"}
    # the example NPI 9941339100 starts with 9: flagged as a warning, not dropped
    assert {p.resource for p in result.warnings if p.code == "directory.invalid_npi"} == {
        "Practitioner/HansSolo",
        "Practitioner/JoeSmith",
        "Practitioner/Counselor",
        "Organization/CancerClinic",
    }


def test_practitioner_entry_carries_plannet_extensions():
    entries = by_key(read_directory([MEDICARE_DIRECTORY], network_id=MEDICARE_NETWORK, as_of=AS_OF))
    hans = entries[("practitioner", "9941339100", "123 MAIN ST|ANYTOWN|CT|00014")]
    assert hans.name == "Hans Solo, MD"
    assert hans.family_name == "Solo"
    assert hans.given_names == ("Hans",)
    assert hans.npi_valid is False
    assert hans.specialties == ("207R00000X",)
    assert hans.qualifications == ("MD", "207R00000X", "207RC0000X")
    assert hans.languages == ("ja",)
    # newpatients on the Location with fromNetwork = the role's network
    assert hans.accepting == (("AcmeofCTStdNet", "existptonly"),)
    assert hans.accessibility == ("adacomp", "pubtrans")
    assert hans.phone == "1112223333"
    assert (hans.lat, hans.lon, hans.geo_source) == (15.0, 3.0, "source")
    assert hans.available_times[0].days == ("mon", "tue", "wed", "thu", "fri")
    assert hans.networks == ("AcmeofCTStdNet",)
    assert "PractitionerRole/HansSoloRole1" in hans.resource_refs
    assert hans.last_updated is not None
    assert hans.telehealth is False


def test_virtual_service_and_pharmacies():
    entries = by_key(read_directory([MEDICARE_DIRECTORY], network_id=MEDICARE_NETWORK, as_of=AS_OF))
    counselor = entries[("practitioner", "9941339100", "")]
    assert counselor.telehealth is True
    assert counselor.virtual_modalities == ("web", "app", "tdd", "phone")
    assert counselor.languages == ("ru",)
    mail = entries[("pharmacy", "1407071236", "")]
    assert mail.specialties == ("3336M0002X",)
    retail = entries[("pharmacy", "1407071236", "444 MAIN ST|RAINBOW|CT|00014")]
    assert retail.provider_kind == "organization"
    assert retail.phone == "7778889999"


def test_network_filter_keeps_only_that_network():
    # the Premium network has no roles or affiliations in the examples
    result = read_directory([MEDICARE_DIRECTORY], network_id="AcmeofCTPremNet", as_of=AS_OF)
    assert result.entries == []
    assert result.errors == []


def test_unknown_network_is_an_error():
    result = read_directory([MEDICARE_DIRECTORY], network_id="NoSuchNet", as_of=AS_OF)
    assert [p.code for p in result.errors] == ["directory.unknown_network"]
    assert "AcmeofCTStdNet" in result.errors[0].message


def test_bundle_and_ndjson_give_the_same_content():
    bundle = read_directory([MEDI_CAL_BUNDLE], as_of=AS_OF)
    ndjson = read_directory([MEDI_CAL_NDJSON], as_of=AS_OF)
    assert bundle.entries == ndjson.entries
    assert bundle.fingerprint() == ndjson.fingerprint()
    assert bundle.errors == []


def test_zip_centroid_geocoding_when_location_has_no_position():
    entries = by_key(read_directory([MEDI_CAL_BUNDLE], as_of=AS_OF))
    maria = entries[("practitioner", "1234567893", "1200 N ALVARADO ST STE 200|LOS ANGELES|CA|90026")]
    assert maria.geo_source == "zip_centroid"
    assert maria.lat == pytest.approx(34.079, abs=0.01)
    assert maria.gender == "female"
    assert maria.npi_valid is True
    assert maria.accepting == (("AcmeMediCalNet", "newpt"),)


def test_broken_input_is_reported_with_file_position_resource_and_field():
    result = read_directory([DIRECTORY_DATA / "broken.ndjson"], as_of=AS_OF)
    problems = {(p.position, p.resource, p.field, p.severity) for p in result.problems}
    assert ("line 5", "PractitionerRole/OrphanRole", "practitioner", "error") in problems
    assert ("line 6", "Location/L2", "position", "error") in problems
    assert ("line 7", "Practitioner/BadNpi", "identifier", "warning") in problems
    assert ("line 9", "Practitioner", "id", "error") in problems
    assert ("line 10", None, None, "error") in problems
    assert all(p.file.endswith("broken.ndjson") for p in result.problems)
    assert result.rejected == ["Location/L2", "PractitionerRole/OrphanRole"]
    # the valid roles are still read: the bad NPI is kept and flagged
    assert sorted((e.name, e.npi_valid) for e in result.entries) == [("Gina Good", True), ("Tim Typo", False)]


def test_roles_outside_their_period_are_left_out(tmp_path):
    resources = [
        {"resourceType": "Practitioner", "id": "p1", "name": [{"family": "Old"}]},
        {"resourceType": "Practitioner", "id": "p2", "name": [{"family": "Future"}]},
        {"resourceType": "Practitioner", "id": "p3", "name": [{"family": "Current"}]},
        {"resourceType": "PractitionerRole", "id": "r1", "practitioner": {"reference": "Practitioner/p1"},
         "period": {"end": "2025-12-31"}},
        {"resourceType": "PractitionerRole", "id": "r2", "practitioner": {"reference": "Practitioner/p2"},
         "period": {"start": "2027-01-01"}},
        {"resourceType": "PractitionerRole", "id": "r3", "practitioner": {"reference": "Practitioner/p3"},
         "period": {"start": "2026-01-01", "end": "2026-12-31"}},
        {"resourceType": "PractitionerRole", "id": "r4", "practitioner": {"reference": "Practitioner/p3"},
         "active": False},
    ]  # fmt: skip
    path = tmp_path / "d.ndjson"
    path.write_text("\n".join(json.dumps(r) for r in resources))
    result = read_directory([path], as_of=date(2026, 6, 1))
    assert [e.name for e in result.entries] == ["Current"]


def test_unreadable_files_raise_read_error(tmp_path):
    with pytest.raises(ReadError, match="no such file"):
        read_directory([tmp_path / "missing.json"])
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ReadError, match="not JSON"):
        read_directory([bad])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ReadError, match=r"no \.json"):
        read_directory([empty])
    latin = tmp_path / "latin.ndjson"
    latin.write_bytes(b'{"resourceType":"Practitioner","id":"a","name":[{"family":"Pe\xf1a"}]}\n')
    with pytest.raises(ReadError, match="UTF-8"):
        read_directory([latin])


def test_duplicate_resource_and_non_directory_resource(tmp_path):
    path = tmp_path / "d.ndjson"
    path.write_text(
        '{"resourceType":"Practitioner","id":"a","name":[{"text":"A"}]}\n{"resourceType":"Practitioner","id":"a"}\n'
        '{"resourceType":"Patient","id":"pt"}\n'
    )
    result = read_directory([path])
    assert [(p.position, p.code, p.severity) for p in result.problems] == [
        ("line 2", "directory.duplicate", "error"),
        ("line 3", "directory.unsupported_resource", "warning"),
    ]


def test_plannet_test_data_alone_has_broken_references():
    result = read_directory([DIRECTORY_DATA / "plannet-test-data"], as_of=AS_OF)
    broken = {(p.resource, p.field) for p in result.errors if p.code == "directory.broken_reference"}
    assert ("PractitionerRole/TestPractitionerRole1", "practitioner") in broken
    assert ("OrganizationAffiliation/TestOrgAffil2", "organization") in broken
    assert "PractitionerRole/TestPractitionerRole1" in result.rejected


def test_progress_callback(tmp_path):
    path = tmp_path / "many.ndjson"
    path.write_text("\n".join(json.dumps({"resourceType": "Endpoint", "id": f"e{i}", "connectionType": {}})
                              for i in range(10001)))  # fmt: skip
    seen: list[int] = []
    from memberhub.directory.plannet import PlanNetReader

    PlanNetReader(progress=seen.append).read_paths([path])
    assert seen == [5000, 10000]
