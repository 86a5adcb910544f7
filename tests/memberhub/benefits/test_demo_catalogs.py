"""The sample catalogs shipped in config/benefits are valid and realistic (carve-outs, supplemental benefits)."""

from pathlib import Path

import pytest

from memberhub.benefits.catalog import CarveOutProgram, EntryKind, Program
from memberhub.benefits.comparison import benefit_changes
from memberhub.benefits.reader import catalog_parse

ROOT = Path(__file__).resolve().parents[3] / "config" / "benefits"
FILES = sorted(ROOT.glob("*/*.yaml"))
PAIRS = [
    ("H5501-001-000", "MC-SUNRISE-LA"),
    ("H5501-002-000", "MC-SUNRISE-OC"),
    ("H6602-001-000", "MC-GOLDEN-SD"),
]


def parsed(plan: str, year: int):
    path = ROOT / plan / f"{year}.yaml"
    return catalog_parse(path.read_bytes(), source=str(path))


def test_every_demo_plan_has_two_plan_years():
    assert len(FILES) == 12
    for medicare, medi_cal in PAIRS:
        for year in (2026, 2027):
            assert parsed(medicare, year).plan_code == medicare
            assert parsed(medi_cal, year).plan_year == year


@pytest.mark.parametrize(("medicare", "medi_cal"), PAIRS)
def test_demo_pairs_have_medi_medi_carve_outs_and_supplemental_benefits(medicare, medi_cal):
    dsnp = parsed(medicare, 2026)
    mcal = parsed(medi_cal, 2026)
    assert dsnp.program is Program.MEDICARE
    assert mcal.program is Program.MEDI_CAL
    carve_outs = {e.carve_out.program for e in mcal.entries if e.carve_out is not None}
    assert {
        CarveOutProgram.MEDI_CAL_DENTAL,
        CarveOutProgram.COUNTY_MENTAL_HEALTH,
        CarveOutProgram.IHSS,
        CarveOutProgram.MEDI_CAL_RX,
    } <= carve_outs
    supplemental = {e.category.value for e in dsnp.entries if e.kind is EntryKind.SUPPLEMENTAL}
    assert {"dental", "vision", "transportation", "over_the_counter"} <= supplemental
    assert benefit_changes(before=[dsnp, mcal], after=[parsed(medicare, 2027), parsed(medi_cal, 2027)])
