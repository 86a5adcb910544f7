"""Benchmark: parse + apply a synthetic 100,000-member X12 834 (adds and changes mixed).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mh_enroll_bench .venv/bin/python benchmarks/bench_enrollment.py

Targets (issue 3): parse + apply < 60 s with peak memory < 400 MB; re-applying the same file < 10 s.

What it does:
1. creates/migrates the benchmark database, one aligned plan pair, and seeds 50,000 D-SNP members by
   importing a first 834 (not timed);
2. writes the timed file: 48,000 changes (new address, new PCP) and 2,000 terminations of seeded members,
   plus 50,000 additions, each with an MBI, name, phone, address, birth date, language, HD coverage and a PCP;
3. runs the import in a child process (parse + validate + COPY + set-based apply + alignment + 999)
   and reports its wall time and peak RSS (ru_maxrss of the child: the whole Python process);
4. re-applies the same file (duplicate: no-op), and the same content under a new interchange control
   number (full parse and apply that finds nothing to change).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mh_enroll_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
# As in production, work that follows an import (PCP change letters, card and notice renders) is queued for
# the workers, not run inside the import: tasks go to an in-process broker that nobody consumes here.
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "false")

PLAN_CODE = "H9901-001-000"
MEDI_CAL_CODE = "MC-BENCH"


def write_834(path: Path, members: Sequence[tuple[str, ...]], *, control: int, seed: int) -> None:
    """members: (maintenance, subscriber id, mbi, last, first, street, npi). Written line by line (streamed)."""
    rng = random.Random(seed)
    with path.open("w") as out:
        out.write(
            "ISA*00*          *00*          *ZZ*MHBENCH        *ZZ*MHPLAN         *260301*0400*^*00501*"
            f"{control:09d}*0*P*:~\n"
        )
        out.write(
            f"GS*BE*MHBENCH*MHPLAN*20260301*0400*{control}*X*005010X220A1~\nST*834*0001*005010X220A1~\n"
        )
        header = [
            "BGN*00*BENCH*20260301*0400****2",
            "N1*P5*MEMBERHUB*FI*953456780",
            "N1*IN*MEMBERHUB DSNP*FI*953456781",
        ]
        count = 1 + len(header)
        out.write("~\n".join(header) + "~\n")
        for maintenance, subscriber, mbi, last, first, street, npi in members:
            segments = [
                f"INS*Y*18*{maintenance}*XN*A*C:0**RT",
                f"REF*0F*{subscriber}",
                f"REF*F6*{mbi}",
            ]
            if maintenance == "024":
                segments.append("DTP*357*D8*20260331")
            else:
                segments.append("DTP*356*D8*20260101")
            segments += [
                f"NM1*IL*1*{last}*{first}*{rng.choice('ABCDEFGH')}",
                f"PER*IP**TE*213555{rng.randrange(10000):04d}",
                f"N3*{street}*APT {rng.randrange(1, 40)}",
                f"N4*LOS ANGELES*CA*9001{rng.randrange(10)}1234**CY*19",
                f"DMG*D8*19{rng.randrange(30, 60)}0{rng.randrange(1, 10)}1{rng.randrange(10)}*{rng.choice('FM')}",
                f"LUI*LE*{rng.choice(['eng', 'spa', 'chi', 'vie'])}**7",
            ]
            if maintenance == "024":
                segments += ["HD*024**HMO*H9901;001;000*IND", "DTP*348*D8*20260101", "DTP*349*D8*20260331"]
            else:
                segments += [
                    f"HD*{maintenance}**HMO*H9901;001;000*IND",
                    "DTP*348*D8*20260101",
                    "LX*1",
                    f"NM1*P3*1*MORALES*ANA****XX*{npi}*25",
                ]
            count += len(segments)
            out.write("~\n".join(segments) + "~\n")
        count += 1
        out.write(f"SE*{count}*0001~\nGE*1*{control}~\nIEA*1*{control:09d}~\n")


def _npis(rng: random.Random, count: int) -> list[str]:
    from memberhub.identifiers import npi_check_digit

    result = []
    for _ in range(count):
        first_nine = f"1{rng.randrange(10**8):08d}"
        result.append(first_nine + str(npi_check_digit(first_nine)))
    return result


def ensure_database() -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[-1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup(workdir: Path, seeded: int, added: int, terminated: int) -> dict[str, Path]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # a clean slate for repeatable figures (benchmark database only)
    from django.db import connection

    from apps.ingest.models import EnrollmentWorkItem, ImportRun
    from apps.members.models import Enrollment, Member, PcpAssignment
    from apps.plans.models import AlignedPlanPair, ParentOrganization, Plan
    from memberhub.identifiers import generate_mbi

    tables = [m._meta.db_table for m in (EnrollmentWorkItem, ImportRun, PcpAssignment, Enrollment, Member)]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    parent, _ = ParentOrganization.objects.get_or_create(code="bench", defaults={"name": "Bench Health"})
    dsnp, _ = Plan.objects.get_or_create(
        code=PLAN_CODE,
        defaults={
            "kind": "medicare_dsnp",
            "parent": parent,
            "name": "Bench D-SNP",
            "contract_id": "H9901",
            "pbp_id": "001",
            "segment_id": "000",
        },
    )
    medi_cal, _ = Plan.objects.get_or_create(
        code=MEDI_CAL_CODE,
        defaults={"kind": "medi_cal", "parent": parent, "name": "Bench Medi-Cal", "dhcs_plan_code": "999"},
    )
    AlignedPlanPair.objects.get_or_create(
        code="bench-2026",
        defaults={
            "name": "Bench Medi-Medi",
            "parent": parent,
            "medicare_plan": dsnp,
            "medi_cal_plan": medi_cal,
            "plan_year": 2026,
        },
    )
    rng = random.Random(7)
    total = seeded + added
    mbis: set[str] = set()
    while len(mbis) < total:
        mbis.add(generate_mbi(rng))
    mbi_list = sorted(mbis)
    rng.shuffle(mbi_list)
    npis = _npis(rng, 500)
    people = [
        (
            f"S{i:09d}",
            mbi_list[i],
            f"LAST{i}",
            f"FIRST{i}",
            f"{rng.randrange(1, 9999)} MAIN ST",
            rng.choice(npis),
        )
        for i in range(total)
    ]
    seed_file = workdir / "seed.834"
    write_834(seed_file, [("021", *p) for p in people[:seeded]], control=1, seed=1)
    timed = []
    for index, person in enumerate(people[:seeded]):
        if index < terminated:
            timed.append(("024", *person))
        else:
            subscriber, mbi, last, first, _, _ = person
            timed.append(
                ("001", subscriber, mbi, last, first, f"{rng.randrange(1, 9999)} OAK AVE", rng.choice(npis))
            )
    timed += [("021", *p) for p in people[seeded:]]
    rng.shuffle(timed)
    timed_file = workdir / "timed.834"
    write_834(timed_file, timed, control=2, seed=2)
    again_file = workdir / "timed-new-control.834"
    write_834(again_file, timed, control=3, seed=2)
    return {"seed": seed_file, "timed": timed_file, "again": again_file}


def child(path: str) -> None:
    """Run one import in this process and print its figures as JSON."""
    import django

    django.setup()
    from apps.ingest.enrollment.services import import_834_create, import_834_execute
    from apps.plans.models import Plan

    plan = Plan.objects.get(code=PLAN_CODE)
    started = time.perf_counter()
    with open(path, "rb") as source:
        run = import_834_create(plan=plan, source=source, name=Path(path).name)
    run = import_834_execute(run_id=run.pk, local_path=path)
    elapsed = time.perf_counter() - started
    # VmHWM: this process's own peak RSS (ru_maxrss would include the parent's peak, kept across exec)
    peak_mb = next(
        int(line.split()[1]) / 1024
        for line in Path("/proc/self/status").read_text().splitlines()
        if line.startswith("VmHWM:")
    )
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        json.dumps(
            {
                "cpu_seconds": usage.ru_utime + usage.ru_stime,
                "status": run.status,
                "seconds": elapsed,
                "peak_rss_mb": peak_mb,
                "counts": run.counts,
                "timings": run.result.get("timings_seconds", {}),
            }
        )
    )


def run_child(path: Path) -> dict[str, Any]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child")
    parser.add_argument("--members", type=int, default=100_000)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    ensure_database()
    seeded = args.members // 2
    terminated = max(1, args.members // 50)
    with tempfile.TemporaryDirectory() as tmp:
        files = setup(Path(tmp), seeded=seeded, added=args.members - seeded, terminated=terminated)
        size_mb = files["timed"].stat().st_size / 1e6
        seed = run_child(files["seed"])
        print(f"seed: {seeded} members imported in {seed['seconds']:.1f} s ({seed['status']})")
        first = run_child(files["timed"])
        again = run_child(files["timed"])
        forced = run_child(files["again"])
    counts = first["counts"]
    assert isinstance(counts, dict)
    print(
        f"file: {args.members} members ({seeded - terminated} changes, {terminated} terminations, "
        f"{args.members - seeded} additions), {size_mb:.1f} MB"
    )
    print(
        f"parse + apply: {first['seconds']:.1f} s  (target < 60 s)  status={first['status']}  "
        f"[importing process CPU {first['cpu_seconds']:.1f} s; load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores]"
    )
    print(f"peak memory (RSS of the importing process): {first['peak_rss_mb']:.0f} MB  (target < 400 MB)")
    print(
        f"re-apply same file (duplicate, no-op): {again['seconds']:.2f} s  (target < 10 s)  status={again['status']}"
    )
    print(
        f"same content, new control number (full parse + apply, nothing to change): {forced['seconds']:.1f} s  "
        f"status={forced['status']}"
    )
    print("steps (s): " + ", ".join(f"{k}={v}" for k, v in first["timings"].items()))
    print("counts: " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    forced_counts = forced["counts"]
    assert isinstance(forced_counts, dict)
    print(
        "re-apply counts: "
        + ", ".join(
            f"{k}={forced_counts.get(k)}"
            for k in ("members_updated", "enrollments_added", "enrollments_updated", "pcp_assigned")
        )
    )


if __name__ == "__main__":
    main()
