"""Plan-Net search over the unified directory: one handler per resource type.

Each handler declares its search parameters (the CapabilityStatement is generated from these
declarations, so everything it advertises is implemented), its _include/_revinclude, and how to
read one resource. Unknown parameters are refused with 400 (the Plan-Net server rule).

Chaining (`PractitionerRole?location.address-city=...`): a reference parameter declares the `chain` of
its Plan-Net SearchParameter; a chained name is accepted when it is in that list and the target type
implements it (`supported_chains`). The target handler turns the chained parameter into `Targets`: the
catalog ids it matches and/or a filter on unified entries whose id column holds the matching ids, used
as a subquery, so a chain costs no extra round trip per row. Chains nest (`location.organization.name`)
up to MAX_CHAIN links.

Plan-Net parameters not served, because the import does not keep the data (the Plan-Net reader drops
it, and the source layer keeps no Location, Practitioner, PractitionerRole or OrganizationAffiliation
resource as stated): PractitionerRole/OrganizationAffiliation `endpoint` and `period`, Practitioner
`period`, Location `endpoint`, `partof` and `type`, HealthcareService `coverage-area` (its Locations are
regions the import does not keep). InsurancePlan `plan-type` (QHP cost-sharing tiers) does not apply to
D-SNP and Medi-Cal plans. Reverse chaining (`_has`) is not implemented. All answer 400.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_date, parse_datetime

from apps.directory.models import UnifiedEntry
from apps.fhir import resources as R
from apps.fhir import sources
from apps.plans.models import AlignedPlanPair, ParentOrganization, Plan
from memberhub.directory.geo import bounding_box, haversine_miles

PN_SP = "http://hl7.org/fhir/us/davinci-pdex-plan-net/SearchParameter/"
BASE_SP = "http://hl7.org/fhir/SearchParameter/"
CONTROL = {"_count", "_offset", "_include", "_revinclude", "_format", "_summary"}
ENTRY_SELECT = ("pair", "pair__medicare_plan", "pair__medi_cal_plan", "pair__medicare_plan__parent",
                "pair__medi_cal_plan__parent")  # fmt: skip
MAX_CHAIN = 2
NOTHING = sources.NOTHING
# The UnifiedEntry column holding the id of each entry-backed type (what a chain's subquery selects).
TARGET_COLUMN = {"Practitioner": "provider_id", "Organization": "provider_id", "Location": "location_id",
                 "HealthcareService": "id"}  # fmt: skip


class FhirError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def bad(message: str) -> FhirError:
    return FhirError(400, "invalid", message)


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    definition: str
    target: str | None = None
    chain: tuple[str, ...] = ()  # the SearchParameter's `chain` (what Plan-Net allows to chain on)


@dataclass(frozen=True)
class SearchParam:
    """One parsed search parameter; `chain` is the chained parameter of the target (`name.chain=value`)."""

    name: str
    modifier: str
    value: str
    chain: "SearchParam | None" = None


@dataclass
class Page:
    matches: list[dict[str, Any]]
    includes: list[dict[str, Any]]
    total: int
    has_more: bool


@dataclass
class Targets:
    """What a chained parameter matched: catalog ids, and unified entries whose id column holds ids."""

    ids: set[str] = field(default_factory=set)
    entries: Q | None = None


# ------------------------------------------------------------------------------------- value parsing


def ref_id(value: str, *types: str) -> str:
    """`Type/id`, an absolute URL ending in Type/id, or a bare id -> id (checked against `types`)."""
    parts = value.rstrip("/").split("/")
    if len(parts) >= 2:
        if types and parts[-2] not in types:
            raise bad(f"reference {value!r} must point to {' or '.join(types)}")
        return parts[-1]
    return value


def as_uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


def token(value: str) -> str:
    """The code of `system|code` or `code`."""
    return value.split("|", 1)[1] if "|" in value else value


def token_parts(value: str) -> tuple[str | None, str]:
    """(system or None, code) of `system|code`, `|code` or `code`."""
    if "|" not in value:
        return None, value
    system, code = value.split("|", 1)
    return system or None, code


def entry_ref(value: str, suffixes: str) -> tuple[UUID | None, str | None]:
    """`<uuid>-m` -> (uuid, 'm'); suffix must be one of `suffixes`."""
    match = re.fullmatch(r"([0-9a-fA-F-]{36})-([a-z])", value)
    if not match or match.group(2) not in suffixes:
        return None, None
    return as_uuid(match.group(1)), match.group(2)


def parse_fhir_date(value: str) -> tuple[str, datetime | date]:
    """(prefix, moment) of a FHIR date search value; date-times without zone are taken as UTC."""
    match = re.fullmatch(r"(eq|ne|gt|lt|ge|le|sa|eb)?(.+)", value)
    assert match is not None
    prefix, text = match.group(1) or "eq", match.group(2)
    moment: datetime | date | None
    try:
        moment = parse_datetime(text) if "T" in text else parse_date(text)
    except ValueError:
        moment = None
    if moment is None:
        raise bad(f"_lastUpdated: {text!r} is not a FHIR date")
    if isinstance(moment, datetime) and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return prefix, moment


def date_filter(field_name: str, value: str) -> Q:
    prefix, moment = parse_fhir_date(value)
    lookup = {"gt": "gt", "sa": "gt", "lt": "lt", "eb": "lt", "ge": "gte", "le": "lte"}.get(prefix)
    if isinstance(moment, datetime):
        if prefix == "eq":
            return Q(**{field_name: moment})
        if prefix == "ne":
            return ~Q(**{field_name: moment})
        return Q(**{f"{field_name}__{lookup}": moment})
    if prefix == "eq":
        return Q(**{f"{field_name}__date": moment})
    if prefix == "ne":
        return ~Q(**{f"{field_name}__date": moment})
    return Q(**{f"{field_name}__date__{lookup}": moment})


_DATE_VALUE = re.compile(
    r"(eq|ne|gt|lt|ge|le|sa|eb|ap)?(\d{4})(?:-(\d{2})(?:-(\d{2})(T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?)?)?"
)
_NEVER, _EVER = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)


def date_range(value: str) -> tuple[str, datetime, datetime]:
    """(prefix, start, end) of a FHIR date search value: the range its precision implies, [start, end)."""
    match = _DATE_VALUE.fullmatch(value)
    if match is None:
        raise bad(f"{value!r} is not a FHIR date search value")
    prefix, year, month, day, clock = match.groups()
    if prefix == "ap":
        raise bad("the ap (approximately) date prefix is not supported")
    try:
        if clock:
            start = parse_datetime(f"{year}-{month}-{day}{clock}")
            if start is None:
                raise ValueError(value)
            start = start if start.tzinfo else start.replace(tzinfo=UTC)
            return prefix or "eq", start, start + timedelta(seconds=1)
        first = date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise bad(f"{value!r} is not a FHIR date") from exc
    if day:
        last = first + timedelta(days=1)
    elif month:
        last = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    else:
        last = date(first.year + 1, 1, 1)
    return prefix or "eq", datetime.combine(first, time(), UTC), datetime.combine(last, time(), UTC)


def period_matches(value: str, period: dict[str, str] | None) -> bool:
    """FHIR date search semantics against a Period (inclusive dates; a missing end is open)."""
    if not period:
        return False
    prefix, low, high = date_range(value)
    start = parse_date(period.get("start", "") or "")
    end = parse_date(period.get("end", "") or "")
    begins = datetime.combine(start, time(), UTC) if start else _NEVER
    ends = datetime.combine(end + timedelta(days=1), time(), UTC) if end else _EVER
    inside = low <= begins and ends <= high
    return {
        "eq": inside, "ne": not inside, "gt": ends > high, "lt": begins < low, "ge": ends > high or inside,
        "le": begins < low or inside, "sa": begins >= high, "eb": ends <= low,
    }[prefix]  # fmt: skip


def string_q(fields: Iterable[str], value: str, modifier: str) -> Q:
    q = Q()
    for name in fields:
        if modifier == "exact":
            q |= Q(**{name: value})
        elif modifier == "contains":
            q |= Q(**{f"{name}__icontains": value})
        else:
            q |= Q(**{f"{name}__istartswith": value})
    return q


def parse_near(value: str) -> tuple[float, float, float]:
    parts = value.split("|")
    try:
        lat, lon = float(parts[0]), float(parts[1])
        distance = float(parts[2]) if len(parts) > 2 and parts[2] else 10.0
    except (ValueError, IndexError) as exc:
        raise bad("near must be latitude|longitude|distance|units (mi or km)") from exc
    unit = parts[3] if len(parts) > 3 and parts[3] else "mi"
    if unit in ("km", "[km]"):
        distance /= 1.609344
    elif unit not in ("mi", "[mi_i]", "mi_i"):
        raise bad("near units must be mi or km")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or distance <= 0 or distance > 200:
        raise bad("near: coordinates out of range or distance not in (0, 200] miles")
    return lat, lon, distance


def _string_match(text: str, value: str, modifier: str) -> bool:
    text, value = text.lower(), value.lower()
    if modifier == "exact":
        return text == value
    if modifier == "contains":
        return value in text
    return text.startswith(value) or f" {value}" in text


def _date_match(instant: str, value: str) -> bool:
    prefix, given = parse_fhir_date(value)
    stamp = parse_datetime(instant)
    assert stamp is not None
    left: Any = stamp if isinstance(given, datetime) else stamp.date()
    return {
        "eq": left == given, "ne": left != given, "gt": left > given, "sa": left > given, "lt": left < given,
        "eb": left < given, "ge": left >= given, "le": left <= given,
    }[prefix]  # fmt: skip


# ------------------------------------------------------------------------------------- shared reads


def _entries() -> QuerySet[UnifiedEntry]:
    return UnifiedEntry.objects.select_related(*ENTRY_SELECT)


def _page_entries(qs: QuerySet[UnifiedEntry], count: int, offset: int) -> tuple[list[UnifiedEntry], bool]:
    rows = list(qs.order_by("id")[offset : offset + count + 1])
    return rows[:count], len(rows) > count


def _providers(ids: set[Any]) -> dict[Any, list[UnifiedEntry]]:
    grouped: dict[Any, list[UnifiedEntry]] = {}
    for entry in _entries().filter(provider_id__in=ids).order_by("address_key", "id"):
        grouped.setdefault(entry.provider_id, []).append(entry)
    return grouped


def _locations(ids: set[Any]) -> list[dict[str, Any]]:
    seen: dict[Any, UnifiedEntry] = {}
    for entry in _entries().filter(location_id__in=ids).order_by("location_id", "id"):
        seen.setdefault(entry.location_id, entry)
    return [R.location(e) for e in seen.values()]


def _services(entries: list[UnifiedEntry]) -> list[dict[str, Any]]:
    """HealthcareServices of entries, with what their plans' services state (type, endpoint): 2 queries."""
    facts = sources.stated_facts(entries, "HealthcareService")
    return [R.healthcare_service(e, facts.get(e.pk, R.NO_FACTS)) for e in entries]


def _organizations(groups: dict[Any, list[UnifiedEntry]]) -> list[dict[str, Any]]:
    """Provider Organizations of grouped entries, with the endpoints their plans' resources state."""
    facts = sources.stated_facts([e for g in groups.values() for e in g], "Organization")
    return [R.provider_organization(g, sources.facts_of_group(facts, g)) for g in groups.values()]


def _plan_facts(plan_ids: Iterable[Any] | None = None) -> dict[Any, R.PlanFacts]:
    """Per plan: the service-area counties and plan years of its aligned pairs (1 query)."""
    pairs = AlignedPlanPair.objects.all()
    if plan_ids is not None:
        ids = list(plan_ids)
        pairs = pairs.filter(Q(medicare_plan_id__in=ids) | Q(medi_cal_plan_id__in=ids))
    counties: dict[Any, set[str]] = {}
    years: dict[Any, set[int]] = {}
    rows = pairs.values_list("medicare_plan_id", "medi_cal_plan_id", "counties", "plan_year")
    for medicare, medi_cal, pair_counties, year in rows:
        for plan_id in (medicare, medi_cal):
            counties.setdefault(plan_id, set()).update(pair_counties or [])
            years.setdefault(plan_id, set()).add(year)
    return {pid: R.PlanFacts(tuple(sorted(counties[pid])), tuple(sorted(years[pid]))) for pid in counties}


def _catalog_plans() -> tuple[list[Plan], dict[Any, R.PlanFacts]]:
    facts = _plan_facts()
    plans = list(Plan.objects.filter(pk__in=list(facts)).select_related("parent").order_by("code"))
    return plans, facts


def _counties(fips: set[str] | None = None) -> list[dict[str, Any]]:
    """County Locations of the pairs' service areas (all, or those in `fips`), in FIPS order (1 query)."""
    updated: dict[str, datetime] = {}
    for pair_counties, stamp in AlignedPlanPair.objects.values_list("counties", "updated_at"):
        for code in pair_counties or []:
            if fips is None or code in fips:
                updated[code] = max(stamp, updated.get(code, stamp))
    return [R.county_location(code, updated[code]) for code in sorted(updated)]


def _coverage(resource: dict[str, Any]) -> list[str]:
    """The Location ids of a coverage area: InsurancePlan.coverageArea, a network's location-reference."""
    refs = [r["reference"] for r in resource.get("coverageArea", [])]
    refs += [
        x["valueReference"]["reference"]
        for x in resource.get("extension", [])
        if x["url"] == R.EXT + "location-reference"
    ]
    return [ref.removeprefix("Location/") for ref in refs]


def _coverage_includes(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    wanted = {loc.removeprefix(R.COUNTY_PREFIX) for resource in resources for loc in _coverage(resource)}
    return _counties(wanted) if wanted else []


def _network_orgs(
    entries: Iterable[UnifiedEntry], sides_of: Callable[[UnifiedEntry], list[str]]
) -> list[dict[str, Any]]:
    plans: dict[str, Plan] = {}
    for entry in entries:
        for side in sides_of(entry):
            plan = R.side_plan(entry.pair, side)
            plans[plan.code] = plan
    if not plans:
        return []
    facts = _plan_facts(p.pk for p in plans.values())
    return [R.network(p, facts.get(p.pk, R.PlanFacts())) for _c, p in sorted(plans.items())]


# ------------------------------------------------------------------------------------ reference params


def supported_chains(param: Param) -> list[str]:
    """The chained parameters accepted on `param`: Plan-Net's `chain` list that the target implements."""
    target = HANDLERS.get(param.target or "")
    return [name for name in param.chain if target is not None and name in target.param_names()]


def entry_ref_q(p: SearchParam, target: str, column: str) -> Q:
    """A reference parameter over a UnifiedEntry column holding the target's id: `Type/id` or a chain."""
    if p.chain is not None:
        found = HANDLERS[target].targets([p.chain])
        if found.entries is None:
            return NOTHING
        return Q(
            **{f"{column}__in": UnifiedEntry.objects.filter(found.entries).values(TARGET_COLUMN[target])}
        )
    raw = ref_id(p.value, target)
    key = entry_ref(raw, "s")[0] if target == "HealthcareService" else as_uuid(raw)
    return Q(**{column: key}) if key else NOTHING


def catalog_ref_ids(p: SearchParam, target: str) -> set[str]:
    """The ids a reference parameter over catalog resources (payers, networks, endpoints) asks for."""
    if p.chain is not None:
        return HANDLERS[target].targets([p.chain]).ids
    return {ref_id(p.value, target)}


# ----------------------------------------------------------------------------------------- handlers


@dataclass
class Handler:
    type: str
    profiles: list[str]
    params: list[Param]
    includes: list[str] = field(default_factory=list)
    revincludes: list[str] = field(default_factory=list)

    def param_names(self) -> set[str]:
        return {p.name for p in self.params}

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def search(self, params: list[SearchParam], count: int, offset: int, include: list[str]) -> Page:
        raise NotImplementedError

    def read(self, resource_id: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def targets(self, params: list[SearchParam]) -> Targets:
        """What `params` match, for a chain from another type (only types that chains point to)."""
        raise bad(f"{self.type} cannot be the target of a chained parameter")


class EntryQuery:
    """Builds a UnifiedEntry filter plus the allowed network sides (and their plans) from search parameters."""

    def __init__(self, kind: str | None) -> None:
        self.q = Q(provider_kind=kind) if kind else Q()
        self.sides = {"m", "c"}
        self.side_plans: dict[str, set[Any] | None] = {"m": None, "c": None}
        self.accepting: str | None = None
        self.empty = False

    def networks(self, network_ids: Iterable[str]) -> None:
        """Only roles in one of these networks (`net-<plan code>`): per side, the plans allowed."""
        codes = sorted({i.removeprefix("net-") for i in network_ids if i.startswith("net-")})
        plans = list(Plan.objects.filter(code__in=codes)) if codes else []
        for side in ("m", "c"):
            ids = {p.pk for p in plans if (p.kind == "medicare_dsnp") == (side == "m")}
            current = self.side_plans[side]
            self.side_plans[side] = ids if current is None else current & ids
        self.sides = {s for s in self.sides if self.side_plans[s]}

    def one_side_q(self, side: str) -> Q:
        flag = Q(in_medicare=True) if side == "m" else Q(in_medi_cal=True)
        if self.accepting:
            flag &= Q(**{("medicare_accepting" if side == "m" else "medi_cal_accepting"): self.accepting})
        plans = self.side_plans[side]
        if plans is not None:
            column = "pair__medicare_plan_id__in" if side == "m" else "pair__medi_cal_plan_id__in"
            flag &= Q(**{column: sorted(plans)})
        return flag

    def side_q(self) -> Q:
        q = Q()
        for side in sorted(self.sides):
            q |= self.one_side_q(side)
        return q if self.sides else NOTHING

    def role_sides(self, entry: UnifiedEntry) -> list[str]:
        out = []
        for side in R.entry_sides(entry):
            if side not in self.sides:
                continue
            if self.accepting and R.side_accepting(entry, side) != self.accepting:
                continue
            plans = self.side_plans[side]
            if plans is not None and R.side_plan(entry.pair, side).pk not in plans:
                continue
            out.append(side)
        return out


def apply_entry_param(eq: EntryQuery, p: SearchParam, *, id_suffixes: str = "mc") -> bool:
    """Parameters shared by the entry-backed types. Returns False if `p` is not one of them."""
    name, value = p.name, p.value
    if name == "_id":
        if id_suffixes == "s":
            entry_id, _ = entry_ref(value, "s")
            eq.q &= Q(pk=entry_id) if entry_id else NOTHING
        else:
            entry_id, side = entry_ref(value, id_suffixes)
            if entry_id is None or side is None:
                eq.empty = True
            else:
                eq.q &= Q(pk=entry_id)
                eq.sides &= {side}
    elif name == "specialty":
        eq.q &= Q(specialties__contains=[token(value)])
    elif name == "location":
        eq.q &= entry_ref_q(p, "Location", "location_id")
    elif name == "service":
        eq.q &= entry_ref_q(p, "HealthcareService", "id")
    elif name == "network":
        eq.networks(catalog_ref_ids(p, "Organization"))
    elif name == "new-patient":
        code = token(value)
        if code not in ("newpt", "nopt", "existptonly", "existptfam"):
            raise bad("new-patient must be newpt, nopt, existptonly or existptfam")
        eq.accepting = code
    elif name == "_lastUpdated":
        eq.q &= date_filter("last_updated", value)
    else:
        return False
    return True


class RoleHandler(Handler):
    """PractitionerRole (practitioner entries) and OrganizationAffiliation (organization entries)."""

    def __init__(self, type_name: str, kind: str, **kwargs: Any) -> None:
        super().__init__(type=type_name, **kwargs)
        self.kind = kind

    def build(self, entry: UnifiedEntry, side: str) -> dict[str, Any]:
        if self.kind == "practitioner":
            return R.practitioner_role(entry, side)
        return R.organization_affiliation(entry, side)

    def role_q(self, value: str) -> Q:
        """PractitionerRole.code comes from the NUCC taxonomy; OrganizationAffiliation.code from the type."""
        system, code = token_parts(value)
        if self.kind == "organization":
            if system not in (None, R.CS + "OrganizationAffiliationRoleCS"):
                return NOTHING
            return {"pharmacy": Q(provider_type="pharmacy"), "outpatient": ~Q(provider_type="pharmacy")}.get(
                code, NOTHING
            )
        codes = R.taxonomy_codes_for_role(code) if system in (None, R.CS + "ProviderRoleCS") else ()
        return Q(specialties__overlap=list(codes)) if codes else NOTHING

    def query(self, params: list[SearchParam]) -> EntryQuery:
        eq = EntryQuery(self.kind)
        for p in params:
            if apply_entry_param(eq, p):
                continue
            if p.name == "practitioner":
                eq.q &= entry_ref_q(p, "Practitioner", "provider_id")
            elif p.name == "participating-organization":
                eq.q &= entry_ref_q(p, "Organization", "provider_id")
            elif p.name == "organization":
                eq.q &= entry_ref_q(p, "Organization", "organization_id")
            elif p.name == "primary-organization":
                ids = catalog_ref_ids(p, "Organization")
                codes = sorted(i.removeprefix("payer-") for i in ids if i.startswith("payer-"))
                eq.q &= Q(pair__parent__code__in=codes) if codes else NOTHING
            elif p.name == "role":
                eq.q &= self.role_q(p.value)
        return eq

    def search(self, params: list[SearchParam], count: int, offset: int, include: list[str]) -> Page:
        eq = self.query(params)
        if eq.empty:
            return Page([], [], 0, False)
        qs = _entries().filter(eq.q & eq.side_q())
        per_entry = 1 if len(eq.sides) == 1 else 2
        entries, has_more = _page_entries(qs, max(1, count // per_entry), offset)
        matches = [self.build(e, side) for e in entries for side in eq.role_sides(e)]
        base = UnifiedEntry.objects.filter(eq.q)
        total = sum(base.filter(eq.one_side_q(side)).count() for side in sorted(eq.sides))
        includes: list[dict[str, Any]] = []
        target = "practitioner" if self.kind == "practitioner" else "participating-organization"
        if f"{self.type}:{target}" in include:
            groups = _providers({e.provider_id for e in entries})
            if self.kind == "practitioner":
                includes += [R.practitioner(g) for g in groups.values()]
            else:
                includes += _organizations(groups)
        if f"{self.type}:organization" in include:
            includes += _organizations(_providers({e.organization_id for e in entries if e.organization_id}))
        if f"{self.type}:location" in include:
            includes += _locations({e.location_id for e in entries if e.location_id})
        if f"{self.type}:network" in include:
            includes += _network_orgs(entries, eq.role_sides)
        if f"{self.type}:service" in include:
            includes += _services(entries)
        return Page(matches, includes, total, has_more)

    def read(self, resource_id: str) -> dict[str, Any] | None:
        entry_id, side = entry_ref(resource_id, "mc")
        if entry_id is None or side is None:
            return None
        entry = _entries().filter(pk=entry_id, provider_kind=self.kind).first()
        if entry is None or side not in R.entry_sides(entry):
            return None
        return self.build(entry, side)


class ServiceHandler(Handler):
    def query(self, params: list[SearchParam]) -> EntryQuery:
        eq = EntryQuery(None)
        for p in params:
            if apply_entry_param(eq, p, id_suffixes="s"):
                continue
            if p.name == "service-category":
                types = {"pharm": ["pharmacy"], "outpat": ["facility"], "prov": ["practitioner"]}.get(
                    token(p.value), []
                )
                eq.q &= Q(provider_type__in=types)
            elif p.name == "organization":
                eq.q &= Q(provider_kind="organization") & entry_ref_q(p, "Organization", "provider_id")
            elif p.name == "name":
                eq.q &= string_q(["name", "search_name"], p.value, p.modifier)
            elif p.name == "delivery-method":
                methods = {
                    "physical": Q(location_id__isnull=False),
                    "virtual": Q(telehealth=True) | Q(location_id=None),
                }
                system, code = token_parts(p.value)
                known = system in (None, R.CS + "DeliveryMethodCS")
                eq.q &= methods.get(code, NOTHING) if known else NOTHING
            elif p.name == "service-type":
                system, code = token_parts(p.value)
                coding = {"code": code, **({"system": system} if system else {})}
                eq.q &= sources.entries_stating("HealthcareService", {"type": [{"coding": [coding]}]})
            elif p.name == "endpoint":
                eq.q &= sources.entries_stating_endpoints("HealthcareService", catalog_ref_ids(p, "Endpoint"))
        return eq

    def targets(self, params: list[SearchParam]) -> Targets:
        eq = self.query(params)
        return Targets(entries=NOTHING if eq.empty else eq.q & eq.side_q())

    def search(self, params: list[SearchParam], count: int, offset: int, include: list[str]) -> Page:
        eq = self.query(params)
        if eq.empty:
            return Page([], [], 0, False)
        qs = _entries().filter(eq.q & eq.side_q())
        entries, has_more = _page_entries(qs, count, offset)
        includes: list[dict[str, Any]] = []
        if "HealthcareService:location" in include:
            includes += _locations({e.location_id for e in entries if e.location_id})
        if "HealthcareService:organization" in include:
            includes += _organizations(
                _providers({e.provider_id for e in entries if e.provider_kind == "organization"})
            )
        return Page(_services(entries), includes, qs.count(), has_more)

    def read(self, resource_id: str) -> dict[str, Any] | None:
        entry_id, _ = entry_ref(resource_id, "s")
        entry = _entries().filter(pk=entry_id).first() if entry_id else None
        return _services([entry])[0] if entry else None


class PractitionerHandler(Handler):
    def query(self, params: list[SearchParam]) -> Q:
        q = Q(provider_kind="practitioner")
        for p in params:
            name, modifier, value = p.name, p.modifier, p.value
            if name == "_id":
                pid = as_uuid(value)
                q &= Q(provider_id=pid) if pid else NOTHING
            elif name == "name":
                for word in value.lower().split():
                    q &= string_q(["search_name"], word, modifier) | Q(search_name__icontains=f" {word}")
            elif name == "family":
                q &= string_q(["family_name"], value, modifier)
            elif name == "given":
                q &= (
                    Q(given_names__icontains=value)
                    if modifier == "contains"
                    else string_q(["search_name"], value, modifier)
                )
            elif name == "_lastUpdated":
                q &= date_filter("last_updated", value)
        return q

    def targets(self, params: list[SearchParam]) -> Targets:
        return Targets(entries=self.query(params))

    def search(self, params: list[SearchParam], count: int, offset: int, include: list[str]) -> Page:
        ids_qs = (
            UnifiedEntry.objects.filter(self.query(params))
            .values_list("provider_id", flat=True)
            .distinct()
            .order_by("provider_id")
        )
        ids = list(ids_qs[offset : offset + count + 1])
        has_more = len(ids) > count
        ids = ids[:count]
        groups = _providers(set(ids))
        matches = [R.practitioner(groups[i]) for i in ids if i in groups]
        includes: list[dict[str, Any]] = []
        if "PractitionerRole:practitioner" in include:
            for group in groups.values():
                includes += [R.practitioner_role(e, s) for e in group for s in R.entry_sides(e)]
        return Page(matches, includes, ids_qs.count(), has_more)

    def read(self, resource_id: str) -> dict[str, Any] | None:
        pid = as_uuid(resource_id)
        group = _providers({pid}).get(pid) if pid else None
        return R.practitioner(group) if group and group[0].provider_kind == "practitioner" else None


def _county_text(county: dict[str, Any]) -> str:
    address = county["address"]
    return f"{county['name']} {address['district']} {address['state']}".upper()


class LocationHandler(Handler):
    """Practice addresses (unified entries) and, first, the counties of the pairs' service areas."""

    def match(
        self, params: list[SearchParam]
    ) -> tuple[list[dict[str, Any]], Q, tuple[float, float, float] | None]:
        counties = _counties()
        q = Q(location_id__isnull=False)
        near = None
        for p in params:
            name, modifier, value = p.name, p.modifier, p.value
            if name == "_id":
                counties = [c for c in counties if c["id"] == value]
                loc = as_uuid(value)
                q &= Q(location_id=loc) if loc else NOTHING
            elif name == "address":
                counties = [c for c in counties if value.upper() in _county_text(c)]
                q &= string_q(["address_key", "city", "postal_code", "state"], value.upper(), "contains")
            elif name == "address-city":
                counties = []
                q &= string_q(["city"], value, modifier)
            elif name == "address-state":
                counties = [c for c in counties if _string_match(c["address"]["state"], value, modifier)]
                q &= string_q(["state"], value, modifier)
            elif name == "address-postalcode":
                counties = []
                q &= string_q(["postal_code"], value, modifier)
            elif name == "organization":
                counties = []
                q &= Q(provider_kind="organization") & entry_ref_q(p, "Organization", "provider_id")
            elif name == "near":
                counties = []
                near = parse_near(value)
                box = bounding_box(near[0], near[1], near[2])
                q &= Q(lat__gte=box.min_lat, lat__lte=box.max_lat, lon__gte=box.min_lon, lon__lte=box.max_lon)
            elif name == "_lastUpdated":
                counties = [c for c in counties if _date_match(c["meta"]["lastUpdated"], value)]
                q &= date_filter("last_updated", value)
        return counties, q, near

    def targets(self, params: list[SearchParam]) -> Targets:
        counties, q, _near = self.match(params)
        return Targets({c["id"] for c in counties}, q)

    def search(self, params: list[SearchParam], count: int, offset: int, include: list[str]) -> Page:
        counties, q, near = self.match(params)
        matches = counties[offset : offset + count]
        db_offset, db_count = max(0, offset - len(counties)), count - len(matches)
        qs = UnifiedEntry.objects.filter(q)
        if near is None:
            ids_qs = qs.values_list("location_id", flat=True).distinct().order_by("location_id")
            ids = list(ids_qs[db_offset : db_offset + db_count + 1]) if db_count > 0 else []
            db_total = ids_qs.count()
        else:
            # distance sort: the bounding box keeps this set small
            points: dict[Any, float] = {}
            for loc, lat, lon in qs.values_list("location_id", "lat", "lon"):
                if lat is None or lon is None:
                    continue
                d = haversine_miles(near[0], near[1], lat, lon)
                if d <= near[2]:
                    points[loc] = min(d, points.get(loc, d))
            ordered = sorted(points, key=lambda k: (points[k], str(k)))
            ids = ordered[db_offset : db_offset + db_count + 1] if db_count > 0 else []
            db_total = len(ordered)
        total = len(counties) + db_total
        has_more = offset + count < total
        ids = ids[:db_count] if db_count > 0 else []
        by_id = {r["id"]: r for r in _locations(set(ids))} if ids else {}
        matches += [by_id[str(i)] for i in ids if str(i) in by_id]
        includes: list[dict[str, Any]] = []
        if "PractitionerRole:location" in include and ids:
            for e in _entries().filter(location_id__in=ids, provider_kind="practitioner").order_by("id"):
                includes += [R.practitioner_role(e, s) for s in R.entry_sides(e)]
        return Page(matches, includes, total, has_more)

    def read(self, resource_id: str) -> dict[str, Any] | None:
        if resource_id.startswith(R.COUNTY_PREFIX):
            found = _counties({resource_id.removeprefix(R.COUNTY_PREFIX)})
        else:
            loc = as_uuid(resource_id)
            found = _locations({loc}) if loc else []
        return found[0] if found else None


def _organization_period(resource: dict[str, Any]) -> dict[str, str] | None:
    return next(
        (x["valuePeriod"] for x in resource.get("extension", []) if x["url"] == R.ORGANIZATION_PERIOD), None
    )


class OrganizationHandler(Handler):
    """Payers and networks (a small catalog, from the plans) first, then provider organizations (entries)."""

    def catalog(self) -> list[dict[str, Any]]:
        plans, facts = _catalog_plans()
        parents = sorted({p.parent.code: p.parent for p in plans}.items())
        return [R.payer(parent) for _c, parent in parents] + [R.network(p, facts[p.pk]) for p in plans]

    def match(self, params: list[SearchParam]) -> tuple[list[dict[str, Any]], Q]:
        catalog = self.catalog()
        q = Q(provider_kind="organization")
        for p in params:
            name, modifier, value = p.name, p.modifier, p.value
            if name == "_id":
                catalog = [c for c in catalog if c["id"] == value]
                pid = as_uuid(value)
                q &= Q(provider_id=pid) if pid else NOTHING
            elif name == "name":
                catalog = [c for c in catalog if _string_match(c["name"], value, modifier)]
                q &= string_q(["name"], value, modifier) | Q(search_name__icontains=f" {value.lower()}")
            elif name == "type":
                code = token(value)
                catalog = [c for c in catalog if c["type"][0]["coding"][0]["code"] == code]
                wanted = {"fac": ["pharmacy", "practitioner"], "prvgrp": ["facility"]}.get(code)
                q &= Q(provider_type__in=wanted) if wanted else NOTHING
            elif name == "partof":
                parents = {f"Organization/{i}" for i in catalog_ref_ids(p, "Organization")}
                catalog = [c for c in catalog if c.get("partOf", {}).get("reference") in parents]
                q &= NOTHING
            elif name == "address":
                catalog = []
                q &= string_q(["address_key", "city", "postal_code"], value.upper(), "contains")
            elif name == "endpoint":
                endpoints = catalog_ref_ids(p, "Endpoint")
                catalog = [
                    c
                    for c in catalog
                    if {e["reference"].removeprefix("Endpoint/") for e in c["endpoint"]} & endpoints
                ]
                q &= sources.entries_stating_endpoints("Organization", endpoints)
            elif name == "coverage-area":
                location = ref_id(value, "Location")
                catalog = [c for c in catalog if location in _coverage(c)]
                q &= NOTHING
            elif name == "period":
                catalog = [c for c in catalog if period_matches(value, _organization_period(c))]
                q &= NOTHING
            elif name == "_lastUpdated":
                catalog = [c for c in catalog if _date_match(c["meta"]["lastUpdated"], value)]
                q &= date_filter("last_updated", value)
        return catalog, q

    def targets(self, params: list[SearchParam]) -> Targets:
        catalog, q = self.match(params)
        return Targets({c["id"] for c in catalog}, q)

    def search(self, params: list[SearchParam], count: int, offset: int, include: list[str]) -> Page:
        catalog, q = self.match(params)
        ids_qs = (
            UnifiedEntry.objects.filter(q)
            .values_list("provider_id", flat=True)
            .distinct()
            .order_by("provider_id")
        )
        matches = catalog[offset : offset + count]
        db_offset = max(0, offset - len(catalog))
        db_count = count - len(matches)
        ids = list(ids_qs[db_offset : db_offset + db_count + 1]) if db_count > 0 else []
        has_more = len(ids) > db_count or (offset + count < len(catalog))
        groups = _providers(set(ids[:db_count])) if db_count > 0 and ids else {}
        by_id = dict(zip(groups, _organizations(groups), strict=True))
        matches += [by_id[i] for i in ids[:db_count] if i in by_id]
        includes: list[dict[str, Any]] = []
        if "Organization:coverage-area" in include:
            includes += _coverage_includes(matches)
        if "PractitionerRole:network" in include:
            # one page of roles per matched network (a network can hold 100k+ roles: page them with
            # PractitionerRole?network=... for the rest)
            for net in [m for m in matches if m["id"].startswith("net-")]:
                eq = EntryQuery("practitioner")
                eq.networks([net["id"]])
                for e in _entries().filter(eq.q & eq.side_q()).order_by("id")[:count]:
                    includes += [R.practitioner_role(e, side) for side in eq.role_sides(e)]
        return Page(matches, includes, len(catalog) + ids_qs.count(), has_more)

    def read(self, resource_id: str) -> dict[str, Any] | None:
        for item in self.catalog():
            if item["id"] == resource_id:
                return item
        pid = as_uuid(resource_id)
        group = _providers({pid}).get(pid) if pid else None
        if not group or group[0].provider_kind != "organization":
            return None
        return _organizations({pid: group})[0]


class InsurancePlanHandler(Handler):
    def search(self, params: list[SearchParam], count: int, offset: int, include: list[str]) -> Page:
        plans, facts = _catalog_plans()
        items = [R.insurance_plan(p, facts[p.pk]) for p in plans]
        for p in params:
            name, modifier, value = p.name, p.modifier, p.value
            if name == "_id":
                items = [i for i in items if i["id"] == value]
            elif name == "name":
                items = [i for i in items if _string_match(i["name"], value, modifier)]
            elif name == "type":
                items = [i for i in items if i["type"][0]["coding"][0]["code"] == token(value)]
            elif name in ("owned-by", "administered-by"):
                key = "ownedBy" if name == "owned-by" else "administeredBy"
                targets = {f"Organization/{i}" for i in catalog_ref_ids(p, "Organization")}
                items = [i for i in items if i[key]["reference"] in targets]
            elif name == "identifier":
                code = token(value)
                items = [i for i in items if i["identifier"][0]["value"] == code]
            elif name == "network":
                target = ref_id(value, "Organization")
                items = [i for i in items if i["network"][0]["reference"] == f"Organization/{target}"]
            elif name == "coverage-area":
                location = ref_id(value, "Location")
                items = [i for i in items if location in _coverage(i)]
            elif name == "_lastUpdated":
                items = [i for i in items if _date_match(i["meta"]["lastUpdated"], value)]
        includes: list[dict[str, Any]] = []
        page = items[offset : offset + count]
        if "InsurancePlan:owned-by" in include or "InsurancePlan:administered-by" in include:
            codes = {i["ownedBy"]["reference"].removeprefix("Organization/payer-") for i in page}
            includes += [
                R.payer(p) for p in ParentOrganization.objects.filter(code__in=codes).order_by("code")
            ]
        if "InsurancePlan:coverage-area" in include:
            includes += _coverage_includes(page)
        return Page(page, includes, len(items), offset + count < len(items))

    def read(self, resource_id: str) -> dict[str, Any] | None:
        plans, facts = _catalog_plans()
        return next(
            (R.insurance_plan(p, facts[p.pk]) for p in plans if f"plan-{p.code}" == resource_id), None
        )


class EndpointHandler(Handler):
    """This server's Endpoint, then the Endpoints the plans' directories state (a small catalog)."""

    base_url = ""

    def items(self) -> list[dict[str, Any]]:
        return [R.endpoint(self.base_url)] + [e.resource for e in sources.stated_endpoints()]

    def match(self, params: list[SearchParam]) -> list[dict[str, Any]]:
        items = self.items()
        for p in params:
            if p.name == "_id":
                items = [i for i in items if i["id"] == p.value]
            elif p.name == "organization":
                # this server publishes the directory of every payer and network it serves
                asked = catalog_ref_ids(p, "Organization")
                known = {o["id"] for o in ORGANIZATIONS.catalog()}
                items = [i for i in items if i["id"] == R.ENDPOINT_ID and asked & known]
            elif p.name == "_lastUpdated":
                items = [i for i in items if _date_match(i["meta"]["lastUpdated"], p.value)]
        return items

    def targets(self, params: list[SearchParam]) -> Targets:
        return Targets({i["id"] for i in self.match(params)})

    def search(self, params: list[SearchParam], count: int, offset: int, include: list[str]) -> Page:
        items = self.match(params)
        return Page(items[offset : offset + count], [], len(items), offset + count < len(items))

    def read(self, resource_id: str) -> dict[str, Any] | None:
        return next((i for i in self.items() if i["id"] == resource_id), None)


# -------------------------------------------------------------------------------------- declarations


def _p(name: str, type_: str, definition: str | None = None) -> Param:
    return Param(name, type_, definition or f"{BASE_SP}Resource-{name.lstrip('_')}")


def _pn(
    resource: str, name: str, type_: str, target: str | None = None, chain: tuple[str, ...] = ()
) -> Param:
    return Param(name, type_, f"{PN_SP}{resource.lower()}-{name}", target, chain)


COMMON = [_p("_id", "token"), _p("_lastUpdated", "date")]
NEW_PATIENT = Param("new-patient", "token", "https://memberhub.example/fhir/SearchParameter/new-patient")
# Chains: each Plan-Net SearchParameter's `chain` list, less the chained parameters that can never match
# here because the referenced resources never carry the element (listed per constant). A chained name
# outside these lists answers 400 like an unknown parameter (and supported_chains also drops any the
# target handler does not implement).
PROVIDER_ORG_CHAIN = ("name", "address", "type")  # provider organizations state no partOf
CATALOG_ORG_CHAIN = ("name", "partof", "type")  # payers and networks have no address
NETWORK_CHAIN = ("name", "partof", "type")  # networks: no address
PAYER_CHAIN = ("name", "type")  # payers: no address, no partOf
# Location.type is not imported (the reader keeps a location's address, position, hours, accessibility)
LOCATION_CHAIN = ("address", "address-postalcode", "address-city", "address-state", "organization")
SERVICE_CHAIN = ("service-category", "organization", "location")
ROLE_SERVICE_CHAIN = ("service-category", "location")  # a practitioner's service has no providedBy

ORGANIZATIONS = OrganizationHandler(
    type="Organization", profiles=[R.PROFILE + "Organization", R.PROFILE + "Network"],
    params=[*COMMON, _pn("Organization", "name", "string"), _pn("Organization", "type", "token"),
            _pn("Organization", "partof", "reference", "Organization", PAYER_CHAIN),
            _pn("Organization", "address", "string"),
            _pn("Organization", "endpoint", "reference", "Endpoint", ("organization",)),
            _pn("Organization", "coverage-area", "reference", "Location"), _pn("Organization", "period", "date")],
    includes=["Organization:coverage-area"],
    revincludes=["PractitionerRole:network"],
)  # fmt: skip

HANDLERS: dict[str, Handler] = {
    "PractitionerRole": RoleHandler(
        "PractitionerRole", "practitioner", profiles=[R.PROFILE + "PractitionerRole"],
        params=[*COMMON, _pn("PractitionerRole", "practitioner", "reference", "Practitioner", ("name",)),
                _pn("PractitionerRole", "organization", "reference", "Organization", PROVIDER_ORG_CHAIN),
                _pn("PractitionerRole", "location", "reference", "Location", LOCATION_CHAIN),
                _pn("PractitionerRole", "service", "reference", "HealthcareService", ROLE_SERVICE_CHAIN),
                _pn("PractitionerRole", "network", "reference", "Organization", NETWORK_CHAIN),
                _pn("PractitionerRole", "role", "token"), _pn("PractitionerRole", "specialty", "token"), NEW_PATIENT],
        includes=["PractitionerRole:practitioner", "PractitionerRole:organization", "PractitionerRole:location",
                  "PractitionerRole:network", "PractitionerRole:service"],
    ),
    "OrganizationAffiliation": RoleHandler(
        "OrganizationAffiliation", "organization", profiles=[R.PROFILE + "OrganizationAffiliation"],
        params=[*COMMON,
                _pn("OrganizationAffiliation", "participating-organization", "reference", "Organization",
                    PROVIDER_ORG_CHAIN),
                _pn("OrganizationAffiliation", "primary-organization", "reference", "Organization", PAYER_CHAIN),
                _pn("OrganizationAffiliation", "location", "reference", "Location", LOCATION_CHAIN),
                _pn("OrganizationAffiliation", "service", "reference", "HealthcareService", SERVICE_CHAIN),
                _pn("OrganizationAffiliation", "network", "reference", "Organization", ("name", "partof")),
                _pn("OrganizationAffiliation", "role", "token"), _pn("OrganizationAffiliation", "specialty", "token"),
                NEW_PATIENT],
        includes=["OrganizationAffiliation:participating-organization", "OrganizationAffiliation:location",
                  "OrganizationAffiliation:network", "OrganizationAffiliation:service"],
    ),
    "HealthcareService": ServiceHandler(
        type="HealthcareService", profiles=[R.PROFILE + "HealthcareService"],
        params=[*COMMON, _pn("HealthcareService", "specialty", "token"),
                _pn("HealthcareService", "service-category", "token"),
                _pn("HealthcareService", "service-type", "token"),
                _pn("HealthcareService", "delivery-method", "token"),
                _pn("HealthcareService", "location", "reference", "Location", LOCATION_CHAIN),
                _pn("HealthcareService", "organization", "reference", "Organization", PROVIDER_ORG_CHAIN),
                # endpoint.organization: the Endpoints services state carry no managingOrganization here
                _pn("HealthcareService", "endpoint", "reference", "Endpoint"),
                _pn("HealthcareService", "name", "string"), NEW_PATIENT],
        includes=["HealthcareService:location", "HealthcareService:organization"],
    ),
    "Practitioner": PractitionerHandler(
        type="Practitioner", profiles=[R.PROFILE + "Practitioner"],
        params=[*COMMON, _pn("Practitioner", "name", "string"), Param("family", "string", f"{PN_SP}practitioner-family-name"),
                Param("given", "string", f"{PN_SP}practitioner-given-name")],
        revincludes=["PractitionerRole:practitioner"],
    ),
    "Location": LocationHandler(
        type="Location", profiles=[R.PROFILE + "Location"],
        params=[*COMMON, _pn("Location", "address", "string"), _pn("Location", "address-city", "string"),
                _pn("Location", "address-state", "string"), _pn("Location", "address-postalcode", "string"),
                _pn("Location", "organization", "reference", "Organization", PROVIDER_ORG_CHAIN),
                Param("near", "special", f"{BASE_SP}Location-near")],
        revincludes=["PractitionerRole:location"],
    ),
    "Organization": ORGANIZATIONS,
    "InsurancePlan": InsurancePlanHandler(
        type="InsurancePlan", profiles=[R.PROFILE + "InsurancePlan"],
        params=[*COMMON, _pn("InsurancePlan", "name", "string"), _pn("InsurancePlan", "type", "token"),
                _pn("InsurancePlan", "owned-by", "reference", "Organization", ("name",)),  # payers: no partOf
                _pn("InsurancePlan", "administered-by", "reference", "Organization", ("name",)),
                _pn("InsurancePlan", "identifier", "token"), _pn("InsurancePlan", "network", "reference", "Organization"),
                _pn("InsurancePlan", "coverage-area", "reference", "Location")],
        includes=["InsurancePlan:owned-by", "InsurancePlan:administered-by", "InsurancePlan:coverage-area"],
    ),
    "Endpoint": EndpointHandler(
        type="Endpoint", profiles=[R.PROFILE + "Endpoint"],
        params=[*COMMON, _pn("Endpoint", "organization", "reference", "Organization", CATALOG_ORG_CHAIN)],
    ),
}  # fmt: skip


# ------------------------------------------------------------------------------------------- parsing


def parse_search_param(handler: Handler, key: str, value: str, depth: int = 0) -> SearchParam:
    """`name`, `name:modifier`, `name.chained...` or `name:Type.chained...` -> SearchParam (400 if unsupported)."""
    head, dot, rest = key.partition(".")
    name, _, modifier = head.partition(":")
    param = handler.param(name)
    if param is None:
        raise bad(f"unknown search parameter {key!r} for {handler.type} (see /fhir/metadata)")
    if not dot:
        if modifier not in ("", "exact", "contains"):
            raise bad(f"modifier :{modifier} is not supported")
        return SearchParam(name, modifier, value)
    chains = supported_chains(param)
    chained = rest.partition(".")[0].partition(":")[0]
    if not chains:
        raise bad(f"{handler.type} {name} does not support chaining")
    if modifier and modifier != param.target:
        raise bad(f"{handler.type} {name} points to {param.target}, not {modifier}")
    if chained not in chains:
        raise bad(f"{handler.type} {name}.{chained} is not supported (chains: {', '.join(chains)})")
    if depth >= MAX_CHAIN:
        raise bad(f"chains are limited to {MAX_CHAIN} links")
    assert param.target is not None
    return SearchParam(name, "", value, parse_search_param(HANDLERS[param.target], rest, value, depth + 1))


def parse_params(handler: Handler, items: list[tuple[str, str]]) -> tuple[list[SearchParam], dict[str, Any]]:
    """Split query items into search params and control params; refuse unknown ones."""
    params: list[SearchParam] = []
    control: dict[str, Any] = {"_include": [], "_revinclude": []}
    for key, value in items:
        name = key.partition(":")[0]
        if name in CONTROL:
            if name in ("_include", "_revinclude"):
                declared = handler.includes if name == "_include" else handler.revincludes
                if value not in declared:
                    raise bad(
                        f"{name}={value} is not supported here (supported: {', '.join(declared) or 'none'})"
                    )
                control[name].append(value)
            else:
                control[name] = value
            continue
        params.append(parse_search_param(handler, key, value))
    return params, control
