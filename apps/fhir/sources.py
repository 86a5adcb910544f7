"""What the plans' own directories stated, for elements the unified layer does not carry (read-only).

The import keeps catalog resources (HealthcareService, Organization, Endpoint, ...) as stated, per plan
(`SourceResource`), and every unified entry names the source resources it was built from
(`UnifiedEntry.sources[*].resources`, per plan). A unified HealthcareService / provider Organization
therefore shows the `type` and `endpoint` its plans' resources state, and searching them finds the
entries built from the resources that state the value.

Only relative references (`Endpoint/<id>`) count, for display and search alike. An Endpoint is served
(`ep-<uuid5>`) when the plan's directory holds it with every element FHIR requires.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, F, Func, Q
from django.db.models.expressions import Expression

from apps.directory.models import SourceResource, UnifiedEntry, uuid5_text
from apps.fhir import resources as R
from apps.plans.models import AlignedPlanPair

NOTHING = Q(pk__in=[])


class JsonContainsAny(Func):
    """`<jsonb column> @> ANY(<json texts>::jsonb[])`: one array parameter instead of a chain of ORs."""

    output_field = BooleanField()

    def __init__(self, column: str, values: list[str]) -> None:
        super().__init__(F(column))
        self.values = values

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, list[Any]]:
        expression: Expression = self.source_expressions[0]
        sql, params = compiler.compile(expression)
        return f"({sql} @> ANY(%s::jsonb[]))", [*params, self.values]


@dataclass(frozen=True)
class StatedEndpoint:
    id: str
    plan_code: str
    resource_id: str
    resource: dict[str, Any]


def endpoint_id(plan_code: str, resource_id: str) -> str:
    return "ep-" + uuid5_text(f"{plan_code}|endpoint|{resource_id}")


def _pair_plans_q() -> Q:
    return Q(plan_id__in=AlignedPlanPair.objects.values("medicare_plan_id")) | Q(
        plan_id__in=AlignedPlanPair.objects.values("medi_cal_plan_id")
    )


def _keys_q(keys: Iterable[tuple[str, str]]) -> Q:
    by_plan: dict[str, set[str]] = {}
    for plan_code, resource_id in keys:
        by_plan.setdefault(plan_code, set()).add(resource_id)
    q = Q()
    for plan_code, ids in sorted(by_plan.items()):
        q |= Q(plan__code=plan_code, resource_id__in=sorted(ids))
    return q if by_plan else NOTHING


def stated_endpoints(keys: Iterable[tuple[str, str]] | None = None) -> list[StatedEndpoint]:
    """The servable Endpoints of the pairs' plans' directories (only `keys` = (plan code, id) if given)."""
    qs = SourceResource.objects.filter(_pair_plans_q(), resource_type="Endpoint")
    if keys is not None:
        qs = qs.filter(_keys_q(keys))
    out = []
    rows = qs.order_by("plan__code", "resource_id").values_list(
        "plan__code", "resource_id", "content", "last_updated"
    )
    for plan_code, resource_id, content, last_updated in rows:
        ep_id = endpoint_id(plan_code, resource_id)
        resource = R.stated_endpoint(ep_id, content, last_updated) if isinstance(content, dict) else None
        if resource is not None:
            out.append(StatedEndpoint(ep_id, plan_code, resource_id, resource))
    return out


def _endpoint_refs(value: Any) -> list[str]:
    refs = value if isinstance(value, list) else []
    out = []
    for ref in refs:
        text = ref.get("reference") if isinstance(ref, dict) else None
        if isinstance(text, str) and text.startswith("Endpoint/") and text.count("/") == 1:
            out.append(text.removeprefix("Endpoint/"))
    return out


def _source_refs(entries: Iterable[UnifiedEntry], resource_type: str) -> dict[Any, set[tuple[str, str]]]:
    """Per entry: the (plan code, id) of the `resource_type` resources it was built from."""
    out: dict[Any, set[tuple[str, str]]] = {}
    prefix = f"{resource_type}/"
    for entry in entries:
        keys = out.setdefault(entry.pk, set())
        for source in entry.sources or []:
            for ref in source.get("resources", []):
                if ref.startswith(prefix):
                    keys.add((source.get("plan", ""), ref.removeprefix(prefix)))
    return out


def stated_facts(entries: list[UnifiedEntry], resource_type: str) -> dict[Any, R.StatedFacts]:
    """Per entry: the types and served endpoints its plans' `resource_type` resources state (2 queries)."""
    refs = _source_refs(entries, resource_type)
    wanted = set().union(*refs.values()) if refs else set()
    if not wanted:
        return {}
    stated: dict[tuple[str, str], tuple[Any, Any]] = {}
    rows = SourceResource.objects.filter(_keys_q(wanted), resource_type=resource_type).values_list(
        "plan__code", "resource_id", "content__type", "content__endpoint"
    )
    for plan_code, resource_id, stated_type, stated_endpoint in rows:
        stated[(plan_code, resource_id)] = (stated_type, stated_endpoint)
    endpoint_keys = {
        (plan_code, ep) for (plan_code, _rid), (_t, eps) in stated.items() for ep in _endpoint_refs(eps)
    }
    served = (
        {(e.plan_code, e.resource_id): e.id for e in stated_endpoints(endpoint_keys)} if endpoint_keys else {}
    )
    facts: dict[Any, R.StatedFacts] = {}
    for entry_id, keys in refs.items():
        types: list[dict[str, Any]] = []
        endpoints: list[str] = []
        for plan_code, resource_id in sorted(keys):
            found_types, found_endpoints = stated.get((plan_code, resource_id), (None, None))
            for concept in found_types if isinstance(found_types, list) else []:
                clean = R.clean_concept(concept)
                if clean and clean not in types:
                    types.append(clean)
            for ep in _endpoint_refs(found_endpoints):
                served_id = served.get((plan_code, ep))
                if served_id and served_id not in endpoints:
                    endpoints.append(served_id)
        facts[entry_id] = R.StatedFacts(types=types, endpoints=endpoints)
    return facts


def facts_of_group(facts: dict[Any, R.StatedFacts], entries: Iterable[UnifiedEntry]) -> R.StatedFacts:
    """The facts of several entries (one provider's locations) united."""
    types: list[dict[str, Any]] = []
    endpoints: list[str] = []
    for entry in entries:
        found = facts.get(entry.pk, R.NO_FACTS)
        types += [t for t in found.types if t not in types]
        endpoints += [e for e in found.endpoints if e not in endpoints]
    return R.StatedFacts(types=types, endpoints=endpoints)


def _entries_built_from(resource_type: str, source_q: Q) -> Q:
    rows = (
        SourceResource.objects.filter(_pair_plans_q(), source_q, resource_type=resource_type)
        .order_by("plan__code", "resource_id")
        .values_list("plan__code", "resource_id")
    )
    values = [json.dumps([{"plan": plan, "resources": [f"{resource_type}/{rid}"]}]) for plan, rid in rows]
    return Q(JsonContainsAny("sources", values)) if values else NOTHING


def entries_stating(resource_type: str, content: dict[str, Any]) -> Q:
    """Entries built from a `resource_type` resource whose stated content contains `content` (1 query)."""
    return _entries_built_from(resource_type, Q(content__contains=content))


def entries_stating_endpoints(resource_type: str, endpoint_ids: set[str]) -> Q:
    """Entries whose `resource_type` source resources reference one of these served Endpoints (2 queries)."""
    wanted = [ep for ep in stated_endpoints() if ep.id in endpoint_ids]
    if not wanted:
        return NOTHING
    source_q = Q()
    for ep in wanted:
        source_q |= Q(
            plan__code=ep.plan_code,
            content__contains={"endpoint": [{"reference": f"Endpoint/{ep.resource_id}"}]},
        )
    return _entries_built_from(resource_type, source_q)
