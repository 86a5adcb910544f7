"""ID card rendering: naive WeasyPrint (one document per card, default call) vs the memberhub fast path
(WeasyPrint static layer laid out once + ReportLab-stamped fields), side by side in one run.

Each measurement runs in a fresh child process after an untimed warm-up; configurations are interleaved
per repetition so the ratio comes from the same time window (the machine is shared and noisy).

    .venv/bin/python benchmarks/bench_cards.py                 # 3 reps + a 10,000-card memory run
    .venv/bin/python benchmarks/bench_cards.py --reps 1 --memory-cards 2000   # quicker

Prints cards/s per core for: naive (default WeasyPrint call, CSS in <style>, no shared FontConfiguration),
tuned full render (shared FontConfiguration + pre-parsed CSS, memberhub's fallback path) and the fast path;
the fast:naive ratio; peak RSS per worker; RSS growth over the long run; core-hours per 1,000,000 cards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIRST = [
    "Maria",
    "Jose",
    "Wei",
    "Linh",
    "James",
    "Ana",
    "Mohammed",
    "Priya",
    "David",
    "Sofia",
    "Hiroshi",
    "Fatima",
    "Carlos",
    "Emily",
    "Nguyen",
    "Olga",
    "Juan",
    "Aisha",
    "Robert",
    "Mei",
]
LAST = [
    "Garcia",
    "Hernandez",
    "Nguyen",
    "Smith",
    "Lopez",
    "Chen",
    "Kim",
    "Patel",
    "Rodriguez",
    "Johnson",
    "Martinez",
    "Tran",
    "Wong",
    "Singh",
    "Ramirez",
    "Brown",
    "Gonzalez",
    "Lee",
    "Flores",
    "Davis",
]


def rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)


def pairs():  # type: ignore[no-untyped-def]
    from memberhub.cards.content import CardPair, CardPhones

    out = []
    for n, (org, contract) in enumerate(
        [("Sunrise Health Plan", "H5501"), ("Golden Valley Health", "H6602"), ("Bayside Health", "H7703")]
    ):
        out.append(
            CardPair(
                product_name=f"{org.split()[0]} Medi-Medi Plan",
                organization_name=org,
                medicare_plan_name=f"{org.split()[0]} Medi-Medi Plan (HMO D-SNP)",
                contract_id=contract,
                pbp_id=f"{n + 1:03d}",
                medi_cal_plan_name=f"{org.split()[0]} Medi-Cal",
                issuer_number="1234567893",
                part_d_bin="610011",
                part_d_pcn="MEDDPRIME",
                part_d_group=f"GRP{n}",
                medi_cal_rx_bin="022659",
                medi_cal_rx_pcn="6334225",
                medi_cal_rx_group="MEDICALRX",
                phones=CardPhones(
                    member_services=f"1-800-555-01{n}1",
                    nurse_line="1-800-555-0102",
                    behavioral_health="1-800-555-0103",
                    pharmacy_help="1-800-555-0104",
                    member_services_hours="8am-8pm, 7 days",
                ),
                website="example.org/plan",
                digital_card_url="https://app.memberhub.example/card",
                plan_year=2026,
            )
        )
    return out


def card_content(i: int, pair_list):  # type: ignore[no-untyped-def]
    from memberhub.cards.content import CardMember, CardPcp, build_id_card_content

    rng = random.Random(i)
    member = CardMember(
        member_id=f"MH{i:08d}",
        first_name=rng.choice(FIRST),
        middle_initial=rng.choice("ABCDEFGHJKLMNPRSTW"),
        last_name=rng.choice(LAST),
        medi_cal_cin=f"9{rng.randrange(10**7, 10**8)}A",
        effective_date=date(2026, rng.randrange(1, 13), 1),
        preferred_language=rng.choice(["en", "en", "es"]),
    )
    pcp = CardPcp(
        name=f"Dr. {rng.choice(FIRST)} {rng.choice(LAST)}, MD",
        phone=f"({rng.randrange(200, 999)}) 555-{rng.randrange(1000, 9999)}",
        medical_group=f"{rng.choice(LAST)} Medical Group",
    )
    return build_id_card_content(
        member=member, pair=pair_list[i % len(pair_list)], pcp=pcp, issued_on=date(2026, 11, 29)
    ).canonical()


def worker(mode: str, n: int, sample_every: int) -> dict:  # type: ignore[type-arg]
    setup_django()
    from apps.cards.rendering import card_context, card_stylesheet_name, render_card_content
    from apps.documents import engine

    pair_list = pairs()

    if mode == "naive":
        from django.template.loader import get_template
        from weasyprint import HTML

        def render(content):  # type: ignore[no-untyped-def]
            css = (
                engine.font_face_css()
                + get_template(card_stylesheet_name(content["card_format"])).template.source  # type: ignore[attr-defined]
            )
            html = engine.render_html("cards/id_card.html", card_context(content))
            html = html.replace("</head>", f"<style>{css}</style></head>", 1)
            return HTML(string=html, base_url=engine.FONT_DIR.as_uri() + "/").write_pdf(), "full"
    elif mode == "tuned":

        def render(content):  # type: ignore[no-untyped-def]
            r = render_card_content(content, fast=False)
            return r.pdf, r.render_path
    else:

        def render(content):  # type: ignore[no-untyped-def]
            r = render_card_content(content, fast=True)
            return r.pdf, r.render_path

    for w in range(6):  # warm-up: imports, fonts, one static layer per (pair, language) for the fast path
        render(card_content(10**7 + w, pair_list))
    rss_warm = rss_mib()
    contents_start = time.perf_counter()
    samples = []
    paths: dict[str, int] = {}
    nbytes = 0
    t0 = time.perf_counter()
    c0 = time.process_time()
    build_s = 0.0
    for i in range(n):
        tb = time.perf_counter()
        content = card_content(i, pair_list)
        build_s += time.perf_counter() - tb
        pdf, path = render(content)
        nbytes += len(pdf)
        paths[path] = paths.get(path, 0) + 1
        if sample_every and (i + 1) % sample_every == 0:
            samples.append((i + 1, round(rss_mib(), 1)))
    wall = time.perf_counter() - t0
    cpu_loop = time.process_time() - c0
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    del contents_start
    return {
        "mode": mode,
        "n": n,
        "wall_s": wall,
        "cards_per_s": n / wall,
        "cpu_loop_s": cpu_loop,
        "cards_per_cpu_s": n / cpu_loop,
        "ms_per_card": 1000 * wall / n,
        "content_build_ms_per_card": 1000 * build_s / n,
        "pdf_bytes_per_card": nbytes / n,
        "paths": paths,
        "rss_after_warmup_mib": rss_warm,
        "rss_end_mib": rss_mib(),
        "peak_rss_mib": peak_rss_mib(),
        "rss_samples": samples,
        "cpu_user_s": cpu.ru_utime,
        "cpu_sys_s": cpu.ru_stime,
    }


def run_child(mode: str, n: int, sample_every: int = 0) -> dict:  # type: ignore[type-arg]
    out = subprocess.run(
        [sys.executable, __file__, "worker", mode, "--n", str(n), "--sample-every", str(sample_every)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd")
    w = sub.add_parser("worker")
    w.add_argument("mode", choices=["naive", "tuned", "fast"])
    w.add_argument("--n", type=int, default=100)
    w.add_argument("--sample-every", type=int, default=0)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--naive-cards", type=int, default=60)
    ap.add_argument("--fast-cards", type=int, default=1000)
    ap.add_argument("--memory-cards", type=int, default=10000)
    ap.add_argument("--out", default="")
    a = ap.parse_args()
    if a.cmd == "worker":
        print(json.dumps(worker(a.mode, a.n, a.sample_every)))
        return

    results: dict[str, list[dict]] = {"naive": [], "tuned": [], "fast": []}  # type: ignore[type-arg]
    for rep in range(a.reps):
        for mode, n in (("naive", a.naive_cards), ("tuned", a.naive_cards), ("fast", a.fast_cards)):
            r = run_child(mode, n)
            results[mode].append(r)
            print(
                f"rep {rep} {mode:6s} {r['cards_per_s']:8.1f} cards/s  {r['ms_per_card']:7.2f} ms/card  "
                f"peak RSS {r['peak_rss_mib']:.0f} MiB  paths {r['paths']}",
                flush=True,
            )
    ratios = [
        f["cards_per_s"] / nv["cards_per_s"] for f, nv in zip(results["fast"], results["naive"], strict=True)
    ]
    med = {m: statistics.median(x["cards_per_s"] for x in v) for m, v in results.items()}

    mem = None
    if a.memory_cards:
        mem = run_child("fast", a.memory_cards, sample_every=max(a.memory_cards // 20, 1))
        print(
            f"memory run: {a.memory_cards} cards, {mem['cards_per_s']:.1f} cards/s, "
            f"RSS samples (cards, MiB): {mem['rss_samples']}",
            flush=True,
        )

    print(
        "\n=== ID cards per second per core (one worker process = one core), medians of", a.reps, "reps ==="
    )
    print(f"naive WeasyPrint, one document per card, default call : {med['naive']:8.1f} cards/s")
    print(f"tuned full render (shared FontConfiguration + CSS)     : {med['tuned']:8.1f} cards/s")
    print(f"memberhub fast path (static layer + stamped fields)    : {med['fast']:8.1f} cards/s")
    print(
        f"fast : naive ratio per rep (same time window)          : {', '.join(f'{r:.1f}x' for r in ratios)}"
        f"  (median {statistics.median(ratios):.1f}x)"
    )
    cpu_med = {m: statistics.median(x["cards_per_cpu_s"] for x in v) for m, v in results.items()}
    print(
        f"per CPU-second of the worker (robust on a loaded box): naive {cpu_med['naive']:.1f}, "
        f"tuned {cpu_med['tuned']:.1f}, fast {cpu_med['fast']:.1f} cards/s -> fast:naive "
        f"{cpu_med['fast'] / cpu_med['naive']:.1f}x; core-hours per 1,000,000 cards (CPU): "
        f"naive {1_000_000 / cpu_med['naive'] / 3600:.2f}, tuned {1_000_000 / cpu_med['tuned'] / 3600:.2f}, "
        f"fast {1_000_000 / cpu_med['fast'] / 3600:.2f}"
    )
    print(
        f"peak RSS per worker: naive {max(x['peak_rss_mib'] for x in results['naive']):.0f} MiB, "
        f"tuned {max(x['peak_rss_mib'] for x in results['tuned']):.0f} MiB, "
        f"fast {max(x['peak_rss_mib'] for x in results['fast']):.0f} MiB"
    )
    for label, rate in (("naive", med["naive"]), ("tuned", med["tuned"]), ("fast", med["fast"])):
        print(f"core-hours to re-card 1,000,000 members ({label:5s}): {1_000_000 / rate / 3600:8.2f}")
    if mem:
        samples = mem["rss_samples"]
        first_half = [m for c, m in samples if c <= a.memory_cards // 2]
        second_half = [m for c, m in samples if c > a.memory_cards // 2]
        growth = (samples[-1][1] - samples[len(samples) // 2][1]) / max(
            samples[-1][0] - samples[len(samples) // 2][0], 1
        )
        print(
            f"memory over {a.memory_cards} cards (fast path): after warm-up {mem['rss_after_warmup_mib']:.0f} MiB, "
            f"max first half {max(first_half):.0f} MiB, max second half {max(second_half):.0f} MiB, "
            f"end {mem['rss_end_mib']:.0f} MiB, peak {mem['peak_rss_mib']:.0f} MiB, "
            f"growth in the second half {growth * 1000:.2f} MiB per 1,000 cards"
        )
    if a.out:
        Path(a.out).write_text(json.dumps({"runs": results, "memory": mem, "ratios": ratios}, indent=1))


if __name__ == "__main__":
    main()
