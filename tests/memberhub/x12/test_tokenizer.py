import io
from pathlib import Path

import pytest

from memberhub.x12 import Tokenizer, X12SyntaxError
from memberhub.x12.tokenizer import detect_delimiters

DATA = Path(__file__).resolve().parents[2] / "fixtures" / "data" / "x12"

ISA = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260301*0400*^*00501*000000001*0*P*:~"


def _segments(data: bytes, chunk_size: int = 65536):
    return list(Tokenizer(io.BytesIO(data), name="test.834", chunk_size=chunk_size))


def test_detect_delimiters_reads_the_fixed_isa_positions():
    # given the other-delimiters fixture: | element, ` repetition, > component, ' terminator
    raw = (DATA / "other_delimiters.834").read_bytes()

    delimiters = detect_delimiters(raw[:106])

    assert (delimiters.element, delimiters.repetition, delimiters.component, delimiters.segment) == (
        "|",
        "`",
        ">",
        "'",
    )


def test_isa_is_exactly_106_characters_in_the_fixture_helper():
    assert len(ISA) == 106


@pytest.mark.parametrize("chunk_size", [1, 7, 106, 4096])
def test_segments_carry_number_offset_and_line_whatever_the_chunk_size(chunk_size):
    # given a file with a BOM, CRLF line ends and extra blank lines between segments
    data = (
        b"\xef\xbb\xbf" + (ISA + "\r\n\r\nGS*BE*A*B*20260301*0400*1*X*005010X220A1~\r\nST*834*0001~").encode()
    )

    segments = _segments(data, chunk_size)

    assert [s.tag for s in segments] == ["ISA", "GS", "ST"]
    assert [s.number for s in segments] == [1, 2, 3]
    assert [s.line for s in segments] == [1, 3, 4]
    # byte offsets count the BOM and point at the segment's first character
    assert segments[0].offset == 3
    assert data[segments[1].offset : segments[1].offset + 2] == b"GS"
    assert data[segments[2].offset : segments[2].offset + 2] == b"ST"
    assert segments[1].get(8) == "005010X220A1"
    assert segments[2].get(9) == ""


def test_newline_as_segment_terminator_counts_lines():
    segments = _segments((DATA / "newline_terminator.834").read_bytes(), chunk_size=13)

    assert segments[0].tag == "ISA"
    assert [s.line for s in segments[:4]] == [1, 2, 3, 4]
    assert segments[-1].tag == "IEA"
    assert segments[-1].line == len(segments)


def test_elements_are_stripped_and_components_split():
    data = (ISA + "INS*Y*18*030*XN*A*C   **FT~DMG*D8*19450206*F**:RET:2131-1~").encode()

    ins, dmg = _segments(data)[1:]

    assert ins.get(6) == "C"
    assert ins.raw(6) == "C   "
    assert dmg.components(5, ":") == ["", "RET", "2131-1"]


def test_windows_1252_bytes_do_not_break_decoding():
    data = (ISA + "NM1*IL*1*PE").encode() + b"\xd1" + b"A*JOSE~"

    segment = _segments(data)[1]

    assert segment.get(3) == "PEÑA"


@pytest.mark.parametrize(
    ("_case", "data", "code"),
    [
        ("empty", b"", "x12.empty_file"),
        ("whitespace only", b" \r\n\t", "x12.empty_file"),
        ("not x12", b"<?xml version='1.0'?><root/>" + b" " * 100, "x12.not_x12"),
        ("short isa", ISA[:60].encode(), "x12.isa_truncated"),
        (
            "isa not fixed width",
            ISA.replace("SENDER         ", "SENDER").encode() + b"         ",
            "x12.isa_not_fixed_width",
        ),
        ("utf-16", "ISA".encode("utf-16"), "x12.unsupported_encoding"),
        ("bad segment id", (ISA + "G$*1~").encode(), "x12.bad_segment_id"),
        ("truncated segment", (ISA + "GS*BE*A*B").encode(), "x12.truncated"),
    ],
)
def test_tokenizer_refuses_unreadable_input_with_a_position(_case, data, code):
    with pytest.raises(X12SyntaxError) as caught:
        _segments(data)

    assert caught.value.code == code
    assert caught.value.file == "test.834"
    assert caught.value.message


def test_truncated_error_names_the_segment_and_line():
    data = (ISA + "\nGS*BE*A*B*20260301*0400*1*X*005010X220A1~\nST*834").encode()

    with pytest.raises(X12SyntaxError) as caught:
        _segments(data)

    assert caught.value.segment == "ST"
    assert caught.value.segment_number == 3
    assert caught.value.line == 3
    assert "truncated" in caught.value.describe()


def test_tokenizer_streams_without_reading_the_whole_file():
    # given a large stream, when only the first segments are consumed, only the first chunks are read
    body = ISA + "".join(f"REF*0F*{i:09d}~" for i in range(200_000))
    stream = io.BytesIO(body.encode())
    tokenizer = Tokenizer(stream, chunk_size=4096)

    iterator = iter(tokenizer)
    first = [next(iterator) for _ in range(10)]

    assert first[-1].get(2) == "000000008"
    assert tokenizer.bytes_read <= 8192
