"""Appeals speed: the intake rules (pure), the timeliness report (pure), and the work queue through the ORM.

Run: .venv/bin/python benchmarks/bench_appeals.py                 (pure part only)
     DATABASE_URL=... .venv/bin/python benchmarks/bench_appeals.py --db  (+ case_queue over the open cases in
     that database, as an admin sees them; load `manage.py demo_setup` first)
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from memberhub.appeals import DEFAULT_RULE_TABLE_PATH  # noqa: E402
from memberhub.appeals.clock import filing_window_check  # noqa: E402
from memberhub.appeals.enums import CaseKind, Filer, Program  # noqa: E402
from memberhub.appeals.process import acknowledgment_clock, expedite_decide, resolution_clock  # noqa: E402
from memberhub.appeals.rules import load_rule_table  # noqa: E402
from memberhub.appeals.timeliness import CaseTiming, timeliness_report  # noqa: E402

LA = ZoneInfo("America/Los_Angeles")


def bench_intake(n: int) -> float:
    table = load_rule_table(DEFAULT_RULE_TABLE_PATH)
    rng = random.Random(7)
    start_day = dt.datetime(2026, 1, 1, tzinfo=LA)
    inputs = []
    for _ in range(n):
        kind = rng.choice(list(CaseKind))
        programs = rng.choice(
            [[Program.MEDI_CAL], [Program.MEDICARE_A_B, Program.MEDI_CAL], [Program.PART_B_DRUG]]
        )
        received = start_day + dt.timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
        inputs.append((kind, programs, received, rng.random() < 0.2))
    t0 = time.perf_counter()
    for kind, programs, received, expedited in inputs:
        decision = expedite_decide(
            kind=kind, filer=Filer.MEMBER, is_requested=expedited, is_granted=expedited
        )
        resolution_clock(
            table=table, kind=kind, programs=programs, priority=decision.priority, received_at=received
        )
        acknowledgment_clock(table=table, received_at=received)
        if kind is CaseKind.RECONSIDERATION:
            filing_window_check(
                table=table,
                rule_key="recon.filing_window",
                notice_date=received.date() - dt.timedelta(days=10),
                filed_at=received,
            )
    return n / (time.perf_counter() - t0)


def bench_timeliness(n: int) -> float:
    rng = random.Random(11)
    cases = []
    for _ in range(n):
        received = dt.datetime(2026, 1, 1, tzinfo=LA) + dt.timedelta(minutes=rng.randrange(0, 300 * 24 * 60))
        due = received + dt.timedelta(days=30)
        resolved = received + dt.timedelta(hours=rng.randrange(1, 40 * 24)) if rng.random() < 0.9 else None
        cases.append(
            CaseTiming(f"pair-{rng.randrange(6)}", rng.choice(list(CaseKind)), received, due, resolved)
        )
    t0 = time.perf_counter()
    timeliness_report(cases, tz=LA, now=dt.datetime(2026, 12, 1, tzinfo=LA))
    return time.perf_counter() - t0


def bench_queue(repeats: int, extra_cases: int) -> tuple[int, list[float]]:
    """The queue as an admin sees it. With extra_cases, that many open bench cases are added for the run
    (bulk-created copies of an open demo case, tagged '[bench]') and deleted afterwards."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    import uuid

    from django.contrib.auth import get_user_model

    from apps.appeals.models import Case
    from apps.appeals.selectors import case_queue

    admin = get_user_model().objects.filter(role="admin").first()
    template = Case.objects.open().filter(due_at__isnull=False).first()
    if extra_cases and template is not None and template.due_at is not None:
        base_due = template.due_at
        rng = random.Random(3)
        copies = []
        for i in range(extra_cases):
            copy = Case.objects.get(pk=template.pk)
            copy.pk = uuid.uuid4()
            copy.number = f"BENCH-{i:07d}"
            copy.description = "[bench] queue benchmark"
            copy.due_at = base_due + dt.timedelta(hours=rng.randrange(-500, 500))
            copies.append(copy)
        Case.objects.bulk_create(copies, batch_size=1000)
    try:
        timings = []
        count = 0
        for _ in range(repeats):
            t0 = time.perf_counter()
            count = len(case_queue(user=admin))
            timings.append((time.perf_counter() - t0) * 1000)
    finally:
        Case.objects.filter(description="[bench] queue benchmark").delete()
    return count, timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", action="store_true")
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument(
        "--queue-cases", type=int, default=2000, help="open bench cases added for the queue run"
    )
    args = parser.parse_args()
    rate = bench_intake(args.n)
    print(
        f"appeals intake rules (clock + acknowledgment + filing window): {rate:,.0f} cases/s ({args.n} cases)"
    )
    seconds = bench_timeliness(100_000)
    print(f"appeals timeliness report over 100,000 cases: {seconds * 1000:.0f} ms")
    if args.db:
        count, timings = bench_queue(20, args.queue_cases)
        print(
            f"appeals work queue ({count} open cases): p50 {statistics.median(timings):.1f} ms, "
            f"max {max(timings):.1f} ms over {len(timings)} runs"
        )


if __name__ == "__main__":
    main()
