"""Header-driven reading of delimited text files, streamed line by line.

Used by the CMS (pipe-delimited, no quoting) readers. Lines are read as bytes through a C
buffered reader and decoded one by one, so an undecodable byte is reported with its line; rows
that a caller filters out on a raw key are never decoded at all (filter early).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, TypeVar

from memberhub.formulary.errors import FormularyFileError
from memberhub.formulary.values import FieldError

T = TypeVar("T")

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class Header:
    file: str
    columns: dict[str, int]
    width: int

    def index(self, name: str) -> int | None:
        return self.columns.get(name.upper())


class Row:
    """One data line: positional fields plus the header that names them."""

    __slots__ = ("fields", "header", "line")

    def __init__(self, header: Header, line: int, fields: list[str]) -> None:
        self.header = header
        self.line = line
        self.fields = fields

    def get(self, name: str) -> str | None:
        idx = self.header.index(name)
        if idx is None:
            return None
        return self.fields[idx]

    def parse(self, name: str, parser: Callable[[str | None], T]) -> T:
        """Apply ``parser`` to the named column; a FieldError names file, line and column."""
        try:
            return parser(self.get(name))
        except FieldError as exc:
            raise FormularyFileError(str(exc), file=self.header.file, line=self.line, column=name) from None


def buffered(stream: IO[bytes]) -> IO[bytes]:
    if isinstance(stream, io.BufferedReader):
        return stream
    return io.BufferedReader(stream, buffer_size=1 << 20)  # type: ignore[type-var]


def read_delimited(
    stream: IO[bytes],
    *,
    file: str,
    required: Sequence[str],
    encoding: str,
    delimiter: str = "|",
    raw_filter: tuple[str, Callable[[bytes], bool]] | None = None,
) -> tuple[Header, Iterator[Row]]:
    """Read the header now (checking ``required`` columns) and return a lazy row iterator.

    ``raw_filter=(column, predicate)`` skips data lines whose raw bytes in ``column`` do not
    satisfy ``predicate`` before decoding or validating anything else in them.
    """
    reader = buffered(stream)
    first = reader.readline()
    if not first:
        raise FormularyFileError("file is empty (no header row)", file=file, line=1)
    if first.startswith(_BOM):
        first = first[len(_BOM) :]
    try:
        header_text = first.rstrip(b"\r\n").decode(encoding)
    except UnicodeDecodeError as exc:
        raise FormularyFileError(f"header is not {encoding}: {exc.reason}", file=file, line=1) from None
    names = [name.strip().upper() for name in header_text.split(delimiter)]
    while names and not names[-1]:
        names.pop()
    columns: dict[str, int] = {}
    for idx, name in enumerate(names):
        if name and name not in columns:
            columns[name] = idx
    for name in required:
        if name.upper() not in columns:
            raise FormularyFileError(
                f"required column {name} is missing from the header", file=file, line=1, column=name
            )
    header = Header(file=file, columns=columns, width=len(names))
    sep = delimiter.encode("ascii")
    filter_idx = -1
    predicate: Callable[[bytes], bool] | None = None
    if raw_filter is not None:
        filter_idx = columns[raw_filter[0].upper()]
        predicate = raw_filter[1]

    def rows() -> Iterator[Row]:
        width = header.width
        line_no = 1
        for raw in reader:
            line_no += 1
            raw = raw.rstrip(b"\r\n")
            if not raw.strip():
                continue
            parts = raw.split(sep)
            if len(parts) != width:
                if len(parts) > width and not any(p.strip() for p in parts[width:]):
                    del parts[width:]
                else:
                    raise FormularyFileError(
                        f"expected {width} fields, found {len(parts)}", file=file, line=line_no
                    )
            if predicate is not None and not predicate(parts[filter_idx]):
                continue
            try:
                fields = [p.decode(encoding) for p in parts]
            except UnicodeDecodeError as exc:
                raise FormularyFileError(
                    f"text is not valid {encoding}: {exc.reason}", file=file, line=line_no
                ) from None
            yield Row(header, line_no, fields)

    return header, rows()
