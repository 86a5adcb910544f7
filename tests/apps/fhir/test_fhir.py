import importlib

import pytest

from apps.directory.models import UnifiedEntry

pytestmark = pytest.mark.django_db
HANS = {
    "provider_type": "practitioner",
    "identity": "9941339100",
    "address_key": "123 MAIN ST|ANYTOWN|CT|00014",
}


def validate(resource):
    """Validate with the fhir.resources R4B model of the resource type (raises on an invalid resource)."""
    rtype = resource["resourceType"]
    module = importlib.import_module(f"fhir.resources.R4B.{rtype.lower()}")
    getattr(module, rtype).model_validate(resource)


def get(client, path, status=200, **params):
    response = client.get(path, params)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    validate(body)
    if body["resourceType"] == "Bundle":
        for entry in body["entry"]:
            validate(entry["resource"])
    return body


def resources(bundle, mode="match"):
    return [e["resource"] for e in bundle["entry"] if e["search"]["mode"] == mode]


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
    """A value for each advertised search parameter that matches something in the sample directory."""
    hans = UnifiedEntry.objects.get(pair=imported_pair, **HANS)
    pharmacy = (
        UnifiedEntry.objects.filter(pair=imported_pair, provider_type="pharmacy")
        .exclude(location_id=None)
        .first()
    )
    net = f"Organization/net-{imported_pair.medicare_plan.code}"
    payer = f"Organization/payer-{imported_pair.parent.code}"
    values = {
        ("PractitionerRole", "_id"): f"{hans.id}-m",
        ("PractitionerRole", "practitioner"): f"Practitioner/{hans.provider_id}",
        ("PractitionerRole", "location"): f"Location/{hans.location_id}",
        ("PractitionerRole", "service"): f"HealthcareService/{hans.id}-s",
        ("PractitionerRole", "network"): net,
        ("PractitionerRole", "specialty"): "http://nucc.org/provider-taxonomy|207R00000X",
        ("PractitionerRole", "new-patient"): "newpt",
        ("OrganizationAffiliation", "_id"): f"{pharmacy.id}-m",
        ("OrganizationAffiliation", "participating-organization"): f"Organization/{pharmacy.provider_id}",
        ("OrganizationAffiliation", "primary-organization"): payer,
        ("OrganizationAffiliation", "location"): f"Location/{pharmacy.location_id}",
        ("OrganizationAffiliation", "service"): f"HealthcareService/{pharmacy.id}-s",
        ("OrganizationAffiliation", "network"): net,
        ("OrganizationAffiliation", "role"): "pharmacy",
        ("OrganizationAffiliation", "specialty"): "3336C0003X",
        ("OrganizationAffiliation", "new-patient"): "existptonly",
        ("HealthcareService", "_id"): f"{hans.id}-s",
        ("HealthcareService", "specialty"): "207R00000X",
        ("HealthcareService", "service-category"): "pharm",
        ("HealthcareService", "location"): f"Location/{hans.location_id}",
        ("HealthcareService", "organization"): f"Organization/{pharmacy.provider_id}",
        ("HealthcareService", "name"): "Pharm",
        ("HealthcareService", "new-patient"): "newpt",
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
        ("Organization", "_id"): f"net-{imported_pair.medicare_plan.code}",
        ("Organization", "name"): "Pharm",
        ("Organization", "type"): "ntwk",
        ("Organization", "partof"): payer,
        ("Organization", "address"): "Rainbow",
        ("InsurancePlan", "_id"): f"plan-{imported_pair.medi_cal_plan.code}",
        ("InsurancePlan", "name"): imported_pair.medicare_plan.name[:6],
        ("InsurancePlan", "type"): "medihmo",
        ("InsurancePlan", "owned-by"): payer,
        ("InsurancePlan", "administered-by"): payer,
        ("InsurancePlan", "identifier"): imported_pair.medicare_plan.display_key,
        ("InsurancePlan", "network"): net,
        ("Endpoint", "_id"): "memberhub-fhir",
        ("Endpoint", "organization"): payer,
    }
    if param == "_lastUpdated":
        return "ge2019-01-01"
    return values[(rtype, param)]


def test_every_advertised_search_parameter_works(api_client, imported_pair):
    cs = get(api_client, "/fhir/metadata")
    walked = 0
    for resource in cs["rest"][0]["resource"]:
        rtype = resource["type"]
        for param in resource["searchParam"]:
            value = _sample_value(rtype, param["name"], imported_pair)
            bundle = get(api_client, f"/fhir/{rtype}", **{param["name"]: value})
            assert bundle["type"] == "searchset"
            assert resources(bundle), f"{rtype}?{param['name']}={value} found nothing"
            assert all(r["resourceType"] == rtype for r in resources(bundle))
            assert bundle["total"] >= len(resources(bundle))
            walked += 1
        for include in resource.get("searchInclude", []) + resource.get("searchRevInclude", []):
            key = "_include" if include in resource.get("searchInclude", []) else "_revinclude"
            bundle = get(api_client, f"/fhir/{rtype}", **{key: include})
            assert resources(bundle, "include"), f"{rtype}?{key}={include} included nothing"
    assert walked >= 45


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
