"""Keyed content hash and deterministic storage keys.

The content hash is HMAC-SHA256 with a server-side key over (kind, template version, canonical JSON
of the content). Without the key, the hash (and the storage key built from it) reveals nothing about
the PHI inside: the same member data hashed by someone else gives a different value.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from typing import Any

from memberhub.documents.canonical import canonical_json

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_SAFE = re.compile(r"^[a-z0-9_]+$")


def content_hash(*, key: bytes, kind: str, template_version: str, content: Any) -> str:
    if len(key) < 16:
        raise ValueError("content hash key must be at least 16 bytes")
    mac = hmac.new(key, digestmod=hashlib.sha256)
    mac.update(kind.encode("utf-8") + b"\x00")
    mac.update(template_version.encode("utf-8") + b"\x00")
    mac.update(canonical_json(content))
    return mac.hexdigest()


def storage_key(*, kind: str, content_hash: str, extension: str = "pdf", variant: str = "") -> str:
    """documents/<kind>/<h[:2]>/<h>[-variant].<ext>: the same content always lands on the same key,
    so a re-run overwrites identical bytes instead of leaving an orphan file."""
    if not _SAFE.match(kind):
        raise ValueError(f"unsafe document kind {kind!r}")
    if not _HEX64.match(content_hash):
        raise ValueError("content_hash must be 64 lowercase hex characters")
    if variant and not _SAFE.match(variant):
        raise ValueError(f"unsafe variant {variant!r}")
    if not _SAFE.match(extension):
        raise ValueError(f"unsafe extension {extension!r}")
    suffix = f"-{variant}" if variant else ""
    return f"documents/{kind}/{content_hash[:2]}/{content_hash}{suffix}.{extension}"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_stream(chunks: Iterable[bytes]) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(chunk)
    return h.hexdigest()
