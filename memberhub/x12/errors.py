"""Errors raised by the X12 tokenizer and the 834 reader.

Every error names the file, the segment (id, number, line, byte offset) and, where it applies, what
was expected there. ``extra`` carries the same facts for the API's one error shape.
"""

from __future__ import annotations

from typing import Any

from memberhub.errors import DomainError


class X12Error(DomainError):
    """Base class: the X12 input cannot be read as a whole (nothing from it may be applied)."""

    code = "x12.invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        file: str = "<stream>",
        segment: str = "",
        segment_number: int = 0,
        offset: int = 0,
        line: int = 0,
        expected: str = "",
        **extra: Any,
    ) -> None:
        super().__init__(
            message,
            code=code,
            file=file,
            segment=segment,
            segment_number=segment_number,
            offset=offset,
            line=line,
            expected=expected,
            **extra,
        )
        self.file = file
        self.segment = segment
        self.segment_number = segment_number
        self.offset = offset
        self.line = line
        self.expected = expected

    def describe(self) -> str:
        """The message with its location, e.g. ``file.834, segment 12 (line 12, byte 480): ...``."""
        where = f"{self.file}"
        if self.segment_number:
            where += f", segment {self.segment_number}"
            if self.segment:
                where += f" {self.segment}"
            where += f" (line {self.line}, byte {self.offset})"
        return f"{where}: {self.message}"


class X12SyntaxError(X12Error):
    """The byte stream is not well-formed X12 (bad ISA, bad segment id, truncated segment)."""

    code = "x12.syntax"


class X12StructureError(X12Error):
    """Well-formed segments in an order or with envelope values the 834 does not allow."""

    code = "x12.structure"
