"""Directory reads: search of a pair's unified directory, one entry with all its locations, quality report.

The search is SQL on purpose (PERFORMANCE.md, directory): with a specialty it range-scans the
(pair, taxonomy_code, lat, lon) index of the narrow UnifiedSpecialty table inside a bounding box,
then keeps rows within the exact haversine radius; without one it uses (pair, lat, lon) on the entry
table. Names use pg_trgm word similarity (typo-tolerant) on a GIN index. Results are sorted by
distance (or name similarity), then name, then id, and paged with an opaque keyset cursor.
"""

import base64
import binascii
import json
import time
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from uuid import UUID

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q

from apps.directory.models import PlanDirectory, UnifiedEntry
from apps.plans.models import AlignedPlanPair
from memberhub.directory.geo import bounding_box
from memberhub.errors import DomainError

NetworkFilter = Literal["either", "both", "medicare", "medi_cal"]
SortKey = tuple[float, str, str]

OUT_COLUMNS = (
    "id", "name", "provider_type", "npi", "npi_valid", "specialties", "languages", "gender", "accessibility",
    "telehealth", "phone", "address_lines", "city", "state", "postal_code", "lat", "lon", "geo_source",
    "in_medicare", "in_medi_cal", "medicare_accepting", "medi_cal_accepting", "accepting_new_patients",
    "needs_review", "organization_name", "location_name",
)  # fmt: skip
HAVERSINE = (
    "3958.8 * 2 * asin(least(1.0, sqrt(power(sin(radians({t}.lat - %(lat)s) / 2), 2) + cos(radians(%(lat)s)) "
    "* cos(radians({t}.lat)) * power(sin(radians({t}.lon - %(lon)s) / 2), 2))))"
)


class InvalidCursor(DomainError):
    code = "directory.invalid_cursor"
    http_status = 400


@dataclass(frozen=True)
class DirectoryQuery:
    """What a member asks for. `specialty_codes=None` means no specialty filter."""

    specialty_codes: tuple[str, ...] | None = None
    name: str = ""
    language: str | None = None
    accepting: bool | None = None
    network: NetworkFilter = "either"
    near: tuple[float, float] | None = None
    radius_miles: float | None = None
    gender: str | None = None
    accessibility: tuple[str, ...] = ()
    telehealth: bool | None = None
    provider_type: str | None = None


@dataclass
class DirectoryPage:
    results: list[dict[str, Any]]
    next_cursor: str | None
    sort: str = "name"
    extra: dict[str, Any] = field(default_factory=dict)


def encode_cursor(key: SortKey) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> SortKey:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        k1, name, entry_id = float(raw[0]), str(raw[1]), str(UUID(str(raw[2])))
    except (ValueError, TypeError, IndexError, KeyError, binascii.Error, json.JSONDecodeError) as exc:
        raise InvalidCursor("The cursor is not valid: start again without it.") from exc
    return k1, name, entry_id


def _filters(query: DirectoryQuery, t: str, params: dict[str, Any]) -> list[str]:
    """WHERE conditions that exist on both tables (t = alias)."""
    where: list[str] = []
    if query.language:
        params["lang"] = query.language
        where.append(f"{t}.languages @> ARRAY[%(lang)s]::varchar[]")
    if query.network == "both":
        where.append(f"{t}.in_medicare AND {t}.in_medi_cal")
    elif query.network == "medicare":
        where.append(f"{t}.in_medicare")
    elif query.network == "medi_cal":
        where.append(f"{t}.in_medi_cal")
    if query.accepting is not None:
        if query.network == "medicare":
            cond = f"{t}.medicare_accepting = 'newpt'"
        elif query.network == "medi_cal":
            cond = f"{t}.medi_cal_accepting = 'newpt'"
        else:
            cond = f"{t}.accepting_new_patients"
        where.append(cond if query.accepting else f"NOT ({cond})")
    if query.provider_type:
        params["ptype"] = query.provider_type
        where.append(f"{t}.provider_type = %(ptype)s")
    if query.near is not None:
        radius = query.radius_miles or settings.DIRECTORY_DEFAULT_RADIUS_MILES
        box = bounding_box(query.near[0], query.near[1], radius)
        params.update(
            lat=query.near[0], lon=query.near[1], radius=radius, lat0=box.min_lat, lat1=box.max_lat,
            lon0=box.min_lon, lon1=box.max_lon,
        )  # fmt: skip
        where.append(f"{t}.lat BETWEEN %(lat0)s AND %(lat1)s AND {t}.lon BETWEEN %(lon0)s AND %(lon1)s")
    return where


def _entry_filters(query: DirectoryQuery, params: dict[str, Any]) -> list[str]:
    where: list[str] = []
    if query.gender:
        params["gender"] = query.gender
        where.append("e.gender = %(gender)s")
    if query.accessibility:
        params["access"] = list(query.accessibility)
        where.append("e.accessibility @> %(access)s::varchar[]")
    if query.telehealth is not None:
        where.append("e.telehealth" if query.telehealth else "NOT e.telehealth")
    if query.name:
        params["name"] = query.name
        where.append("e.search_name %%> %(name)s")
    return where


def directory_search(
    *, pair: AlignedPlanPair, query: DirectoryQuery, cursor: str | None = None, limit: int | None = None
) -> DirectoryPage:
    """One page of the pair's unified directory matching `query` (see the module docstring)."""
    limit = max(1, min(limit or settings.DIRECTORY_PAGE_SIZE, settings.DIRECTORY_MAX_PAGE_SIZE))
    if query.specialty_codes == ():
        return DirectoryPage(results=[], next_cursor=None, sort=_sort_name(query))
    if query.name and query.near is None and query.specialty_codes is None:
        page = _name_search(pair=pair, query=query, cursor=cursor, limit=limit)
        if page is not None:
            return page
    params: dict[str, Any] = {"pair": pair.pk, "limit": limit + 1}
    cols = ", ".join(f"e.{c}" for c in OUT_COLUMNS)
    if query.near is not None:
        k1_entry = HAVERSINE.format(t="e")
    elif query.name:
        k1_entry = "-word_similarity(%(name)s, e.search_name)"
    else:
        k1_entry = "0.0"
    if query.specialty_codes is not None:
        params["codes"] = list(query.specialty_codes)
        inner = ["s.pair_id = %(pair)s", "s.taxonomy_code = ANY(%(codes)s::varchar[])"]
        inner += _filters(query, "s", params)
        k1_spec = HAVERSINE.format(t="s") if query.near is not None else "0.0"
        if query.near is not None and not _entry_filters(query, {}):
            return _nearest_by_specialty(inner, k1_spec, params, cols, cursor, limit, query)
        source = (
            f"SELECT {cols}, e.search_name AS _search_name, "  # noqa: S608 (fragments are module constants)
            f"{k1_entry if query.near is None else 'h.k1'} AS k1 FROM ("
            f"SELECT s.entry_id, MIN({k1_spec}) AS k1 FROM directory_unifiedspecialty s "
            f"WHERE {' AND '.join(inner)} GROUP BY s.entry_id) h "
            f"JOIN directory_unifiedentry e ON e.id = h.entry_id"
        )
        outer = _entry_filters(query, params)
    else:
        inner = ["e.pair_id = %(pair)s", *_filters(query, "e", params)]
        inner += _entry_filters(query, params)
        source = "SELECT " + cols + ", e.search_name AS _search_name, " + k1_entry + " AS k1 "
        source += "FROM directory_unifiedentry e"
        source += f" WHERE {' AND '.join(inner)}"
        outer = []
    if outer:
        source += " WHERE " + " AND ".join(outer)
    final: list[str] = []
    if query.near is not None:
        final.append("r.k1 <= %(radius)s")
    if cursor:
        k1, name, entry_id = decode_cursor(cursor)
        params.update(c_k1=k1, c_name=name, c_id=entry_id)
        final.append("(r.k1, upper(r.name), r.id) > (%(c_k1)s, %(c_name)s, %(c_id)s::uuid)")
    sql = f"SELECT * FROM ({source}) r"  # noqa: S608 (values are bound parameters)
    if final:
        sql += " WHERE " + " AND ".join(final)
    sql += " ORDER BY r.k1, upper(r.name), r.id LIMIT %(limit)s"
    with connection.cursor() as db:
        if query.name:
            db.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                       [str(settings.DIRECTORY_NAME_SIMILARITY)])  # fmt: skip
        db.execute(sql, params)
        names = [d.name for d in db.description]
        rows = [dict(zip(names, row, strict=True)) for row in db.fetchall()]
    return _finish_page(rows, limit, query)


def _nearest_by_specialty(
    inner: list[str],
    k1_spec: str,
    params: dict[str, Any],
    cols: str,
    cursor: str | None,
    limit: int,
    query: DirectoryQuery,
) -> DirectoryPage:
    """Specialty + place with no entry-only filter: rank the narrow index rows by distance first, then
    read only the page's entries.

    In a dense area a 10-mile search matches hundreds of entries; joining every one of them to the wide
    entry table before sorting was most of the query. Here `cut` is the distance of the (limit+1)-th
    nearest match (after the cursor's distance, when paging); only matches at or inside that distance are
    joined, so ties on distance (a clinic's providers share one address) still sort by name and id
    exactly as before. With a cursor, `cut` is taken over the matches strictly beyond the cursor's
    distance: a subset of the page's candidates, so its (limit+1)-th distance can only be larger, never
    cut a row the page needs.
    """
    cut_after = page_after = ""
    if cursor:
        k1, name, entry_id = decode_cursor(cursor)
        params.update(c_k1=k1, c_name=name, c_id=entry_id)
        cut_after = " WHERE k1 > %(c_k1)s"
        page_after = " AND (h.k1, upper(e.name), e.id) > (%(c_k1)s, %(c_name)s, %(c_id)s::uuid)"
    params["offset"] = limit
    sql = (
        f"WITH h AS MATERIALIZED (SELECT s.entry_id, MIN({k1_spec}) AS k1 "  # noqa: S608 (module constants)
        f"FROM directory_unifiedspecialty s WHERE {' AND '.join(inner)} GROUP BY s.entry_id "
        f"HAVING MIN({k1_spec}) <= %(radius)s), "
        f"cut AS (SELECT k1 FROM h{cut_after} ORDER BY k1 OFFSET %(offset)s LIMIT 1) "
        f"SELECT {cols}, h.k1 AS k1 FROM h JOIN directory_unifiedentry e ON e.id = h.entry_id "
        f"WHERE h.k1 <= COALESCE((SELECT k1 FROM cut), 'Infinity'::float8){page_after} "
        "ORDER BY h.k1, upper(e.name), e.id LIMIT %(limit)s"
    )
    with connection.cursor() as db:
        db.execute(sql, params)
        names = [d.name for d in db.description]
        rows = [dict(zip(names, row, strict=True)) for row in db.fetchall()]
    return _finish_page(rows, limit, query)


def _finish_page(rows: list[dict[str, Any]], limit: int, query: DirectoryQuery) -> DirectoryPage:
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor((float(last["k1"]), str(last["name"]).upper(), str(last["id"])))
    for row in rows:
        k1 = row.pop("k1")
        row.pop("_search_name", None)
        row["distance_miles"] = round(float(k1), 2) if query.near is not None else None
    return DirectoryPage(results=rows, next_cursor=next_cursor, sort=_sort_name(query))


def _name_search(
    *, pair: AlignedPlanPair, query: DirectoryQuery, cursor: str | None, limit: int
) -> DirectoryPage | None:
    """Typo-tolerant name search without a place or specialty (the expensive case for trigram scans).

    1. Correct the most recognisable word of the query against the pair's small dictionary of name keys
       (family names, organizations' first words): up to 3 keys by pg_trgm word similarity.
    2. For each key, read the entries in name order straight from the (pair, name_key, upper(name), id)
       index, the other query words as word-similarity filters; merge by (similarity, name, id).
    Returns None when no key is similar enough (the caller falls back to the trigram scan).
    """
    tokens = [t for t in query.name.split() if len(t) >= 2]
    if not tokens:
        return None
    with connection.cursor() as db:
        db.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                   [str(settings.DIRECTORY_NAME_SIMILARITY)])  # fmt: skip
        best_token: str = ""
        best: list[tuple[str, float]] = []
        for token in tokens:
            # trigram word similarity, or (trigrams are weak on swapped letters in short names) an edit
            # distance of 1-2 among the keys with the same first letter
            maxd = 2 if len(token) >= 5 else 1
            # Two candidate sets, UNIONed so each keeps its own cheap plan (one OR made the planner test
            # trigram similarity on every key with the same first letter: ~15 ms instead of ~2 ms).
            db.execute(
                "SELECT name_key, word_similarity(%(t)s, name_key) AS s, "
                "levenshtein_less_equal(name_key, %(t)s, %(maxd)s) AS d FROM ("
                "SELECT name_key FROM directory_unifiednamekey WHERE pair_id = %(p)s AND name_key %%> %(t)s "
                "UNION SELECT name_key FROM directory_unifiednamekey WHERE pair_id = %(p)s "
                "AND name_key LIKE %(first)s AND length(name_key) BETWEEN %(lo)s AND %(hi)s "
                "AND levenshtein_less_equal(name_key, %(t)s, %(maxd)s) <= %(maxd)s) k "
                "ORDER BY d, s DESC, name_key LIMIT 3",
                {"t": token, "p": pair.pk, "first": _like_escape(token[0]) + "%", "maxd": maxd,
                 "lo": len(token) - maxd, "hi": len(token) + maxd},
            )  # fmt: skip
            found = [
                (key, max(float(sim), 1 - dist / max(len(key), len(token))))
                for key, sim, dist in db.fetchall()
            ]
            if found and (not best or found[0][1] > best[0][1]):
                best_token, best = token, found
        if not best:
            return None
        params: dict[str, Any] = {"pair": pair.pk, "limit": limit + 1}
        common = ["e.pair_id = %(pair)s", *_filters(query, "e", params)]
        common += _entry_filters(replace(query, name=""), params)
        for i, token in enumerate(t for t in tokens if t != best_token):
            params[f"tok{i}"] = token
            common.append(f"e.search_name %%> %(tok{i})s")
        if cursor:
            k1, cname, entry_id = decode_cursor(cursor)
            params.update(c_k1=k1, c_name=cname, c_id=entry_id)
        cols = ", ".join(f"e.{c}" for c in OUT_COLUMNS)
        parts = []
        for i, (key, similarity) in enumerate(best):
            params[f"key{i}"] = key
            params[f"k1_{i}"] = -float(similarity)
            where = [*common, f"e.name_key = %(key{i})s"]
            if cursor:
                where.append(
                    f"(%(k1_{i})s::float8, upper(e.name), e.id) > (%(c_k1)s, %(c_name)s, %(c_id)s::uuid)"
                )
            # SQL fragments are module constants; every value is a bound parameter
            select = "(SELECT " + cols + f", %(k1_{i})s::float8 AS k1 FROM directory_unifiedentry e WHERE "  # noqa: S608
            parts.append(select + " AND ".join(where) + " ORDER BY upper(e.name), e.id LIMIT %(limit)s)")
        union = " UNION ALL ".join(parts)
        sql = f"SELECT * FROM ({union}) r ORDER BY r.k1, upper(r.name), r.id LIMIT %(limit)s"  # noqa: S608
        db.execute(sql, params)
        names = [d.name for d in db.description]
        rows = [dict(zip(names, row, strict=True)) for row in db.fetchall()]
    return _finish_page(rows, limit, query)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _sort_name(query: DirectoryQuery) -> str:
    if query.near is not None:
        return "distance"
    return "name_similarity" if query.name else "name"


_PAIR_CACHE: dict[str, tuple[float, AlignedPlanPair | None]] = {}
PAIR_CACHE_SECONDS = 30.0


def pair_get(*, code: str) -> AlignedPlanPair | None:
    """The pair with this code (cached per process for 30 s: pairs are configuration, read on every search)."""
    now = time.monotonic()
    hit = _PAIR_CACHE.get(code)
    if hit is not None and now - hit[0] < PAIR_CACHE_SECONDS:
        return hit[1]
    pair = AlignedPlanPair.objects.select_related("medicare_plan", "medi_cal_plan").filter(code=code).first()
    if len(_PAIR_CACHE) > 1000:
        _PAIR_CACHE.clear()
    _PAIR_CACHE[code] = (now, pair)
    return pair


def directory_entry_get(*, entry_id: UUID) -> UnifiedEntry | None:
    return (
        UnifiedEntry.objects.select_related("pair", "pair__medicare_plan", "pair__medi_cal_plan")
        .filter(pk=entry_id)
        .first()
    )


def directory_entry_locations(*, entry: UnifiedEntry) -> list[UnifiedEntry]:
    """Every practice location of the same provider (same type and NPI) in the same pair, this one first."""
    others = UnifiedEntry.objects.filter(
        pair_id=entry.pair_id, provider_type=entry.provider_type, identity=entry.identity
    ).order_by("address_key")
    return [entry, *[o for o in others if o.pk != entry.pk]]


def directory_quality_report(*, pair: AlignedPlanPair) -> dict[str, Any]:
    """Counts a directory manager acts on: per network, one-network-only, conflicts by field, gaps."""
    entries = UnifiedEntry.objects.filter(pair=pair)
    totals = entries.aggregate(
        total=Count("id"),
        both=Count("id", filter=Q(in_medicare=True, in_medi_cal=True)),
        medicare=Count("id", filter=Q(in_medicare=True)),
        medi_cal=Count("id", filter=Q(in_medi_cal=True)),
        medicare_only=Count("id", filter=Q(in_medicare=True, in_medi_cal=False)),
        medi_cal_only=Count("id", filter=Q(in_medicare=False, in_medi_cal=True)),
        needs_review=Count("id", filter=Q(needs_review=True)),
        without_coordinates=Count("id", filter=Q(lat__isnull=True) & ~Q(address_key="")),
        virtual_only=Count("id", filter=Q(address_key="")),
        geocoded_from_zip=Count("id", filter=Q(geo_source="zip_centroid")),
        invalid_npi=Count("id", filter=~Q(npi="") & Q(npi_valid=False)),
        without_npi=Count("id", filter=Q(npi="")),
    )
    by_type = dict(entries.values_list("provider_type").annotate(n=Count("id")).order_by("provider_type"))
    with connection.cursor() as db:
        db.execute(
            "SELECT c->>'field', count(*) FROM directory_unifiedentry e, jsonb_array_elements(e.conflicts) c "
            "WHERE e.pair_id = %s GROUP BY 1 ORDER BY 1",
            [pair.pk],
        )
        conflicts = dict(db.fetchall())
    sources = {}
    for side, plan in (("medicare", pair.medicare_plan), ("medi_cal", pair.medi_cal_plan)):
        directory = PlanDirectory.objects.filter(plan=plan).select_related("import_run").first()
        sources[side] = {
            "plan": plan.code,
            "import_run": str(directory.import_run_id) if directory else None,
            "applied_at": directory.applied_at.isoformat() if directory else None,
            "entries": directory.entry_count if directory else 0,
            "networks": directory.networks if directory else {},
        }
    return {
        "pair": pair.code,
        "counts": totals,
        "by_provider_type": by_type,
        "conflicts_by_field": conflicts,
        "sources": sources,
    }
