"""Serve drf-spectacular-sidecar's Swagger UI assets as static files (self-hosted: CSP allows only 'self').

Equivalent to listing "drf_spectacular_sidecar" in INSTALLED_APPS (which lives in the lead's base
settings); this finder is registered from config/settings/components/doors.py instead.
"""

from __future__ import annotations

from pathlib import Path

import drf_spectacular_sidecar
from django.contrib.staticfiles.finders import BaseStorageFinder
from django.core.files.storage import FileSystemStorage

SIDECAR_STATIC = Path(drf_spectacular_sidecar.__file__).resolve().parent / "static"


class SidecarFinder(BaseStorageFinder):
    storage = FileSystemStorage(location=str(SIDECAR_STATIC))
