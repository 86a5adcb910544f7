import re

import pytest

from apps.directory.models import UnifiedEntry
from tests.apps.fhir.conftest import TELEHEALTH_NPI
from tests.apps.fhir.helpers import get, resources

pytestmark = pytest.mark.django_db
HANS = {
    "provider_type": "practitioner",
    "identity": "9941339100",
    "address_key": "123 MAIN ST|ANYTOWN|CT|00014",
}


def test_capability_statement(api_client, imported_pair):
    cs = get(api_client, "/fhir/metadata")
    assert cs["fhirVersion"] == "4.0.1"
    types = {r["type"] for r in cs["rest"][0]["resource"]}
    assert types == {"Practitioner", "PractitionerRole", "Organization", "OrganizationAffiliation", "Location",
                     "HealthcareService", "InsurancePlan", "Endpoint"}  # fmt: skip
    role = next(r for r in cs["rest"][0]["resource"] if r["type"] == "PractitionerRole")
    assert {"specialty", "network", "location", "practitioner", "new-patient"} <= {
        p["name"] for p in role["searchParam"]
    }
    assert "PractitionerRole:practitioner" in role["searchInclude"]


def _sample_value(rtype, param, imported_pair):
    """A value for each advertised search parameter (and chain) that matches something in the sample directory."""
    hans = UnifiedEntry.objects.get(pair=imported_pair, **HANS)
    joe = UnifiedEntry.objects.get(pair=imported_pair, name="Joe Smith, MD")
    pharmacy = (
        UnifiedEntry.objects.filter(pair=imported_pair, provider_type="pharmacy")
        .exclude(location_id=None)
        .first()
    )
    telehealth = UnifiedEntry.objects.get(pair=imported_pair, npi=TELEHEALTH_NPI)
    net = f"Organization/net-{imported_pair.medicare_plan.code}"
    payer = f"Organization/payer-{imported_pair.parent.code}"
    payer_name = imported_pair.parent.name
    endpoint = f"Endpoint/{next(e['id'] for e in _served_endpoints() if e['id'].startswith('ep-'))}"
    county = f"Location/county-{imported_pair.counties[0]}"
    values = {
        ("PractitionerRole", "_id"): f"{hans.id}-m",
        ("PractitionerRole", "practitioner"): f"Practitioner/{hans.provider_id}",
        ("PractitionerRole", "organization"): f"Organization/{joe.organization_id}",
        ("PractitionerRole", "location"): f"Location/{hans.location_id}",
        ("PractitionerRole", "service"): f"HealthcareService/{hans.id}-s",
        ("PractitionerRole", "network"): net,
        (
            "PractitionerRole",
            "role",
        ): "http://hl7.org/fhir/us/davinci-pdex-plan-net/CodeSystem/ProviderRoleCS|ph",
        ("PractitionerRole", "specialty"): "http://nucc.org/provider-taxonomy|207R00000X",
        ("PractitionerRole", "new-patient"): "newpt",
        ("PractitionerRole", "practitioner.name"): "solo",
        ("PractitionerRole", "organization.name"): "Hartford",
        ("PractitionerRole", "organization.address"): "Main",
        ("PractitionerRole", "organization.type"): "prvgrp",
        ("PractitionerRole", "location.address"): "Main",
        ("PractitionerRole", "location.address-postalcode"): "00014",
        ("PractitionerRole", "location.address-city"): "Anytown",
        ("PractitionerRole", "location.address-state"): "CT",
        ("PractitionerRole", "location.organization"): f"Organization/{pharmacy.provider_id}",
        ("PractitionerRole", "service.service-category"): "prov",
        ("PractitionerRole", "service.location"): f"Location/{hans.location_id}",
        ("PractitionerRole", "network.name"): imported_pair.medicare_plan.name,
        ("PractitionerRole", "network.partof"): payer,
        ("PractitionerRole", "network.type"): "ntwk",
        ("OrganizationAffiliation", "_id"): f"{pharmacy.id}-m",
        ("OrganizationAffiliation", "participating-organization"): f"Organization/{pharmacy.provider_id}",
        ("OrganizationAffiliation", "primary-organization"): payer,
        ("OrganizationAffiliation", "location"): f"Location/{pharmacy.location_id}",
        ("OrganizationAffiliation", "service"): f"HealthcareService/{pharmacy.id}-s",
        ("OrganizationAffiliation", "network"): net,
        ("OrganizationAffiliation", "role"): "pharmacy",
        ("OrganizationAffiliation", "specialty"): "3336C0003X",
        ("OrganizationAffiliation", "new-patient"): "existptonly",
        ("OrganizationAffiliation", "participating-organization.name"): "Pharm",
        ("OrganizationAffiliation", "participating-organization.address"): "Rainbow",
        ("OrganizationAffiliation", "participating-organization.type"): "fac",
        ("OrganizationAffiliation", "primary-organization.name"): payer_name,
        ("OrganizationAffiliation", "primary-organization.type"): "payer",
        ("OrganizationAffiliation", "location.address"): "Rainbow",
        ("OrganizationAffiliation", "location.address-postalcode"): "00014",
        ("OrganizationAffiliation", "location.address-city"): "Rainbow",
        ("OrganizationAffiliation", "location.address-state"): "CT",
        ("OrganizationAffiliation", "location.organization"): f"Organization/{pharmacy.provider_id}",
        ("OrganizationAffiliation", "service.service-category"): "pharm",
        ("OrganizationAffiliation", "service.organization"): f"Organization/{pharmacy.provider_id}",
        ("OrganizationAffiliation", "service.location"): f"Location/{pharmacy.location_id}",
        ("OrganizationAffiliation", "network.name"): imported_pair.medicare_plan.name,
        ("OrganizationAffiliation", "network.partof"): payer,
        ("OrganizationAffiliation", "network.type"): "ntwk",
        ("HealthcareService", "_id"): f"{hans.id}-s",
        ("HealthcareService", "specialty"): "207R00000X",
        ("HealthcareService", "service-category"): "pharm",
        ("HealthcareService", "service-type"): "http://terminology.hl7.org/CodeSystem/service-type|124",
        ("HealthcareService", "delivery-method"): "virtual",
        ("HealthcareService", "location"): f"Location/{hans.location_id}",
        ("HealthcareService", "organization"): f"Organization/{pharmacy.provider_id}",
        ("HealthcareService", "endpoint"): endpoint,
        ("HealthcareService", "name"): "Pharm",
        ("HealthcareService", "new-patient"): "newpt",
        ("HealthcareService", "location.address"): "Rainbow",
        ("HealthcareService", "location.address-postalcode"): "00014",
        ("HealthcareService", "location.address-city"): "Anytown",
        ("HealthcareService", "location.address-state"): "CT",
        ("HealthcareService", "location.organization"): f"Organization/{telehealth.provider_id}",
        ("HealthcareService", "organization.name"): "Telehealth",
        ("HealthcareService", "organization.address"): "Rainbow",
        ("HealthcareService", "organization.type"): "fac",
        ("Practitioner", "_id"): str(hans.provider_id),
        ("Practitioner", "name"): "solo",
        ("Practitioner", "family"): "Solo",
        ("Practitioner", "given"): "hans",
        ("Location", "_id"): str(hans.location_id),
        ("Location", "address"): "Main",
        ("Location", "address-city"): "Anytown",
        ("Location", "address-state"): "CT",
        ("Location", "address-postalcode"): "00014",
        ("Location", "organization"): f"Organization/{pharmacy.provider_id}",
        ("Location", "near"): "15|3|5|mi",
        ("Location", "organization.name"): "Pharm",
        ("Location", "organization.address"): "Rainbow",
        ("Location", "organization.type"): "prvgrp",
        ("Organization", "_id"): f"net-{imported_pair.medicare_plan.code}",
        ("Organization", "name"): "Pharm",
        ("Organization", "type"): "ntwk",
        ("Organization", "partof"): payer,
        ("Organization", "address"): "Rainbow",
        ("Organization", "endpoint"): endpoint,
        ("Organization", "coverage-area"): county,
        ("Organization", "period"): str(imported_pair.plan_year),
        ("Organization", "partof.name"): payer_name,
        ("Organization", "partof.type"): "payer",
        ("Organization", "endpoint.organization"): payer,
        ("InsurancePlan", "_id"): f"plan-{imported_pair.medi_cal_plan.code}",
        ("InsurancePlan", "name"): imported_pair.medicare_plan.name[:6],
        ("InsurancePlan", "type"): "medihmo",
        ("InsurancePlan", "owned-by"): payer,
        ("InsurancePlan", "administered-by"): payer,
        ("InsurancePlan", "identifier"): imported_pair.medicare_plan.display_key,
        ("InsurancePlan", "network"): net,
        ("InsurancePlan", "coverage-area"): county,
        ("InsurancePlan", "owned-by.name"): payer_name,
        ("InsurancePlan", "administered-by.name"): payer_name,
        ("Endpoint", "_id"): "memberhub-fhir",
        ("Endpoint", "organization"): payer,
        ("Endpoint", "organization.name"): payer_name,
        ("Endpoint", "organization.partof"): payer,
        ("Endpoint", "organization.type"): "payer",
    }
    if param == "_lastUpdated":
        return "ge2019-01-01"
    return values[(rtype, param)]


def _served_endpoints():
    from apps.fhir.sources import stated_endpoints

    return [e.resource for e in stated_endpoints()]


def advertised_chains(search_param):
    """The chained parameters a CapabilityStatement searchParam documents (`Chains: `a`, `b` ...`)."""
    doc = search_param.get("documentation", "")
    if not doc.startswith("Chains: "):
        return []
    return re.findall(r"`([a-z-]+)`", doc.split("(", 1)[0])


def test_every_advertised_search_parameter_works(api_client, plannet_pair):
    cs = get(api_client, "/fhir/metadata")
    walked = chained = 0
    for resource in cs["rest"][0]["resource"]:
        rtype = resource["type"]
        assert {"read", "vread", "search-type"} <= {i["code"] for i in resource["interaction"]}
        names = [p["name"] for p in resource["searchParam"]]
        names += [f"{p['name']}.{c}" for p in resource["searchParam"] for c in advertised_chains(p)]
        for name in names:
            value = _sample_value(rtype, name, plannet_pair)
            bundle = get(api_client, f"/fhir/{rtype}", **{name: value})
            assert bundle["type"] == "searchset"
            assert resources(bundle), f"{rtype}?{name}={value} found nothing"
            assert all(r["resourceType"] == rtype for r in resources(bundle))
            assert bundle["total"] >= len(resources(bundle))
            walked += 1
            chained += "." in name
        for include in resource.get("searchInclude", []) + resource.get("searchRevInclude", []):
            key = "_include" if include in resource.get("searchInclude", []) else "_revinclude"
            bundle = get(api_client, f"/fhir/{rtype}", **{key: include})
            assert resources(bundle, "include"), f"{rtype}?{key}={include} included nothing"
    assert walked >= 113
    assert chained >= 48


def test_practitioner_role_carries_plannet_shape(api_client, imported_pair):
    hans = UnifiedEntry.objects.get(pair=imported_pair, **HANS)
    role = get(api_client, f"/fhir/PractitionerRole/{hans.id}-c")
    assert role["meta"]["profile"] == [
        "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/plannet-PractitionerRole"
    ]
    extensions = {e["url"].rsplit("/", 1)[1]: e for e in role["extension"]}
    assert extensions["network-reference"]["valueReference"]["reference"] == (
        f"Organization/net-{imported_pair.medi_cal_plan.code}"
    )
    assert extensions["newpatients"]["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "newpt"
    assert role["practitioner"]["reference"] == f"Practitioner/{hans.provider_id}"
    practitioner = get(api_client, f"/fhir/Practitioner/{hans.provider_id}")
    assert practitioner["identifier"] == [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "9941339100"}]
    # the IG examples give Hans Solo, Joe Smith and the counselor one NPI: one Practitioner per NPI
    assert {c["coding"][0]["code"] for c in practitioner["communication"]} == {"es", "ja", "ru"}


def test_network_search_with_includes(api_client, imported_pair):
    net = f"Organization/net-{imported_pair.medi_cal_plan.code}"
    bundle = get(api_client, "/fhir/PractitionerRole", network=net, _include=["PractitionerRole:practitioner",
                 "PractitionerRole:location"])  # fmt: skip
    matches = resources(bundle)
    assert len(matches) == bundle["total"] == 3
    included = {(r["resourceType"], r.get("name", [{}])[0].get("family") if r["resourceType"] == "Practitioner" else "")
                for r in resources(bundle, "include")}  # fmt: skip
    assert ("Practitioner", "Garcia") in included
    assert any(r["resourceType"] == "Location" for r in resources(bundle, "include"))


def test_paging_links(api_client, imported_pair):
    first = get(api_client, "/fhir/HealthcareService", _count="4")
    assert len(resources(first)) == 4
    assert first["total"] == 11
    next_url = next(link["url"] for link in first["link"] if link["relation"] == "next")
    second = api_client.get(next_url.replace("http://testserver", "")).json()
    assert not {r["id"] for r in resources(first)} & {r["id"] for r in second["entry"] and resources(second)}


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/fhir/Practitioner", {"birthdate": "1970"}, 400),
        ("/fhir/Practitioner", {"_include": "Practitioner:organization"}, 400),
        ("/fhir/Practitioner", {"_count": "0"}, 400),
        ("/fhir/Location", {"near": "north"}, 400),
        ("/fhir/Patient", {}, 404),
        ("/fhir/Practitioner/nope", {}, 404),
        ("/fhir/PractitionerRole/00000000-0000-0000-0000-000000000000-m", {}, 404),
        ("/fhir/metadata", {"_format": "xml"}, 406),
    ],
)
def test_errors_are_operation_outcomes(api_client, imported_pair, path, params, status):
    body = get(api_client, path, status=status, **params)
    assert body["resourceType"] == "OperationOutcome"


def test_read_every_type(api_client, imported_pair):
    for rtype in ("PractitionerRole", "OrganizationAffiliation", "HealthcareService", "Practitioner", "Location",
                  "Organization", "InsurancePlan", "Endpoint"):  # fmt: skip
        bundle = get(api_client, f"/fhir/{rtype}", _count="2")
        for resource in resources(bundle):
            assert get(api_client, f"/fhir/{rtype}/{resource['id']}") == resource
