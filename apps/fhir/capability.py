"""The server's CapabilityStatement, generated from the search handlers (advertises only what works)."""

from typing import Any

from apps.fhir.search import HANDLERS

PLAN_NET_CAPABILITY = "http://hl7.org/fhir/us/davinci-pdex-plan-net/CapabilityStatement/plan-net"


def capability_statement(base_url: str) -> dict[str, Any]:
    resources = []
    for type_name, handler in HANDLERS.items():
        entry: dict[str, Any] = {
            "type": type_name,
            "profile": handler.profiles[0],
            "supportedProfile": handler.profiles,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "referencePolicy": ["resolves"],
            "searchParam": [
                {"name": p.name, "definition": p.definition, "type": p.type} for p in handler.params
            ],
        }
        if handler.includes:
            entry["searchInclude"] = handler.includes
        if handler.revincludes:
            entry["searchRevInclude"] = handler.revincludes
        resources.append(entry)
    return {
        "resourceType": "CapabilityStatement",
        "id": "memberhub-plan-net",
        "url": f"{base_url}/metadata",
        "name": "MemberhubPlanNetServer",
        "title": "memberhub unified provider directory (Da Vinci PDex Plan-Net)",
        "status": "active",
        "date": "2026-11-29",
        "publisher": "memberhub",
        "description": (
            "Read-only Plan-Net server over the unified directory of each aligned Medi-Medi plan pair: "
            "the D-SNP network and the Medi-Cal network, merged per provider and practice address."
        ),
        "kind": "instance",
        "instantiates": [PLAN_NET_CAPABILITY],
        "software": {"name": "memberhub"},
        "implementation": {"description": "memberhub FHIR endpoint", "url": base_url},
        "fhirVersion": "4.0.1",
        "format": ["json", "application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "No authentication (CMS Provider Directory API). JSON only. Paging with _count/_offset.",
                "resource": resources,
            }
        ],
    }
