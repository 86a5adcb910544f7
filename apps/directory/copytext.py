"""Fast COPY (text format) rows: building the lines ourselves is several times faster than per-value adaptation."""

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_SPECIAL = re.compile(r"[\\\t\n\r]")
_ARRAY_SAFE = re.compile(r"^[A-Za-z0-9_.\-]+$")


class RawField(str):
    """A field already rendered for COPY (e.g. JSON)."""


def _escape(text: str) -> str:
    return text.translate(_COPY_ESCAPES) if _SPECIAL.search(text) else text


def _array_item(value: str) -> str:
    if _ARRAY_SAFE.match(value) and value.upper() != "NULL":
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pg_array(values: Iterable[str]) -> str:
    return "{" + ",".join(_array_item(v) for v in values) + "}"


def copy_field(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return _escape(value)
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is float or kind is int:
        return repr(value)
    if kind is tuple or kind is list:
        return _escape(pg_array(value))
    if kind is RawField:
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return _escape(orjson.dumps(value).decode())
    raise TypeError(f"cannot COPY a {type(value).__name__}")


def json_field(value: Any) -> str:
    return _escape(orjson.dumps(value).decode())


def write_copy(copy: Any, rows: Iterable[Sequence[Any]], *, batch: int = 2000) -> int:
    """Write rows (already-rendered field strings or values) to a psycopg Copy in batches."""
    count = 0
    buffer: list[str] = []
    for row in rows:
        buffer.append("\t".join([copy_field(v) for v in row]) + "\n")
        count += 1
        if len(buffer) >= batch:
            copy.write("".join(buffer))
            buffer.clear()
    if buffer:
        copy.write("".join(buffer))
    return count


def raw_json(value: Any) -> RawField:
    return RawField(json_field(value))


def raw_json_text(text: str) -> RawField:
    """JSON text already serialized (e.g. by orjson), escaped for COPY."""
    return RawField(_escape(text))
