"""The server's CapabilityStatement, generated from the search handlers (advertises only what works).

FHIR R4 has no element for chained search support, so each chainable searchParam says in its
`documentation` which chained parameters it takes (`Chains: `a`, `b``), and the resource's
`documentation` sums them up; the `definition` it points to is the Plan-Net SearchParameter whose
`chain` list they come from.
"""

from typing import Any

from apps.fhir.search import HANDLERS, Handler, Param, supported_chains

PLAN_NET_CAPABILITY = "http://hl7.org/fhir/us/davinci-pdex-plan-net/CapabilityStatement/plan-net"
CHAINS_PREFIX = "Chains: "


def _search_param(param: Param) -> dict[str, Any]:
    item: dict[str, Any] = {"name": param.name, "definition": param.definition, "type": param.type}
    chains = supported_chains(param)
    if chains:
        item["documentation"] = (
            CHAINS_PREFIX
            + ", ".join(f"`{c}`" for c in chains)
            + (f" (chained search on the referenced {param.target}, e.g. `{param.name}.{chains[0]}=...`)")
        )
    return item


def _resource_documentation(handler: Handler) -> str:
    chained = [f"`{p.name}.{c}`" for p in handler.params for c in supported_chains(p)]
    text = (
        "One version per resource: `meta.versionId` is a digest of the content; vread "
        "(`_history/<versionId>`) answers the current version and 404 for any other."
    )
    if chained:
        text += " Chained search parameters: " + ", ".join(chained) + "."
    return text


def capability_statement(base_url: str) -> dict[str, Any]:
    resources = []
    for type_name, handler in HANDLERS.items():
        entry: dict[str, Any] = {
            "type": type_name,
            "profile": handler.profiles[0],
            "supportedProfile": handler.profiles,
            "documentation": _resource_documentation(handler),
            "interaction": [{"code": "read"}, {"code": "vread"}, {"code": "search-type"}],
            "versioning": "versioned",
            "readHistory": False,
            "referencePolicy": ["resolves"],
            "searchParam": [_search_param(p) for p in handler.params],
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
                "documentation": (
                    "No authentication (CMS Provider Directory API). JSON only. Paging with _count/_offset. "
                    "Forward chaining (up to 2 links) on the reference parameters whose Plan-Net "
                    "SearchParameter declares a `chain`, limited to the chained parameters this server "
                    "implements (listed per searchParam). Unknown parameters and chains answer 400."
                ),
                "resource": resources,
            }
        ],
    }
