"""The Plan-Net search parameters, chains and vread added to close the Plan-Net server gaps.

Each parameter: a value that matches (the expected resources exactly) and one that does not.
Sample data: the Plan-Net IG examples (D-SNP plan) and the Medi-Cal bundle (tests/fixtures/directory.py),
plus Telehealth Partners (conftest.py) for a stated service type and endpoints.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.directory.models import UnifiedEntry
from apps.fhir.search import period_matches
from tests.apps.fhir.conftest import TELEHEALTH_NPI
from tests.apps.fhir.helpers import get, ids, resources

pytestmark = pytest.mark.django_db
PN = "http://hl7.org/fhir/us/davinci-pdex-plan-net"
NUCC = "http://nucc.org/provider-taxonomy"


def one(pair, **kwargs):
    return UnifiedEntry.objects.get(pair=pair, **kwargs)


def roles(pair, *names, side=None):
    out = set()
    for entry in UnifiedEntry.objects.filter(pair=pair, name__in=names):
        sides = [s for s, flag in (("m", entry.in_medicare), ("c", entry.in_medi_cal)) if flag]
        out |= {f"{entry.id}-{s}" for s in sides if side in (None, s)}
    return out


def stated_endpoint_id(client):
    bundle = get(client, "/fhir/Endpoint")
    return next(r["id"] for r in resources(bundle) if r["id"].startswith("ep-"))


# ------------------------------------------------------------------------------------ PractitionerRole


def test_practitioner_role_organization_is_derived_from_the_role_organization(api_client, imported_pair):
    joe = one(imported_pair, name="Joe Smith, MD")
    pharmacy = UnifiedEntry.objects.filter(pair=imported_pair, provider_type="pharmacy").first()
    assert joe.organization_id is not None
    bundle = get(api_client, "/fhir/PractitionerRole", organization=f"Organization/{joe.organization_id}")
    assert ids(bundle) == roles(imported_pair, "Joe Smith, MD") == {f"{joe.id}-m", f"{joe.id}-c"}
    assert {r["organization"]["reference"] for r in resources(bundle)} == {
        f"Organization/{joe.organization_id}"
    }
    # the reference resolves, to the organization the plans named
    organization = get(api_client, f"/fhir/Organization/{joe.organization_id}")
    assert organization["name"] == "Hartford General Hospital"
    included = get(
        api_client, "/fhir/PractitionerRole", organization=str(joe.organization_id),
        _include="PractitionerRole:organization",
    )  # fmt: skip
    assert ids(included, "include") == {str(joe.organization_id)}
    # non-matches: another organization, a payer, a network
    assert not resources(
        get(api_client, "/fhir/PractitionerRole", organization=f"Organization/{pharmacy.provider_id}")
    )
    payer = f"Organization/payer-{imported_pair.parent.code}"
    assert not resources(get(api_client, "/fhir/PractitionerRole", organization=payer))
    # a practitioner without an organization has none
    hans = get(api_client, f"/fhir/PractitionerRole/{one(imported_pair, name='Hans Solo, MD').id}-m")
    assert "organization" not in hans


def _write_directory(folder, resources_):
    folder.mkdir()
    for resource in resources_:
        (folder / f"{resource['resourceType']}-{resource['id']}.json").write_text(json.dumps(resource))
    return folder


def _org(rid, npi, name):
    return {"resourceType": "Organization", "id": rid, "active": True, "name": name,
            "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": npi}],
            "type": [{"coding": [{"system": f"{PN}/CodeSystem/OrgTypeCS", "code": "prvgrp"}]}]}  # fmt: skip


def _loc(rid, line, postal):
    return {"resourceType": "Location", "id": rid, "status": "active", "name": rid,
            "address": {"line": [line], "city": "Fresno", "state": "CA", "postalCode": postal}}  # fmt: skip


def _affiliation(rid, org, loc):
    return {"resourceType": "OrganizationAffiliation", "id": rid, "active": True,
            "participatingOrganization": {"reference": f"Organization/{org}"},
            "network": [{"reference": "Organization/ValleyNet"}], "location": [{"reference": f"Location/{loc}"}]}  # fmt: skip


def _role(rid, practitioner, org, loc):
    return {"resourceType": "PractitionerRole", "id": rid, "active": True,
            "extension": [{"url": f"{PN}/StructureDefinition/network-reference",
                           "valueReference": {"reference": "Organization/ValleyNet"}}],
            "practitioner": {"reference": f"Practitioner/{practitioner}"},
            "organization": {"reference": f"Organization/{org}"}, "location": [{"reference": f"Location/{loc}"}],
            "specialty": [{"coding": [{"system": NUCC, "code": "207Q00000X"}]}]}  # fmt: skip


def _practitioner(rid, npi, family):
    return {"resourceType": "Practitioner", "id": rid, "active": True,
            "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": npi}],
            "name": [{"family": family, "given": ["Ana"]}]}  # fmt: skip


def test_organization_link_uses_the_address_when_names_repeat(api_client, pair, tmp_path):
    """Two organizations named "Valley Clinic": the one at the practitioner's address; elsewhere none."""
    from apps.directory.services import directory_import, directory_rebuild_pair

    folder = _write_directory(tmp_path / "valley", [
        {"resourceType": "Organization", "id": "ValleyNet", "active": True, "name": "Valley Network",
         "type": [{"coding": [{"system": f"{PN}/CodeSystem/OrgTypeCS", "code": "ntwk"}]}]},
        _org("ValleyA", "1345319507", "Valley Clinic"), _org("ValleyB", "1345319515", "VALLEY CLINIC."),
        _org("Sierra", "1345319523", "Sierra Health"),
        _loc("OakSt", "1 Oak St", "93701"), _loc("ElmSt", "2 Elm St", "93702"), _loc("PineSt", "3 Pine St", "93703"),
        _affiliation("ValleyAAffil", "ValleyA", "OakSt"), _affiliation("ValleyBAffil", "ValleyB", "ElmSt"),
        _affiliation("SierraAffil", "Sierra", "ElmSt"),
        _practitioner("DrA", "1345319531", "Alvarez"), _practitioner("DrB", "1345319549", "Baker"),
        _practitioner("DrC", "1345319556", "Chen"),
        _role("DrARole", "DrA", "ValleyA", "OakSt"), _role("DrBRole", "DrB", "ValleyB", "PineSt"),
        _role("DrCRole", "DrC", "Sierra", "PineSt"),
    ])  # fmt: skip
    run = directory_import(plan=pair.medicare_plan, paths=[str(folder)], network_id="ValleyNet")
    assert run.status == "succeeded", run.errors
    directory_rebuild_pair(pair=pair)
    valley_a = one(pair, npi="1345319507").provider_id
    sierra = one(pair, npi="1345319523").provider_id
    assert one(pair, family_name="Alvarez").organization_id == valley_a  # same name twice: by address
    assert one(pair, family_name="Baker").organization_id is None  # same name twice, neither at Pine St
    assert one(pair, family_name="Chen").organization_id == sierra  # one organization of that name
    baker = get(api_client, f"/fhir/PractitionerRole/{one(pair, family_name='Baker').id}-m")
    assert baker["organization"] == {"display": "VALLEY CLINIC."}
    bundle = get(api_client, "/fhir/PractitionerRole", organization=f"Organization/{valley_a}")
    assert [r["practitioner"]["display"] for r in resources(bundle)] == ["Ana Alvarez"]


def test_practitioner_role_role_comes_from_the_taxonomy(api_client, imported_pair):
    physicians = get(api_client, "/fhir/PractitionerRole", role=f"{PN}/CodeSystem/ProviderRoleCS|ph")
    assert ids(physicians) == roles(imported_pair, "Hans Solo, MD", "Joe Smith, MD", "Maria Garcia")
    assert all(
        r["code"]
        == [{"coding": [{"system": f"{PN}/CodeSystem/ProviderRoleCS", "code": "ph", "display": "Physician"}]}]
        for r in resources(physicians)
    )
    assert ids(get(api_client, "/fhir/PractitionerRole", role="co")) == roles(
        imported_pair, "Susie Smith, LPC"
    )
    assert not resources(get(api_client, "/fhir/PractitionerRole", role="rn"))
    assert not resources(get(api_client, "/fhir/PractitionerRole", role="http://example.org/roles|ph"))
    assert not resources(get(api_client, "/fhir/PractitionerRole", role="nonsense"))


def test_organization_affiliation_role(api_client, imported_pair):
    outpatient = get(api_client, "/fhir/OrganizationAffiliation", role="outpatient")
    assert resources(outpatient)
    assert {r["code"][0]["coding"][0]["code"] for r in resources(outpatient)} == {"outpatient"}
    assert not resources(get(api_client, "/fhir/OrganizationAffiliation", role="nonsense"))


# ----------------------------------------------------------------------------------- HealthcareService


def _delivery_codes(service):
    return {
        part["valueCodeableConcept"]["coding"][0]["code"]
        for ext in service["extension"]
        if ext["url"].endswith("/delivery-method")
        for part in ext["extension"]
        if part["url"] == "type"
    }


def test_healthcare_service_delivery_method(api_client, plannet_pair):
    virtual = get(
        api_client,
        "/fhir/HealthcareService",
        **{"delivery-method": f"{PN}/CodeSystem/DeliveryMethodCS|virtual"},
    )
    names = {r["name"] for r in resources(virtual)}
    # no practice address (Hartford General's privileges, the mail pharmacy, the counselor) or a virtual service
    assert names == {"Hartford General Hospital", "Pharm Chain", "Susie Smith, LPC", "Telehealth Partners"}
    assert all("virtual" in _delivery_codes(r) for r in resources(virtual))
    physical = get(api_client, "/fhir/HealthcareService", **{"delivery-method": "physical"}, _count="50")
    assert physical["total"] == 9
    assert all("physical" in _delivery_codes(r) and r.get("location") for r in resources(physical))
    telehealth = next(r for r in resources(physical) if r["name"] == "Telehealth Partners")
    assert _delivery_codes(telehealth) == {"physical", "virtual"}
    assert not resources(get(api_client, "/fhir/HealthcareService", **{"delivery-method": "drive-through"}))
    assert not resources(
        get(api_client, "/fhir/HealthcareService", **{"delivery-method": "http://example.org|virtual"})
    )


def test_healthcare_service_type_is_what_the_plan_states(api_client, plannet_pair):
    telehealth = one(plannet_pair, npi=TELEHEALTH_NPI)
    for value in ("124", "http://terminology.hl7.org/CodeSystem/service-type|124"):
        bundle = get(api_client, "/fhir/HealthcareService", **{"service-type": value})
        assert ids(bundle) == {f"{telehealth.id}-s"}
        assert resources(bundle)[0]["type"] == [
            {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/service-type", "code": "124",
                         "display": "General Practice"}]}
        ]  # fmt: skip
    assert not resources(
        get(api_client, "/fhir/HealthcareService", **{"service-type": "http://example.org|124"})
    )
    assert not resources(get(api_client, "/fhir/HealthcareService", **{"service-type": "999"}))


def test_healthcare_service_endpoint_is_what_the_plan_states(api_client, plannet_pair):
    telehealth = one(plannet_pair, npi=TELEHEALTH_NPI)
    endpoint = stated_endpoint_id(api_client)
    bundle = get(api_client, "/fhir/HealthcareService", endpoint=f"Endpoint/{endpoint}")
    assert ids(bundle) == {f"{telehealth.id}-s"}
    assert resources(bundle)[0]["endpoint"] == [{"reference": f"Endpoint/{endpoint}"}]
    served = get(api_client, f"/fhir/Endpoint/{endpoint}")
    assert served["address"] == "https://urlofportal.acmect.com"
    assert served["connectionType"]["code"] == "rest-non-fhir"
    assert not resources(get(api_client, "/fhir/HealthcareService", endpoint="Endpoint/memberhub-fhir"))
    assert not resources(get(api_client, "/fhir/HealthcareService", endpoint="Endpoint/nope"))


# ----------------------------------------------------------------- Organization, InsurancePlan, Location


def test_coverage_area_is_the_pairs_counties(api_client, imported_pair):
    county = get(api_client, "/fhir/Location/county-06037")
    assert county["name"] == "Los Angeles County"
    assert county["address"] == {
        "type": "physical",
        "district": "Los Angeles",
        "state": "CA",
        "country": "US",
    }
    networks = get(api_client, "/fhir/Organization", **{"coverage-area": "Location/county-06037"})
    assert ids(networks) == {
        f"net-{imported_pair.medicare_plan.code}",
        f"net-{imported_pair.medi_cal_plan.code}",
    }
    plans = get(api_client, "/fhir/InsurancePlan", **{"coverage-area": "Location/county-06037"},
                _include="InsurancePlan:coverage-area")  # fmt: skip
    assert ids(plans) == {
        f"plan-{imported_pair.medicare_plan.code}",
        f"plan-{imported_pair.medi_cal_plan.code}",
    }
    assert ids(plans, "include") == {"county-06037"}
    for rtype in ("Organization", "InsurancePlan"):
        assert not resources(get(api_client, f"/fhir/{rtype}", **{"coverage-area": "Location/county-06001"}))
    get(api_client, "/fhir/Location/county-06001", status=404)
    # counties are Locations too: found by state and id, never by a practice-address parameter
    assert "county-06037" in ids(get(api_client, "/fhir/Location", **{"address-state": "CA"}))
    assert ids(get(api_client, "/fhir/Location", _id="county-06037")) == {"county-06037"}
    assert "county-06037" not in ids(get(api_client, "/fhir/Location", **{"address-city": "Los"}))


def test_organization_endpoint(api_client, plannet_pair):
    catalog = get(api_client, "/fhir/Organization", endpoint="Endpoint/memberhub-fhir")
    assert ids(catalog) == {f"payer-{plannet_pair.parent.code}", f"net-{plannet_pair.medicare_plan.code}",
                            f"net-{plannet_pair.medi_cal_plan.code}"}  # fmt: skip
    endpoint = stated_endpoint_id(api_client)
    stated = get(api_client, "/fhir/Organization", endpoint=f"Endpoint/{endpoint}")
    assert ids(stated) == {str(one(plannet_pair, npi=TELEHEALTH_NPI).provider_id)}
    assert resources(stated)[0]["endpoint"] == [{"reference": f"Endpoint/{endpoint}"}]
    assert not resources(get(api_client, "/fhir/Organization", endpoint="Endpoint/nope"))


@pytest.mark.parametrize(
    ("value", "found"),
    [("2026", True), ("2025", False), ("eq2026-06-01", False), ("ne2026-06-01", True), ("ge2026-06-01", True),
     ("gt2026-06-01", True), ("lt2026-06-01", True), ("le2025-12-31", False), ("sa2025", True), ("sa2026-06", False),
     ("eb2027", True), ("eb2026-12-31", False)],
)  # fmt: skip
def test_organization_period_is_the_networks_plan_years(api_client, imported_pair, value, found):
    bundle = get(api_client, "/fhir/Organization", period=value)
    networks = {f"net-{imported_pair.medicare_plan.code}", f"net-{imported_pair.medi_cal_plan.code}"}
    assert ids(bundle) == (networks if found else set())


def test_period_semantics_and_errors(api_client, imported_pair):
    period = {"start": "2026-01-01", "end": "2026-12-31"}
    assert period_matches("2026", period)
    assert not period_matches("2026-01", period)
    assert period_matches("ge2026-12-31", {"start": "2026-01-01"})  # no end: still going
    assert not period_matches("2026", None)
    for value in ("ap2026", "2026-13", "soon"):
        assert (
            get(api_client, "/fhir/Organization", status=400, period=value)["resourceType"]
            == "OperationOutcome"
        )


def test_last_updated_on_insurance_plan_and_endpoint(api_client, imported_pair):
    assert len(resources(get(api_client, "/fhir/InsurancePlan", _lastUpdated="ge2019-01-01"))) == 2
    assert not resources(get(api_client, "/fhir/InsurancePlan", _lastUpdated="lt2000-01-01"))
    # this server's Endpoint (2020-01-01) and the D-SNP directory's portal Endpoint (2020-07-07)
    assert len(resources(get(api_client, "/fhir/Endpoint", _lastUpdated="lt2021-01-01"))) == 2
    assert ids(get(api_client, "/fhir/Endpoint", _lastUpdated="ge2020-06-01")) == {
        stated_endpoint_id(api_client)
    }


# ------------------------------------------------------------------------------------------- chaining


def test_chains(api_client, plannet_pair):
    pair = plannet_pair
    medi_cal_network = f"{pair.medi_cal_plan.name} (Medi-Cal network)"
    payer = pair.parent.name
    pharm_locations = {
        str(e.location_id)
        for e in UnifiedEntry.objects.filter(pair=pair, name="Pharm Chain")
        if e.location_id
    }
    cases = [
        ("PractitionerRole", {"practitioner.name": "garcia"}, roles(pair, "Maria Garcia")),
        ("PractitionerRole", {"practitioner.name": "nobody"}, set()),
        ("PractitionerRole", {"organization.name": "Hartford"}, roles(pair, "Joe Smith, MD")),
        ("PractitionerRole", {"organization:Organization.name": "Hartford"}, roles(pair, "Joe Smith, MD")),
        ("PractitionerRole", {"organization.name": "Pharm"}, set()),
        ("PractitionerRole", {"location.address-city": "Los Angeles"}, roles(pair, "Maria Garcia")),
        ("PractitionerRole", {"location.address-city": "Nowhere"}, set()),
        ("PractitionerRole", {"location.organization.name": "Pharm"}, roles(pair, "Hans Solo, MD")),
        ("PractitionerRole", {"network.name:exact": medi_cal_network},
         roles(pair, "Hans Solo, MD", "Joe Smith, MD", "Maria Garcia", side="c")),
        ("PractitionerRole", {"network.name": "Nobody"}, set()),
        ("PractitionerRole", {"service.service-category": "pharm"}, set()),
        ("OrganizationAffiliation", {"primary-organization.name": payer},
         roles(pair, "Burr Clinic", "Hamilton Clinic", "Hartford General Hospital", "Pharm Chain", "Telehealth Partners")),
        ("OrganizationAffiliation", {"primary-organization.name": "Nobody"}, set()),
        ("OrganizationAffiliation", {"participating-organization.address": "Rainbow"}, roles(pair, "Pharm Chain")),
        ("OrganizationAffiliation", {"participating-organization.address": "Nowhere"}, set()),
        ("OrganizationAffiliation", {"service.organization.name": "Telehealth"}, roles(pair, "Telehealth Partners")),
        ("HealthcareService", {"organization.name": "Telehealth"}, {f"{one(pair, npi=TELEHEALTH_NPI).id}-s"}),
        ("HealthcareService", {"organization.name": "Nobody"}, set()),
        ("HealthcareService", {"location.address-postalcode": "90026"}, {f"{one(pair, name='Maria Garcia').id}-s"}),
        ("Location", {"organization.name": "Pharm"}, pharm_locations),
        ("Location", {"organization.type": "payer"}, set()),
        ("Organization", {"partof.name": payer}, {f"net-{pair.medicare_plan.code}", f"net-{pair.medi_cal_plan.code}"}),
        ("Organization", {"partof.name": "Nobody"}, set()),
        ("Organization", {"endpoint.organization": f"Organization/net-{pair.medicare_plan.code}"},
         {f"payer-{pair.parent.code}", f"net-{pair.medicare_plan.code}", f"net-{pair.medi_cal_plan.code}"}),
        ("InsurancePlan", {"owned-by.name": payer}, {f"plan-{pair.medicare_plan.code}", f"plan-{pair.medi_cal_plan.code}"}),
        ("InsurancePlan", {"administered-by.name": "Nobody"}, set()),
        ("Endpoint", {"organization.type": "ntwk"}, {"memberhub-fhir"}),
        ("Endpoint", {"organization.name": "Nobody"}, set()),
    ]  # fmt: skip
    for rtype, params, expected in cases:
        bundle = get(api_client, f"/fhir/{rtype}", _count="50", **params)
        assert ids(bundle) == expected, (rtype, params)
        assert bundle["total"] == len(expected), (rtype, params)


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("/fhir/PractitionerRole", "location.type"),  # Location.type is not imported
        ("/fhir/PractitionerRole", "organization.partof"),  # provider organizations state no partOf
        ("/fhir/PractitionerRole", "location.near"),  # not in the SearchParameter's chain list
        ("/fhir/PractitionerRole", "specialty.name"),  # not a reference
        ("/fhir/PractitionerRole", "location:Organization.address"),  # wrong type
        ("/fhir/PractitionerRole", "service.location.organization.name"),  # three links
        ("/fhir/HealthcareService", "endpoint.organization"),
        ("/fhir/InsurancePlan", "owned-by.partof"),
        ("/fhir/InsurancePlan", "network.name"),  # the SearchParameter declares no chain
    ],
)
def test_unsupported_chains_answer_400(api_client, imported_pair, path, key):
    assert get(api_client, path, status=400, **{key: "x"})["resourceType"] == "OperationOutcome"


@pytest.mark.parametrize(
    ("path", "key"),
    [("/fhir/PractitionerRole", "endpoint"), ("/fhir/PractitionerRole", "period"),
     ("/fhir/OrganizationAffiliation", "endpoint"), ("/fhir/OrganizationAffiliation", "period"),
     ("/fhir/HealthcareService", "coverage-area"), ("/fhir/Practitioner", "period"), ("/fhir/Location", "endpoint"),
     ("/fhir/Location", "partof"), ("/fhir/Location", "type"), ("/fhir/InsurancePlan", "plan-type")],
)  # fmt: skip
def test_parameters_left_out_answer_400_and_are_not_advertised(api_client, imported_pair, path, key):
    assert get(api_client, path, status=400, **{key: "x"})["resourceType"] == "OperationOutcome"
    rtype = path.rsplit("/", 1)[1]
    cs = get(api_client, "/fhir/metadata")
    resource = next(r for r in cs["rest"][0]["resource"] if r["type"] == rtype)
    assert key not in {p["name"] for p in resource["searchParam"]}


# ---------------------------------------------------------------------------------------------- vread


def test_vread_answers_the_current_version_only(api_client, plannet_pair):
    for rtype in ("PractitionerRole", "OrganizationAffiliation", "HealthcareService", "Practitioner", "Location",
                  "Organization", "InsurancePlan", "Endpoint"):  # fmt: skip
        for found in resources(get(api_client, f"/fhir/{rtype}", _count="3")):
            version = found["meta"]["versionId"]
            response = api_client.get(f"/fhir/{rtype}/{found['id']}/_history/{version}")
            assert response.status_code == 200
            assert response["ETag"] == f'W/"{version}"'
            assert response.json() == found == get(api_client, f"/fhir/{rtype}/{found['id']}")
            other = get(api_client, f"/fhir/{rtype}/{found['id']}/_history/1", status=404)
            assert other["resourceType"] == "OperationOutcome"
    get(api_client, "/fhir/Practitioner/nope/_history/1", status=404)
    get(api_client, "/fhir/Patient/x/_history/1", status=404)


def test_version_changes_with_the_content(api_client, imported_pair):
    network = f"/fhir/Organization/net-{imported_pair.medicare_plan.code}"
    before = get(api_client, network)["meta"]["versionId"]
    assert get(api_client, network)["meta"]["versionId"] == before  # deterministic
    imported_pair.medicare_plan.name = "Renamed Plan"
    imported_pair.medicare_plan.save()
    after = get(api_client, network)["meta"]["versionId"]
    assert after != before
    get(api_client, f"{network}/_history/{before}", status=404)
    assert get(api_client, f"{network}/_history/{after}")["name"].startswith("Renamed Plan")


# ------------------------------------------------------------------------------- capability and cost


def test_capability_statement_declares_vread_and_chains(api_client, imported_pair):
    cs = get(api_client, "/fhir/metadata")
    by_type = {r["type"]: r for r in cs["rest"][0]["resource"]}
    for resource in by_type.values():
        assert [i["code"] for i in resource["interaction"]] == ["read", "vread", "search-type"]
        assert resource["versioning"] == "versioned"
    params = {p["name"]: p for p in by_type["PractitionerRole"]["searchParam"]}
    assert {"organization", "role"} <= set(params)
    location = params["location"]["documentation"]
    assert location.startswith("Chains: `address`, `address-postalcode`, `address-city`, `address-state`")
    assert "`type`" not in location
    assert "location.address-city" in by_type["PractitionerRole"]["documentation"]
    assert "documentation" not in params["specialty"]
    assert {"service-type", "delivery-method", "endpoint"} <= {
        p["name"] for p in by_type["HealthcareService"]["searchParam"]
    }
    assert {"coverage-area", "endpoint", "period"} <= {
        p["name"] for p in by_type["Organization"]["searchParam"]
    }
    assert "coverage-area" in {p["name"] for p in by_type["InsurancePlan"]["searchParam"]}


def _query_count(client, path, **params):
    with CaptureQueriesContext(connection) as ctx:
        bundle = get(client, path, **params)
    return len(ctx.captured_queries), bundle


ROLE_INCLUDES = ["PractitionerRole:practitioner", "PractitionerRole:organization", "PractitionerRole:location",
                 "PractitionerRole:network", "PractitionerRole:service"]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "params", "most"),
    [
        # page, 2 side totals, one query per include (organization and service: + what the plans stated)
        ("/fhir/PractitionerRole", {"_include": ROLE_INCLUDES}, 9),
        ("/fhir/OrganizationAffiliation", {"_include": ["OrganizationAffiliation:participating-organization",
                                                        "OrganizationAffiliation:service"]}, 8),
        ("/fhir/HealthcareService", {"_include": ["HealthcareService:organization"]}, 7),
        ("/fhir/Organization", {"_include": "Organization:coverage-area"}, 8),
        ("/fhir/Location", {}, 4),
        ("/fhir/PractitionerRole", {"location.address-state": "CT", "organization.type": "prvgrp"}, 6),
        ("/fhir/HealthcareService", {"organization.type": "fac", "delivery-method": "physical"}, 5),
    ],
)  # fmt: skip
def test_query_count_is_bounded_per_page(api_client, plannet_pair, path, params, most):
    """Every row of the sample fits one page: a query per row (N+1) would exceed these bounds."""
    count, bundle = _query_count(api_client, path, _count="50", **params)
    assert len(bundle["entry"]) >= 2
    assert count <= most
