import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from memberhub.errors import ConfigurationError
from memberhub.x12 import PackedLayout, Reader834, X12Error, X12StructureError, X12SyntaxError, read_834
from memberhub.x12.records import MemberRecord, TransactionEnd, TransactionHeader

DATA = Path(__file__).resolve().parents[2] / "fixtures" / "data" / "x12"
SAMPLES = DATA / "samples"


def _read(name: str):
    path = DATA / name
    with path.open("rb") as stream:
        return read_834(stream, name=path.name)


# (file, members' (INS03, REF*0F), BGN08 action)
SAMPLE_EXPECTATIONS = [
    ("834_deident_family.txt", [("021", "M000002"), ("021", "M000003"), ("021", "M000004")], "2"),
    ("834_deident_new_enroll.txt", [("021", "M000001")], "2"),
    ("834_deident_term.txt", [("024", "M000010"), ("024", "M000011")], "2"),
    ("add-dependent.834", [("021", "123456789")], "2"),
    ("add-subscriber-coverage.834", [("001", "123456789")], "2"),
    ("cancel-dependent.834", [("024", "123456789")], "2"),
    ("change-subscriber-information.834", [("001", "123456789")], "2"),
    ("enroll-employee-managed-care.834", [("021", "123456789")], "2"),
    ("enroll-employee-multiple-products.834", [("021", "123456789")], "2"),
    ("example834_5010.txt", [("030", "00389999")], "4"),
    ("reinstate-employee-coverage-level.834", [("025", "202443307")], "2"),
    ("reinstate-employee.834", [("025", "123456789")], "2"),
    ("reinstate-member-eligiblity-ins.834", [("025", "202443307")], "2"),
    ("terminate-subscriber-eligibility.834", [("024", "123456789")], "2"),
]


def test_every_sample_file_is_covered():
    files = sorted(p.name for p in SAMPLES.iterdir() if p.suffix in {".834", ".txt"})
    assert files == sorted(name for name, _, _ in SAMPLE_EXPECTATIONS)


@pytest.mark.parametrize(("name", "members", "action"), SAMPLE_EXPECTATIONS)
def test_reader_reads_every_sample_834(name, members, action):
    parsed = _read(f"samples/{name}")

    assert [(m.maintenance_type, m.subscriber_id) for m in parsed.members] == members
    assert all(m.is_valid for m in parsed.members), [i.describe() for m in parsed.members for i in m.issues]
    assert parsed.notes == ()
    assert parsed.transactions[0].action == action
    assert parsed.transactions[0].sponsor is not None
    assert parsed.transactions[0].payer is not None
    assert parsed.ack.fatal == ""
    assert parsed.ack.groups[0].sets[0].issues == []


def test_family_sample_reads_subscriber_and_dependents():
    parsed = _read("samples/834_deident_family.txt")

    subscriber, spouse, child = parsed.members
    assert (subscriber.is_subscriber, subscriber.relationship_code) == (True, "18")
    assert (spouse.is_subscriber, spouse.relationship_code) == (False, "01")
    assert child.relationship_code == "19"
    assert subscriber.name is not None
    assert (subscriber.name.last, subscriber.name.first, subscriber.name.middle) == ("SMITH", "ROBERT", "J")
    assert (subscriber.name.id_qualifier, subscriber.name.identifier) == ("34", "000000002")
    assert subscriber.policy_number == "GRP002"
    assert subscriber.eligibility_begin == date(2026, 4, 1)
    assert subscriber.residence_address is not None
    assert subscriber.residence_address.city == "RIVERSIDE"
    assert subscriber.birth_date == date(1975, 8, 20)
    assert subscriber.sex == "M"
    assert [(c.insurance_line, c.coverage_level, c.begin) for c in subscriber.coverages] == [
        ("PPO", "FAM", date(2026, 4, 1))
    ]
    assert spouse.coverages == ()
    assert spouse.position.line == 17
    assert spouse.position.set_position == 15


def test_termination_sample_carries_end_dates():
    parsed = _read("samples/834_deident_term.txt")

    first = parsed.members[0]
    assert first.eligibility_end == date(2026, 3, 31)
    assert first.benefit_status == "T"
    assert first.coverages[0].end == date(2026, 3, 31)
    assert first.coverages[0].begin is None


def test_managed_care_sample_reads_the_pcp_loop_and_phones():
    member = _read("samples/enroll-employee-managed-care.834").members[0]

    pcp = member.coverages[0].pcp
    assert pcp is not None
    assert (pcp.role, pcp.last_or_organization, pcp.first, pcp.id_qualifier, pcp.identifier) == (
        "P3",
        "BROWN",
        "BERNARD",
        "SV",
        "143766",
    )
    assert pcp.relationship == "25"
    assert pcp.npi == ""
    assert [(c.qualifier, c.value) for c in member.contacts] == [("HP", "7172343334"), ("WP", "7172341240")]
    assert member.date_of("358") == date(1996, 5, 23)


def test_multiple_products_sample_reads_each_coverage_and_county():
    member = _read("samples/enroll-employee-multiple-products.834").members[0]

    assert [c.insurance_line for c in member.coverages] == ["HLT", "VIS"]
    assert member.residence_address is not None
    assert member.residence_address.line2 == "APT 30"
    assert member.residence_address.county_code == "CUMBERLAND"


def test_full_file_sample_reads_audit_language_amount_and_other_delimiters():
    parsed = _read("samples/example834_5010.txt")

    header = parsed.transactions[0]
    assert header.is_full_file
    assert header.file_effective_date == date(2015, 3, 1)
    assert parsed.interchange.delimiters.component == "\\"
    member = parsed.members[0]
    assert member.maintenance_type == "030"
    assert member.medicare_plan_code == "C"
    assert [(lang.qualifier, lang.code, lang.description) for lang in member.languages] == [
        ("", "", "ESSPANISH")
    ]
    coverage = member.coverages[0]
    assert (coverage.maintenance_type, coverage.insurance_line, coverage.plan_code) == ("030", "AK", "064703")
    assert coverage.amounts == (("P3", Decimal("45.34")),)
    assert coverage.reference("17") is not None
    assert member.reference("3H") is not None
    assert member.residence_address is not None
    assert member.residence_address.county_code == "03"


def test_change_sample_reads_the_incorrect_member_name_loop():
    member = _read("samples/change-subscriber-information.834").members[0]

    assert member.name is not None
    assert member.name.middle == ""
    assert member.incorrect_name is not None
    assert (member.incorrect_name.entity_code, member.incorrect_name.middle) == ("70", "E")
    assert member.birth_date == date(1950, 4, 15)


def test_dependent_sample_keeps_the_school_as_a_related_party():
    member = _read("samples/add-dependent.834").members[0]

    assert [(p.entity_code, p.last) for p in member.related_parties] == [("M8", "PENN STATE UNIVERSITY")]
    assert member.date_of("351") == date(1998, 5, 15)


def test_dhcs_file_unpacks_packed_medi_cal_values():
    parsed = _read("dhcs_medi_cal.834")

    header = parsed.transactions[0]
    assert header.sponsor is not None
    assert header.sponsor.name == "CALIFORNIA DHCS"
    assert header.reference == "DHCS834-DA-20260301-MC123-001.dat"
    assert header.control_totals == (("TO", Decimal("3")),)
    assert parsed.interchange.delimiters.repetition == "!"
    added, terminated, changed = parsed.members
    assert all(m.is_valid for m in parsed.members), [i.describe() for m in parsed.members for i in m.issues]

    # CIN, county and aid code from REF*0F, REF*3H, 2300 REF*CE / REF*ZX
    assert (added.medi_cal.cin, added.medi_cal.county_code, added.medi_cal.aid_code) == (
        "91234567S",
        "34",
        "3N",
    )
    assert added.medi_cal.case_number == "7777777122"
    assert added.reference("23") is not None
    assert added.reference("23").parts == ("9", "20260301", "20260301")
    assert added.reference("6O").parts == ("1", "A", "Y", "W")
    assert (added.medicare_plan_code, added.medicare_eligibility_reason) == ("C", "0")
    assert added.residence_address is not None
    assert added.residence_address.county_code == "34"
    assert added.mailing_address is not None
    assert (added.mailing_address.line1, added.mailing_address.postal_code) == ("PO BOX 55", "95812")
    assert added.race_ethnicity == ("2131-1", "2135-2")
    assert [(lang.qualifier, lang.code, lang.use) for lang in added.languages] == [("LE", "spa", "7")]
    assert [(c.qualifier, c.value) for c in added.contacts] == [
        ("TE", "9165551234"),
        ("EM", "maria@example.org"),
    ]
    coverage = added.coverages[0]
    assert (coverage.plan_code, coverage.plan_sub_code, coverage.aid_code, coverage.county_code) == (
        "MC123",
        "01",
        "3N",
        "34",
    )
    assert coverage.begin == date(2026, 3, 1)
    pcp = coverage.pcp
    assert pcp is not None
    assert (pcp.npi, pcp.change_reason, pcp.change_effective) == ("1234567893", "AA", date(2026, 3, 1))

    # termination by death: INS11/12 death date, county and aid code from REF*3H
    assert terminated.maintenance_type == "024"
    assert terminated.maintenance_reason == "03"
    assert terminated.death_date == date(2026, 3, 15)
    assert (terminated.medi_cal.county_code, terminated.medi_cal.aid_code) == ("19", "1H")
    assert terminated.coverages[0].end == date(2026, 3, 31)

    # change: aid code from REF*CE, county from N4*CY, reporting category loop
    assert (changed.medi_cal.county_code, changed.medi_cal.aid_code) == ("37", "1H")
    assert [(c.name, c.value, c.effective) for c in changed.reporting_categories] == [
        ("MEDI-CAL SHARE OF COST", "0", date(2026, 3, 1))
    ]


def test_packed_layout_is_configurable():
    # given a (hypothetical) companion guide with the aid code before the county in REF*3H
    layout = PackedLayout.from_mapping({"case_county": [2, 4], "case_aid_code": [0, 2]})
    with (DATA / "dhcs_medi_cal.834").open("rb") as stream:
        parsed = read_834(stream, layout=layout)

    terminated = parsed.members[1]
    assert (terminated.medi_cal.county_code, terminated.medi_cal.aid_code) == ("1H", "19")
    with pytest.raises(ConfigurationError):
        PackedLayout.from_mapping({"cin_position": 3})


def test_bom_crlf_file_with_two_transaction_sets():
    parsed = _read("dsnp_medicare_bom_crlf.834")

    assert [t.control_number for t in parsed.transactions] == ["0001", "0002"]
    assert [(m.transaction_control_number, m.medicare_number) for m in parsed.members] == [
        ("0001", "1EG4TE5MK73"),
        ("0001", "2EG4TE5MK74"),
        ("0002", "3AC4TE5MK75"),
    ]
    assert parsed.members[0].position.offset == (DATA / "dsnp_medicare_bom_crlf.834").read_bytes().index(
        b"INS"
    )
    assert parsed.members[2].coverages[0].plan_coverage == "H1234;001;000"
    assert [len(g.sets) for g in parsed.ack.groups] == [2]


@pytest.mark.parametrize("name", ["other_delimiters.834", "newline_terminator.834"])
def test_other_delimiters(name):
    parsed = _read(name)

    member = parsed.members[0]
    assert member.is_valid
    assert member.medicare_number == "1EG4TE5MK73"
    assert member.medicare_plan_code == "C"
    assert member.coverages[0].begin == date(2026, 1, 1)


def test_reader_streams_events_in_order():
    with (DATA / "dsnp_medicare_bom_crlf.834").open("rb") as stream:
        kinds = [type(event).__name__ for event in Reader834(stream)]

    assert kinds == [
        "InterchangeHeader",
        "GroupHeader",
        "TransactionHeader",
        "MemberRecord",
        "MemberRecord",
        "TransactionEnd",
        "TransactionHeader",
        "MemberRecord",
        "TransactionEnd",
        "GroupEnd",
        "InterchangeEnd",
    ]


@pytest.mark.parametrize(
    ("_case", "name", "error_class", "code", "segment", "set_codes", "group_codes"),
    [
        ("SE count", "broken_se_count.834", X12StructureError, "x12.count_mismatch", "SE", ["4"], []),
        ("GE count", "broken_ge_count.834", X12StructureError, "x12.count_mismatch", "GE", [], ["5"]),
        (
            "IEA control",
            "broken_iea_control.834",
            X12StructureError,
            "x12.control_number_mismatch",
            "IEA",
            [],
            [],
        ),
        ("truncated", "broken_truncated.834", X12SyntaxError, "x12.truncated", "DMG", ["2"], ["3"]),
        ("order", "broken_segment_order.834", X12StructureError, "x12.segment_out_of_order", "HD", ["5"], []),
    ],
)
def test_structurally_broken_files_raise_with_position(
    _case, name, error_class, code, segment, set_codes, group_codes
):
    path = DATA / name
    with path.open("rb") as stream:
        reader = Reader834(stream, name=name)
        with pytest.raises(error_class) as caught:
            list(reader)

    error = caught.value
    assert error.code == code
    assert error.segment == segment
    assert error.file == name
    assert error.line >= 1
    assert error.segment_number >= 1
    assert reader.ack.fatal.startswith(name)
    assert reader.ack.groups[0].sets[0].syntax_codes == set_codes
    assert reader.ack.groups[0].syntax_codes == group_codes


def test_wrong_order_error_names_what_was_expected():
    with (DATA / "broken_segment_order.834").open("rb") as stream, pytest.raises(X12StructureError) as caught:
        list(Reader834(stream, name="broken_segment_order.834"))

    assert caught.value.expected == "N1*P5 (sponsor, loop 1000A)"
    assert caught.value.segment_number == 5
    assert "segment 5 HD (line 5" in caught.value.describe()


def test_unexpected_segment_after_members_is_fatal():
    data = (
        (DATA / "samples" / "834_deident_new_enroll.txt").read_bytes().replace(b"SE*16*0001~", b"BGN*00*X~")
    )
    with pytest.raises(X12StructureError) as caught:
        list(Reader834(io.BytesIO(data)))
    assert caught.value.code == "x12.unexpected_segment"
    assert caught.value.expected == "INS or SE"


@pytest.mark.parametrize(
    ("_case", "old", "new", "code"),
    [
        ("ST02 vs SE02", b"SE*16*0001", b"SE*16*0002", "x12.control_number_mismatch"),
        ("GS06 vs GE02", b"GE*1*100001", b"GE*1*100009", "x12.control_number_mismatch"),
        ("IEA01 count", b"IEA*1*", b"IEA*2*", "x12.count_mismatch"),
        ("not 834", b"ST*834*0001", b"ST*835*0001", "x12.unsupported_transaction"),
        ("not BE", b"GS*BE", b"GS*HC", "x12.unsupported_group"),
        (
            "wrong guide",
            b"GS*BE*ACMECORP*HEALTHPLAN*20260401*1200*100001*X*005010X220A1",
            b"GS*BE*ACMECORP*HEALTHPLAN*20260401*1200*100001*X*004010X095A1",
            "x12.unsupported_version",
        ),
        ("no BGN", b"BGN*00*20260401-001*20260401*1200****2~", b"", "x12.unexpected_segment"),
        (
            "bad BGN date",
            b"BGN*00*20260401-001*20260401",
            b"BGN*00*20260401-001*20261301",
            "x12.invalid_date",
        ),
        ("no payer", b"N1*IN*BEST HEALTH PLAN*FI*987654320~", b"", "x12.missing_segment"),
        ("no IEA", b"IEA*1*000000001~", b"", "x12.unexpected_end"),
    ],
)
def test_envelope_rules(_case, old, new, code):
    data = (DATA / "samples" / "834_deident_new_enroll.txt").read_bytes()
    assert old in data
    with pytest.raises(X12Error) as caught:
        list(Reader834(io.BytesIO(data.replace(old, new))))
    assert caught.value.code == code


def test_bad_records_are_reported_but_reading_continues():
    parsed = _read("bad_records.834")

    good, bad_mbi, bad_date, out_of_order = parsed.members
    # unknown segments are kept and reported as warnings, not errors
    assert good.is_valid
    assert [(n.segment_id, n.loop_id, n.text) for n in good.unknown_segments] == [
        ("ZZQ", "2000", "ZZQ*SOMETHING*ELSE")
    ]
    assert [n.segment_id for n in parsed.notes] == ["ZZQ"]
    assert [(i.code, i.is_error) for i in good.issues] == [("x12.unknown_segment", False)]
    # the MBI is not the reader's business (the apply layer validates identifiers)
    assert bad_mbi.is_valid
    assert bad_mbi.positions["REF*F6"].line == 20
    # impossible birth date: the DMG02 element, with its position
    assert [
        (i.code, i.segment_id, i.element, i.element_syntax_code, i.position.line) for i in bad_date.errors
    ] == [("x12.invalid_date", "DMG", 2, "8", 35)]
    assert bad_date.birth_date is None
    # REF*0F after NM1: out of sequence, so the record has no subscriber id
    codes = [i.code for i in out_of_order.errors]
    assert codes == ["x12.segment_out_of_order", "x12.missing_segment"]
    assert out_of_order.errors[0].segment_syntax_code == "7"
    assert out_of_order.subscriber_id == ""
    # every issue is on the transaction set for the 999
    assert len(parsed.ack.groups[0].sets[0].issues) == 4


@pytest.mark.parametrize(
    ("_case", "old", "new", "code", "element"),
    [
        ("INS01", b"INS*Y*18*021", b"INS*X*18*021", "x12.invalid_code", 1),
        ("INS03", b"INS*Y*18*021", b"INS*Y*18*099", "x12.invalid_code", 3),
        ("INS05", b"*XN*A*C**FT", b"*XN*Q*C**FT", "x12.invalid_code", 5),
        ("DTP date", b"DTP*356*D8*20260401", b"DTP*356*D8*20260431", "x12.invalid_date", 3),
        ("DTP format", b"DTP*356*D8*20260401", b"DTP*356*XX*20260401", "x12.invalid_date", 3),
        ("RD8 backwards", b"DTP*356*D8*20260401", b"DTP*356*RD8*20260401-20250101", "x12.invalid_date", 3),
        ("HD03 missing", b"HD*021**HMO", b"HD*021**", "x12.missing_element", 3),
        ("REF02 missing", b"REF*1L*GRP001", b"REF*1L*", "x12.missing_element", 2),
        ("second REF*0F", b"REF*1L*GRP001", b"REF*0F*M000009", "x12.repeated_segment", 0),
        ("no name", b"NM1*IL*1*DOE*JANE*M***34*000000001~", b"", "x12.missing_segment", 0),
        ("HD 021 without 348", b"DTP*348*D8*20260401", b"DTP*349*D8*20260430", "x12.missing_segment", 0),
        (
            "HD without dates",
            b"HD*021**HMO**EMP~\nDTP*348*D8*20260401~",
            b"HD*021**HMO**EMP~",
            "x12.missing_segment",
            0,
        ),
        (
            "DMG out of loop",
            b"HD*021**HMO**EMP~",
            b"HD*021**HMO**EMP~DMG*D8*19800515*F~",
            "x12.segment_out_of_order",
            0,
        ),
        (
            "NM1 after HD",
            b"DTP*348*D8*20260401~",
            b"DTP*348*D8*20260401~NM1*IL*1*DOE~",
            "x12.segment_out_of_order",
            0,
        ),
    ],
)
def test_member_rules(_case, old, new, code, element):
    data = (DATA / "samples" / "834_deident_new_enroll.txt").read_bytes()
    assert old in data
    changed = data.replace(old, new)
    # keep SE01 right: count the segments between ST and SE
    segments = changed.split(b"~")
    st = next(i for i, s in enumerate(segments) if s.strip().startswith(b"ST*"))
    se = next(i for i, s in enumerate(segments) if s.strip().startswith(b"SE*"))
    changed = changed.replace(b"SE*16*0001", b"SE*%d*0001" % (se - st + 1))

    parsed = read_834(io.BytesIO(changed))

    member = parsed.members[0]
    assert code in [i.code for i in member.errors], [i.describe() for i in member.issues]
    issue = next(i for i in member.errors if i.code == code)
    assert issue.element == element
    assert issue.position.set_position >= 1


def test_termination_needs_an_end_date():
    data = (DATA / "samples" / "terminate-subscriber-eligibility.834").read_bytes()
    changed = data.replace(b"DTP*357*D8*19960801~\n", b"").replace(b"SE*10*0001", b"SE*9*0001")

    member = read_834(io.BytesIO(changed)).members[0]

    assert [i.code for i in member.errors] == ["x12.missing_end_date"]


def test_addition_needs_a_begin_date():
    data = (DATA / "samples" / "834_deident_family.txt").read_bytes()
    changed = data.replace(b"DTP*356*D8*20260401~\nNM1*IL*1*SMITH*MARY", b"NM1*IL*1*SMITH*MARY").replace(
        b"SE*25*0001", b"SE*24*0001"
    )

    spouse = read_834(io.BytesIO(changed)).members[1]

    assert [i.code for i in spouse.errors] == ["x12.missing_begin_date"]


def test_a_large_stream_is_read_member_by_member():
    # given a synthetic 834 with 3,000 members, events are produced while reading
    head = b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260301*0400*^*00501*000000001*0*P*:~"
    body = [b"BGN*00*REF*20260301*0400****2", b"N1*P5*S*FI*1", b"N1*IN*P*FI*2"]
    for i in range(3000):
        body += [
            b"INS*Y*18*021*XN*A",
            b"REF*0F*%08d" % i,
            b"NM1*IL*1*LAST*FIRST",
            b"HD*021**HLT",
            b"DTP*348*D8*20260301",
        ]
    segments = [b"GS*BE*S*R*20260301*0400*1*X*005010X220A1", b"ST*834*0001*005010X220A1", *body]
    segments += [b"SE*%d*0001" % (len(body) + 2), b"GE*1*1", b"IEA*1*000000001"]
    data = head + b"~".join(segments) + b"~"
    stream = io.BytesIO(data)
    reader = Reader834(stream, chunk_size=4096)

    events = iter(reader)
    first_members = [e for _, e in zip(range(10), events, strict=False) if isinstance(e, MemberRecord)]
    assert first_members
    assert reader.tokenizer.bytes_read < len(data) // 10
    rest = list(events)
    assert isinstance(rest[-3], TransactionEnd)
    assert rest[-3].member_count == 3000
    assert sum(isinstance(e, TransactionHeader) for e in rest) == 0


def test_record_messages_do_not_quote_bad_dates():
    bad_date = _read("bad_records.834").members[2]

    assert all("19410231" not in issue.message for issue in bad_date.issues)
