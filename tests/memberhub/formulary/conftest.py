from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "fixtures" / "data" / "formulary"
SPUF_DIR = DATA / "spuf_2026_20260115"
CDL_CSV = DATA / "medi_cal_rx_cdl_2026-01.csv"
RXNORM_DIR = DATA / "rxnorm"
SEED_NDJSON = Path("/work/shared/data/reference/usdf-medicationknowledge.ndjson")


def build_release_zip(target: Path, source: Path = SPUF_DIR) -> Path:
    """A CMS-style release: one nested zip per table, names with irregular case and spacing."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as outer:
        for txt in sorted(source.glob("*.txt")):
            inner_buf = io.BytesIO()
            with zipfile.ZipFile(inner_buf, "w", compression=zipfile.ZIP_DEFLATED) as inner:
                inner.writestr(txt.name.upper() if "plan" in txt.name else txt.name, txt.read_bytes())
            outer.writestr(txt.stem.title() + ".zip", inner_buf.getvalue())
        outer.writestr("Record Layout 2026.txt", b"not a table\r\n")
    return target


@pytest.fixture
def release_zip(tmp_path: Path) -> Path:
    return build_release_zip(tmp_path / "SPUF_2026_20260115.zip")
