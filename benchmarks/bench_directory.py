"""Provider directory benchmark: import + merge of two plans' Plan-Net directories, then search through the API.

  python benchmarks/bench_directory.py all [--rows 300000] [--queries 300]
  python benchmarks/bench_directory.py generate --rows 300000      # NDJSON files only
  python benchmarks/bench_directory.py load                        # import both plans + rebuild (timed)
  python benchmarks/bench_directory.py search --queries 300        # API latency (timed)

Data: a synthetic California directory. Each plan publishes `--rows` provider-location entries
(PractitionerRole or OrganizationAffiliation x Location) in Plan-Net NDJSON; 60% of each plan's entries
are also in the other plan (same NPI, same address), a few of those with a different phone, language
list or new-patient status (conflicts). 10% of locations carry no coordinates (ZIP-centroid geocoding).

The two plans are imported by two processes in parallel (two `ingest` workers, concurrency = cores;
`--sequential` for one after the other), then the pair is rebuilt once.

Targets (issue 8): import + merge of both < 5 min; specialty + 10 mi + language + accepting p95 < 15 ms
through the API; typo'd name p95 < 50 ms. Database: $DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/mh_bench_directory; created and migrated if missing). Search is
measured over HTTP against gunicorn (1 sync worker, persistent DB connection, no response cache,
throttling off) on 127.0.0.1:8120, sequential keep-alive requests; `--in-process` uses Django's test
client instead.
"""

import argparse
import http.client
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mh_bench_directory")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ["DIRECTORY_SEARCH_THROTTLE_RATE"] = ""
os.environ.setdefault("DJANGO_CONN_MAX_AGE", "600")
DATA = Path(os.environ.get("BENCH_DIRECTORY_DATA", "/tmp/bench_directory"))
PORT = 8120
PN = "http://hl7.org/fhir/us/davinci-pdex-plan-net"
PAIR_CODE = "bench-directory-2026"

# Population centres (lat, lon, weight, spread in degrees): same as the perf anchor.
from memberhub.directory.synthetic import (  # noqa: E402
    QUERY_LANGS,
    TAXONOMY,
    sample_point,
    weighted,
    write_synthetic_directories,
)


def generate(rows: int, seed: int = 7) -> dict[str, Path]:
    return write_synthetic_directories(out_dir=DATA, rows=rows, seed=seed)


def django_setup() -> None:
    import django
    import psycopg

    url = os.environ["DATABASE_URL"]
    dbname = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone():
            conn.execute(f'CREATE DATABASE "{dbname}"')
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def bench_pair():  # type: ignore[no-untyped-def]
    from apps.plans.models import AlignedPlanPair, ParentOrganization, Plan

    parent, _ = ParentOrganization.objects.get_or_create(
        code="bench-health", defaults={"name": "Bench Health"}
    )
    medicare, _ = Plan.objects.get_or_create(
        code="H9999-001-000",
        defaults={"kind": "medicare_dsnp", "parent": parent, "name": "Bench D-SNP", "contract_id": "H9999",
                  "pbp_id": "001", "segment_id": "000"},
    )  # fmt: skip
    medi_cal, _ = Plan.objects.get_or_create(
        code="MC-BENCH",
        defaults={
            "kind": "medi_cal",
            "parent": parent,
            "name": "Bench Medi-Cal",
            "dhcs_plan_code": "999",
        },
    )
    pair, _ = AlignedPlanPair.objects.get_or_create(
        code=PAIR_CODE,
        defaults={
            "name": "Bench Medi-Medi",
            "parent": parent,
            "medicare_plan": medicare,
            "medi_cal_plan": medi_cal,
            "plan_year": 2026,
            "counties": ["06037"],
        },
    )
    return pair


def _import_one(label: str) -> tuple[str, str, dict, float]:  # type: ignore[type-arg]
    """Import one plan's file (runs in its own process when --parallel)."""
    from django.db import connections

    import apps.directory.services as services

    connections.close_all()
    pair = bench_pair()
    plan = pair.medicare_plan if label == "A" else pair.medi_cal_plan
    t = time.perf_counter()
    # the benchmark rebuilds once, explicitly, and times it
    run = services.directory_import(
        plan=plan, paths=[str(DATA / f"plan_{label}.ndjson")], schedule_rebuild=False
    )
    seconds = time.perf_counter() - t
    connections.close_all()
    return label, run.status, {**run.counts, "errors": run.errors[:3]}, seconds


def load(parallel: bool) -> dict[str, float]:
    import multiprocessing

    from django.db import connections

    import apps.directory.services as services
    from apps.directory.models import PlanDirectory

    pair = bench_pair()
    PlanDirectory.objects.filter(plan__in=[pair.medicare_plan, pair.medi_cal_plan]).update(fingerprint="")
    connections.close_all()
    figures: dict[str, float] = {}
    t0 = time.perf_counter()
    if parallel:  # two ingest workers, as deployed with concurrency = cores
        with multiprocessing.get_context("fork").Pool(2) as pool:
            results = pool.map(_import_one, ["A", "B"])
    else:
        results = [_import_one("A"), _import_one("B")]
    for label, status, counts, seconds in results:
        figures[f"import_{label}_s"] = seconds
        print(f"import plan {label}: {status}, {counts.get('resources_read')} resources, "
              f"{counts.get('applied')} entries in {seconds:.1f} s", flush=True)  # fmt: skip
        if status != "succeeded":
            raise SystemExit(f"import failed: {counts.get('errors')}")
    figures["imports_wall_s"] = time.perf_counter() - t0
    t = time.perf_counter()
    counts = services.directory_rebuild_pair(pair=bench_pair())
    figures["rebuild_s"] = time.perf_counter() - t
    figures["total_s"] = time.perf_counter() - t0
    print(f"rebuild: {counts} in {figures['rebuild_s']:.1f} s", flush=True)
    mode = "2 import processes in parallel" if parallel else "sequential"
    print(f"IMPORT + MERGE of both plans ({mode}): {figures['total_s']:.1f} s (target < 300 s)", flush=True)
    return figures


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    f = math.floor(k)
    return ordered[f] + (ordered[min(f + 1, len(ordered) - 1)] - ordered[f]) * (k - f)


def make_queries(n: int, seed: int, names: list[str]) -> tuple[list[dict], list[dict]]:  # type: ignore[type-arg]
    rng = random.Random(seed)
    spec, name = [], []
    for _ in range(n):
        lat, lon = sample_point(rng)
        spec.append({"pair": PAIR_CODE, "specialty": weighted(rng, TAXONOMY)[0], "near": f"{lat:.5f},{lon:.5f}",
                     "radius": "10", "language": weighted(rng, QUERY_LANGS)[0], "accepting": "true"})  # fmt: skip
        word = rng.choice(names)
        if len(word) >= 5:  # one typo: swap two neighbouring letters or drop one
            i = rng.randrange(1, len(word) - 1)
            word = (
                word[:i] + word[i + 1] + word[i] + word[i + 2 :]
                if rng.random() < 0.5
                else word[:i] + word[i + 1 :]
            )
        name.append({"pair": PAIR_CODE, "name": word})
    return spec, name


def search(n: int, in_process: bool) -> dict[str, float]:
    from apps.directory.models import UnifiedEntry

    names = sorted({n for n in UnifiedEntry.objects.filter(pair__code=PAIR_CODE, provider_kind="practitioner")
                    .values_list("family_name", flat=True)[:5000] if len(n) >= 4})  # fmt: skip
    spec_q, name_q = make_queries(n, 1234, names)
    server = None
    if in_process:
        from django.test import Client

        client = Client()

        def get(params: dict) -> tuple[int, int]:  # type: ignore[type-arg]
            r = client.get("/api/v1/directory/search", params)
            return r.status_code, len(json.loads(r.content)["results"])
    else:
        env = {**os.environ, "DJANGO_DEBUG": "false"}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", "1",
             "--log-level", "warning"], cwd=ROOT, env=env,
        )  # fmt: skip
        conn = None
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        assert conn is not None

        def get(params: dict) -> tuple[int, int]:  # type: ignore[type-arg]
            conn.request("GET", "/api/v1/directory/search?" + urlencode(params))
            r = conn.getresponse()
            body = r.read()
            return r.status, len(json.loads(body)["results"]) if r.status == 200 else -1

    figures: dict[str, float] = {}
    try:
        for label, queries in (("specialty_10mi_language_accepting", spec_q), ("typo_name", name_q)):
            for q in queries[:20]:
                get(q)
            lat, sizes = [], []
            for q in queries:
                t = time.perf_counter()
                code, count = get(q)
                lat.append((time.perf_counter() - t) * 1000)
                if code != 200:
                    raise SystemExit(f"{label}: HTTP {code} for {q}")
                sizes.append(count)
            figures[f"{label}_p50_ms"] = pct(lat, 0.5)
            figures[f"{label}_p95_ms"] = pct(lat, 0.95)
            figures[f"{label}_p99_ms"] = pct(lat, 0.99)
            print(f"{label}: p50 {pct(lat, .5):.2f} ms, p95 {pct(lat, .95):.2f} ms, p99 {pct(lat, .99):.2f} ms, "
                  f"mean results {statistics.mean(sizes):.1f}, empty {sum(1 for s in sizes if s == 0) / len(sizes):.0%}"
                  f" ({len(queries)} queries, {'in-process' if in_process else 'HTTP via gunicorn'})", flush=True)  # fmt: skip
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["all", "generate", "load", "search"])
    parser.add_argument("--rows", type=int, default=300_000, help="provider-location entries per plan")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--in-process", action="store_true", help="Django test client instead of gunicorn")
    parser.add_argument("--sequential", action="store_true", help="import the two plans one after the other")
    args = parser.parse_args()
    figures: dict[str, float] = {"rows_per_plan": args.rows}
    if args.command in ("all", "generate"):
        t = time.perf_counter()
        paths = generate(args.rows)
        print(
            f"generated {', '.join(str(p) for p in paths.values())} in {time.perf_counter() - t:.1f} s",
            flush=True,
        )
    if args.command != "generate":
        django_setup()
    if args.command in ("all", "load"):
        figures.update(load(parallel=not args.sequential))
    if args.command in ("all", "search"):
        figures.update(search(args.queries, args.in_process))
    print(json.dumps({k: round(v, 2) for k, v in figures.items()}, indent=1))


if __name__ == "__main__":
    main()
