import io
from datetime import date
from pathlib import Path

import pytest

from memberhub.x12 import read_834
from memberhub.x12.mapping import california_county_fips, member_change_from_record

DATA = Path(__file__).resolve().parents[2] / "fixtures" / "data" / "x12"
TODAY = date(2026, 6, 1)


def _members(name: str, replace: tuple[bytes, bytes] | None = None):
    data = (DATA / name).read_bytes()
    if replace:
        data = data.replace(*replace)
    return read_834(io.BytesIO(data)).members


@pytest.mark.parametrize(
    ("code", "fips"),
    [("19", "06037"), ("34", "06067"), ("1", "06001"), ("58", "06115"), ("037", "06037"), ("06073", "06073"),
     ("59", ""), ("CUMBERLAND", ""), ("", "")],
)  # fmt: skip
def test_california_county_fips(code, fips):
    assert california_county_fips(code) == fips


def test_dhcs_record_becomes_a_medi_cal_change():
    added = _members("dhcs_medi_cal.834")[0]

    change, issues = member_change_from_record(added, side="medi_cal", sequence=1, today=TODAY)

    assert issues == []
    assert change is not None
    assert (change.cin, change.aid_code, change.county_fips) == ("91234567S", "3N", "06067")
    assert (change.address_line1, change.zip_code) == ("PO BOX 55", "95812")  # mailing address wins
    assert (change.spoken_language, change.written_language) == ("es", "")
    assert (change.phone, change.email) == ("9165551234", "maria@example.org")
    assert (change.start_date, change.end_date) == (date(2026, 3, 1), None)
    assert (change.pcp_npi, change.pcp_name, change.pcp_start) == (
        "1234567893",
        "Anh Nguyen",
        date(2026, 3, 1),
    )


def test_termination_span_and_death_date():
    terminated = _members("dhcs_medi_cal.834")[1]

    change, _ = member_change_from_record(terminated, side="medi_cal", sequence=2, today=TODAY)

    assert change is not None
    assert (change.start_date, change.end_date, change.death_date) == (
        date(2025, 1, 1),
        date(2026, 3, 31),
        date(2026, 3, 15),
    )


def test_medicare_side_validates_the_mbi_and_points_at_its_ref():
    bad = _members("bad_records.834")[1]

    change, issues = member_change_from_record(bad, side="medicare", sequence=1, today=TODAY)

    assert change is None
    [issue] = issues
    assert issue.code.startswith("identifiers.mbi.")
    assert (issue.segment_id, issue.element, issue.element_reference, issue.position.line) == (
        "REF",
        2,
        "127",
        20,
    )
    assert "1SG4TE5MK73" not in issue.message


def test_medi_cal_side_requires_a_valid_cin():
    member = _members("dhcs_medi_cal.834", (b"REF*0F*91234567S", b"REF*0F*9123456"))[0]

    change, issues = member_change_from_record(member, side="medi_cal", sequence=1, today=TODAY)

    assert change is None
    assert [i.code for i in issues] == ["identifiers.cin.length"]
    assert issues[0].position.line == member.positions["REF*0F"].line


@pytest.mark.parametrize(
    ("_case", "old", "new", "code"),
    [
        (
            "end before start",
            b"DTP*348*D8*20260301",
            b"DTP*348*D8*20260301~\r\nDTP*349*D8*20260201",
            "x12.end_before_start",
        ),
        ("birth in future", b"DMG*D8*19450206", b"DMG*D8*20990206", "x12.birth_in_future"),
        ("bad NPI", b"XX*1234567893", b"XX*1234567890", "identifiers.npi.check_digit"),
    ],
)
def test_impossible_values_refuse_the_record(_case, old, new, code):
    data = (DATA / "dhcs_medi_cal.834").read_bytes().replace(old, new, 1)
    if old.count(b"\r\n") != new.count(b"\r\n"):
        data = data.replace(b"SE*59*0001", b"SE*60*0001")
    member = read_834(io.BytesIO(data)).members[0]

    change, issues = member_change_from_record(member, side="medi_cal", sequence=1, today=TODAY)

    assert change is None
    assert [i.code for i in issues] == [code]


def test_a_change_whose_coverages_are_all_terminated_is_a_termination():
    member = _members(
        "samples/834_deident_term.txt",
        (b"INS*Y*18*024*XN*T*C**FT~\nREF*0F*M000010", b"INS*Y*18*001*XN*T*C**FT~\nREF*0F*M000010"),
    )[0]
    assert member.maintenance_type == "001"

    change, issues = member_change_from_record(member, side="medicare", sequence=1, today=TODAY)

    assert issues == []
    assert change is not None
    assert (change.maintenance_type, change.end_date) == ("024", date(2026, 3, 31))
