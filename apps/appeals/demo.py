"""Demo cases in various states (run by `manage.py demo_setup` after members are seeded).

Idempotent: each demo case is keyed by its demo description; a re-run creates nothing new. Every case
goes through the real services, so clocks, events, audit and letters are what production would make.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.appeals.models import Case
from apps.appeals.rules import rule_table
from apps.appeals.services import case_clock_refresh, case_decide, case_extend, case_intake, case_transition
from apps.members.models import Member
from apps.members.selectors import member_current_pair

DEMO_TAG = "[demo] "


def _steps(case: Case, actor: Any, at: dt.datetime, *targets: str) -> Case:
    for target in targets:
        case = case_transition(case=case, target=target, actor=actor, now=at)
    return case


def _specs(now: dt.datetime) -> list[tuple[dict[str, Any], Callable[[Case, Any], Case] | None]]:
    day = dt.timedelta(days=1)
    hour = dt.timedelta(hours=1)
    return [
        (
            {
                "kind": "grievance",
                "received_at": now - 2 * hour,
                "channel": "phone",
                "filer": "member",
                "programs": ["medi_cal"],
                "service_description": "Non-emergency transport to dialysis",
                "description": "Ride did not arrive twice this week.",
            },
            None,
        ),
        (
            {
                "kind": "grievance",
                "received_at": now - 27 * day,
                "channel": "mail",
                "filer": "member",
                "programs": ["medicare_a_b", "medi_cal"],
                "service_description": "Wait time at primary care clinic",
                "description": "Waited over two hours for appointments.",
            },
            lambda c, a: _steps(c, a, c.received_at + day, "acknowledged", "in_review"),
        ),
        (
            {
                "kind": "organization_determination",
                "received_at": now - 20 * hour,
                "channel": "fax",
                "filer": "provider",
                "provider_npi": "1234567893",
                "programs": ["part_b_drug"],
                "service_description": "Infliximab infusion",
                "description": "Prior authorization request.",
                "expedited_requested": True,
                "expedited_granted": True,
            },
            lambda c, a: _steps(c, a, c.received_at + hour, "acknowledged", "in_review"),
        ),
        (
            {
                "kind": "reconsideration",
                "received_at": now - 35 * day,
                "channel": "mail",
                "filer": "member",
                "programs": ["medicare_a_b"],
                "service_description": "Power wheelchair",
                "description": "Appeal of denied power wheelchair.",
                "notice_date": (now - 50 * day).date(),
            },
            lambda c, a: _steps(c, a, c.received_at + day, "acknowledged", "in_review"),
        ),
        (
            {
                "kind": "reconsideration",
                "received_at": now - 12 * day,
                "channel": "web",
                "filer": "member",
                "programs": ["medicare_a_b", "medi_cal"],
                "service_description": "Home health aide, 20 hours a week",
                "description": "Appeal of the reduction to 10 hours.",
                "notice_date": (now - 15 * day).date(),
                "continuation_requested": True,
                "action_type": "reduction",
                "is_previously_authorized": True,
                "is_ordered_by_authorized_provider": True,
                "authorization_end_date": (now + 90 * day).date(),
            },
            lambda c, a: case_decide(
                case=_steps(c, a, c.received_at + day, "acknowledged", "in_review"),
                outcome="adverse",
                summary="Needs assessment supports 10 hours a week.",
                actor=a,
                now=now - 2 * hour,
            ),
        ),
        (
            {
                "kind": "reconsideration",
                "received_at": now - 6 * day,
                "channel": "phone",
                "filer": "representative",
                "representative_name": "Daughter (authorized representative)",
                "representative_authorization_received_at": now - 4 * day,
                "programs": ["medi_cal"],
                "service_description": "Adult day health care",
                "description": "Appeal of denied CBAS days.",
                "notice_date": (now - 20 * day).date(),
            },
            lambda c, a: _extend(c, a, now),
        ),
        (
            {
                "kind": "organization_determination",
                "received_at": now - 3 * hour,
                "channel": "phone",
                "filer": "member",
                "programs": ["part_d"],
                "service_description": "Eliquis 5 mg",
                "description": "Pharmacy said prior authorization is needed.",
            },
            None,
        ),
        (
            {
                "kind": "grievance",
                "received_at": now - 20 * day,
                "channel": "in_person",
                "filer": "member",
                "programs": ["medi_cal"],
                "service_description": "Interpreter at specialist visit",
                "description": "No Spanish interpreter was provided.",
            },
            lambda c, a: _close(c, a, now),
        ),
    ]


def _extend(case: Case, actor: Any, now: dt.datetime) -> Case:
    case = _steps(case, actor, case.received_at + dt.timedelta(days=1), "acknowledged", "in_review")
    case_extend(
        case=case,
        days=14,
        requested_by="plan",
        reason="Waiting for the CBAS center's assessment",
        actor=actor,
        now=now - dt.timedelta(hours=1),
    )
    case.refresh_from_db()
    return case


def _close(case: Case, actor: Any, now: dt.datetime) -> Case:
    case = _steps(case, actor, case.received_at + dt.timedelta(days=1), "acknowledged", "in_review")
    case = case_decide(
        case=case,
        outcome="resolved",
        summary="Interpreter services re-trained; visit rescheduled.",
        actor=actor,
        now=case.received_at + dt.timedelta(days=6),
    )
    if case.status == "decided":
        case = case_transition(
            case=case, target="notified", actor=actor, now=case.received_at + dt.timedelta(days=6)
        )
    return case_transition(
        case=case, target="closed", actor=actor, now=case.received_at + dt.timedelta(days=7)
    )


def load_demo(*, stdout: TextIO) -> None:
    now = timezone.now().astimezone(rule_table().timezone).replace(second=0, microsecond=0)
    user_model = get_user_model()
    actor = user_model.objects.filter(username="rep").first() or user_model.objects.filter(role="rep").first()
    members = [
        m for m in Member.objects.order_by("member_id")[:40] if member_current_pair(member=m) is not None
    ]
    specs = _specs(now)
    if len(members) < len(specs):
        stdout.write(f"appeals demo: skipped (needs {len(specs)} aligned members, found {len(members)})\n")
        return
    created = 0
    for member, (fields, follow_up) in zip(members, specs, strict=False):
        description = DEMO_TAG + fields["description"]
        # Keyed by the demo description alone: which members are picked can change between runs (an 834
        # demo import may end someone's coverage), and a re-run must still create nothing new.
        if Case.objects.filter(description=description).exists():
            continue
        case = case_intake(
            member=member,
            actor=actor,
            now=fields["received_at"] + dt.timedelta(minutes=5),
            **{**fields, "description": description},
        )
        if follow_up is not None:
            follow_up(case, actor)
        created += 1
    refreshed = case_clock_refresh()
    stdout.write(
        f"appeals demo: {created} case(s) created, {len(specs) - created} already there; "
        f"{refreshed['overdue']} overdue, {refreshed['at_risk']} at risk\n"
    )
