"""Notices speed: content building (pure) and PDF rendering per notice, standard and large print.

Run: .venv/bin/python benchmarks/bench_notices.py [--builds 2000] [--renders 20]

Prints notices/s per core for the pure content builder (every kind, English and Spanish) and for the
WeasyPrint render of a coverage decision letter (the longest letter: CMS-10716 model with the
multi-language insert), with the shared FontConfiguration and pre-parsed stylesheet of the documents
engine. The PERFORMANCE.md anchor for a 4-page notice letter is 220 ms (4.5 notices/s/core).
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from memberhub.notices import (  # noqa: E402
    NoticeFormat,
    NoticeKind,
    PlanPairInfo,
    Recipient,
    notice_config_load,
    notice_content_build,
)

CONTEXTS = {
    "welcome": {"enrollment_id": "e", "effective_on": "2026-04-01"},
    "annual_notice_of_changes": {
        "plan_year": 2027,
        "changes": [{"program": "medicare", "topic": "Specialist", "current": "$0", "next": "$0"}] * 8,
    },
    "coverage_decision": {
        "case_id": "c",
        "decision_date": "2026-03-02",
        "service": "Home health aide visits",
        "decision": "reduced",
        "requested": "20 hours a week",
        "approved": "10 hours a week",
        "requesting_provider": "Dr. Ana Ruiz",
        "reason": "Your care plan shows you need help 10 hours a week.",
        "programs": ["medicare", "medi_cal"],
        "previously_authorized": True,
        "action_effective_on": "2026-03-20",
    },
    "appeal_acknowledgment": {"case_id": "c", "case_kind": "appeal", "received_on": "2026-03-01"},
    "appeal_decision": {
        "case_id": "c",
        "decision_date": "2026-03-02",
        "outcome": "adverse",
        "service": "Wheelchair",
        "reason": "r",
        "programs": ["medicare", "medi_cal"],
    },
    "grievance_resolution": {
        "case_id": "c",
        "received_on": "2026-02-10",
        "resolved_on": "2026-03-02",
        "summary": "s",
    },
    "extension": {
        "case_id": "c",
        "case_kind": "appeal",
        "original_due_on": "2026-03-31",
        "new_due_on": "2026-04-14",
        "reason": "r",
    },
    "pcp_change_confirmation": {
        "assignment_id": "a",
        "pcp_name": "Dr. Kevin Tran",
        "effective_on": "2026-04-01",
    },
    "card_mailed": {"card_id": "x", "mailed_on": "2026-03-02"},
    "expedite_refused": {
        "case_id": "c",
        "case_kind": "appeal",
        "received_on": "2026-03-01",
        "decision_due_on": "2026-03-31",
    },
    "part_d_routed_out": {"case_id": "c", "received_on": "2026-03-01", "service": "Eliquis 5 mg"},
    "misalignment_outreach": {
        "detected_on": "2026-03-01",
        "medicare_plan_name": "A",
        "medi_cal_plan_name": "B",
    },
}
PAIR = PlanPairInfo(
    product_name="Sunrise Medi-Medi Plan",
    medicare_plan_name="Sunrise Medicare Complete (HMO D-SNP)",
    medicare_plan_id="H5501-001",
    medi_cal_plan_name="Sunrise Medi-Cal Los Angeles",
    phones={"member_services": "1-800-555-0100", "tty": "711", "nurse_line": "1-800-555-0102"},
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--builds", type=int, default=2000)
    parser.add_argument("--renders", type=int, default=20)
    args = parser.parse_args()
    config = notice_config_load(ROOT / "config" / "notices")
    kinds = list(NoticeKind)

    started = time.perf_counter()
    for i in range(args.builds):
        kind = kinds[i % len(kinds)]
        recipient = Recipient(
            member_id=f"MH{i:08d}",
            full_name="Maria Elena Lopez",
            address_lines=("1 Main St", "LA CA 90012"),
            language="es" if i % 2 else "en",
        )
        notice_content_build(
            kind=kind,
            recipient=recipient,
            pair=PAIR,
            context=CONTEXTS[kind.value],
            config=config,
            issued_on=date(2026, 3, 2),
        )
    build_s = time.perf_counter() - started
    print(
        f"content build: {args.builds} notices in {build_s:.2f} s = {args.builds / build_s:,.0f} notices/s/core "
        f"({build_s / args.builds * 1000:.2f} ms each)"
    )

    import django

    django.setup()
    from apps.notices.rendering import notice_pdf

    for fmt in (NoticeFormat.STANDARD, NoticeFormat.LARGE_PRINT):
        recipient = Recipient(
            member_id="MH00000001",
            full_name="Maria Elena Lopez",
            address_lines=("1 Main St", "LA CA 90012"),
            alternate_format=fmt,
        )
        content = notice_content_build(
            kind=NoticeKind.COVERAGE_DECISION,
            recipient=recipient,
            pair=PAIR,
            context=CONTEXTS["coverage_decision"],
            config=config,
            issued_on=date(2026, 3, 2),
        ).to_dict()
        notice_pdf(content)  # warm up fonts and stylesheet
        samples = []
        pages = 0
        for _ in range(args.renders):
            t = time.perf_counter()
            result = notice_pdf(content)
            samples.append(time.perf_counter() - t)
            pages = result.page_count
        median = statistics.median(samples)
        print(
            f"render {fmt.value}: {pages} pages, median {median * 1000:.0f} ms, p95 "
            f"{sorted(samples)[int(len(samples) * 0.95) - 1] * 1000:.0f} ms = {1 / median:.1f} notices/s/core "
            f"({1_000_000 * median / 3600:.0f} core-hours per 1 M notices)"
        )


if __name__ == "__main__":
    import logging

    logging.disable(logging.INFO)
    main()
