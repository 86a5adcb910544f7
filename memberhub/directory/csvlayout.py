"""The spreadsheet (CSV) layout for plans that do not publish Plan-Net: one row per provider location.

UTF-8 (a byte-order mark is fine), comma-separated, a header row; column order is free, names are
case-insensitive. Lists inside a cell are separated by `;`.

| column | required | content |
| --- | --- | --- |
| source_id | yes | the plan's id of this row (unique in the file): kept as provenance |
| provider_type | yes | `practitioner`, `facility` or `pharmacy` |
| npi | no | 10-digit NPI (checked; a bad check digit is flagged, not dropped) |
| name | yes, unless family_name | practitioner display name or organization name |
| family_name, given_name | no | practitioner name parts |
| gender | no | male / female / other / unknown |
| taxonomy_codes | no | NUCC codes, e.g. `207Q00000X;207QG0300X` |
| languages | no | BCP-47 codes or English names, e.g. `en;es` or `English;Spanish` |
| accepting_new_patients | no | newpt / nopt / existptonly / existptfam, or Y / N |
| address_line1, address_line2, city, state, zip | no | practice address (no address = virtual only) |
| lat, lon | no | WGS84 decimal degrees; without them the ZIP centroid is used |
| phone | no | any format; digits are kept |
| accessibility | no | AccessibilityCS codes: adacomp;handiaccess;pubtrans;cultcomp;anssrvc;cognitive;mobility |
| telehealth | no | Y / N |
| network_id | no | the plan's network id (what `--network` filters on) |
| last_updated | no | ISO 8601 date or date-time |
"""

import csv
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from memberhub.directory.address import PostalAddress, address_key
from memberhub.directory.geo import is_valid_coordinate
from memberhub.directory.languages import normalize_language
from memberhub.directory.plannet import GeocodeFn, ReadError, ReadResult, collapse_entries, normalize_phone
from memberhub.directory.records import GeoSource, Problem, ProviderType, SourceEntry
from memberhub.directory.reference import is_taxonomy_code, zip_centroid
from memberhub.identifiers import is_valid_npi

REQUIRED = ("source_id", "provider_type")
COLUMNS = (
    "source_id",
    "provider_type",
    "npi",
    "name",
    "family_name",
    "given_name",
    "gender",
    "taxonomy_codes",
    "languages",
    "accepting_new_patients",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip",
    "lat",
    "lon",
    "phone",
    "accessibility",
    "telehealth",
    "network_id",
    "last_updated",
)
TYPES: frozenset[str] = frozenset({"practitioner", "facility", "pharmacy"})
ACCEPTING = {
    "newpt": "newpt",
    "nopt": "nopt",
    "existptonly": "existptonly",
    "existptfam": "existptfam",
    "y": "newpt",
    "yes": "newpt",
    "n": "nopt",
    "no": "nopt",
}
YES = {"y", "yes", "true", "1"}


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def read_directory_csv(
    paths: Iterable[str | Path], *, network_id: str | None = None, geocode: GeocodeFn = zip_centroid
) -> ReadResult:
    entries: list[SourceEntry] = []
    problems: list[Problem] = []
    rejected: list[str] = []
    networks: dict[str, str] = {}
    read = 0
    for raw in paths:
        path = Path(raw)
        name = str(path)
        try:
            handle = path.open(newline="", encoding="utf-8-sig")
        except OSError as exc:
            raise ReadError(f"{name}: cannot open ({exc.strerror})") from exc
        with handle:
            reader = csv.DictReader(handle)
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            missing = [col for col in REQUIRED if col not in header]
            if missing:
                raise ReadError(f"{name}: line 1: missing column(s) {', '.join(missing)}")
            reader.fieldnames = header
            seen: set[str] = set()
            try:
                for row in reader:
                    read += 1
                    line = f"line {reader.line_num}"
                    values = {k: (v or "").strip() for k, v in row.items() if k}
                    sid = values.get("source_id", "")
                    before = len(problems)
                    entry = _row(values, name, line, problems, geocode)
                    if sid in seen:
                        problems.append(Problem(name, line, f"row {sid}", "source_id", "duplicate source_id"))
                    seen.add(sid)
                    if any(p.severity == "error" for p in problems[before:]) or entry is None:
                        rejected.append(f"{name}:{line}")
                        continue
                    if entry.networks:
                        networks.setdefault(entry.networks[0], entry.networks[0])
                    if network_id and network_id not in entry.networks:
                        continue
                    entries.append(entry)
            except csv.Error as exc:
                raise ReadError(f"{name}: line {reader.line_num}: {exc}") from exc
            except UnicodeDecodeError as exc:
                raise ReadError(f"{name}: not UTF-8 text ({exc.reason})") from exc
    if network_id and network_id not in networks:
        problems.append(
            Problem(
                "",
                "",
                None,
                "network_id",
                f"network {network_id!r} is not in these files",
                "error",
                "directory.unknown_network",
            )
        )
    collapsed, notes = collapse_entries(entries)
    return ReadResult(
        entries=collapsed,
        catalog=[],
        problems=problems + notes,
        resources_read=read,
        counts={"row": read},
        rejected=rejected,
        networks=networks,
    )


def _row(
    values: dict[str, str], file: str, line: str, problems: list[Problem], geocode: GeocodeFn
) -> SourceEntry | None:
    sid = values.get("source_id", "")
    res = f"row {sid}" if sid else None

    def err(field: str, message: str, severity: str = "error", code: str = "directory.invalid_row") -> None:
        problems.append(Problem(file, line, res, field, message, severity, code))  # type: ignore[arg-type]

    if not sid:
        err("source_id", "source_id is required")
    ptype = values.get("provider_type", "").lower()
    if ptype not in TYPES:
        err("provider_type", f"{ptype!r} is not practitioner, facility or pharmacy")
        return None
    provider_type: ProviderType = ptype  # type: ignore[assignment]
    npi = re.sub(r"[\s-]", "", values.get("npi", "")) or None
    if npi and not is_valid_npi(npi):
        err(
            "npi",
            f"NPI {npi} fails the NPI format/check digit; kept and flagged",
            "warning",
            "directory.invalid_npi",
        )
    family, given = values.get("family_name", ""), values.get("given_name", "")
    name = values.get("name", "") or " ".join(p for p in (given, family) if p)
    if not name:
        err("name", "name (or family_name) is required")
    gender = values.get("gender", "").lower() or None
    if gender and gender not in ("male", "female", "other", "unknown"):
        err("gender", f"{gender!r} is not male, female, other or unknown")
    specialties = [c.upper() for c in _split(values.get("taxonomy_codes", ""))]
    for code in specialties:
        if not is_taxonomy_code(code):
            err("taxonomy_codes", f"{code!r} is not a NUCC taxonomy code")
    languages: list[str] = []
    for lang in _split(values.get("languages", "")):
        lang_code = normalize_language(lang)
        if lang_code is None:
            err("languages", f"unknown language {lang!r}")
        elif lang_code not in languages:
            languages.append(lang_code)
    accepting_raw = values.get("accepting_new_patients", "").lower()
    accepting = ACCEPTING.get(accepting_raw) if accepting_raw else None
    if accepting_raw and accepting is None:
        err(
            "accepting_new_patients", f"{accepting_raw!r} is not newpt, nopt, existptonly, existptfam, Y or N"
        )
    lines = tuple(v for v in (values.get("address_line1", ""), values.get("address_line2", "")) if v)
    address = None
    if lines or values.get("city") or values.get("zip"):
        address = PostalAddress(lines, values.get("city", ""), values.get("state", ""), values.get("zip", ""))
    lat = lon = None
    geo: GeoSource | None = None
    if values.get("lat") or values.get("lon"):
        try:
            lat, lon = float(values.get("lat", "")), float(values.get("lon", ""))
            if not is_valid_coordinate(lat, lon):
                raise ValueError
            geo = "source"
        except ValueError:
            err("lat", "lat/lon must be decimal degrees within range")
            lat = lon = None
    if geo is None and address is not None:
        found = geocode(address.postal_code)
        if found:
            lat, lon, geo = found[0], found[1], "zip_centroid"
    last_updated = None
    if values.get("last_updated"):
        try:
            last_updated = datetime.fromisoformat(values["last_updated"].replace("Z", "+00:00"))
            if last_updated.tzinfo is None:
                last_updated = last_updated.replace(tzinfo=UTC)
        except ValueError:
            err("last_updated", f"{values['last_updated']!r} is not an ISO 8601 date")
    network = values.get("network_id", "")
    return SourceEntry(
        provider_kind="practitioner" if provider_type == "practitioner" else "organization",
        provider_type=provider_type,
        identity=npi or f"ref:row/{sid}",
        npi=npi,
        npi_valid=bool(npi and is_valid_npi(npi)),
        name=name,
        family_name=family,
        given_names=tuple(given.split()) if given else (),
        gender=gender,
        organization_name=name if provider_type != "practitioner" else None,
        specialties=tuple(sorted(set(specialties))),
        languages=tuple(sorted(languages)),
        accessibility=tuple(sorted(set(_split(values.get("accessibility", ""))))),
        accepting=((network, accepting),),
        telehealth=values.get("telehealth", "").lower() in YES or address is None,
        phone=normalize_phone(values.get("phone", "")),
        address=address,
        address_key=address_key(address),
        lat=lat,
        lon=lon,
        geo_source=geo,
        networks=(network,) if network else (),
        resource_refs=(f"row/{sid}",),
        last_updated=last_updated,
    )
