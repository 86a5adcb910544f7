"""Plan-Net resources built from the unified directory (read-only views, never stored).

Ids (stable across rebuilds, because unified ids are derived from NPI + address):
- PractitionerRole / OrganizationAffiliation `<entry id>-m` (D-SNP network) or `<entry id>-c` (Medi-Cal network)
- HealthcareService `<entry id>-s`; Practitioner / provider Organization = provider_id; Location = location_id
- Network `net-<plan code>`; payer Organization `payer-<parent code>`; InsurancePlan `plan-<plan code>`;
  Endpoint `memberhub-fhir` (this server).
"""

from datetime import UTC, datetime
from typing import Any

from apps.directory.models import UnifiedEntry
from apps.plans.models import AlignedPlanPair, ParentOrganization, Plan
from memberhub.directory.languages import language_name
from memberhub.directory.reference import taxonomy_name

PN = "http://hl7.org/fhir/us/davinci-pdex-plan-net"
PROFILE = PN + "/StructureDefinition/plannet-"
EXT = PN + "/StructureDefinition/"
CS = PN + "/CodeSystem/"
NUCC = "http://nucc.org/provider-taxonomy"
NPI = "http://hl7.org/fhir/sid/us-npi"
ENDPOINT_ID = "memberhub-fhir"
SIDES = {"m": "medicare", "c": "medi_cal"}
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


def _meta(profile: str, last_updated: datetime | None) -> dict[str, Any]:
    return {"profile": [PROFILE + profile], "lastUpdated": (last_updated or EPOCH).isoformat()}


def _coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding: dict[str, Any] = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def _specialties(codes: list[str]) -> list[dict[str, Any]]:
    return [_coding(NUCC, code, taxonomy_name(code)) for code in codes]


def _address(entry: UnifiedEntry) -> dict[str, Any] | None:
    if not (entry.address_lines or entry.city or entry.postal_code):
        return None
    address: dict[str, Any] = {"use": "work", "type": "physical"}
    if entry.address_lines:
        address["line"] = entry.address_lines
    for key, value in (("city", entry.city), ("state", entry.state), ("postalCode", entry.postal_code)):
        if value:
            address[key] = value
    address["country"] = "US"
    return address


def _phone(entry: UnifiedEntry) -> list[dict[str, Any]]:
    if not entry.phone:
        return []
    digits = entry.phone
    value = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}" if len(digits) == 10 else digits
    return [{"system": "phone", "value": value, "use": "work"}]


def network_id(plan: Plan) -> str:
    return f"net-{plan.code}"


def side_plan(pair: AlignedPlanPair, side: str) -> Plan:
    return pair.medicare_plan if side == "m" else pair.medi_cal_plan


def side_accepting(entry: UnifiedEntry, side: str) -> str:
    return entry.medicare_accepting if side == "m" else entry.medi_cal_accepting


def entry_sides(entry: UnifiedEntry) -> list[str]:
    return [s for s, flag in (("m", entry.in_medicare), ("c", entry.in_medi_cal)) if flag]


def _newpatients(code: str, plan: Plan) -> dict[str, Any]:
    return {
        "url": EXT + "newpatients",
        "extension": [
            {"url": "acceptingPatients", "valueCodeableConcept": _coding(CS + "AcceptingPatientsCS", code)},
            {"url": "fromNetwork", "valueReference": {"reference": f"Organization/{network_id(plan)}"}},
        ],
    }


def _hours(entry: UnifiedEntry) -> list[dict[str, Any]]:
    out = []
    for t in (entry.details or {}).get("available_times", []):
        item: dict[str, Any] = {}
        if t.get("days"):
            item["daysOfWeek"] = t["days"]
        if t.get("all_day"):
            item["allDay"] = True
        if t.get("start"):
            item["availableStartTime"] = t["start"]
        if t.get("end"):
            item["availableEndTime"] = t["end"]
        if item:
            out.append(item)
    return out


def practitioner_role(entry: UnifiedEntry, side: str) -> dict[str, Any]:
    plan = side_plan(entry.pair, side)
    extension: list[dict[str, Any]] = [
        {
            "url": EXT + "network-reference",
            "valueReference": {"reference": f"Organization/{network_id(plan)}"},
        }
    ]
    code = side_accepting(entry, side)
    if code:
        extension.append(_newpatients(code, plan))
    role: dict[str, Any] = {
        "resourceType": "PractitionerRole",
        "id": f"{entry.id}-{side}",
        "meta": _meta("PractitionerRole", entry.last_updated),
        "extension": extension,
        "active": True,
        "practitioner": {"reference": f"Practitioner/{entry.provider_id}", "display": entry.name},
        "specialty": _specialties(entry.specialties),
        "healthcareService": [{"reference": f"HealthcareService/{entry.id}-s"}],
    }
    if entry.location_id:
        role["location"] = [{"reference": f"Location/{entry.location_id}"}]
    if entry.phone:
        role["telecom"] = _phone(entry)
    hours = _hours(entry)
    if hours:
        role["availableTime"] = hours
    return role


def organization_affiliation(entry: UnifiedEntry, side: str) -> dict[str, Any]:
    plan = side_plan(entry.pair, side)
    role_code = "pharmacy" if entry.provider_type == "pharmacy" else "outpatient"
    affiliation: dict[str, Any] = {
        "resourceType": "OrganizationAffiliation",
        "id": f"{entry.id}-{side}",
        "meta": _meta("OrganizationAffiliation", entry.last_updated),
        "active": True,
        "organization": {"reference": f"Organization/payer-{plan.parent.code}"},
        "participatingOrganization": {
            "reference": f"Organization/{entry.provider_id}",
            "display": entry.name,
        },
        "network": [{"reference": f"Organization/{network_id(plan)}"}],
        "code": [_coding(CS + "OrganizationAffiliationRoleCS", role_code)],
        "healthcareService": [{"reference": f"HealthcareService/{entry.id}-s"}],
    }
    if entry.specialties:
        affiliation["specialty"] = _specialties(entry.specialties)
    if entry.location_id:
        affiliation["location"] = [{"reference": f"Location/{entry.location_id}"}]
    if entry.phone:
        affiliation["telecom"] = _phone(entry)
    return affiliation


def healthcare_service(entry: UnifiedEntry) -> dict[str, Any]:
    category = {"pharmacy": "pharm", "facility": "outpat"}.get(entry.provider_type, "prov")
    delivery: dict[str, Any] = {
        "url": EXT + "delivery-method",
        "extension": [
            {
                "url": "type",
                "valueCodeableConcept": _coding(
                    CS + "DeliveryMethodCS", "virtual" if not entry.location_id else "physical"
                ),
            }
        ],
    }
    modalities = (entry.details or {}).get("virtual_modalities", [])
    delivery["extension"] += [
        {"url": "virtualModalities", "valueCodeableConcept": _coding(CS + "VirtualModalitiesCS", m)}
        for m in modalities
    ]
    extension = [delivery]
    for side in entry_sides(entry):
        code = side_accepting(entry, side)
        if code:
            extension.append(_newpatients(code, side_plan(entry.pair, side)))
    service: dict[str, Any] = {
        "resourceType": "HealthcareService",
        "id": f"{entry.id}-s",
        "meta": _meta("HealthcareService", entry.last_updated),
        "extension": extension,
        "active": True,
        "category": [_coding(CS + "HealthcareServiceCategoryCS", category)],
        "name": entry.name,
    }
    if entry.specialties:
        service["specialty"] = _specialties(entry.specialties)
    if entry.location_id:
        service["location"] = [{"reference": f"Location/{entry.location_id}"}]
    if entry.provider_kind == "organization":
        service["providedBy"] = {"reference": f"Organization/{entry.provider_id}"}
    if entry.phone:
        service["telecom"] = _phone(entry)
    return service


def practitioner(entries: list[UnifiedEntry]) -> dict[str, Any]:
    first = entries[0]
    name: dict[str, Any] = {"text": first.name}
    if first.family_name:
        name["family"] = first.family_name
    if first.given_names:
        name["given"] = first.given_names
    resource: dict[str, Any] = {
        "resourceType": "Practitioner",
        "id": str(first.provider_id),
        "meta": _meta("Practitioner", max((e.last_updated or EPOCH) for e in entries)),
        "active": True,
        "name": [name],
    }
    if first.npi:
        resource["identifier"] = [{"system": NPI, "value": first.npi}]
    if first.gender:
        resource["gender"] = first.gender
    languages = sorted({code for e in entries for code in e.languages})
    if languages:
        resource["communication"] = [
            {"coding": [{"system": "urn:ietf:bcp:47", "code": code, "display": language_name(code)}]}
            for code in languages
        ]
    return resource


def provider_organization(entries: list[UnifiedEntry]) -> dict[str, Any]:
    first = entries[0]
    resource: dict[str, Any] = {
        "resourceType": "Organization",
        "id": str(first.provider_id),
        "meta": _meta("Organization", max((e.last_updated or EPOCH) for e in entries)),
        "active": True,
        "type": [_coding(CS + "OrgTypeCS", "fac" if first.provider_type != "facility" else "prvgrp")],
        "name": first.name,
    }
    if first.npi:
        resource["identifier"] = [{"system": NPI, "value": first.npi}]
    addresses = [a for a in (_address(e) for e in entries) if a]
    if addresses:
        resource["address"] = addresses
    if first.phone:
        resource["telecom"] = _phone(first)
    return resource


def location(entry: UnifiedEntry) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Location",
        "id": str(entry.location_id),
        "meta": _meta("Location", entry.last_updated),
        "status": "active",
        "name": entry.location_name or (entry.address_lines[0] if entry.address_lines else entry.name),
    }
    if entry.accessibility:
        resource["extension"] = [
            {"url": EXT + "accessibility", "valueCodeableConcept": _coding(CS + "AccessibilityCS", code)}
            for code in entry.accessibility
        ]
    address = _address(entry)
    if address:
        resource["address"] = address
    if entry.lat is not None and entry.lon is not None:
        resource["position"] = {"latitude": entry.lat, "longitude": entry.lon}
    if entry.phone:
        resource["telecom"] = _phone(entry)
    return resource


def network(plan: Plan) -> dict[str, Any]:
    kind = "Medicare D-SNP" if plan.kind == "medicare_dsnp" else "Medi-Cal"
    return {
        "resourceType": "Organization",
        "id": network_id(plan),
        "meta": _meta("Network", plan.updated_at),
        "active": True,
        "type": [_coding(CS + "OrgTypeCS", "ntwk", "Network")],
        "name": f"{plan.name} ({kind} network)",
        "partOf": {"reference": f"Organization/payer-{plan.parent.code}"},
        "endpoint": [{"reference": f"Endpoint/{ENDPOINT_ID}"}],
    }


def payer(parent: ParentOrganization) -> dict[str, Any]:
    return {
        "resourceType": "Organization",
        "id": f"payer-{parent.code}",
        "meta": _meta("Organization", parent.updated_at),
        "active": True,
        "type": [_coding(CS + "OrgTypeCS", "payer", "Payer")],
        "name": parent.name,
        "endpoint": [{"reference": f"Endpoint/{ENDPOINT_ID}"}],
    }


def insurance_plan(plan: Plan) -> dict[str, Any]:
    product = "mediadvhmo" if plan.kind == "medicare_dsnp" else "medihmo"
    identifier = plan.display_key if plan.kind == "medicare_dsnp" else plan.dhcs_plan_code
    system = (
        "http://cms.gov/medicare/ma-plan-id"
        if plan.kind == "medicare_dsnp"
        else "urn:memberhub:dhcs-plan-code"
    )
    payer_ref = {"reference": f"Organization/payer-{plan.parent.code}"}
    return {
        "resourceType": "InsurancePlan",
        "id": f"plan-{plan.code}",
        "meta": _meta("InsurancePlan", plan.updated_at),
        "identifier": [{"system": system, "value": identifier}],
        "status": "active",
        "type": [_coding(CS + "InsuranceProductTypeCS", product)],
        "name": plan.name,
        "ownedBy": payer_ref,
        "administeredBy": payer_ref,
        "network": [{"reference": f"Organization/{network_id(plan)}"}],
    }


def endpoint(base_url: str) -> dict[str, Any]:
    return {
        "resourceType": "Endpoint",
        "id": ENDPOINT_ID,
        "meta": {"profile": [PROFILE + "Endpoint"], "lastUpdated": EPOCH.isoformat()},
        "status": "active",
        "connectionType": {
            "system": "http://terminology.hl7.org/CodeSystem/endpoint-connection-type",
            "code": "hl7-fhir-rest",
        },
        "name": "memberhub Plan-Net provider directory (FHIR R4)",
        "payloadType": [_coding(CS + "EndpointPayloadTypeCS", "NA")],
        "payloadMimeType": ["application/fhir+json"],
        "address": base_url,
    }
