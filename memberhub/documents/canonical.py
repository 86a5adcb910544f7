"""Canonical JSON: one byte string per value, so equal content always hashes equally."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID


class CanonicalJsonError(TypeError):
    pass


def _normalize(value: Any, path: str) -> Any:
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CanonicalJsonError(f"{path}: non-finite float cannot be hashed")
        return value
    if isinstance(value, Enum):
        return _normalize(value.value, path)
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral_value() else str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise CanonicalJsonError(f"{path}: naive datetime is ambiguous")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        canonical = getattr(value, "canonical", None)
        raw = canonical() if callable(canonical) else dataclasses.asdict(value)
        return _normalize(raw, path)
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise CanonicalJsonError(f"{path}: keys must be strings, got {type(k).__name__}")
            out[k] = _normalize(v, f"{path}.{k}")
        return out
    if isinstance(value, list | tuple):
        return [_normalize(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, set | frozenset):
        items = [_normalize(v, f"{path}[]") for v in value]
        return sorted(items, key=lambda x: json.dumps(x, sort_keys=True))
    raise CanonicalJsonError(f"{path}: {type(value).__name__} is not JSON-canonicalizable")


def canonical_json(value: Any) -> bytes:
    """UTF-8, sorted keys, no insignificant whitespace, NFC left as given."""
    return json.dumps(
        _normalize(value, "$"), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")
