import contextlib
import io
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from memberhub.x12 import Issue, Reader834, Tokenizer, X12Error, build_999, read_834

DATA = Path(__file__).resolve().parents[2] / "fixtures" / "data" / "x12"
CREATED = datetime(2026, 3, 1, 9, 30)


def _segments(text: str) -> list[list[str]]:
    return [segment.elements for segment in Tokenizer(io.BytesIO(text.encode()))]


def _state(name: str):
    with (DATA / name).open("rb") as stream:
        reader = Reader834(stream, name=name)
        with contextlib.suppress(X12Error):
            list(reader)
    return reader.ack


def test_accepted_999_has_a_valid_envelope_addressed_back_to_the_sender():
    ack = build_999(_state("dsnp_medicare_bom_crlf.834"), control_number=42, created=CREATED)

    segments = _segments(ack.text)
    isa = segments[0]
    assert len(ack.text.splitlines()[0]) == 106
    # sender and receiver swapped
    assert (isa[6].strip(), isa[8].strip()) == ("MHPLANMA", "MHENROLL")
    assert (isa[9], isa[10], isa[13], isa[15]) == ("260301", "0930", "000000042", "P")
    assert segments[1][:2] == ["GS", "FA"]
    assert segments[1][8] == "005010X231A1"
    assert [s[0] for s in segments[2:]] == [
        "ST", "AK1", "AK2", "IK5", "AK2", "IK5", "AK9", "SE", "GE", "IEA"
    ]  # fmt: skip
    assert segments[3] == ["AK1", "BE", "201", "005010X220A1"]
    assert segments[4] == ["AK2", "834", "0001", "005010X220A1"]
    assert segments[5] == ["IK5", "A"]
    assert segments[8] == ["AK9", "A", "2", "2", "2"]
    # SE01 counts ST..SE; GE and IEA match their headers
    assert segments[9] == ["SE", "8", "0001"]
    assert segments[10] == ["GE", "1", "42"]
    assert segments[11] == ["IEA", "1", "000000042"]
    assert ack.status == "A"
    assert ack.accepted_sets == 2


def test_999_reports_record_errors_and_rejects_the_set_by_default():
    state = _state("bad_records.834")

    ack = build_999(state, control_number=7, created=CREATED)

    segments = _segments(ack.text)
    body = [s for s in segments if s[0] in {"IK3", "IK4", "IK5", "AK9"}]
    assert body == [
        ["IK3", "ZZQ", "8", "2000", "1"],
        ["IK3", "DMG", "33", "2100A", "8"],
        ["IK4", "2", "1251", "8"],
        ["IK3", "REF", "41", "2100A", "7"],
        ["IK3", "REF", "36", "2000", "3"],
        ["IK5", "R", "5"],
        ["AK9", "R", "1", "1", "0"],
    ]
    assert ack.status == "R"
    assert ack.sets[0].error_count == 3
    assert ack.sets[0].warning_count == 1


def test_999_accepts_with_errors_when_good_records_were_applied_and_adds_apply_errors():
    state = _state("bad_records.834")
    with (DATA / "bad_records.834").open("rb") as stream:
        bad_mbi = read_834(stream).members[1]
    mbi_issue = Issue(
        code="identifiers.mbi.pattern",
        message="Invalid MBI",
        segment_id="REF",
        position=bad_mbi.positions["REF*F6"],
        loop_id="2000",
        element=2,
        element_reference="127",
        element_syntax_code="7",
    )

    ack = build_999(
        state,
        control_number=8,
        created=CREATED,
        extra_issues={("501", "0001"): [mbi_issue]},
        reject_sets_with_errors=False,
    )

    segments = _segments(ack.text)
    assert ["IK3", "REF", "18", "2000", "8"] in segments
    assert ["IK4", "2", "127", "7"] in segments
    assert ["IK5", "E", "5"] in segments
    assert ["AK9", "E", "1", "1", "1"] in segments
    assert ack.status == "E"
    assert ack.sets[0].error_count == 4
    # never a copy of the bad value (PHI)
    assert "1SG4TE5MK73" not in ack.text


@pytest.mark.parametrize(
    ("_case", "name", "ik5", "ak9"),
    [
        ("SE count", "broken_se_count.834", ["IK5", "R", "4"], ["AK9", "R", "1", "1", "0"]),
        ("GE count", "broken_ge_count.834", ["IK5", "R"], ["AK9", "R", "2", "1", "0", "5"]),
        ("truncated", "broken_truncated.834", ["IK5", "R", "2"], ["AK9", "R", "1", "1", "0", "3"]),
        ("IEA control", "broken_iea_control.834", ["IK5", "R"], ["AK9", "R", "1", "1", "0"]),
        ("order", "broken_segment_order.834", ["IK5", "R", "5"], ["AK9", "R", "1", "1", "0"]),
    ],
)
def test_999_rejects_structurally_broken_files(_case, name, ik5, ak9):
    ack = build_999(_state(name), control_number=9, created=CREATED)

    segments = _segments(ack.text)
    assert ik5 in segments
    assert ak9 in segments
    assert ack.status == "R"


def test_999_for_an_unreadable_file_is_still_well_formed():
    reader = Reader834(io.BytesIO(b"not an x12 file at all" + b" " * 100))
    with pytest.raises(X12Error):
        list(reader)

    ack = build_999(reader.ack, control_number=1, created=CREATED)

    segments = _segments(ack.text)
    assert [s[0] for s in segments] == ["ISA", "GS", "ST", "AK1", "AK9", "SE", "GE", "IEA"]
    assert segments[4][:2] == ["AK9", "R"]
    assert ack.status == "R"


def test_999_keeps_delimiters_out_of_values():
    state = _state("dsnp_medicare_bom_crlf.834")
    state.groups[0] = replace(state.groups[0], control_number="2*0~1")

    ack = build_999(state, control_number=3, created=CREATED)

    assert ["AK1", "BE", "2 0 1", "005010X220A1"] in _segments(ack.text)


def test_control_number_must_fit_nine_digits():
    with pytest.raises(ValueError, match="control_number"):
        build_999(_state("dsnp_medicare_bom_crlf.834"), control_number=1_000_000_000, created=CREATED)
