from datetime import date
from pathlib import Path

import pytest

from memberhub.notices import NoticeFormat, PlanPairInfo, Recipient, notice_config_load, notice_content_build

CONFIG_DIR = Path(__file__).resolve().parents[3] / "config" / "notices"


@pytest.fixture(scope="session")
def notice_config():
    return notice_config_load(CONFIG_DIR)


@pytest.fixture
def recipient():
    return Recipient(
        member_id="MH-000123",
        full_name="Maria Elena Lopez",
        address_lines=("1200 W Temple St Apt 4", "Los Angeles CA 90012"),
        language="en",
        alternate_format=NoticeFormat.STANDARD,
    )


@pytest.fixture
def pair():
    return PlanPairInfo(
        product_name="Acme Medi-Medi Plan",
        medicare_plan_name="Acme Medicare Complete (HMO D-SNP)",
        medicare_plan_id="H1234-001",
        medi_cal_plan_name="Acme Medi-Cal Los Angeles",
        phones={"member_services": "1-800-555-0100", "tty": "711", "nurse_line": "1-800-555-0111"},
    )


ISSUED_ON = date(2026, 3, 2)

#: A valid context for every kind, used by the per-kind content tests.
CONTEXTS = {
    "welcome": {
        "enrollment_id": "enr-1",
        "effective_on": "2026-04-01",
        "enrollment_confirmed_on": "2026-03-01",
    },
    "annual_notice_of_changes": {
        "plan_year": 2027,
        "changes": [
            {
                "program": "medicare",
                "topic": {"en": "Specialist visit", "es": "Visita al especialista"},
                "current": {"en": "$0 copay", "es": "Copago de $0"},
                "next": {
                    "en": "$0 copay, referral no longer needed",
                    "es": "Copago de $0, ya no necesita remisión",
                },
            },
            {
                "program": "medi_cal",
                "topic": "Dental",
                "current": "Medi-Cal Dental",
                "next": "Medi-Cal Dental",
            },
        ],
    },
    "coverage_decision": {
        "case_id": "case-1",
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
        "decision_due_on": "2026-03-05",
    },
    "appeal_acknowledgment": {
        "case_id": "case-2",
        "case_kind": "appeal",
        "received_on": "2026-03-01",
        "decision_due_on": "2026-03-31",
    },
    "appeal_decision": {
        "case_id": "case-3",
        "decision_date": "2026-03-02",
        "outcome": "adverse",
        "service": "Power wheelchair",
        "reason": "A manual wheelchair meets your needs at home.",
        "programs": ["medicare", "medi_cal"],
        "decision_due_on": "2026-03-10",
    },
    "grievance_resolution": {
        "case_id": "case-4",
        "received_on": "2026-02-10",
        "resolved_on": "2026-03-02",
        "summary": "We spoke with the transportation vendor; your rides are now scheduled.",
        "decision_due_on": "2026-03-12",
    },
    "extension": {
        "case_id": "case-5",
        "case_kind": "appeal",
        "original_due_on": "2026-03-31",
        "new_due_on": "2026-04-14",
        "reason": "We are waiting for records from your specialist.",
    },
    "pcp_change_confirmation": {
        "assignment_id": "pcp-1",
        "pcp_name": "Dr. Kevin Tran",
        "pcp_phone": "213-555-0199",
        "medical_group": "Downtown Medical Group",
        "effective_on": "2026-04-01",
    },
    "card_mailed": {"card_id": "card-1", "mailed_on": "2026-03-02"},
    "misalignment_outreach": {
        "detected_on": "2026-03-01",
        "medicare_plan_name": "Other Medicare Advantage HMO",
        "medi_cal_plan_name": "Acme Medi-Cal Los Angeles",
    },
    "expedite_refused": {
        "case_id": "case-6",
        "case_kind": "appeal",
        "received_on": "2026-03-01",
        "decision_due_on": "2026-03-31",
        "reason": "Your doctor did not say waiting could harm your health.",
    },
    "part_d_routed_out": {
        "case_id": "case-7",
        "received_on": "2026-03-01",
        "service": "Eliquis 5 mg",
        "part_d_phone": "1-800-555-0177",
    },
}


@pytest.fixture
def contexts():
    import copy

    return copy.deepcopy(CONTEXTS)


@pytest.fixture
def issued_on():
    return ISSUED_ON


@pytest.fixture
def build_notice(notice_config, recipient, pair, contexts, issued_on):
    """build(kind, **overrides) -> the NoticeKind's content built from this folder's fixtures: the recipient,
    the pair, the kind's valid context, the notice config and the issue date, each of which (and
    template_version) a test may override."""

    def build(kind, **overrides):
        arguments = {
            "recipient": recipient,
            "pair": pair,
            "context": contexts[kind.value],
            "config": notice_config,
            "issued_on": issued_on,
            **overrides,
        }
        return notice_content_build(kind=kind, **arguments)

    return build
