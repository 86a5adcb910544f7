"""Project-wide pytest configuration. Area fixtures live in tests/fixtures/<area>.py (registered below)."""

from pathlib import Path

import pytest

pytest_plugins = [
    "tests.fixtures.core",
    "tests.fixtures.enrollment",
    "tests.fixtures.directory",
    "tests.fixtures.formulary",
    "tests.fixtures.benefits",
    "tests.fixtures.cards",
    "tests.fixtures.notices",
    "tests.fixtures.appeals",
    "tests.fixtures.doors",
]

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Every test writes documents and media to its own temporary folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        },
    }
