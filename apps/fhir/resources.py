"""Plan-Net resources built from the unified directory (read-only views, never stored).

Ids (stable across rebuilds, because unified ids are derived from NPI + address):
- PractitionerRole / OrganizationAffiliation `<entry id>-m` (D-SNP network) or `<entry id>-c` (Medi-Cal network)
- HealthcareService `<entry id>-s`; Practitioner / provider Organization = provider_id; Location = location_id
- Network `net-<plan code>`; payer Organization `payer-<parent code>`; InsurancePlan `plan-<plan code>`;
  Endpoint `memberhub-fhir` (this server); an Endpoint a plan's directory states `ep-<uuid5 of plan code and
  its id>`; a county of a pair's service area (coverage area) Location `county-<FIPS>`.

Every resource has one version: `meta.versionId` is a digest of its content (`versioned`), so it changes
exactly when the content does.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from apps.directory.models import UnifiedEntry
from apps.plans.models import AlignedPlanPair, ParentOrganization, Plan
from memberhub.directory.languages import language_name
from memberhub.directory.reference import taxonomy_name, taxonomy_table

PN = "http://hl7.org/fhir/us/davinci-pdex-plan-net"
PROFILE = PN + "/StructureDefinition/plannet-"
EXT = PN + "/StructureDefinition/"
CS = PN + "/CodeSystem/"
NUCC = "http://nucc.org/provider-taxonomy"
NPI = "http://hl7.org/fhir/sid/us-npi"
ENDPOINT_ID = "memberhub-fhir"
SIDES = {"m": "medicare", "c": "medi_cal"}
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
ORGANIZATION_PERIOD = "http://hl7.org/fhir/StructureDefinition/organization-period"
COUNTY_PREFIX = "county-"
# California counties in alphabetical order: the n-th has FIPS county code 2n-1 (037 Los Angeles).
CA_COUNTIES = (
    "Alameda", "Alpine", "Amador", "Butte", "Calaveras", "Colusa", "Contra Costa", "Del Norte", "El Dorado",
    "Fresno", "Glenn", "Humboldt", "Imperial", "Inyo", "Kern", "Kings", "Lake", "Lassen", "Los Angeles", "Madera",
    "Marin", "Mariposa", "Mendocino", "Merced", "Modoc", "Mono", "Monterey", "Napa", "Nevada", "Orange", "Placer",
    "Plumas", "Riverside", "Sacramento", "San Benito", "San Bernardino", "San Diego", "San Francisco", "San Joaquin",
    "San Luis Obispo", "San Mateo", "Santa Barbara", "Santa Clara", "Santa Cruz", "Shasta", "Sierra", "Siskiyou",
    "Solano", "Sonoma", "Stanislaus", "Sutter", "Tehama", "Trinity", "Tulare", "Tuolumne", "Ventura", "Yolo", "Yuba",
)  # fmt: skip
# PractitionerRole.code (ProviderRoleCS) from the NUCC taxonomy: the codes are the NUCC classifications and
# groupings, so a specialization, then the classification, then the grouping of each taxonomy code decides.
ROLE_DISPLAY = {
    "ph": "Physician", "pa": "Physician Assistant", "apn": "Advanced Practice Nursing Providers",
    "cnw": "Certified Nurse Midwife", "rn": "Registered Nurse", "lpn": "Licensed Practical Nurse",
    "nu": "Nursing Service Related Providers", "co": "Counselor", "py": "Psychologist", "sw": "Social Worker",
    "mt": "Marriage/Family Therapist", "ba": "Board Certified Behavior Analyst",
    "bh": "Behavioral Health & Social Service Providers", "de": "Dentist", "dp": "Dental Provider",
    "ch": "Chiropractor", "oo": "Optometrist", "op": "Optician", "po": "Podiatrist", "pt": "Physical Therapist",
    "ot": "Occupational Therapist", "rt": "Respiratory Therapist", "at": "Athletic Trainer",
    "ma": "Massage Therapist", "drr": "Developmental, Rehabilitative and Restorative Service Providers",
    "sp": "Speech Language Pathologist", "au": "Audiologist", "sh": "Speech, Language and Hearing Service Providers",
    "na": "Naturopath", "ho": "Homeopath", "nh": "Naprapath", "os": "Other Service Provider",
    "rx": "Pharmacy Service Providers", "dn": "Dietary and Nutritional Service Provider",
    "em": "Emergency Medical Service Provider", "te": "Technologists, Technicians and Other Technical Service Providers",
}  # fmt: skip
_ROLE_BY_SPECIALIZATION = {"Optician": "op", "Athletic Trainer": "at"}
_ROLE_BY_CLASSIFICATION = {
    "Physician Assistant": "pa", "Advanced Practice Midwife": "cnw", "Registered Nurse": "rn",
    "Licensed Practical Nurse": "lpn", "Licensed Vocational Nurse": "lpn", "Counselor": "co", "Psychologist": "py",
    "Social Worker": "sw", "Marriage & Family Therapist": "mt", "Behavior Analyst": "ba", "Dentist": "de",
    "Chiropractor": "ch", "Optometrist": "oo", "Podiatrist": "po", "Physical Therapist": "pt",
    "Occupational Therapist": "ot", "Respiratory Therapist, Certified": "rt", "Respiratory Therapist, Registered": "rt",
    "Massage Therapist": "ma", "Speech-Language Pathologist": "sp", "Audiologist": "au", "Naturopath": "na",
    "Homeopath": "ho", "Naprapath": "nh",
}  # fmt: skip
_ROLE_BY_GROUPING = {
    "Allopathic & Osteopathic Physicians": "ph", "Behavioral Health & Social Service Providers": "bh",
    "Chiropractic Providers": "ch", "Dental Providers": "dp", "Dietary & Nutritional Service Providers": "dn",
    "Emergency Medical Service Providers": "em", "Nursing Service Providers": "nu",
    "Nursing Service Related Providers": "nu", "Other Service Providers": "os", "Pharmacy Service Providers": "rx",
    "Physician Assistants & Advanced Practice Nursing Providers": "apn",
    "Podiatric Medicine & Surgery Service Providers": "po",
    "Respiratory, Developmental, Rehabilitative and Restorative Service Providers": "drr",
    "Speech, Language and Hearing Service Providers": "sh",
    "Technologists, Technicians & Other Technical Service Providers": "te",
}  # fmt: skip


@dataclass(frozen=True)
class PlanFacts:
    """What the aligned pairs say about a plan: their service-area counties and plan years."""

    counties: tuple[str, ...] = ()
    years: tuple[int, ...] = ()


@dataclass(frozen=True)
class StatedFacts:
    """Elements a plan's own directory stated for a unified resource (its HealthcareService/Organization)."""

    types: list[dict[str, Any]] = field(default_factory=list)
    endpoints: list[str] = field(default_factory=list)


NO_FACTS = StatedFacts()


def versioned(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource with `meta.versionId`: a digest of everything else (one version per resource)."""
    meta = {k: v for k, v in resource.get("meta", {}).items() if k != "versionId"}
    body = json.dumps({**resource, "meta": meta}, sort_keys=True, separators=(",", ":"), default=str)
    resource["meta"] = {"versionId": hashlib.sha256(body.encode()).hexdigest()[:16], **meta}
    return resource


def role_code(taxonomy_code: str) -> str | None:
    """The ProviderRoleCS code of a NUCC taxonomy code (None when it names no individual's role)."""
    entry = taxonomy_table().get(taxonomy_code)
    if entry is None:
        return None
    return (
        _ROLE_BY_SPECIALIZATION.get(entry.specialization)
        or _ROLE_BY_CLASSIFICATION.get(entry.classification)
        or _ROLE_BY_GROUPING.get(entry.grouping)
    )


def role_codes(specialties: list[str]) -> list[str]:
    return sorted({code for code in (role_code(s) for s in specialties) if code})


@cache
def taxonomy_codes_for_role(code: str) -> tuple[str, ...]:
    """Every NUCC code whose role is `code` (the role search)."""
    return tuple(sorted(t for t in taxonomy_table() if role_code(t) == code))


def county_name(fips: str) -> str | None:
    """`06037` -> `Los Angeles` (California FIPS county codes are odd: the n-th county is 2n-1)."""
    if len(fips) != 5 or not fips.isdigit() or not fips.startswith("06") or int(fips[2:]) % 2 == 0:
        return None
    index = (int(fips[2:]) + 1) // 2
    return CA_COUNTIES[index - 1] if index <= len(CA_COUNTIES) else None


def county_id(fips: str) -> str:
    return f"{COUNTY_PREFIX}{fips}"


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
    if entry.organization_id:
        role["organization"] = {
            "reference": f"Organization/{entry.organization_id}",
            "display": entry.organization_name,
        }
    elif entry.organization_name:
        role["organization"] = {"display": entry.organization_name}
    codes = role_codes(entry.specialties)
    if codes:
        role["code"] = [_coding(CS + "ProviderRoleCS", code, ROLE_DISPLAY[code]) for code in codes]
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


def is_virtual(entry: UnifiedEntry) -> bool:
    return entry.telehealth or not entry.location_id


def _delivery_methods(entry: UnifiedEntry) -> list[dict[str, Any]]:
    """Physical at the practice address; virtual when a plan lists a virtual service (or no address)."""
    out = []
    for code in (["physical"] if entry.location_id else []) + (["virtual"] if is_virtual(entry) else []):
        parts: list[dict[str, Any]] = [
            {"url": "type", "valueCodeableConcept": _coding(CS + "DeliveryMethodCS", code)}
        ]
        if code == "virtual":
            parts += [
                {"url": "virtualModalities", "valueCodeableConcept": _coding(CS + "VirtualModalitiesCS", m)}
                for m in (entry.details or {}).get("virtual_modalities", [])
            ]
        out.append({"url": EXT + "delivery-method", "extension": parts})
    return out


def healthcare_service(entry: UnifiedEntry, facts: StatedFacts = NO_FACTS) -> dict[str, Any]:
    category = {"pharmacy": "pharm", "facility": "outpat"}.get(entry.provider_type, "prov")
    extension = _delivery_methods(entry)
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
    if facts.types:
        service["type"] = facts.types
    if entry.specialties:
        service["specialty"] = _specialties(entry.specialties)
    if entry.location_id:
        service["location"] = [{"reference": f"Location/{entry.location_id}"}]
    if entry.provider_kind == "organization":
        service["providedBy"] = {"reference": f"Organization/{entry.provider_id}"}
    if entry.phone:
        service["telecom"] = _phone(entry)
    if facts.endpoints:
        service["endpoint"] = [{"reference": f"Endpoint/{e}"} for e in facts.endpoints]
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


def provider_organization(entries: list[UnifiedEntry], facts: StatedFacts = NO_FACTS) -> dict[str, Any]:
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
    if facts.endpoints:
        resource["endpoint"] = [{"reference": f"Endpoint/{e}"} for e in facts.endpoints]
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


def county_location(fips: str, last_updated: datetime | None) -> dict[str, Any]:
    """A county of a pair's service area: the coverage area of its plans and networks."""
    name = county_name(fips) or fips
    return {
        "resourceType": "Location",
        "id": county_id(fips),
        "meta": _meta("Location", last_updated),
        "status": "active",
        "name": f"{name} County",
        "description": f"Service area: {name} County, California (FIPS {fips})",
        "address": {"type": "physical", "district": name, "state": "CA", "country": "US"},
        "physicalType": _coding(
            "http://terminology.hl7.org/CodeSystem/location-physical-type", "jdn", "Jurisdiction"
        ),
    }


def plan_period(years: tuple[int, ...]) -> dict[str, str] | None:
    """The plan years of the pairs a plan belongs to, as one Period (None without any)."""
    if not years:
        return None
    return {"start": date(min(years), 1, 1).isoformat(), "end": date(max(years), 12, 31).isoformat()}


def network(plan: Plan, facts: PlanFacts) -> dict[str, Any]:
    """A plan's network; its coverage area is the pairs' counties, its period their plan years."""
    kind = "Medicare D-SNP" if plan.kind == "medicare_dsnp" else "Medi-Cal"
    extension: list[dict[str, Any]] = [
        {"url": EXT + "location-reference", "valueReference": {"reference": f"Location/{county_id(c)}"}}
        for c in facts.counties
    ]
    period = plan_period(facts.years)
    if period:
        extension.append({"url": ORGANIZATION_PERIOD, "valuePeriod": period})
    resource: dict[str, Any] = {
        "resourceType": "Organization",
        "id": network_id(plan),
        "meta": _meta("Network", plan.updated_at),
        "active": True,
        "type": [_coding(CS + "OrgTypeCS", "ntwk", "Network")],
        "name": f"{plan.name} ({kind} network)",
        "partOf": {"reference": f"Organization/payer-{plan.parent.code}"},
        "endpoint": [{"reference": f"Endpoint/{ENDPOINT_ID}"}],
    }
    if extension:
        resource["extension"] = extension
    return resource


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


def insurance_plan(plan: Plan, facts: PlanFacts) -> dict[str, Any]:
    product = "mediadvhmo" if plan.kind == "medicare_dsnp" else "medihmo"
    identifier = plan.display_key if plan.kind == "medicare_dsnp" else plan.dhcs_plan_code
    system = (
        "http://cms.gov/medicare/ma-plan-id"
        if plan.kind == "medicare_dsnp"
        else "urn:memberhub:dhcs-plan-code"
    )
    payer_ref = {"reference": f"Organization/payer-{plan.parent.code}"}
    resource: dict[str, Any] = {
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
    if facts.counties:
        resource["coverageArea"] = [{"reference": f"Location/{county_id(c)}"} for c in facts.counties]
    return resource


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


ENDPOINT_STATUSES = frozenset({"active", "suspended", "error", "off", "entered-in-error", "test"})


def _clean_coding(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict) or not isinstance(value.get("code"), str):
        return None
    return {k: value[k] for k in ("system", "code", "display") if isinstance(value.get(k), str) and value[k]}


def clean_concept(value: Any) -> dict[str, Any] | None:
    """A CodeableConcept as stated by a plan, reduced to its codings (system, code, display) and text."""
    if not isinstance(value, dict):
        return None
    codings = [c for c in (_clean_coding(x) for x in value.get("coding") or [] if isinstance(x, dict)) if c]
    concept: dict[str, Any] = {"coding": codings} if codings else {}
    if isinstance(value.get("text"), str) and value["text"]:
        concept["text"] = value["text"]
    return concept or None


def stated_endpoint(
    endpoint_id: str, content: dict[str, Any], last_updated: datetime | None
) -> dict[str, Any] | None:
    """An Endpoint a plan's directory states (its technical elements), or None when it lacks a required one."""
    connection = _clean_coding(content.get("connectionType"))
    payload = [
        c for c in (clean_concept(p) for p in content.get("payloadType") or [] if isinstance(p, dict)) if c
    ]
    address, status = content.get("address"), content.get("status")
    if (
        not connection
        or not payload
        or not isinstance(address, str)
        or not address
        or status not in ENDPOINT_STATUSES
    ):
        return None
    resource: dict[str, Any] = {
        "resourceType": "Endpoint",
        "id": endpoint_id,
        "meta": _meta("Endpoint", last_updated),
        "status": status,
        "connectionType": connection,
        "payloadType": payload,
        "address": address,
    }
    if isinstance(content.get("name"), str) and content["name"]:
        resource["name"] = content["name"]
    mime = [m for m in content.get("payloadMimeType") or [] if isinstance(m, str) and m]
    if mime:
        resource["payloadMimeType"] = mime
    return resource
