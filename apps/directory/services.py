"""Directory writes: import a plan's directory (source layer) and rebuild a pair's unified directory.

Import: read with memberhub.directory (Plan-Net or CSV) -> refuse on errors unless skip_invalid ->
no-op when the content equals the plan's current directory -> replace the plan's source rows in one
transaction (COPY) -> on commit, schedule a rebuild of every aligned pair the plan belongs to.
Rebuild: load both plans' source rows -> memberhub.directory.merge.merge_pair -> replace the pair's
unified rows in one transaction (COPY). Both are idempotent and safe to re-run.
"""

import hashlib
import logging
import re
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import orjson
from django.core.files.storage import storages
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from apps.directory.copytext import raw_json, raw_json_text, write_copy
from apps.directory.models import PlanDirectory, uuid5_text
from apps.ingest.models import ImportKind, ImportRun, ImportStatus
from apps.plans.models import AlignedPlanPair, Plan
from memberhub.directory.codec import entry_from_json
from memberhub.directory.csvlayout import read_directory_csv
from memberhub.directory.merge import UnifiedEntry as MergedEntry
from memberhub.directory.merge import merge_pair
from memberhub.directory.plannet import PlanNetReader, ReadError, ReadResult
from memberhub.directory.records import Problem

logger = logging.getLogger(__name__)
ProgressFn = Callable[[int], None]
MAX_REPORTED_PROBLEMS = 1000
BIG_REBUILD = 20_000
GIN_PENDING_KB = 1024 * 1024  # 1 GB: the whole rebuild's trigram keys fit in the pending list


def _problem_row(problem: Problem) -> dict[str, Any]:
    return {
        "file": problem.file,
        "line": problem.position,
        "segment": problem.resource,
        "field": problem.field,
        "code": problem.code,
        "message": problem.message,
    }


def _files_sha256(paths: Sequence[str]) -> str:
    digest = hashlib.sha256()
    files: list[Path] = []
    for raw in sorted(paths):
        path = Path(raw)
        files.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    for file in files:
        try:
            with file.open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError:
            digest.update(str(file).encode())
    return digest.hexdigest()


def _detect_format(paths: Sequence[str]) -> str:
    csvs = [p for p in paths if p.lower().endswith(".csv")]
    if csvs and len(csvs) != len(paths):
        raise ReadError("mix of CSV and Plan-Net files: import them separately")
    return "csv" if csvs else "plannet"


def directory_import_start(
    *,
    plan: Plan,
    paths: Sequence[str],
    network_id: str = "",
    skip_invalid: bool = False,
    created_by: Any = None,
    source_name: str = "",
) -> ImportRun:
    """Record a pending import and run it on the `ingest` queue after commit."""
    from apps.directory.tasks import import_directory_task

    run = ImportRun.objects.create(
        kind=ImportKind.DIRECTORY,
        plan=plan,
        status=ImportStatus.PENDING,
        source_name=source_name or ", ".join(paths)[:500],
        options={"paths": list(paths), "network_id": network_id, "skip_invalid": skip_invalid},
        created_by=created_by,
    )
    import_directory_task.delay_on_commit(str(run.id))
    return run


def directory_import_run(*, run_id: Any) -> ImportRun | None:
    """Execute a pending import run (the Celery task's body). Claims the run so it runs once."""
    claimed = ImportRun.objects.filter(
        pk=run_id, kind=ImportKind.DIRECTORY, status__in=[ImportStatus.PENDING]
    ).update(status=ImportStatus.RUNNING, started_at=timezone.now())
    if not claimed:
        return None
    run = ImportRun.objects.select_related("plan").get(pk=run_id)
    assert run.plan is not None
    options = run.options or {}
    with tempfile.TemporaryDirectory(prefix="directory-import-") as workdir:
        paths = _materialize(options.get("paths", []), Path(workdir))
        return directory_import(
            plan=run.plan,
            paths=paths,
            network_id=options.get("network_id", ""),
            skip_invalid=bool(options.get("skip_invalid")),
            run=run,
        )


def _materialize(paths: Sequence[str], workdir: Path) -> list[str]:
    """Local paths for the reader: `storage:<name>` files (uploads) are copied out of the storage backend,
    so web and worker need not share a disk."""
    storage = storages["default"]
    out = []
    for index, raw in enumerate(paths):
        if not raw.startswith("storage:"):
            out.append(raw)
            continue
        name = raw.removeprefix("storage:")
        target = workdir / f"{index:03d}-{Path(name).name}"
        with storage.open(name, "rb") as source, target.open("wb") as sink:
            shutil.copyfileobj(source, sink)
        out.append(str(target))
    return out


def directory_import(
    *,
    plan: Plan,
    paths: Sequence[str],
    network_id: str = "",
    skip_invalid: bool = False,
    as_of: date | None = None,
    created_by: Any = None,
    progress: ProgressFn | None = None,
    run: ImportRun | None = None,
    schedule_rebuild: bool = True,
) -> ImportRun:
    """Import a plan's directory files. Returns the ImportRun (status says what happened).

    On success the rebuild of every pair of the plan is scheduled on commit (Celery, `ingest` queue);
    `schedule_rebuild=False` leaves that to the caller (demo loader, benchmark, `--rebuild-now`).
    """
    paths = [str(p) for p in paths]
    if run is None:
        run = ImportRun.objects.create(
            kind=ImportKind.DIRECTORY,
            plan=plan,
            status=ImportStatus.RUNNING,
            source_name=", ".join(paths)[:500],
            options={"paths": paths, "network_id": network_id, "skip_invalid": skip_invalid},
            started_at=timezone.now(),
            created_by=created_by,
        )
    run.source_sha256 = _files_sha256(paths)
    run_pk = run.pk

    def report(done: int) -> None:
        ImportRun.objects.filter(pk=run_pk).update(progress_done=done)
        if progress:
            progress(done)

    try:
        if not paths:
            raise ReadError("no files given")
        if _detect_format(paths) == "csv":
            result = read_directory_csv(paths, network_id=network_id or None)
        else:
            reader = PlanNetReader(network_id=network_id or None, as_of=as_of, progress=report)
            result = reader.read_paths(paths)
    except ReadError as exc:
        return _finish(run, ImportStatus.FAILED, errors=[{"file": "", "line": "", "segment": None,
                       "field": None, "code": "directory.unreadable", "message": str(exc)}])  # fmt: skip
    report(result.resources_read)
    counts: dict[str, Any] = {
        "resources_read": result.resources_read,
        "by_type": result.counts,
        "entries": len(result.entries),
        "catalog": len(result.catalog),
        "rejected": len(result.rejected),
        "errors": len(result.errors),
        "warnings": len(result.warnings),
        "invalid_npis": sum(1 for e in result.entries if e.npi and not e.npi_valid),
        "applied": 0,
    }
    errors = [_problem_row(p) for p in result.errors[:MAX_REPORTED_PROBLEMS]]
    warnings = [_problem_row(p) for p in result.warnings[:MAX_REPORTED_PROBLEMS]]
    if result.errors and not skip_invalid:
        return _finish(run, ImportStatus.FAILED, counts=counts, errors=errors, warnings=warnings)
    if network_id and any(p.code == "directory.unknown_network" for p in result.errors):
        return _finish(run, ImportStatus.FAILED, counts=counts, errors=errors, warnings=warnings)
    fingerprint = result.fingerprint()
    current = PlanDirectory.objects.filter(plan=plan).first()
    if current and current.fingerprint == fingerprint and current.network_id == (network_id or ""):
        counts["duplicate_of"] = str(current.import_run_id)
        return _finish(run, ImportStatus.DUPLICATE, counts=counts, errors=errors, warnings=warnings)
    with transaction.atomic():
        _apply(plan=plan, run=run, result=result, fingerprint=fingerprint, network_id=network_id)
        counts["applied"] = len(result.entries)
        counts["rejected_resources"] = result.rejected[:MAX_REPORTED_PROBLEMS]
        status = ImportStatus.SUCCEEDED_WITH_ERRORS if result.errors else ImportStatus.SUCCEEDED
        run = _finish(run, status, counts=counts, errors=errors, warnings=warnings)
        if schedule_rebuild:
            _schedule_rebuilds(plan)
    return run


def _finish(
    run: ImportRun,
    status: str,
    *,
    counts: dict[str, Any] | None = None,
    errors: list[dict[str, Any]] | None = None,
    warnings: list[dict[str, Any]] | None = None,
) -> ImportRun:
    run.status = status
    run.counts = counts or {}
    run.errors = errors or []
    run.warnings = warnings or []
    run.progress_done = (counts or {}).get("resources_read", run.progress_done)
    run.progress_total = run.progress_done
    run.finished_at = timezone.now()
    run.save()
    logger.info("directory import %s: %s", run.pk, status)
    return run


def _apply(*, plan: Plan, run: ImportRun, result: ReadResult, fingerprint: str, network_id: str) -> None:
    """Replace the plan's source rows (in the caller's transaction)."""
    directory, _created = PlanDirectory.objects.select_for_update().get_or_create(
        plan=plan,
        defaults={"import_run": run, "fingerprint": "", "applied_at": timezone.now()},
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM directory_sourceentry WHERE plan_id = %s", [plan.pk])
        cursor.execute("DELETE FROM directory_sourceresource WHERE plan_id = %s", [plan.pk])
        with cursor.copy(
            "COPY directory_sourceentry (plan_id, import_run_id, provider_type, identity, address_key, npi, "
            "npi_valid, name, last_updated, data) FROM STDIN"
        ) as copy:
            plan_id, run_id = str(plan.pk), str(run.pk)
            write_copy(
                copy,
                (
                    (
                        plan_id,
                        run_id,
                        entry.provider_type,
                        entry.identity[:200],
                        entry.address_key[:300],
                        (entry.npi or "")[:20],
                        entry.npi_valid,
                        entry.name[:300],
                        entry.last_updated,
                        raw_json_text(data.decode()),
                    )
                    for entry, data in zip(result.entries, result.serialized(), strict=True)
                ),
            )
        with cursor.copy(
            "COPY directory_sourceresource (plan_id, import_run_id, resource_type, resource_id, last_updated, "
            "content) FROM STDIN"
        ) as copy:
            write_copy(
                copy,
                (
                    (
                        plan.pk,
                        run.pk,
                        res.resource_type,
                        res.resource_id,
                        res.last_updated,
                        raw_json(res.content),
                    )
                    for res in result.catalog
                ),
            )
    directory.import_run = run
    directory.fingerprint = fingerprint
    directory.network_id = network_id or ""
    directory.networks = result.networks
    directory.entry_count = len(result.entries)
    directory.applied_at = timezone.now()
    directory.save()


def _schedule_rebuilds(plan: Plan) -> None:
    from apps.directory.tasks import rebuild_directory_task

    for pair_id in AlignedPlanPair.objects.filter(Q(medicare_plan=plan) | Q(medi_cal_plan=plan)).values_list(
        "pk", flat=True
    ):
        rebuild_directory_task.delay_on_commit(str(pair_id))


# ------------------------------------------------------------------------------------------ rebuild

_NAME_CHARS = re.compile(r"[^a-z0-9 ]+")


def search_name_for(*, name: str, family_name: str, given_names: Sequence[str], provider_kind: str) -> str:
    """Lower-case, accent-free name words used by the trigram name search."""
    text = " ".join([*given_names, family_name]) if provider_kind == "practitioner" and family_name else name
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(_NAME_CHARS.sub(" ", text).split())


ORG_STOP_WORDS = frozenset({"the", "dr", "of", "and"})


def name_key_for(*, family_name: str, search_name: str, provider_kind: str) -> str:
    """The word(s) a member most likely types: the family name, or an organization's first word."""
    if provider_kind == "practitioner" and family_name:
        text = unicodedata.normalize("NFKD", family_name).encode("ascii", "ignore").decode().lower()
        return " ".join(_NAME_CHARS.sub(" ", text).split())[:100]
    words = [w for w in search_name.split() if w not in ORG_STOP_WORDS]
    return (words[0] if words else search_name)[:100]


def _load_entries(plan_id: Any) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data::text FROM directory_sourceentry WHERE plan_id = %s", [plan_id])
        return [entry_from_json(orjson.loads(row[0])) for row in cursor]


def directory_rebuild_pair(*, pair: AlignedPlanPair) -> dict[str, Any]:
    """Rebuild the pair's unified directory from both plans' source rows. Deterministic and idempotent."""
    started = time.perf_counter()
    medicare = _load_entries(pair.medicare_plan_id)
    medi_cal = _load_entries(pair.medi_cal_plan_id)
    loaded = time.perf_counter()
    merged = merge_pair(
        medicare,
        medi_cal,
        medicare_plan=pair.medicare_plan.code,
        medi_cal_plan=pair.medi_cal_plan.code,
    )
    merged_at = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"directory-rebuild:{pair.pk}"])
        # Bulk load: new trigram keys go to the GIN pending list (cheap appends) and are merged in one
        # pass right after commit (gin_clean_pending_list) instead of one index insertion per name.
        cursor.execute("SET LOCAL gin_pending_list_limit = %s", [GIN_PENDING_KB])
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("DELETE FROM directory_unifiedspecialty WHERE pair_id = %s", [pair.pk])
        cursor.execute("DELETE FROM directory_unifiednamekey WHERE pair_id = %s", [pair.pk])
        cursor.execute("DELETE FROM directory_unifiedentry WHERE pair_id = %s", [pair.pk])
        specialty_rows = _copy_unified(cursor, pair, merged)
        copied = time.perf_counter()
        if len(merged) >= BIG_REBUILD:
            # fresh statistics before the first search: with none, the planner guesses a few dozen name
            # keys per pair and filters all of them by trigram similarity (~90 ms instead of ~2 ms)
            cursor.execute("ANALYZE directory_unifiedentry")
            cursor.execute("ANALYZE directory_unifiednamekey")
    committed = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('directory_unified_name_trgm'::regclass)")
        cursor.execute("SELECT gin_clean_pending_list('directory_name_key_trgm'::regclass)")
        if len(merged) >= BIG_REBUILD and not connection.in_atomic_block:
            # sets the visibility map so specialty searches are index-only scans (VACUUM needs autocommit)
            cursor.execute("VACUUM (ANALYZE) directory_unifiedspecialty")
            # the rebuild replaced every row of the pair: without this the previous version's dead rows
            # (as many as the live ones) stay in the heap and indexes until autovacuum gets to them, and
            # searches read through them (specialty search p95 11 ms -> 17-19 ms on the benchmark)
            cursor.execute("VACUUM (ANALYZE) directory_unifiedentry")
            cursor.execute("VACUUM (ANALYZE) directory_unifiednamekey")
    done = time.perf_counter()
    counts: dict[str, Any] = {
        "entries": len(merged),
        "both": sum(1 for e in merged if e.in_medicare and e.in_medi_cal),
        "conflicts": sum(1 for e in merged if e.conflicts),
        "specialty_rows": specialty_rows,
        "seconds": {
            "load": round(loaded - started, 2),
            "merge": round(merged_at - loaded, 2),
            "copy": round(copied - merged_at, 2),
            "analyze_commit": round(committed - copied, 2),
            "name_index": round(done - committed, 2),
        },
    }
    logger.info("directory rebuild %s: %s", pair.code, counts)
    return counts


ENTRY_COLUMNS = (
    "id", "pair_id", "provider_id", "location_id", "organization_id", "provider_kind", "provider_type", "identity", "npi", "npi_valid", "name", "search_name", "name_key",
    "family_name", "given_names", "gender", "organization_name", "specialties", "languages", "accessibility",
    "telehealth", "phone", "address_lines", "city", "state", "postal_code", "address_key", "location_name", "lat",
    "lon", "geo_source", "in_medicare", "in_medi_cal", "medicare_accepting", "medi_cal_accepting",
    "accepting_new_patients", "needs_review", "conflicts", "sources", "details", "last_updated",
)  # fmt: skip
SPECIALTY_COLUMNS = (
    "entry_id", "pair_id", "taxonomy_code", "lat", "lon", "provider_type", "languages", "accepting_new_patients",
    "medicare_accepting", "medi_cal_accepting", "in_medicare", "in_medi_cal",
)  # fmt: skip


def _org_name_key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", text)


def _organization_links(pair_code: str, merged: list[MergedEntry]) -> list[str | None]:
    """Per merged entry: the provider id of the organization a practitioner works for, else None.

    The source layer keeps a PractitionerRole's organization by name only (`organization_name`), so it
    is matched to the pair's organization entries by name (case, accents and punctuation ignored; each
    plan's spelling of the organization's name counts). Several organizations of that name: the one
    with an entry at the practitioner's address; still several (or none): no link.
    """
    by_name: dict[str, dict[str, set[str]]] = {}
    for e in merged:
        if e.provider_kind != "organization":
            continue
        provider_id = uuid5_text(f"{pair_code}|provider|{e.provider_type}|{e.identity}")
        names = {e.name} | {
            str(value)
            for c in e.conflicts
            if c.field == "name"
            for value in (c.medicare, c.medi_cal)
            if value
        }
        for key in filter(None, map(_org_name_key, names)):
            by_name.setdefault(key, {}).setdefault(provider_id, set()).add(e.address_key)
    links: list[str | None] = []
    for e in merged:
        key = _org_name_key(e.organization_name or "") if e.provider_kind == "practitioner" else ""
        found = by_name.get(key) if key else None
        if found and len(found) > 1:
            found = {p: keys for p, keys in found.items() if e.address_key and e.address_key in keys}
        links.append(next(iter(found)) if found and len(found) == 1 else None)
    return links


def _copy_unified(cursor: Any, pair: AlignedPlanPair, merged: list[MergedEntry]) -> int:
    specialty_rows: list[tuple[Any, ...]] = []
    name_keys: set[str] = set()
    pair_id = str(pair.pk)
    organization_links = _organization_links(pair.code, merged)

    def entry_rows() -> Any:
        for e, organization_id in zip(merged, organization_links, strict=True):
            # same values as unified_entry_id / unified_provider_id / unified_location_id (models), as text
            entry_id = uuid5_text(f"{pair.code}|{e.provider_type}|{e.identity}|{e.address_key}")
            provider_id = uuid5_text(f"{pair.code}|provider|{e.provider_type}|{e.identity}")
            location_id = uuid5_text(f"{pair.code}|location|{e.address_key}") if e.address_key else None
            address = e.address
            search_name = search_name_for(
                name=e.name,
                family_name=e.family_name,
                given_names=e.given_names,
                provider_kind=e.provider_kind,
            )
            name_key = name_key_for(
                family_name=e.family_name, search_name=search_name, provider_kind=e.provider_kind
            )
            name_keys.add(name_key)
            yield (
                entry_id, pair_id, provider_id, location_id, organization_id, e.provider_kind, e.provider_type, e.identity[:200], (e.npi or "")[:20],
                e.npi_valid, e.name[:300], search_name[:300], name_key, e.family_name[:200], e.given_names,
                e.gender or "", (e.organization_name or "")[:300], e.specialties, e.languages, e.accessibility,
                e.telehealth, e.phone or "", address.lines if address else (), address.city[:100] if address else "",
                address.state[:20] if address else "", address.zip5 if address else "", e.address_key[:300],
                (e.location_name or "")[:300], e.lat, e.lon, e.geo_source or "", e.in_medicare, e.in_medi_cal,
                e.medicare_accepting or "", e.medi_cal_accepting or "", e.accepting_new_patients, e.needs_review,
                # orjson serializes the frozen dataclasses directly (same shape as their as_dict())
                raw_json(e.conflicts), raw_json([s.as_dict() for s in e.sources]),
                raw_json({"available_times": e.available_times, "virtual_modalities": e.virtual_modalities}),
                e.last_updated,
            )  # fmt: skip
            for code in e.specialties:
                specialty_rows.append(
                    (
                        entry_id, pair_id, code, e.lat, e.lon, e.provider_type, e.languages,
                        e.accepting_new_patients, e.medicare_accepting or "", e.medi_cal_accepting or "",
                        e.in_medicare, e.in_medi_cal,
                    )
                )  # fmt: skip

    with cursor.copy(f"COPY directory_unifiedentry ({', '.join(ENTRY_COLUMNS)}) FROM STDIN") as copy:
        write_copy(copy, entry_rows())
    with cursor.copy(f"COPY directory_unifiedspecialty ({', '.join(SPECIALTY_COLUMNS)}) FROM STDIN") as copy:
        write_copy(copy, specialty_rows)
    with cursor.copy("COPY directory_unifiednamekey (pair_id, name_key) FROM STDIN") as copy:
        write_copy(copy, ((pair_id, key) for key in sorted(name_keys) if key))
    return len(specialty_rows)


def directory_rebuild_plan_pairs(*, plan: Plan) -> dict[str, dict[str, int]]:
    """Rebuild every pair the plan belongs to, now (used by the command and the demo)."""
    pairs = AlignedPlanPair.objects.filter(Q(medicare_plan=plan) | Q(medi_cal_plan=plan)).select_related(
        "medicare_plan", "medi_cal_plan"
    )
    return {pair.code: directory_rebuild_pair(pair=pair) for pair in pairs}
