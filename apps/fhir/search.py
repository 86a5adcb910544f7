"""Plan-Net search over the unified directory: one handler per resource type.

Each handler declares its search parameters (the CapabilityStatement is generated from these
declarations, so everything it advertises is implemented), its _include/_revinclude, and how to
read one resource. Unknown parameters are refused with 400 (the Plan-Net server rule).
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_date, parse_datetime

from apps.directory.models import UnifiedEntry
from apps.fhir import resources as R
from apps.plans.models import AlignedPlanPair, ParentOrganization, Plan
from memberhub.directory.geo import bounding_box, haversine_miles

PN_SP = "http://hl7.org/fhir/us/davinci-pdex-plan-net/SearchParameter/"
BASE_SP = "http://hl7.org/fhir/SearchParameter/"
CONTROL = {"_count", "_offset", "_include", "_revinclude", "_format", "_summary"}
ENTRY_SELECT = ("pair", "pair__medicare_plan", "pair__medi_cal_plan", "pair__medicare_plan__parent",
                "pair__medi_cal_plan__parent")  # fmt: skip


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


@dataclass
class Page:
    matches: list[dict[str, Any]]
    includes: list[dict[str, Any]]
    total: int
    has_more: bool


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


def plan_for_network(value: str) -> Plan:
    net = ref_id(value, "Organization")
    if not net.startswith("net-"):
        raise FhirError(200, "none", "")
    plan = Plan.objects.filter(code=net.removeprefix("net-")).first()
    if plan is None:
        raise FhirError(200, "none", "")
    return plan


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


def _entries() -> QuerySet[UnifiedEntry]:
    return UnifiedEntry.objects.select_related(*ENTRY_SELECT)


class EntryQuery:
    """Builds a UnifiedEntry filter plus the allowed network sides from search parameters."""

    def __init__(self, kind: str | None) -> None:
        self.q = Q(provider_kind=kind) if kind else Q()
        self.sides = {"m", "c"}
        self.accepting: str | None = None
        self.empty = False
        self.near: tuple[float, float, float] | None = None

    def network(self, value: str) -> None:
        try:
            plan = plan_for_network(value)
        except FhirError:
            self.empty = True
            return
        self.q &= Q(pair__medicare_plan=plan, in_medicare=True) | Q(
            pair__medi_cal_plan=plan, in_medi_cal=True
        )
        self.sides &= {"m"} if plan.kind == "medicare_dsnp" else {"c"}

    def one_side_q(self, side: str) -> Q:
        flag = Q(in_medicare=True) if side == "m" else Q(in_medi_cal=True)
        if self.accepting:
            flag &= Q(**{("medicare_accepting" if side == "m" else "medi_cal_accepting"): self.accepting})
        return flag

    def side_q(self) -> Q:
        q = Q()
        for side in sorted(self.sides):
            q |= self.one_side_q(side)
        return q if self.sides else Q(pk__in=[])

    def role_sides(self, entry: UnifiedEntry) -> list[str]:
        out = []
        for side in R.entry_sides(entry):
            if side not in self.sides:
                continue
            if self.accepting and R.side_accepting(entry, side) != self.accepting:
                continue
            out.append(side)
        return out


def apply_entry_param(
    eq: EntryQuery, name: str, modifier: str, value: str, *, id_suffixes: str = "mc"
) -> bool:
    """Parameters shared by the entry-backed types. Returns False if `name` is not one of them."""
    if name == "_id":
        if id_suffixes == "s":
            entry_id, _ = entry_ref(value, "s")
            eq.q &= Q(pk=entry_id) if entry_id else Q(pk__in=[])
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
        loc = as_uuid(ref_id(value, "Location"))
        eq.q &= Q(location_id=loc) if loc else Q(pk__in=[])
    elif name == "service":
        entry_id, _ = entry_ref(ref_id(value, "HealthcareService"), "s")
        eq.q &= Q(pk=entry_id) if entry_id else Q(pk__in=[])
    elif name == "network":
        eq.network(value)
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


def _network_orgs(
    entries: Iterable[UnifiedEntry], sides_of: Callable[[UnifiedEntry], list[str]]
) -> list[dict[str, Any]]:
    plans: dict[str, Plan] = {}
    for entry in entries:
        for side in sides_of(entry):
            plan = R.side_plan(entry.pair, side)
            plans[plan.code] = plan
    return [R.network(p) for _c, p in sorted(plans.items())]


class RoleHandler(Handler):
    """PractitionerRole (practitioner entries) and OrganizationAffiliation (organization entries)."""

    def __init__(self, type_name: str, kind: str, **kwargs: Any) -> None:
        super().__init__(type=type_name, **kwargs)
        self.kind = kind

    def build(self, entry: UnifiedEntry, side: str) -> dict[str, Any]:
        if self.kind == "practitioner":
            return R.practitioner_role(entry, side)
        return R.organization_affiliation(entry, side)

    def query(self, params: list[tuple[str, str, str]]) -> EntryQuery:
        eq = EntryQuery(self.kind)
        for name, modifier, value in params:
            if apply_entry_param(eq, name, modifier, value):
                continue
            if name == "practitioner":
                pid = as_uuid(ref_id(value, "Practitioner"))
                eq.q &= Q(provider_id=pid) if pid else Q(pk__in=[])
            elif name == "participating-organization":
                pid = as_uuid(ref_id(value, "Organization"))
                eq.q &= Q(provider_id=pid) if pid else Q(pk__in=[])
            elif name == "primary-organization":
                payer_code = ref_id(value, "Organization").removeprefix("payer-")
                eq.q &= Q(pair__parent__code=payer_code)
            elif name == "role":
                code = token(value)
                eq.q &= Q(provider_type="pharmacy") if code == "pharmacy" else ~Q(provider_type="pharmacy")
        return eq

    def search(self, params: list[tuple[str, str, str]], count: int, offset: int, include: list[str]) -> Page:
        eq = self.query(params)
        if eq.empty:
            return Page([], [], 0, False)
        qs = _entries().filter(eq.q & eq.side_q())
        per_entry = 1 if len(eq.sides) == 1 else 2
        entries, has_more = _page_entries(qs, max(1, count // per_entry), offset)
        matches = [self.build(e, side) for e in entries for side in eq.role_sides(e)]
        base = _entries().filter(eq.q)
        total = sum(base.filter(eq.one_side_q(side)).count() for side in sorted(eq.sides))
        includes: list[dict[str, Any]] = []
        target = "practitioner" if self.kind == "practitioner" else "participating-organization"
        if f"{self.type}:{target}" in include:
            groups = _providers({e.provider_id for e in entries})
            build = R.practitioner if self.kind == "practitioner" else R.provider_organization
            includes += [build(g) for g in groups.values()]
        if f"{self.type}:location" in include:
            includes += _locations({e.location_id for e in entries if e.location_id})
        if f"{self.type}:network" in include:
            includes += _network_orgs(entries, eq.role_sides)
        if f"{self.type}:service" in include:
            includes += [R.healthcare_service(e) for e in entries]
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
    def search(self, params: list[tuple[str, str, str]], count: int, offset: int, include: list[str]) -> Page:
        eq = EntryQuery(None)
        for name, modifier, value in params:
            if apply_entry_param(eq, name, modifier, value, id_suffixes="s"):
                continue
            if name == "service-category":
                code = token(value)
                types = {"pharm": ["pharmacy"], "outpat": ["facility"], "prov": ["practitioner"]}.get(
                    code, []
                )
                eq.q &= Q(provider_type__in=types)
            elif name == "organization":
                pid = as_uuid(ref_id(value, "Organization"))
                eq.q &= Q(provider_id=pid, provider_kind="organization") if pid else Q(pk__in=[])
            elif name == "name":
                eq.q &= string_q(["name", "search_name"], value, modifier)
        if eq.empty:
            return Page([], [], 0, False)
        qs = _entries().filter(eq.q & eq.side_q())
        entries, has_more = _page_entries(qs, count, offset)
        includes: list[dict[str, Any]] = []
        if "HealthcareService:location" in include:
            includes += _locations({e.location_id for e in entries if e.location_id})
        if "HealthcareService:organization" in include:
            groups = _providers({e.provider_id for e in entries if e.provider_kind == "organization"})
            includes += [R.provider_organization(g) for g in groups.values()]
        return Page([R.healthcare_service(e) for e in entries], includes, qs.count(), has_more)

    def read(self, resource_id: str) -> dict[str, Any] | None:
        entry_id, _ = entry_ref(resource_id, "s")
        entry = _entries().filter(pk=entry_id).first() if entry_id else None
        return R.healthcare_service(entry) if entry else None


class PractitionerHandler(Handler):
    def search(self, params: list[tuple[str, str, str]], count: int, offset: int, include: list[str]) -> Page:
        q = Q(provider_kind="practitioner")
        for name, modifier, value in params:
            if name == "_id":
                pid = as_uuid(value)
                q &= Q(provider_id=pid) if pid else Q(pk__in=[])
            elif name == "name":
                words = value.lower().split()
                for word in words:
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
        ids_qs = (
            UnifiedEntry.objects.filter(q)
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


class LocationHandler(Handler):
    def search(self, params: list[tuple[str, str, str]], count: int, offset: int, include: list[str]) -> Page:
        q = Q(location_id__isnull=False)
        near = None
        for name, modifier, value in params:
            if name == "_id":
                loc = as_uuid(value)
                q &= Q(location_id=loc) if loc else Q(pk__in=[])
            elif name == "address":
                q &= string_q(["address_key", "city", "postal_code", "state"], value.upper(), "contains")
            elif name == "address-city":
                q &= string_q(["city"], value, modifier)
            elif name == "address-state":
                q &= string_q(["state"], value, modifier)
            elif name == "address-postalcode":
                q &= string_q(["postal_code"], value, modifier)
            elif name == "organization":
                pid = as_uuid(ref_id(value, "Organization"))
                q &= Q(provider_id=pid) if pid else Q(pk__in=[])
            elif name == "near":
                near = parse_near(value)
                box = bounding_box(near[0], near[1], near[2])
                q &= Q(lat__gte=box.min_lat, lat__lte=box.max_lat, lon__gte=box.min_lon, lon__lte=box.max_lon)
            elif name == "_lastUpdated":
                q &= date_filter("last_updated", value)
        qs = UnifiedEntry.objects.filter(q)
        if near is None:
            ids_qs = qs.values_list("location_id", flat=True).distinct().order_by("location_id")
            ids = list(ids_qs[offset : offset + count + 1])
            total = ids_qs.count()
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
            ids, total = ordered[offset : offset + count + 1], len(ordered)
        has_more = len(ids) > count
        ids = ids[:count]
        by_id = {r["id"]: r for r in _locations(set(ids))}
        matches = [by_id[str(i)] for i in ids if str(i) in by_id]
        includes: list[dict[str, Any]] = []
        if "PractitionerRole:location" in include:
            for e in _entries().filter(location_id__in=ids, provider_kind="practitioner").order_by("id"):
                includes += [R.practitioner_role(e, s) for s in R.entry_sides(e)]
        return Page(matches, includes, total, has_more)

    def read(self, resource_id: str) -> dict[str, Any] | None:
        loc = as_uuid(resource_id)
        found = _locations({loc}) if loc else []
        return found[0] if found else None


def _catalog_plans() -> list[Plan]:
    plan_ids = set(AlignedPlanPair.objects.values_list("medicare_plan_id", flat=True)) | set(
        AlignedPlanPair.objects.values_list("medi_cal_plan_id", flat=True)
    )
    return list(Plan.objects.filter(pk__in=plan_ids).select_related("parent").order_by("code"))


class OrganizationHandler(Handler):
    def catalog(self) -> list[dict[str, Any]]:
        plans = _catalog_plans()
        parents = sorted({p.parent.code: p.parent for p in plans}.items())
        return [R.payer(parent) for _c, parent in parents] + [R.network(p) for p in plans]

    def search(self, params: list[tuple[str, str, str]], count: int, offset: int, include: list[str]) -> Page:
        catalog = self.catalog()
        q = Q(provider_kind="organization")
        for name, modifier, value in params:
            if name == "_id":
                catalog = [c for c in catalog if c["id"] == value]
                pid = as_uuid(value)
                q &= Q(provider_id=pid) if pid else Q(pk__in=[])
            elif name == "name":
                catalog = [c for c in catalog if _string_match(c["name"], value, modifier)]
                q &= string_q(["name"], value, modifier) | Q(search_name__icontains=f" {value.lower()}")
            elif name == "type":
                code = token(value)
                catalog = [c for c in catalog if c["type"][0]["coding"][0]["code"] == code]
                wanted = {"fac": ["pharmacy", "practitioner"], "prvgrp": ["facility"]}.get(code)
                q &= Q(provider_type__in=wanted) if wanted else Q(pk__in=[])
            elif name == "partof":
                target = ref_id(value, "Organization")
                catalog = [
                    c for c in catalog if c.get("partOf", {}).get("reference") == f"Organization/{target}"
                ]
                q &= Q(pk__in=[])
            elif name == "address":
                catalog = []
                q &= string_q(["address_key", "city", "postal_code"], value.upper(), "contains")
            elif name == "_lastUpdated":
                catalog = [c for c in catalog if _date_match(c["meta"]["lastUpdated"], value)]
                q &= date_filter("last_updated", value)
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
        groups = _providers(set(ids[:db_count]))
        matches += [R.provider_organization(groups[i]) for i in ids[:db_count] if i in groups]
        includes: list[dict[str, Any]] = []
        if "PractitionerRole:network" in include:
            # one page of roles per matched network (a network can hold 100k+ roles: page them with
            # PractitionerRole?network=... for the rest)
            for net in [m for m in matches if m["id"].startswith("net-")]:
                eq = EntryQuery("practitioner")
                eq.network(f"Organization/{net['id']}")
                for e in _entries().filter(eq.q).order_by("id")[:count]:
                    includes += [R.practitioner_role(e, side) for side in eq.role_sides(e)]
        return Page(matches, includes, len(catalog) + ids_qs.count(), has_more)

    def read(self, resource_id: str) -> dict[str, Any] | None:
        for item in self.catalog():
            if item["id"] == resource_id:
                return item
        pid = as_uuid(resource_id)
        group = _providers({pid}).get(pid) if pid else None
        return R.provider_organization(group) if group and group[0].provider_kind == "organization" else None


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


class InsurancePlanHandler(Handler):
    def search(self, params: list[tuple[str, str, str]], count: int, offset: int, include: list[str]) -> Page:
        items = [R.insurance_plan(p) for p in _catalog_plans()]
        for name, modifier, value in params:
            if name == "_id":
                items = [i for i in items if i["id"] == value]
            elif name == "name":
                items = [i for i in items if _string_match(i["name"], value, modifier)]
            elif name == "type":
                items = [i for i in items if i["type"][0]["coding"][0]["code"] == token(value)]
            elif name in ("owned-by", "administered-by"):
                key = "ownedBy" if name == "owned-by" else "administeredBy"
                target = ref_id(value, "Organization")
                items = [i for i in items if i[key]["reference"] == f"Organization/{target}"]
            elif name == "identifier":
                code = token(value)
                items = [i for i in items if i["identifier"][0]["value"] == code]
            elif name == "network":
                target = ref_id(value, "Organization")
                items = [i for i in items if i["network"][0]["reference"] == f"Organization/{target}"]
        includes: list[dict[str, Any]] = []
        page = items[offset : offset + count]
        if "InsurancePlan:owned-by" in include or "InsurancePlan:administered-by" in include:
            codes = {i["ownedBy"]["reference"].removeprefix("Organization/payer-") for i in page}
            includes += [
                R.payer(p) for p in ParentOrganization.objects.filter(code__in=codes).order_by("code")
            ]
        return Page(page, includes, len(items), offset + count < len(items))

    def read(self, resource_id: str) -> dict[str, Any] | None:
        return next((R.insurance_plan(p) for p in _catalog_plans() if f"plan-{p.code}" == resource_id), None)


class EndpointHandler(Handler):
    base_url = ""

    def search(self, params: list[tuple[str, str, str]], count: int, offset: int, include: list[str]) -> Page:
        items = [R.endpoint(self.base_url)]
        for name, _modifier, value in params:
            if name == "_id" and value != R.ENDPOINT_ID:
                items = []
            elif name == "organization":
                target = ref_id(value, "Organization")
                known = {
                    o["id"]
                    for o in OrganizationHandler(type="Organization", profiles=[], params=[]).catalog()
                }
                if target not in known:
                    items = []
        return Page(items[offset : offset + count], [], len(items), False)

    def read(self, resource_id: str) -> dict[str, Any] | None:
        return R.endpoint(self.base_url) if resource_id == R.ENDPOINT_ID else None


def _p(name: str, type_: str, definition: str | None = None) -> Param:
    return Param(name, type_, definition or f"{BASE_SP}Resource-{name.lstrip('_')}")


def _pn(resource: str, name: str, type_: str) -> Param:
    return Param(name, type_, f"{PN_SP}{resource.lower()}-{name}")


COMMON = [_p("_id", "token"), _p("_lastUpdated", "date")]
NEW_PATIENT = Param("new-patient", "token", "https://memberhub.example/fhir/SearchParameter/new-patient")

HANDLERS: dict[str, Handler] = {
    "PractitionerRole": RoleHandler(
        "PractitionerRole", "practitioner", profiles=[R.PROFILE + "PractitionerRole"],
        params=[*COMMON, _pn("PractitionerRole", "practitioner", "reference"),
                _pn("PractitionerRole", "location", "reference"), _pn("PractitionerRole", "service", "reference"),
                _pn("PractitionerRole", "network", "reference"), _pn("PractitionerRole", "specialty", "token"),
                NEW_PATIENT],
        includes=["PractitionerRole:practitioner", "PractitionerRole:location", "PractitionerRole:network",
                  "PractitionerRole:service"],
    ),
    "OrganizationAffiliation": RoleHandler(
        "OrganizationAffiliation", "organization", profiles=[R.PROFILE + "OrganizationAffiliation"],
        params=[*COMMON, _pn("OrganizationAffiliation", "participating-organization", "reference"),
                _pn("OrganizationAffiliation", "primary-organization", "reference"),
                _pn("OrganizationAffiliation", "location", "reference"),
                _pn("OrganizationAffiliation", "service", "reference"),
                _pn("OrganizationAffiliation", "network", "reference"),
                _pn("OrganizationAffiliation", "role", "token"), _pn("OrganizationAffiliation", "specialty", "token"),
                NEW_PATIENT],
        includes=["OrganizationAffiliation:participating-organization", "OrganizationAffiliation:location",
                  "OrganizationAffiliation:network", "OrganizationAffiliation:service"],
    ),
    "HealthcareService": ServiceHandler(
        type="HealthcareService", profiles=[R.PROFILE + "HealthcareService"],
        params=[*COMMON, _pn("HealthcareService", "specialty", "token"),
                _pn("HealthcareService", "service-category", "token"), _pn("HealthcareService", "location", "reference"),
                _pn("HealthcareService", "organization", "reference"), _pn("HealthcareService", "name", "string"),
                NEW_PATIENT],
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
                _pn("Location", "organization", "reference"), Param("near", "special", f"{BASE_SP}Location-near")],
        revincludes=["PractitionerRole:location"],
    ),
    "Organization": OrganizationHandler(
        type="Organization", profiles=[R.PROFILE + "Organization", R.PROFILE + "Network"],
        params=[*COMMON, _pn("Organization", "name", "string"), _pn("Organization", "type", "token"),
                _pn("Organization", "partof", "reference"), _pn("Organization", "address", "string")],
        revincludes=["PractitionerRole:network"],
    ),
    "InsurancePlan": InsurancePlanHandler(
        type="InsurancePlan", profiles=[R.PROFILE + "InsurancePlan"],
        params=[_p("_id", "token"), _pn("InsurancePlan", "name", "string"), _pn("InsurancePlan", "type", "token"),
                _pn("InsurancePlan", "owned-by", "reference"), _pn("InsurancePlan", "administered-by", "reference"),
                _pn("InsurancePlan", "identifier", "token"), _pn("InsurancePlan", "network", "reference")],
        includes=["InsurancePlan:owned-by", "InsurancePlan:administered-by"],
    ),
    "Endpoint": EndpointHandler(
        type="Endpoint", profiles=[R.PROFILE + "Endpoint"],
        params=[_p("_id", "token"), _pn("Endpoint", "organization", "reference")],
    ),
}  # fmt: skip


def parse_params(
    handler: Handler, items: list[tuple[str, str]]
) -> tuple[list[tuple[str, str, str]], dict[str, Any]]:
    """Split query items into (name, modifier, value) search params and control params; refuse unknown ones."""
    allowed = handler.param_names()
    params: list[tuple[str, str, str]] = []
    control: dict[str, Any] = {"_include": [], "_revinclude": []}
    for key, value in items:
        name, _, modifier = key.partition(":")
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
        if name not in allowed:
            raise bad(f"unknown search parameter {key!r} for {handler.type} (see /fhir/metadata)")
        if modifier not in ("", "exact", "contains"):
            raise bad(f"modifier :{modifier} is not supported")
        params.append((name, modifier, value))
    return params, control
