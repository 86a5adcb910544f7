"""Document storage: `STORAGES["documents"]` (local files by default, S3 via django-storages in production).

Keys are deterministic (derived from the keyed content hash), so writing the same document again
overwrites identical bytes and a crashed render never leaves a second file behind. Files are served only
through permission-checked views, never from a storage URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages


class StorageUnavailable(OSError):
    """Transient storage failure (retried by tasks)."""


def documents_storage() -> Storage:
    return storages["documents"]


def storage_put(key: str, data: bytes) -> None:
    storage = documents_storage()
    try:
        if storage.exists(key):
            storage.delete(key)
        saved = storage.save(key, ContentFile(data))
    except OSError:
        raise
    except Exception as exc:  # botocore / network errors from remote storages
        raise StorageUnavailable(f"storage write failed: {type(exc).__name__}") from exc
    if saved != key:  # a storage that renamed the file would break determinism: undo and fail
        storage.delete(saved)
        raise StorageUnavailable("storage refused the deterministic key")


def storage_read(key: str) -> bytes:
    with documents_storage().open(key, "rb") as fh:
        data: bytes = fh.read()
    return data


def storage_open(key: str) -> Any:
    return documents_storage().open(key, "rb")


def storage_size(key: str) -> int:
    return documents_storage().size(key)


def storage_iter_range(key: str, start: int, end: int, chunk: int = 64 * 1024) -> Iterator[bytes]:
    """Bytes [start, end] inclusive, streamed."""
    fh = storage_open(key)
    try:
        fh.seek(start)
        remaining = end - start + 1
        while remaining > 0:
            data = fh.read(min(chunk, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        fh.close()


def storage_delete(key: str) -> None:
    storage = documents_storage()
    if storage.exists(key):
        storage.delete(key)
