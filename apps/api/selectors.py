"""Reads the doors serve: the member's unified summary, built from `.values()` rows (no model instances).

Used by GET /api/v1/me, the console's summary panel and the plain-view benchmark, so all three show the
same data. Constant queries, whatever the member's history: 1 member (+ current PCP and care coordinator
as JSON subqueries) + 1 enrollments (with plan phones) + 1 pairs (alignment) + 1 card versions = 4.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import JSONObject
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from apps.documents.models import Document, DocumentStatus
from apps.members.models import AlternateFormat, CareCoordinatorAssignment, Enrollment, Member, PcpAssignment
from apps.plans.models import AlignedPlanPair
from memberhub.directory.languages import LANGUAGE_NAMES
from memberhub.plans.alignment import EnrollmentFact, PairFact, PlanKind, alignment_on

_MEMBER_FIELDS = (
    "id",
    "member_id",
    "first_name",
    "last_name",
    "spoken_language",
    "written_language",
    "alternate_format",
    "delivery_preference",
    "updated_at",
)
_PLAN_FIELDS = (
    "code",
    "kind",
    "name",
    "contract_id",
    "pbp_id",
    "segment_id",
    "dhcs_plan_code",
    "phone_member_services",
    "phone_tty",
    "phone_nurse_line",
    "phone_behavioral_health",
    "phone_pharmacy_help",
    "website",
    "updated_at",
)
_ALTERNATE_FORMATS = dict(AlternateFormat.choices)


def _active(
    model: type[PcpAssignment] | type[CareCoordinatorAssignment], on: dt.date, **fields: Any
) -> Subquery:
    rows = (
        model.objects.filter(member_id=OuterRef("pk"), start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .order_by("-start_date")
        .values(json=JSONObject(**fields))[:1]
    )
    return Subquery(rows)


def _language(code: str) -> dict[str, str]:
    return {"code": code, "name": LANGUAGE_NAMES.get(code, code)}


def _plan_key(plan: dict[str, Any]) -> str:
    if plan["kind"] == PlanKind.MEDICARE_DSNP:
        key = f"{plan['contract_id']}-{plan['pbp_id']}"
        return key if plan["segment_id"] in ("", "000") else f"{key}-{plan['segment_id']}"
    return str(plan["dhcs_plan_code"])


def _latest_update(*values: Any) -> dt.datetime | None:
    stamps = [v for v in values if isinstance(v, dt.datetime)]
    return max(stamps) if stamps else None


def member_summary_get(*, member_pk: uuid.UUID | str, on: dt.date | None = None) -> dict[str, Any]:
    """The unified benefits summary of one member (already authorized by the caller) as plain data."""
    on = on or timezone.localdate()
    rows = list(
        Member.objects.filter(pk=member_pk)
        .annotate(
            pcp_json=_active(
                PcpAssignment,
                on,
                npi=F("npi"),
                name=F("name"),
                phone=F("phone"),
                medical_group=F("medical_group"),
                start_date=F("start_date"),
                end_date=F("end_date"),
            ),
            coordinator_json=_active(
                CareCoordinatorAssignment,
                on,
                name=F("name"),
                phone=F("phone"),
                email=F("email"),
                start_date=F("start_date"),
                end_date=F("end_date"),
            ),
        )
        .values(*_MEMBER_FIELDS, "pcp_json", "coordinator_json")
    )
    if not rows:
        raise Http404("No such member.")
    member = rows[0]

    enrollments = list(
        Enrollment.objects.filter(member_id=member_pk)
        .order_by("-start_date", "plan__kind")
        .values("start_date", "end_date", "updated_at", *(f"plan__{f}" for f in _PLAN_FIELDS))
    )
    facts = [
        EnrollmentFact(e["plan__code"], PlanKind(e["plan__kind"]), e["start_date"], e["end_date"])
        for e in enrollments
    ]
    plan_codes = {f.plan_code for f in facts}
    pair_rows = list(
        AlignedPlanPair.objects.filter(
            Q(medicare_plan__code__in=plan_codes) | Q(medi_cal_plan__code__in=plan_codes)
        )
        .order_by("code")
        .values("code", "name", "plan_year", "medicare_plan__code", "medi_cal_plan__code")
    )
    alignment = alignment_on(
        enrollments=facts,
        pairs=[
            PairFact(
                code=p["code"],
                medicare_plan_code=p["medicare_plan__code"],
                medi_cal_plan_code=p["medi_cal_plan__code"],
                plan_year=p["plan_year"],
            )
            for p in pair_rows
        ],
        on=on,
    )
    pair = next((p for p in pair_rows if p["code"] == alignment.pair_code), None)

    plans: list[dict[str, Any]] = []
    seen_kinds: set[str] = set()
    for e in enrollments:  # newest first: the active enrollment of each kind, else the latest one
        covers = e["start_date"] <= on and (e["end_date"] is None or on <= e["end_date"])
        kind = e["plan__kind"]
        if kind in seen_kinds or not covers:
            continue
        seen_kinds.add(kind)
        plan = {f: e[f"plan__{f}"] for f in _PLAN_FIELDS}
        plans.append(
            {
                "kind": kind,
                "program": "Medicare" if kind == PlanKind.MEDICARE_DSNP else "Medi-Cal",
                "code": plan["code"],
                "name": plan["name"],
                "plan_key": _plan_key(plan),
                "effective_date": e["start_date"],
                "end_date": e["end_date"],
                "phones": {
                    "member_services": plan["phone_member_services"],
                    "tty": plan["phone_tty"],
                    "nurse_line": plan["phone_nurse_line"],
                    "behavioral_health": plan["phone_behavioral_health"],
                    "pharmacy_help": plan["phone_pharmacy_help"],
                },
                "website": plan["website"],
            }
        )
    plans.sort(key=lambda p: p["kind"] != PlanKind.MEDICARE_DSNP)

    cards = list(
        Document.objects.filter(member_id=member_pk, kind="id_card")
        .order_by("-created_at")
        .values("id", "status", "created_at", "rendered_at")
    )
    current = next((c for c in cards if c["status"] == DocumentStatus.READY), cards[0] if cards else None)
    card: dict[str, Any] | None = None
    if current is not None:
        ready = current["status"] == DocumentStatus.READY
        card = {
            "id": current["id"],
            "status": current["status"],
            "version": len(cards) - cards.index(current),
            "issued_at": current["rendered_at"] or current["created_at"],
            "links": {
                "json": reverse("v1:cards-me"),
                "pdf": reverse("v1:cards-me-pdf") if ready else None,
                "png": reverse("v1:cards-me-png") if ready else None,
            },
        }

    pcp = member["pcp_json"]
    coordinator = member["coordinator_json"]
    return {
        "member_id": member["member_id"],
        "first_name": member["first_name"],
        "last_name": member["last_name"],
        "as_of": on,
        "product_name": pair["name"] if pair else None,
        "pair_code": alignment.pair_code,
        "plans": plans,
        "alignment": {
            "status": str(alignment.status),
            "plain_words": alignment.plain_words,
            "reason": alignment.reason,
        },
        "pcp": pcp,
        "care_coordinator": coordinator,
        "preferred_language": {
            "spoken": _language(member["spoken_language"]),
            "written": _language(member["written_language"]),
        },
        "preferred_format": {
            "code": member["alternate_format"] or "standard",
            "name": _ALTERNATE_FORMATS.get(member["alternate_format"], "Standard print"),
            "delivery": member["delivery_preference"],
        },
        "card": card,
        "updated_at": _latest_update(member["updated_at"], *(e["updated_at"] for e in enrollments)),
    }
