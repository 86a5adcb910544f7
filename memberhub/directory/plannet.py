"""Read a plan's directory in the Da Vinci PDex Plan-Net format into SourceEntry records.

Input: any mix of a FHIR Bundle (JSON), an NDJSON file (one resource per line), a single resource
JSON file, or a folder of those (read recursively, in name order). Resources may come in any order:
references are resolved after everything is read.

Per resource the reader checks the structure a FHIR R4 / Plan-Net consumer relies on (resourceType,
id syntax, element types, the Plan-Net invariants of DOMAIN.md §1.10). Problems carry the file, the
position (NDJSON line or bundle entry), the resource and the field. Errors make a resource (and the
roles that depend on it) invalid; warnings (an NPI failing its check digit, a Plan-Net "SHALL" that
does not stop us from using the data) are reported and the data is kept.

Network participation comes from PractitionerRole (extension network-reference) and
OrganizationAffiliation (network). With `network_id` only that network's roles/affiliations count.
Roles whose period has ended (or not yet started) on `as_of` are left out.
"""

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from memberhub.directory.address import PostalAddress, address_key
from memberhub.directory.geo import is_valid_coordinate
from memberhub.directory.languages import normalize_language
from memberhub.directory.records import (
    NPI_SYSTEM,
    NUCC_SYSTEM,
    PLANNET,
    AvailableTime,
    GeoSource,
    Problem,
    ProviderType,
    SourceEntry,
    most_open,
)
from memberhub.directory.reference import zip_centroid
from memberhub.identifiers import is_valid_npi

EXT = f"{PLANNET}/StructureDefinition/"
EXT_NEWPATIENTS = EXT + "newpatients"
EXT_NETWORK = EXT + "network-reference"
EXT_ACCESSIBILITY = EXT + "accessibility"
EXT_DELIVERY = EXT + "delivery-method"
EXT_PROFICIENCY = EXT + "communication-proficiency"
DIRECTORY_TYPES = frozenset(
    {
        "Practitioner",
        "PractitionerRole",
        "Organization",
        "OrganizationAffiliation",
        "Location",
        "HealthcareService",
        "InsurancePlan",
        "Endpoint",
    }
)
# Resources we keep as-is (small in number) so the FHIR endpoint can serve them.
CATALOG_TYPES = frozenset({"Organization", "HealthcareService", "InsurancePlan", "Endpoint"})
FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
GENDERS = frozenset({"male", "female", "other", "unknown"})
ACCEPTING = frozenset({"newpt", "nopt", "existptonly", "existptfam"})
PROGRESS_EVERY = 5000

GeocodeFn = Callable[[str | None], tuple[float, float] | None]
ProgressFn = Callable[[int], None]


class ReadError(Exception):
    """A file could not be read at all (missing, not JSON, not a Bundle/resource)."""


@dataclass(frozen=True, slots=True)
class CatalogResource:
    resource_type: str
    resource_id: str
    last_updated: datetime | None
    content: dict[str, Any]


@dataclass(slots=True)
class ReadResult:
    entries: list[SourceEntry]
    catalog: list[CatalogResource]
    problems: list[Problem]
    resources_read: int
    counts: dict[str, int]
    rejected: list[str]
    networks: dict[str, str]
    cached_json: list[bytes] | None = field(default=None, repr=False, compare=False)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def serialized(self) -> list[bytes]:
        """Each entry as JSON (the SourceEntry dataclass serialized by orjson: the codec's shape), cached."""
        if self.cached_json is None or len(self.cached_json) != len(self.entries):
            self.cached_json = [orjson.dumps(entry) for entry in self.entries]
        return self.cached_json

    def fingerprint(self) -> str:
        """A hash of the content that matters; equal for a re-import of the same directory."""
        digest = hashlib.sha256()
        for key, data in sorted(zip((e.key for e in self.entries), self.serialized(), strict=True)):
            digest.update(repr(key).encode())
            digest.update(data)
        for res in sorted(self.catalog, key=lambda c: (c.resource_type, c.resource_id)):
            digest.update(orjson.dumps(res.content, option=orjson.OPT_SORT_KEYS))
        return digest.hexdigest()


# --------------------------------------------------------------------------------------------- reading


def iter_resources(paths: Iterable[str | Path]) -> Iterator[tuple[str, str, Any]]:
    """Yield (file, position, parsed JSON or Problem) for every resource in the given paths."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in (".json", ".ndjson")
            )
            if not files:
                raise ReadError(f"{path}: folder holds no .json or .ndjson files")
            for file in files:
                yield from _iter_file(file)
        elif path.is_file():
            yield from _iter_file(path)
        else:
            raise ReadError(f"{path}: no such file or folder")


def _iter_file(path: Path) -> Iterator[tuple[str, str, Any]]:
    name = str(path)
    try:
        handle = path.open(encoding="utf-8-sig")
    except OSError as exc:
        raise ReadError(f"{name}: cannot open ({exc.strerror})") from exc
    with handle:
        if path.suffix.lower() == ".ndjson":
            try:
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    try:
                        yield name, f"line {number}", orjson.loads(line)
                    except orjson.JSONDecodeError as exc:
                        yield (
                            name,
                            f"line {number}",
                            Problem(
                                name,
                                f"line {number}",
                                None,
                                None,
                                f"not JSON: {exc.msg} at column {exc.colno}",
                            ),
                        )
            except UnicodeDecodeError as exc:
                raise ReadError(f"{name}: not UTF-8 text ({exc.reason})") from exc
            return
        try:
            document = json.load(handle)
        except json.JSONDecodeError as exc:
            raise ReadError(f"{name}: not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
        except UnicodeDecodeError as exc:
            raise ReadError(f"{name}: not UTF-8 text ({exc.reason})") from exc
    if isinstance(document, dict) and document.get("resourceType") == "Bundle":
        entries = document.get("entry") or []
        if not isinstance(entries, list):
            raise ReadError(f"{name}: Bundle.entry must be a list")
        for index, item in enumerate(entries):
            position = f"entry {index}"
            resource = item.get("resource") if isinstance(item, dict) else None
            if resource is None:
                yield (
                    name,
                    position,
                    Problem(name, position, None, "resource", "Bundle entry without a resource"),
                )
            else:
                yield name, position, resource
    elif isinstance(document, dict):
        yield name, "", document
    else:
        raise ReadError(f"{name}: expected a FHIR resource or Bundle object")


# ---------------------------------------------------------------------------------- value helpers


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _ref(value: Any) -> str | None:
    """`Organization/abc` from a Reference (absolute URLs reduced to their last two segments)."""
    if not isinstance(value, dict):
        return None
    ref = value.get("reference")
    if not isinstance(ref, str) or not ref:
        return None
    parts = ref.rstrip("/").split("/")
    if len(parts) >= 2:
        return f"{parts[-2]}/{parts[-1]}"
    return ref


def _codes(concepts: Any, system: str | None = None) -> list[str]:
    out: list[str] = []
    for concept in _list(concepts) if isinstance(concepts, list) else [concepts]:
        if not isinstance(concept, dict):
            continue
        for coding in _list(concept.get("coding")):
            if (
                isinstance(coding, dict)
                and isinstance(coding.get("code"), str)
                and (system is None or coding.get("system") == system)
            ):
                out.append(coding["code"])
    return out


def _extensions(resource: dict[str, Any], url: str) -> list[dict[str, Any]]:
    return [e for e in _list(resource.get("extension")) if isinstance(e, dict) and e.get("url") == url]


def _sub(ext: dict[str, Any], url: str) -> list[dict[str, Any]]:
    return [e for e in _list(ext.get("extension")) if isinstance(e, dict) and e.get("url") == url]


def _parse_instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    return _parse_instant_text(value)


@lru_cache(maxsize=4096)
def _parse_instant_text(value: str) -> datetime | None:
    text = value.replace("Z", "+00:00")
    # Python accepts at most 6 fractional digits; FHIR examples carry 7.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 4:
        return None
    try:
        if len(value) == 4:
            return date(int(value), 1, 1)
        if len(value) == 7:
            return date(int(value[:4]), int(value[5:7]), 1)
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _phone(telecoms: Any) -> str | None:
    phones = [
        t
        for t in _list(telecoms)
        if isinstance(t, dict) and t.get("system") == "phone" and isinstance(t.get("value"), str)
    ]
    if not phones:
        return None
    phones.sort(key=lambda t: int(t["rank"]) if isinstance(t.get("rank"), int) else 99)
    return normalize_phone(phones[0]["value"])


def normalize_phone(value: str) -> str | None:
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits or None


def _address(value: Any) -> PostalAddress | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, dict):
        return None
    lines = tuple(line for line in _list(value.get("line")) if isinstance(line, str) and line.strip())
    address = PostalAddress(
        lines=lines,
        city=str(value.get("city") or ""),
        state=str(value.get("state") or ""),
        postal_code=str(value.get("postalCode") or ""),
    )
    if not (address.lines or address.city or address.postal_code):
        return None
    return address


def _newpatients(resource: dict[str, Any]) -> list[tuple[str | None, str | None]]:
    """[(accepting code, fromNetwork id or None)] of the newpatients extensions."""
    out: list[tuple[str | None, str | None]] = []
    for ext in _extensions(resource, EXT_NEWPATIENTS):
        code = None
        for sub in _sub(ext, "acceptingPatients"):
            found = _codes(sub.get("valueCodeableConcept"))
            code = found[0] if found else None
        network = None
        for sub in _sub(ext, "fromNetwork"):
            network = _ref_id(_ref(sub.get("valueReference")))
        out.append((code, network))
    return out


def _ref_id(ref: str | None) -> str | None:
    return ref.split("/", 1)[1] if ref and "/" in ref else ref


def _times(items: Any, *, start_key: str, end_key: str) -> tuple[AvailableTime, ...]:
    out = []
    for item in _list(items):
        if not isinstance(item, dict):
            continue
        days = tuple(d for d in _list(item.get("daysOfWeek")) if isinstance(d, str))
        out.append(
            AvailableTime(
                days=days,
                all_day=bool(item.get("allDay")),
                start=item.get(start_key) if isinstance(item.get(start_key), str) else None,
                end=item.get(end_key) if isinstance(item.get(end_key), str) else None,
            )
        )
    return tuple(out)


def _max_dt(values: Iterable[datetime | None]) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


# ------------------------------------------------------------------------------- compact resources


@dataclass(slots=True)
class _Base:
    ref: str
    file: str
    position: str
    last_updated: datetime | None


@dataclass(slots=True)
class _Practitioner(_Base):
    npi: str | None = None
    npi_valid: bool = False
    name: str = ""
    family: str = ""
    given: tuple[str, ...] = ()
    gender: str | None = None
    languages: tuple[str, ...] = ()
    qualifications: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()


@dataclass(slots=True)
class _Organization(_Base):
    npi: str | None = None
    npi_valid: bool = False
    name: str = ""
    is_network: bool = False
    phone: str | None = None


@dataclass(slots=True)
class _Location(_Base):
    name: str | None = None
    address: PostalAddress | None = None
    key: str = ""
    lat: float | None = None
    lon: float | None = None
    phone: str | None = None
    accessibility: tuple[str, ...] = ()
    newpatients: list[tuple[str | None, str | None]] = field(default_factory=list)
    hours: tuple[AvailableTime, ...] = ()


@dataclass(slots=True)
class _Service(_Base):
    categories: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    delivery: tuple[str, ...] = ()
    modalities: tuple[str, ...] = ()
    newpatients: list[tuple[str | None, str | None]] = field(default_factory=list)
    phone: str | None = None


@dataclass(slots=True)
class _Participation(_Base):
    """A PractitionerRole or an OrganizationAffiliation."""

    practitioner: str | None = None
    organization: str | None = None
    networks: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    newpatients: list[tuple[str | None, str | None]] = field(default_factory=list)
    phone: str | None = None
    times: tuple[AvailableTime, ...] = ()
    active: bool = True
    start: date | None = None
    end: date | None = None


# ----------------------------------------------------------------------------------------- reader


class PlanNetReader:
    def __init__(
        self,
        *,
        network_id: str | None = None,
        as_of: date | None = None,
        geocode: GeocodeFn = zip_centroid,
        progress: ProgressFn | None = None,
    ) -> None:
        self.network_id = network_id
        self.as_of = as_of or datetime.now(tz=UTC).date()
        self.geocode = geocode
        self.progress = progress
        self.problems: list[Problem] = []
        self.invalid: set[str] = set()
        self.practitioners: dict[str, _Practitioner] = {}
        self.organizations: dict[str, _Organization] = {}
        self.locations: dict[str, _Location] = {}
        self.services: dict[str, _Service] = {}
        self.participations: dict[str, _Participation] = {}
        self.catalog: dict[str, CatalogResource] = {}
        self.counts: dict[str, int] = {}
        self.read = 0
        self._seen: set[str] = set()
        self._deferred: list[tuple[str, str, str, str, str]] = []

    # -- public

    def read_paths(self, paths: Iterable[str | Path]) -> ReadResult:
        for file, position, item in iter_resources(paths):
            self.read += 1
            if isinstance(item, Problem):
                self.problems.append(item)
            else:
                self.add(item, file=file, position=position)
            if self.progress and self.read % PROGRESS_EVERY == 0:
                self.progress(self.read)
        return self.finish()

    def add(self, resource: Any, *, file: str, position: str) -> None:
        """Check and keep one parsed resource."""
        if not isinstance(resource, dict):
            self._problem(file, position, None, None, "a resource must be a JSON object")
            return
        rtype = resource.get("resourceType")
        rid = resource.get("id")
        if not isinstance(rtype, str):
            self._problem(file, position, None, "resourceType", "missing resourceType")
            return
        if not isinstance(rid, str) or not FHIR_ID.match(rid):
            self._problem(file, position, rtype, "id", f"missing or invalid id {rid!r}")
            return
        ref = f"{rtype}/{rid}"
        if rtype not in DIRECTORY_TYPES:
            self._problem(
                file,
                position,
                ref,
                "resourceType",
                f"{rtype} is not a Plan-Net directory resource; ignored",
                severity="warning",
                code="directory.unsupported_resource",
            )
            return
        if ref in self._seen:
            self._problem(file, position, ref, "id", f"duplicate resource {ref}", code="directory.duplicate")
            return
        self.counts[rtype] = self.counts.get(rtype, 0) + 1
        meta = resource.get("meta")
        last_updated = None
        if isinstance(meta, dict) and "lastUpdated" in meta:
            last_updated = _parse_instant(meta["lastUpdated"])
            if last_updated is None:
                self._problem(file, position, ref, "meta.lastUpdated", "not a FHIR instant")
                self.invalid.add(ref)
                return
        before = len(self.problems)
        handler = getattr(self, f"_add_{rtype}")
        handler(resource, ref, file, position, last_updated)
        if any(p.severity == "error" for p in self.problems[before:]):
            self.invalid.add(ref)
        elif rtype in CATALOG_TYPES:
            self.catalog[ref] = CatalogResource(rtype, rid, last_updated, resource)

    def _problem(
        self,
        file: str,
        position: str,
        resource: str | None,
        field_name: str | None,
        message: str,
        *,
        severity: str = "error",
        code: str = "directory.invalid_resource",
    ) -> None:
        self.problems.append(
            Problem(file, position, resource, field_name, message, severity, code)  # type: ignore[arg-type]
        )

    def _check_active(self, r: dict[str, Any], ref: str, file: str, pos: str) -> bool:
        active = r.get("active", True)
        if not isinstance(active, bool):
            self._problem(file, pos, ref, "active", "must be true or false")
            return False
        return active

    def _check_list(self, r: dict[str, Any], name: str, ref: str, file: str, pos: str) -> None:
        if name in r and not isinstance(r[name], list):
            self._problem(file, pos, ref, name, "must be a list")

    def _npi(self, r: dict[str, Any], ref: str, file: str, pos: str) -> tuple[str | None, bool]:
        """(cleaned NPI or None, passes the NPI check); a failing NPI is kept and flagged."""
        idents = r.get("identifier")
        if idents is None:
            return None, False
        self._check_list(r, "identifier", ref, file, pos)
        for ident in _list(idents):
            if isinstance(ident, dict) and ident.get("system") == NPI_SYSTEM:
                value = ident.get("value")
                if not isinstance(value, str) or not value.strip():
                    self._problem(file, pos, ref, "identifier.value", "NPI identifier without a value")
                    return None, False
                cleaned = re.sub(r"[\s-]", "", value)
                valid = is_valid_npi(cleaned)
                if not valid:
                    self._problem(
                        file,
                        pos,
                        ref,
                        "identifier",
                        f"NPI {cleaned} fails the NPI format/check digit; kept and flagged",
                        severity="warning",
                        code="directory.invalid_npi",
                    )
                return cleaned, valid
        return None, False

    # -- per type

    def _add_Practitioner(
        self, r: dict[str, Any], ref: str, file: str, pos: str, lu: datetime | None
    ) -> None:
        self._seen.add(ref)
        self._check_active(r, ref, file, pos)
        for name in ("name", "communication", "qualification", "telecom", "address"):
            self._check_list(r, name, ref, file, pos)
        gender = r.get("gender")
        if gender is not None and gender not in GENDERS:
            self._problem(file, pos, ref, "gender", f"{gender!r} is not a FHIR administrative gender")
        names = [n for n in _list(r.get("name")) if isinstance(n, dict)]
        official = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
        family: str = official["family"] if isinstance(official.get("family"), str) else ""
        given = tuple(g for g in _list(official.get("given")) if isinstance(g, str))
        text: str = official["text"] if isinstance(official.get("text"), str) else ""
        display = text or " ".join([*given, family]).strip()
        if not display:
            self._problem(file, pos, ref, "name", "practitioner without a name", severity="warning")
        languages: list[str] = []
        for comm in _list(r.get("communication")):
            for code in _codes(comm):
                lang = normalize_language(code)
                if lang is None:
                    self._problem(
                        file, pos, ref, "communication", f"unknown language code {code!r}", severity="warning"
                    )
                elif lang not in languages:
                    languages.append(lang)
        quals: list[str] = []
        specialties: list[str] = []
        for qual in _list(r.get("qualification")):
            if not isinstance(qual, dict) or not isinstance(qual.get("code"), dict):
                self._problem(file, pos, ref, "qualification.code", "qualification without a code")
                continue
            quals.extend(_codes(qual["code"]))
            specialties.extend(_codes(qual["code"], NUCC_SYSTEM))
        npi, npi_valid = self._npi(r, ref, file, pos)
        self.practitioners[ref] = _Practitioner(
            ref,
            file,
            pos,
            lu,
            npi=npi,
            npi_valid=npi_valid,
            name=display or ref,
            family=family or "",
            given=given,
            gender=gender if gender in GENDERS else None,
            languages=tuple(languages),
            qualifications=tuple(dict.fromkeys(quals)),
            specialties=tuple(dict.fromkeys(specialties)),
        )

    def _add_Organization(
        self, r: dict[str, Any], ref: str, file: str, pos: str, lu: datetime | None
    ) -> None:
        self._seen.add(ref)
        self._check_active(r, ref, file, pos)
        for element in ("type", "telecom", "address", "contact"):
            self._check_list(r, element, ref, file, pos)
        types = _codes(r.get("type"))
        is_network = "ntwk" in types
        name: str | None = r.get("name")
        if name is not None and not isinstance(name, str):
            self._problem(file, pos, ref, "name", "must be a string")
            name = None
        if is_network and not _ref(r.get("partOf")):
            self._problem(
                file,
                pos,
                ref,
                "partOf",
                "a Plan-Net Network must say which payer manages it (partOf)",
                severity="warning",
                code="directory.plannet_rule",
            )
        npi, npi_valid = self._npi(r, ref, file, pos)
        self.organizations[ref] = _Organization(
            ref,
            file,
            pos,
            lu,
            npi=npi,
            npi_valid=npi_valid,
            name=name or ref,
            is_network=is_network,
            phone=_phone(r.get("telecom")),
        )

    def _add_Location(self, r: dict[str, Any], ref: str, file: str, pos: str, lu: datetime | None) -> None:
        self._seen.add(ref)
        for name in ("telecom", "type", "hoursOfOperation", "extension"):
            self._check_list(r, name, ref, file, pos)
        status = r.get("status")
        if status is not None and status not in ("active", "suspended", "inactive"):
            self._problem(file, pos, ref, "status", f"{status!r} is not a Location status")
        if "mode" in r:
            self._problem(
                file,
                pos,
                ref,
                "mode",
                "Plan-Net prohibits Location.mode; ignored",
                severity="warning",
                code="directory.plannet_rule",
            )
        if "address" in r and not isinstance(r["address"], dict):
            self._problem(file, pos, ref, "address", "must be an Address object")
        lat = lon = None
        position = r.get("position")
        if position is not None:
            plat, plon = (
                (position.get("latitude"), position.get("longitude"))
                if isinstance(position, dict)
                else (None, None)
            )
            if (
                not isinstance(plat, int | float)
                or not isinstance(plon, int | float)
                or isinstance(plat, bool)
                or isinstance(plon, bool)
                or not is_valid_coordinate(float(plat), float(plon))
            ):
                self._problem(file, pos, ref, "position", "latitude/longitude must be numbers within range")
            else:
                lat, lon = float(plat), float(plon)
        accessibility = tuple(
            c for e in _extensions(r, EXT_ACCESSIBILITY) for c in _codes(e.get("valueCodeableConcept"))
        )
        newpatients = _newpatients(r)
        self._check_newpatients(newpatients, ref, file, pos)
        address = _address(r.get("address"))
        self.locations[ref] = _Location(
            ref,
            file,
            pos,
            lu,
            name=r.get("name") if isinstance(r.get("name"), str) else None,
            address=address,
            key=address_key(address),
            lat=lat,
            lon=lon,
            phone=_phone(r.get("telecom")),
            accessibility=tuple(dict.fromkeys(accessibility)),
            newpatients=newpatients,
            hours=_times(r.get("hoursOfOperation"), start_key="openingTime", end_key="closingTime"),
        )

    def _check_newpatients(
        self, items: list[tuple[str | None, str | None]], ref: str, file: str, pos: str
    ) -> None:
        for code, _network in items:
            if code is None or code not in ACCEPTING:
                self._problem(
                    file,
                    pos,
                    ref,
                    "extension:newpatients.acceptingPatients",
                    f"{code!r} is not an AcceptingPatients code (newpt, nopt, existptonly, existptfam)",
                )

    def _add_HealthcareService(
        self, r: dict[str, Any], ref: str, file: str, pos: str, lu: datetime | None
    ) -> None:
        self._seen.add(ref)
        self._check_active(r, ref, file, pos)
        for name in ("category", "specialty", "location", "telecom", "type"):
            self._check_list(r, name, ref, file, pos)
        delivery: list[str] = []
        modalities: list[str] = []
        for ext in _extensions(r, EXT_DELIVERY):
            for sub in _sub(ext, "type"):
                delivery.extend(_codes(sub.get("valueCodeableConcept")))
            for sub in _sub(ext, "virtualModalities"):
                modalities.extend(_codes(sub.get("valueCodeableConcept")))
        newpatients = _newpatients(r)
        self._check_newpatients(newpatients, ref, file, pos)
        self.services[ref] = _Service(
            ref,
            file,
            pos,
            lu,
            categories=tuple(_codes(r.get("category"))),
            specialties=tuple(_codes(r.get("specialty"), NUCC_SYSTEM)),
            locations=tuple(x for x in (_ref(v) for v in _list(r.get("location"))) if x),
            delivery=tuple(dict.fromkeys(delivery)),
            modalities=tuple(dict.fromkeys(modalities)),
            newpatients=newpatients,
            phone=_phone(r.get("telecom")),
        )
        provided_by = _ref(r.get("providedBy"))
        if provided_by:
            self._deferred.append((ref, "providedBy", provided_by, file, pos))

    def _add_participation(
        self, r: dict[str, Any], ref: str, file: str, pos: str, lu: datetime | None
    ) -> _Participation:
        active = self._check_active(r, ref, file, pos)
        for name in ("location", "healthcareService", "specialty", "code", "telecom", "network", "extension"):
            self._check_list(r, name, ref, file, pos)
        period: dict[str, Any] = r["period"] if isinstance(r.get("period"), dict) else {}
        start, end = _parse_date(period.get("start")), _parse_date(period.get("end"))
        if start and end and start > end:
            self._problem(file, pos, ref, "period", "period.start is after period.end")
        newpatients = _newpatients(r)
        self._check_newpatients(newpatients, ref, file, pos)
        telecoms = _list(r.get("telecom"))
        for t in telecoms:
            if not isinstance(t, dict):
                continue
            has_ext = bool(t.get("extension"))
            if not has_ext and (not t.get("system") or not t.get("value")):
                self._problem(
                    file,
                    pos,
                    ref,
                    "telecom",
                    "Plan-Net requires telecom.system and telecom.value",
                    severity="warning",
                    code="directory.plannet_rule",
                )
        specialties = _codes(r.get("specialty"), NUCC_SYSTEM)
        other = [c for c in _codes(r.get("specialty")) if c not in specialties]
        if other:
            self._problem(
                file,
                pos,
                ref,
                "specialty",
                f"specialty codes not from NUCC: {', '.join(other)}",
                severity="warning",
                code="directory.plannet_rule",
            )
        return _Participation(
            ref,
            file,
            pos,
            lu,
            locations=tuple(x for x in (_ref(v) for v in _list(r.get("location"))) if x),
            services=tuple(x for x in (_ref(v) for v in _list(r.get("healthcareService"))) if x),
            specialties=tuple(dict.fromkeys(specialties)),
            codes=tuple(_codes(r.get("code"))),
            newpatients=newpatients,
            phone=_phone(telecoms),
            active=active,
            start=start,
            end=end,
        )

    def _add_PractitionerRole(
        self, r: dict[str, Any], ref: str, file: str, pos: str, lu: datetime | None
    ) -> None:
        self._seen.add(ref)
        part = self._add_participation(r, ref, file, pos, lu)
        part.practitioner = _ref(r.get("practitioner"))
        part.organization = _ref(r.get("organization"))
        networks = [_ref(e.get("valueReference")) for e in _extensions(r, EXT_NETWORK)]
        part.networks = tuple(n for n in networks if n)
        part.times = _times(
            r.get("availableTime"), start_key="availableStartTime", end_key="availableEndTime"
        )
        if not (part.practitioner or part.organization or part.services or part.locations):
            self._problem(
                file,
                pos,
                ref,
                None,
                "PractitionerRole needs a practitioner, organization, "
                "healthcareService or location (Plan-Net invariant)",
            )
        self.participations[ref] = part

    def _add_OrganizationAffiliation(
        self, r: dict[str, Any], ref: str, file: str, pos: str, lu: datetime | None
    ) -> None:
        self._seen.add(ref)
        part = self._add_participation(r, ref, file, pos, lu)
        primary = _ref(r.get("organization"))
        participating = _ref(r.get("participatingOrganization"))
        if not (primary or participating):
            self._problem(
                file,
                pos,
                ref,
                None,
                "OrganizationAffiliation needs organization or "
                "participatingOrganization (Plan-Net invariant)",
            )
        part.organization = participating or primary
        part.networks = tuple(n for n in (_ref(v) for v in _list(r.get("network"))) if n)
        if primary and participating:
            self._deferred.append((ref, "organization", primary, file, pos))
        self.participations[ref] = part

    def _add_InsurancePlan(
        self, r: dict[str, Any], ref: str, file: str, pos: str, lu: datetime | None
    ) -> None:
        self._seen.add(ref)
        status = r.get("status")
        if status is not None and status not in ("draft", "active", "retired", "unknown"):
            self._problem(file, pos, ref, "status", f"{status!r} is not an InsurancePlan status")
        if not _list(r.get("network")) and not any(
            _list(p.get("network")) for p in _list(r.get("plan")) if isinstance(p, dict)
        ):
            self._problem(
                file,
                pos,
                ref,
                "network",
                "InsurancePlan must name its network(s) (network-or-plan-Network)",
                severity="warning",
                code="directory.plannet_rule",
            )

    def _add_Endpoint(self, r: dict[str, Any], ref: str, file: str, pos: str, lu: datetime | None) -> None:
        self._seen.add(ref)
        if "address" in r and not isinstance(r["address"], str):
            self._problem(file, pos, ref, "address", "Endpoint.address must be a URL string")
        if not isinstance(r.get("connectionType"), dict):
            self._problem(file, pos, ref, "connectionType", "Endpoint.connectionType is required (Coding)")

    # -- resolution

    def finish(self) -> ReadResult:
        networks = {o.ref.split("/", 1)[1]: o.name for o in self.organizations.values() if o.is_network}
        network_ref = f"Organization/{self.network_id}" if self.network_id else None
        if network_ref and self.network_id not in networks:
            known = ", ".join(sorted(networks)) or "none"
            self.problems.append(
                Problem(
                    "",
                    "",
                    network_ref,
                    "network",
                    f"network {self.network_id!r} is not in this directory (networks found: {known})",
                    "error",
                    "directory.unknown_network",
                )
            )
        for ref, field_name, target, file, pos in self._deferred:
            if target not in self._seen:
                self._problem(
                    file,
                    pos,
                    ref,
                    field_name,
                    f"broken reference to {target}",
                    code="directory.broken_reference",
                )
                self.invalid.add(ref)
        entries: list[SourceEntry] = []
        rejected: set[str] = set()
        for ref in sorted(self.participations):
            part = self.participations[ref]
            if ref in self.invalid:
                rejected.add(ref)
                continue
            if not self._resolve_refs(part):
                rejected.add(ref)
                continue
            if (
                not part.active
                or (part.end and part.end < self.as_of)
                or (part.start and part.start > self.as_of)
            ):
                continue
            if network_ref and network_ref not in part.networks:
                continue
            if not network_ref and networks and not part.networks:
                continue  # the directory names networks, and this role is in none of them
            entries.extend(self._entries_for(part))
        rejected.update(
            r for r in self.invalid if not r.startswith(("PractitionerRole/", "OrganizationAffiliation/"))
        )
        catalog = [c for ref, c in sorted(self.catalog.items()) if ref not in self.invalid]
        collapsed, notes = collapse_entries(entries)
        self.problems.extend(notes)
        return ReadResult(
            entries=collapsed,
            catalog=catalog,
            problems=self.problems,
            resources_read=self.read,
            counts=dict(sorted(self.counts.items())),
            rejected=sorted(rejected),
            networks=networks,
        )

    def _resolve_refs(self, part: _Participation) -> bool:
        ok = True
        checks: list[tuple[str, str | None, dict[str, Any]]] = [
            ("practitioner", part.practitioner, self.practitioners),  # type: ignore[list-item]
            ("organization", part.organization, self.organizations),  # type: ignore[list-item]
        ]
        checks += [("location", loc, self.locations) for loc in part.locations]  # type: ignore[misc]
        checks += [("healthcareService", svc, self.services) for svc in part.services]  # type: ignore[misc]
        checks += [("network", net, self.organizations) for net in part.networks]  # type: ignore[misc]
        for field_name, target, table in checks:
            if target is None:
                continue
            if target not in table or target in self.invalid:
                why = "is invalid" if target in self.invalid else "does not resolve"
                self._problem(
                    part.file,
                    part.position,
                    part.ref,
                    field_name,
                    f"reference {target} {why}",
                    code="directory.broken_reference",
                )
                ok = False
            elif field_name == "network" and not self.organizations[target].is_network:
                self._problem(
                    part.file,
                    part.position,
                    part.ref,
                    field_name,
                    f"{target} is not a Plan-Net Network (Organization.type ntwk)",
                    code="directory.broken_reference",
                )
                ok = False
        return ok

    def _accepting(
        self, sources: list[list[tuple[str | None, str | None]]], network: str | None
    ) -> str | None:
        for items in sources:
            for code, from_network in items:
                if from_network is None or network is None or from_network == network:
                    return code
        return None

    def _entries_for(self, part: _Participation) -> list[SourceEntry]:
        services = [self.services[s] for s in part.services]
        location_refs = list(part.locations) or list(
            dict.fromkeys(loc for s in services for loc in s.locations)
        )
        networks = [_ref_id(n) or "" for n in part.networks]
        practitioner = self.practitioners.get(part.practitioner) if part.practitioner else None
        org = self.organizations.get(part.organization) if part.organization else None
        if practitioner is None and org is None:
            return []
        telehealth = any("virtual" in s.delivery for s in services)
        modalities = tuple(dict.fromkeys(m for s in services for m in s.modalities))
        specialties = list(part.specialties)
        if practitioner is not None and not specialties:
            specialties = list(practitioner.specialties)
        if practitioner is None:
            specialties += [sp for s in services for sp in s.specialties]
        specialties = sorted(set(specialties))
        service_phone = next((s.phone for s in services if s.phone), None)
        out: list[SourceEntry] = []
        loc_refs: list[str | None] = [*location_refs] or [None]
        for loc_ref in loc_refs:
            loc = self.locations.get(loc_ref) if loc_ref else None
            accepting = tuple(
                (
                    net,
                    self._accepting(
                        [
                            part.newpatients,
                            loc.newpatients if loc else [],
                            *[s.newpatients for s in services],
                        ],
                        net,
                    ),
                )
                for net in (networks or [""])
            )
            lat, lon, geo = self._geo(loc)
            refs = [part.ref, *(s.ref for s in services)]
            stamps = [part.last_updated, *(s.last_updated for s in services)]
            if loc:
                refs.append(loc.ref)
                stamps.append(loc.last_updated)
            if practitioner is not None:
                refs.append(practitioner.ref)
                stamps.append(practitioner.last_updated)
                npi = practitioner.npi
                entry = SourceEntry(
                    provider_kind="practitioner",
                    provider_type="practitioner",
                    identity=npi or f"ref:{practitioner.ref}",
                    npi=npi,
                    npi_valid=practitioner.npi_valid,
                    name=practitioner.name,
                    family_name=practitioner.family,
                    given_names=practitioner.given,
                    gender=practitioner.gender,
                    organization_name=org.name if org else None,
                    specialties=tuple(specialties),
                    qualifications=practitioner.qualifications,
                    languages=tuple(sorted(practitioner.languages)),
                    accessibility=tuple(sorted(loc.accessibility)) if loc else (),
                    accepting=accepting,
                    telehealth=telehealth or loc is None,
                    virtual_modalities=modalities,
                    phone=part.phone or (loc.phone if loc else None) or service_phone,
                    address=loc.address if loc else None,
                    address_key=loc.key if loc else "",
                    location_name=loc.name if loc else None,
                    lat=lat,
                    lon=lon,
                    geo_source=geo,
                    available_times=part.times or (loc.hours if loc else ()),
                    networks=tuple(sorted(n for n in networks if n)),
                    resource_refs=tuple(sorted(set(refs))),
                    last_updated=_max_dt(stamps),
                )
            else:
                assert org is not None
                refs.append(org.ref)
                stamps.append(org.last_updated)
                entry = SourceEntry(
                    provider_kind="organization",
                    provider_type=self._org_type(part, services, specialties),
                    identity=org.npi or f"ref:{org.ref}",
                    npi=org.npi,
                    npi_valid=org.npi_valid,
                    name=org.name,
                    organization_name=org.name,
                    specialties=tuple(specialties),
                    accessibility=tuple(sorted(loc.accessibility)) if loc else (),
                    accepting=accepting,
                    telehealth=telehealth or loc is None,
                    virtual_modalities=modalities,
                    phone=part.phone or (loc.phone if loc else None) or service_phone or org.phone,
                    address=loc.address if loc else None,
                    address_key=loc.key if loc else "",
                    location_name=loc.name if loc else None,
                    lat=lat,
                    lon=lon,
                    geo_source=geo,
                    available_times=part.times or (loc.hours if loc else ()),
                    networks=tuple(sorted(n for n in networks if n)),
                    resource_refs=tuple(sorted(set(refs))),
                    last_updated=_max_dt(stamps),
                )
            out.append(entry)
        return out

    @staticmethod
    def _org_type(part: _Participation, services: list[_Service], specialties: list[str]) -> ProviderType:
        if (
            "pharmacy" in part.codes
            or any("pharm" in s.categories for s in services)
            or any(code.startswith("3336") for code in specialties)
        ):
            return "pharmacy"
        return "facility"

    def _geo(self, loc: _Location | None) -> tuple[float | None, float | None, GeoSource | None]:
        if loc is None:
            return None, None, None
        if loc.lat is not None and loc.lon is not None:
            return loc.lat, loc.lon, "source"
        if loc.address is not None:
            found = self.geocode(loc.address.postal_code)
            if found is not None:
                return found[0], found[1], "zip_centroid"
        return None, None, None


def collapse_entries(entries: list[SourceEntry]) -> tuple[list[SourceEntry], list[Problem]]:
    """One entry per key within one plan: several roles of one provider at one address become one.

    Lists are united (specialties, networks, languages, accessibility, sources); accepting codes are
    kept per network (the most open when two roles of one network disagree); the first non-empty
    phone/name in resource order wins. Output is sorted by key (deterministic). One NPI under
    different names at one address is reported as a warning (a directory data-quality problem).
    """
    notes: list[Problem] = []
    groups: dict[tuple[str, str, str], list[SourceEntry]] = {}
    for entry in entries:
        groups.setdefault(entry.key, []).append(entry)
    out: list[SourceEntry] = []
    for key in sorted(groups):
        items = sorted(groups[key], key=lambda e: e.resource_refs)
        if len(items) == 1:
            out.append(items[0])
            continue
        first = items[0]
        names = sorted({i.name for i in items})
        if len(names) > 1:
            notes.append(
                Problem(
                    "",
                    "",
                    ", ".join(first.resource_refs[:3]),
                    "name",
                    f"NPI {first.identity} at {first.address_key or 'no address'} is listed under several "
                    f"names: {'; '.join(names)}",
                    "warning",
                    "directory.npi_several_names",
                )
            )
        accepting: dict[str, list[str | None]] = {}
        for item in items:
            for net, code in item.accepting:
                accepting.setdefault(net, []).append(code)
        out.append(
            SourceEntry(
                provider_kind=first.provider_kind,
                provider_type="pharmacy"
                if any(i.provider_type == "pharmacy" for i in items)
                else first.provider_type,
                identity=first.identity,
                npi=first.npi,
                npi_valid=first.npi_valid,
                name=first.name,
                family_name=first.family_name,
                given_names=first.given_names,
                gender=next((i.gender for i in items if i.gender), None),
                organization_name=next((i.organization_name for i in items if i.organization_name), None),
                specialties=tuple(sorted({s for i in items for s in i.specialties})),
                qualifications=tuple(dict.fromkeys(q for i in items for q in i.qualifications)),
                languages=tuple(sorted({lang for i in items for lang in i.languages})),
                accessibility=tuple(sorted({a for i in items for a in i.accessibility})),
                accepting=tuple((net, most_open(codes)) for net, codes in sorted(accepting.items())),
                telehealth=any(i.telehealth for i in items),
                virtual_modalities=tuple(sorted({m for i in items for m in i.virtual_modalities})),
                phone=next((i.phone for i in items if i.phone), None),
                address=first.address,
                address_key=first.address_key,
                location_name=first.location_name,
                lat=first.lat,
                lon=first.lon,
                geo_source=first.geo_source,
                available_times=next((i.available_times for i in items if i.available_times), ()),
                networks=tuple(sorted({n for i in items for n in i.networks})),
                resource_refs=tuple(sorted({r for i in items for r in i.resource_refs})),
                last_updated=_max_dt(i.last_updated for i in items),
            )
        )
    return out, notes


def read_directory(
    paths: Iterable[str | Path],
    *,
    network_id: str | None = None,
    as_of: date | None = None,
    progress: ProgressFn | None = None,
) -> ReadResult:
    """Read Plan-Net files into a ReadResult (see the module docstring)."""
    return PlanNetReader(network_id=network_id, as_of=as_of, progress=progress).read_paths(paths)
