"""Fast COPY (text format) rows: building the lines ourselves is several times faster than per-value adaptation."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _array_item(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pg_array(values: Iterable[str]) -> str:
    return "{" + ",".join(_array_item(v) for v in values) + "}"


def copy_field(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, float | int):
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return pg_array(value).translate(_COPY_ESCAPES)
    if isinstance(value, dict):
        return orjson.dumps(value).decode().translate(_COPY_ESCAPES)
    raise TypeError(f"cannot COPY a {type(value).__name__}")


def copy_line(values: Sequence[Any]) -> str:
    return "\t".join(copy_field(v) for v in values) + "\n"


def json_field(value: Any) -> str:
    return orjson.dumps(value).decode().translate(_COPY_ESCAPES)


def write_copy(copy: Any, rows: Iterable[Sequence[Any]], *, batch: int = 2000) -> int:
    """Write rows (already-rendered field strings or values) to a psycopg Copy in batches."""
    count = 0
    buffer: list[str] = []
    for row in rows:
        buffer.append("\t".join(v if isinstance(v, _Raw) else copy_field(v) for v in row) + "\n")
        count += 1
        if len(buffer) >= batch:
            copy.write("".join(buffer))
            buffer.clear()
    if buffer:
        copy.write("".join(buffer))
    return count


class _Raw(str):
    """A field already rendered for COPY (e.g. JSON)."""


def raw_json(value: Any) -> _Raw:
    return _Raw(json_field(value))
