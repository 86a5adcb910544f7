from pathlib import Path

import pytest

from memberhub.benefits.catalog import BenefitCatalog
from memberhub.benefits.reader import catalog_parse
from memberhub.benefits.rules import DualStatusRule

DATA = Path(__file__).resolve().parents[2] / "fixtures" / "data" / "benefits"


def load(name: str) -> BenefitCatalog:
    return catalog_parse((DATA / name).read_bytes(), source=name)


@pytest.fixture(scope="session")
def dsnp_2026() -> BenefitCatalog:
    return load("dsnp_2026.yaml")


@pytest.fixture(scope="session")
def medi_cal_2026() -> BenefitCatalog:
    return load("medi_cal_2026.yaml")


@pytest.fixture(scope="session")
def dsnp_2027() -> BenefitCatalog:
    return load("dsnp_2027.yaml")


@pytest.fixture(scope="session")
def medi_cal_2027() -> BenefitCatalog:
    return load("medi_cal_2027.yaml")


# Rules as the settings component configures them (see config/settings/components/benefits.py)
FULL_DUAL = DualStatusRule(
    "full_benefit",
    "Full-benefit dual",
    full_medi_cal=True,
    medicare_cost_sharing_paid=True,
    medi_cal_services_free=True,
)
QMB_ONLY = DualStatusRule("qmb_only", "QMB only", full_medi_cal=False, medicare_cost_sharing_paid=True)
SLMB_ONLY = DualStatusRule("slmb_only", "SLMB only", full_medi_cal=False, medicare_cost_sharing_paid=False)
