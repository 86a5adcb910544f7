from dataclasses import replace
from datetime import UTC, datetime

import pytest

from memberhub.directory.address import PostalAddress, address_key
from memberhub.directory.merge import accepting_for_member, merge_pair
from memberhub.directory.plannet import read_directory
from memberhub.directory.records import SourceEntry
from tests.fixtures.directory import AS_OF, MEDI_CAL_BUNDLE, MEDICARE_DIRECTORY, MEDICARE_NETWORK

ADDRESS = PostalAddress(("100 Main Street",), "Fresno", "CA", "93721")
OLD = datetime(2026, 1, 1, tzinfo=UTC)
NEW = datetime(2026, 3, 1, tzinfo=UTC)


def entry(**fields) -> SourceEntry:
    base = SourceEntry(
        provider_kind="practitioner",
        provider_type="practitioner",
        identity="1558598797",
        npi="1558598797",
        npi_valid=True,
        name="Ana Lopez, MD",
        family_name="Lopez",
        given_names=("Ana",),
        gender="female",
        specialties=("207Q00000X",),
        languages=("en", "es"),
        accepting=(("NET", "newpt"),),
        phone="5595550100",
        address=ADDRESS,
        address_key=address_key(ADDRESS),
        lat=36.74,
        lon=-119.79,
        geo_source="source",
        networks=("NET",),
        resource_refs=("PractitionerRole/r1",),
        last_updated=OLD,
    )
    return replace(base, **fields)


def merged(medicare, medi_cal):
    return merge_pair(medicare, medi_cal, medicare_plan="H5501-001-000", medi_cal_plan="MC-SUNRISE-LA")


def test_same_npi_same_address_is_one_entry_in_both_networks_without_conflict():
    # given both plans state the same doctor the same way (addresses spelled differently)
    other_spelling = PostalAddress(("100 MAIN ST.",), "FRESNO", "ca", "93721-0000")
    [unified] = merged([entry()], [entry(address=other_spelling, address_key=address_key(other_spelling))])
    assert unified.network == "both"
    assert (unified.in_medicare, unified.in_medi_cal) == (True, True)
    assert unified.conflicts == ()
    assert unified.needs_review is False
    assert unified.accepting_new_patients is True
    assert [s.side for s in unified.sources] == ["medicare", "medi_cal"]


def test_different_address_or_npi_are_different_entries():
    elsewhere = PostalAddress(("200 Main Street",), "Fresno", "CA", "93721")
    result = merged([entry()], [entry(address=elsewhere, address_key=address_key(elsewhere))])
    assert [u.network for u in result] == ["medicare", "medi_cal"]
    result = merged([entry()], [entry(identity="1234567893", npi="1234567893")])
    assert sorted(u.network for u in result) == ["medi_cal", "medicare"]


@pytest.mark.parametrize(
    ("_case", "medi_cal_fields", "field", "chosen"),
    [
        ("phone, Medi-Cal newer", {"phone": "5595550199", "last_updated": NEW}, "phone", "5595550199"),
        ("phone, tie goes to Medicare", {"phone": "5595550199"}, "phone", "5595550100"),
        ("languages", {"languages": ("es", "hmn"), "last_updated": NEW}, "languages", ["es", "hmn"]),
        (
            "specialties are united",
            {"specialties": ("207QG0300X",)},
            "specialties",
            ["207Q00000X", "207QG0300X"],
        ),
        ("accepting: conservative", {"accepting": (("MC", "nopt"),)}, "accepting_new_patients", False),
        ("name", {"family_name": "Lopez-Garcia", "name": "Ana Lopez-Garcia"}, "name", "Ana Lopez, MD"),
        ("gender", {"gender": "other", "last_updated": NEW}, "gender", "other"),
    ],
)
def test_conflicts_are_kept_side_by_side_with_the_member_facing_value(_case, medi_cal_fields, field, chosen):
    medicare = entry()
    medi_cal = entry(**medi_cal_fields)
    [unified] = merged([medicare], [medi_cal])
    conflicts = {c.field: c for c in unified.conflicts}
    assert set(conflicts) == {field}
    assert conflicts[field].chosen == chosen
    assert conflicts[field].medicare != conflicts[field].medi_cal
    assert unified.needs_review is True


def test_value_stated_by_one_plan_only_is_not_a_conflict():
    [unified] = merged([entry(phone=None, languages=())], [entry(accepting=(("MC", None),))])
    assert unified.conflicts == ()
    assert unified.phone == "5595550100"
    assert unified.languages == ("en", "es")
    assert (unified.medicare_accepting, unified.medi_cal_accepting) == ("newpt", None)
    assert unified.accepting_new_patients is True


def test_phone_formats_that_normalize_equal_are_not_conflicts():
    # phones are stored as digits by the readers, so "(559) 555-0100" and "559.555.0100" are equal
    [unified] = merged([entry(phone="5595550100")], [entry(phone="5595550100")])
    assert unified.conflicts == ()


def test_position_from_the_source_beats_a_zip_centroid():
    [unified] = merged(
        [entry(lat=36.7, lon=-119.7, geo_source="zip_centroid", last_updated=NEW)],
        [entry(lat=36.74, lon=-119.79, geo_source="source")],
    )
    assert (unified.lat, unified.geo_source) == (36.74, "source")


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (["newpt"], True),
        (["newpt", "newpt"], True),
        (["newpt", None], True),
        (["newpt", "nopt"], False),
        (["existptonly"], False),
        ([None, None], False),
        ([], False),
    ],
)
def test_accepting_for_member(codes, expected):
    assert accepting_for_member(codes) is expected


def test_merge_is_deterministic_and_rejects_uncollapsed_input():
    medicare = [entry(), entry(identity="1234567893", npi="1234567893")]
    medi_cal = [entry(phone="5595550199")]
    assert merged(medicare, medi_cal) == merged(list(reversed(medicare)), medi_cal)
    with pytest.raises(ValueError, match="collapse"):
        merged([entry(), entry()], [])


def test_merge_of_the_plannet_examples_for_two_plans():
    medicare = read_directory([MEDICARE_DIRECTORY], network_id=MEDICARE_NETWORK, as_of=AS_OF).entries
    medi_cal = read_directory([MEDI_CAL_BUNDLE], as_of=AS_OF).entries
    result = {u.key: u for u in merged(medicare, medi_cal)}
    assert len(result) == 11
    assert sorted(k for k, u in result.items() if u.network == "both") == [
        ("pharmacy", "1407071236", "123 MAIN ST|ANYTOWN|CT|00014"),
        ("practitioner", "9941339100", "123 MAIN ST|ANYTOWN|CT|00014"),
        ("practitioner", "9941339100", "456 MAIN ST|ANYTOWN|CT|00014"),
    ]
    hans = result[("practitioner", "9941339100", "123 MAIN ST|ANYTOWN|CT|00014")]
    assert [c.field for c in hans.conflicts] == ["accepting_new_patients", "languages", "phone"]
    assert (hans.medicare_accepting, hans.medi_cal_accepting, hans.accepting_new_patients) == (
        "existptonly",
        "newpt",
        False,
    )
    # the Medi-Cal file is newer (2026 vs 2020): its phone and languages are shown
    assert hans.phone == "1112224444"
    assert hans.languages == ("es", "ja")
    assert hans.npi_valid is False
    joe = result[("practitioner", "9941339100", "456 MAIN ST|ANYTOWN|CT|00014")]
    assert joe.conflicts == ()
    maria = result[("practitioner", "1234567893", "1200 N ALVARADO ST STE 200|LOS ANGELES|CA|90026")]
    assert (maria.network, maria.accepting_new_patients, maria.geo_source) == (
        "medi_cal",
        True,
        "zip_centroid",
    )


def test_source_entry_json_round_trip():
    from memberhub.directory.codec import entry_from_json, entry_to_json

    for source in read_directory([MEDICARE_DIRECTORY], network_id=MEDICARE_NETWORK, as_of=AS_OF).entries:
        assert entry_from_json(entry_to_json(source)) == source
