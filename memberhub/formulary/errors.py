"""Errors raised by the pure formulary readers and rules.

A reader refuses a file as a whole: the first problem found raises :class:`FormularyFileError`
naming the file, the line (1-based, header = line 1) and the column. Callers import nothing
until the whole file has been read, so a malformed file changes nothing.
"""

from __future__ import annotations

from memberhub.errors import DomainError, ValidationFailed


class FormularyError(DomainError):
    """Base class of formulary rule errors: a dotted ``code``, a ``message`` and ``extra``."""

    code = "formulary.error"


class FormularyFileError(ValidationFailed):
    """A source file cannot be imported; says where it broke."""

    code = "formulary.invalid_file"

    def __init__(
        self,
        message: str,
        *,
        file: str,
        line: int | None = None,
        column: str | None = None,
        code: str | None = None,
    ) -> None:
        where = file
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column}"
        super().__init__(
            f"{where}: {message}", problems=[f"{where}: {message}"], file=file, line=line, column=column
        )
        if code is not None:
            self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.reason = message


class UnknownFormularyError(FormularyFileError):
    code = "formulary.unknown_formulary"


class MissingTableError(FormularyFileError):
    code = "formulary.missing_table"
