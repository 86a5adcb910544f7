"""Streaming X12 tokenizer.

Reads an X12 interchange from a binary stream in fixed-size chunks, so files of any size are
tokenized without being loaded whole. The delimiters are taken from the fixed-width ISA header
(DOMAIN.md §5.1): element separator at index 3, repetition separator (ISA11) at index 82,
component separator (ISA16) at index 104 and the segment terminator at index 105.

Tolerated, because real files do it: a UTF-8 byte-order mark, and CR/LF, spaces or tabs between
segments (after the terminator). Every segment carries its position: its 1-based number in the
file, the byte offset of its first character, and the 1-based line it starts on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, NamedTuple

from memberhub.x12.errors import X12SyntaxError

UTF8_BOM = b"\xef\xbb\xbf"
_WHITESPACE = b" \t\r\n\x0b\x0c"
ISA_LENGTH = 106
# Indexes of the element separators inside the 106-character ISA segment (ISA01..ISA16 widths).
_ISA_SEPARATOR_INDEXES = (3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103)
DEFAULT_CHUNK_SIZE = 1 << 16


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The four X12 delimiters declared by an ISA header."""

    element: str
    repetition: str
    component: str
    segment: str


class Position(NamedTuple):
    """Where a segment sits: file-wide segment number, byte offset, line, and position in its transaction set.

    A named tuple rather than a frozen dataclass: the reader creates several per member (cheaper to build).
    """

    segment_number: int
    offset: int
    line: int
    set_position: int = 0

    def describe(self) -> str:
        return f"segment {self.segment_number} (line {self.line}, byte {self.offset})"


class Segment:
    """One X12 segment: ``elements[0]`` is the segment id, ``elements[n]`` the n-th data element."""

    __slots__ = ("elements", "line", "number", "offset", "tag")

    def __init__(self, elements: list[str], number: int, offset: int, line: int) -> None:
        self.elements = elements
        self.tag = elements[0]
        self.number = number
        self.offset = offset
        self.line = line

    def get(self, index: int) -> str:
        """The element at ``index`` (1-based), stripped of padding; ``""`` when absent."""
        try:
            return self.elements[index].strip()
        except IndexError:
            return ""

    def raw(self, index: int) -> str:
        elements = self.elements
        return elements[index] if index < len(elements) else ""

    def components(self, index: int, separator: str) -> list[str]:
        value = self.get(index)
        if not value:
            return []
        return [part.strip() for part in value.split(separator)]

    def position(self, set_position: int = 0) -> Position:
        return Position(self.number, self.offset, self.line, set_position)

    def __repr__(self) -> str:
        return f"Segment({self.tag!r}, #{self.number}, line {self.line})"


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def detect_delimiters(isa: bytes, *, name: str = "<stream>", offset: int = 0, line: int = 1) -> Delimiters:
    """Read the delimiters from a fixed-width ISA segment (at least 106 bytes)."""

    def failure(message: str, code: str, expected: str = "") -> X12SyntaxError:
        return X12SyntaxError(
            message,
            code=code,
            file=name,
            segment="ISA",
            segment_number=1,
            offset=offset,
            line=line,
            expected=expected,
        )

    if not isa.startswith(b"ISA"):
        raise failure("The file does not start with an ISA interchange header.", "x12.not_x12", "ISA")
    if len(isa) < ISA_LENGTH:
        raise failure(
            f"The ISA header is truncated: {len(isa)} bytes, a 005010 ISA has {ISA_LENGTH}.",
            "x12.isa_truncated",
        )
    element = isa[3:4]
    for index in _ISA_SEPARATOR_INDEXES:
        if isa[index : index + 1] != element:
            raise failure(
                f"The ISA header is not fixed-width: expected the element separator {element!r} at "
                f"character {index + 1}, found {isa[index : index + 1]!r}.",
                "x12.isa_not_fixed_width",
            )
    repetition = isa[82:83]
    component = isa[104:105]
    segment = isa[105:106]
    chosen = {element, component, segment}
    if len(chosen) != 3 or segment.isalnum() or element.isalnum() or component.isalnum():
        raise failure(
            "The ISA header declares unusable delimiters (they must be distinct and not letters or digits).",
            "x12.bad_delimiters",
        )
    repetition_char = "" if repetition.isalnum() or repetition in chosen else repetition.decode("latin-1")
    return Delimiters(
        element=element.decode("latin-1"),
        repetition=repetition_char,
        component=component.decode("latin-1"),
        segment=segment.decode("latin-1"),
    )


class Tokenizer:
    """Iterate the segments of an X12 stream. ``delimiters`` is set once the ISA has been read."""

    def __init__(
        self, stream: BinaryIO, *, name: str = "<stream>", chunk_size: int = DEFAULT_CHUNK_SIZE
    ) -> None:
        self._stream = stream
        self.name = name
        self._chunk_size = chunk_size
        self.delimiters: Delimiters | None = None
        self.bytes_read = 0
        self.segments_read = 0

    def _read(self) -> bytes:
        chunk = self._stream.read(self._chunk_size)
        self.bytes_read += len(chunk)
        return chunk

    def __iter__(self) -> Iterator[Segment]:
        buffer = self._read()
        while 0 < len(buffer) < len(UTF8_BOM):
            more = self._read()
            if not more:
                break
            buffer += more
        offset = 0  # byte offset of buffer[0] in the file
        line = 1
        if buffer.startswith(UTF8_BOM):
            buffer = buffer[len(UTF8_BOM) :]
            offset = len(UTF8_BOM)
        elif buffer.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise X12SyntaxError(
                "The file is UTF-16 encoded; X12 files must be ASCII or UTF-8.",
                code="x12.unsupported_encoding",
                file=self.name,
                segment_number=0,
                offset=0,
                line=1,
            )
        # Skip whitespace before the ISA, reading on while the buffer is only whitespace.
        while True:
            stripped = buffer.lstrip(_WHITESPACE)
            skipped = len(buffer) - len(stripped)
            line += buffer.count(b"\n", 0, skipped)
            offset += skipped
            buffer = stripped
            if buffer:
                break
            buffer = self._read()
            if not buffer:
                raise X12SyntaxError(
                    "The file is empty.",
                    code="x12.empty_file",
                    file=self.name,
                    segment_number=0,
                    offset=offset,
                    line=line,
                )
        while len(buffer) < ISA_LENGTH:
            more = self._read()
            if not more:
                break
            buffer += more
        delimiters = detect_delimiters(buffer[:ISA_LENGTH], name=self.name, offset=offset, line=line)
        self.delimiters = delimiters
        terminator = delimiters.segment.encode("latin-1")
        separator = delimiters.element
        whitespace = _WHITESPACE.replace(terminator, b"")
        newline_terminator = 1 if terminator == b"\n" else 0
        number = 0
        valid_tags: set[str] = set()
        while True:
            pieces = buffer.split(terminator)
            remainder = pieces.pop()
            for piece in pieces:
                text = piece.lstrip(whitespace)
                lead = len(piece) - len(text)
                if lead:
                    line += piece.count(b"\n", 0, lead)
                start = offset + lead
                offset += len(piece) + 1
                if not text:
                    line += newline_terminator
                    continue
                number += 1
                try:
                    decoded = text.decode("utf-8")
                except UnicodeDecodeError:
                    decoded = text.decode("latin-1")
                if decoded[-1] in "\r\n":
                    decoded = decoded.rstrip("\r\n")
                elements = decoded.split(separator)
                tag = elements[0]
                if tag not in valid_tags:
                    if not (2 <= len(tag) <= 3 and tag.isalnum() and tag == tag.upper()):
                        raise X12SyntaxError(
                            f"Segment {number} has an invalid segment id {tag[:10]!r}.",
                            code="x12.bad_segment_id",
                            file=self.name,
                            segment_number=number,
                            offset=start,
                            line=line,
                        )
                    valid_tags.add(tag)
                yield Segment(elements, number, start, line)
                newlines = text.count(b"\n") + newline_terminator
                if newlines:
                    line += newlines
            self.segments_read = number
            more = self._read()
            if not more:
                tail = remainder.strip(_WHITESPACE)
                if tail:
                    lead = len(remainder) - len(remainder.lstrip(_WHITESPACE))
                    line += remainder.count(b"\n", 0, lead)
                    tag = _decode(tail).split(separator)[0][:10]
                    raise X12SyntaxError(
                        f"The file ends inside segment {number + 1} ({tag!r}) without its terminator "
                        f"{delimiters.segment!r}: the file is truncated.",
                        code="x12.truncated",
                        file=self.name,
                        segment=tag,
                        segment_number=number + 1,
                        offset=offset + lead,
                        line=line,
                    )
                return
            buffer = remainder + more
