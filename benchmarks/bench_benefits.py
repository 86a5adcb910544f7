"""Benefits speed: catalog parsing, the unified answer (pure), and the public pair read through the ORM.

Run: .venv/bin/python benchmarks/bench_benefits.py            (pure part only)
     DATABASE_URL=... .venv/bin/python benchmarks/bench_benefits.py --db   (+ pair_benefits_get on demo catalogs;
     needs `load_plans config/plans/demo.yaml` and the benefits demo loaded in that database)
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from memberhub.benefits.reader import catalog_parse  # noqa: E402
from memberhub.benefits.rules import DualStatusRule, unified_benefit_answers  # noqa: E402
from memberhub.benefits.sentences import benefit_sentence  # noqa: E402

RULES = [
    DualStatusRule(
        "full_benefit",
        "full",
        full_medi_cal=True,
        medicare_cost_sharing_paid=True,
        medi_cal_services_free=True,
    ),
    DualStatusRule("qmb_only", "qmb", full_medi_cal=False, medicare_cost_sharing_paid=True),
    DualStatusRule("slmb_only", "slmb", full_medi_cal=False, medicare_cost_sharing_paid=False),
]


def timed(fn, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", action="store_true")
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    dsnp_bytes = (ROOT / "config/benefits/H5501-001-000/2026.yaml").read_bytes()
    mc_bytes = (ROOT / "config/benefits/MC-SUNRISE-LA/2026.yaml").read_bytes()

    parse = timed(lambda: catalog_parse(dsnp_bytes, source="dsnp"), 50)
    print(f"catalog_parse (D-SNP, 26 entries): median {statistics.median(parse) * 1000:.2f} ms per file")

    dsnp = catalog_parse(dsnp_bytes, source="dsnp")
    medi_cal = catalog_parse(mc_bytes, source="mc")

    def answers_all() -> None:
        for rule in RULES:
            unified_benefit_answers(medicare=dsnp, medi_cal=medi_cal, rule=rule)

    samples = timed(answers_all, args.repeat)
    per_answer = statistics.median(samples) / (3 * 26)
    print(
        f"unified_benefit_answer: median {per_answer * 1e6:.1f} us per answer ({1 / per_answer:,.0f} answers/s/core)"
    )

    def with_sentences() -> None:
        for answer in unified_benefit_answers(medicare=dsnp, medi_cal=medi_cal, rule=RULES[0]):
            benefit_sentence(answer, "en")
            benefit_sentence(answer, "es")

    samples = timed(with_sentences, args.repeat)
    print(
        f"full member benefits page (26 answers + en/es sentences): median {statistics.median(samples) * 1000:.2f} ms"
    )

    if args.db:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        import django

        django.setup()
        from apps.benefits.selectors import pair_benefits_get
        from memberhub.benefits.serialize import answer_to_dict

        def read() -> None:
            view = pair_benefits_get(pair_code="sunrise-la-2026")
            [answer_to_dict(a) for a in view.answers]

        read()
        samples = sorted(timed(read, 200))
        p50, p95 = samples[len(samples) // 2], samples[int(len(samples) * 0.95)]
        print(
            f"pair_benefits_get + answer_to_dict (ORM, 26 answers): p50 {p50 * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"
        )


if __name__ == "__main__":
    main()
