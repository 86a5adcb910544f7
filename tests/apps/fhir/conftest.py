"""FHIR fixtures: the sample pair plus a few resources the IG examples lack (a service type, endpoints)."""

from pathlib import Path

import pytest

from tests.fixtures.directory import AS_OF, MEDI_CAL_BUNDLE, MEDICARE_DIRECTORY, MEDICARE_NETWORK

# Telehealth Partners: a provider group stating an Endpoint, whose HealthcareService states a type and an
# Endpoint (the IG's AcmeOfCTPortalEndpoint), in the D-SNP plan's network.
PLANNET_EXTRA = Path(__file__).resolve().parent / "data" / "plannet-extra"
TELEHEALTH_NPI = "1245319508"


@pytest.fixture
def plannet_pair(pair):  # type: ignore[no-untyped-def]
    """`imported_pair` with Telehealth Partners added to the D-SNP plan's directory."""
    from apps.directory.services import directory_import, directory_rebuild_pair

    medicare = directory_import(
        plan=pair.medicare_plan,
        paths=[str(MEDICARE_DIRECTORY), str(PLANNET_EXTRA)],
        network_id=MEDICARE_NETWORK,
        as_of=AS_OF,
    )
    medi_cal = directory_import(plan=pair.medi_cal_plan, paths=[str(MEDI_CAL_BUNDLE)], as_of=AS_OF)
    assert (medicare.status, medi_cal.status) == ("succeeded", "succeeded"), medicare.errors
    directory_rebuild_pair(pair=pair)
    return pair
