"""Reads for members: scoping by caller, enrollments as of a date, alignment status."""

import datetime as dt
import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.members.models import CareCoordinatorAssignment, Enrollment, Member, PcpAssignment
from apps.plans.models import AlignedPlanPair
from memberhub.plans.alignment import Alignment, EnrollmentFact, PairFact, PlanKind, alignment_on


def today() -> dt.date:
    return timezone.localdate()


def member_queryset_for_user(*, user: Any) -> QuerySet[Member]:
    """Members the caller may see: a member only themself; a rep the members of their organization's plans;
    an admin everyone; anybody else (vendors, anonymous) no one."""
    if user is None or not user.is_authenticated:
        return Member.objects.none()
    if user.is_superuser or user.role == "admin":
        return Member.objects.all()
    if user.role == "member":
        return Member.objects.filter(pk=user.member_id) if user.member_id else Member.objects.none()
    if user.role == "rep" and user.parent_organization_id:
        return Member.objects.filter(
            pk__in=Enrollment.objects.filter(plan__parent_id=user.parent_organization_id).values("member_id")
        )
    return Member.objects.none()


def member_get_for_user(*, user: Any, member_pk: uuid.UUID | str) -> Member:
    """One member the caller may see; anything else (absent or foreign) answers 404."""
    try:
        return member_queryset_for_user(user=user).get(pk=member_pk)
    except (Member.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such member.") from exc


def enrollments_on(*, member: Member, on: dt.date) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(member=member, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("plan", "plan__parent")
        .order_by("plan__kind", "-start_date")
    )


def pcp_on(*, member: Member, on: dt.date) -> PcpAssignment | None:
    return (
        PcpAssignment.objects.filter(member=member, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .order_by("-start_date")
        .first()
    )


def care_coordinator_on(*, member: Member, on: dt.date) -> CareCoordinatorAssignment | None:
    return (
        CareCoordinatorAssignment.objects.filter(member=member, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .order_by("-start_date")
        .first()
    )


def _pair_facts(plan_codes: set[str]) -> list[PairFact]:
    pairs = AlignedPlanPair.objects.filter(
        Q(medicare_plan__code__in=plan_codes) | Q(medi_cal_plan__code__in=plan_codes)
    ).values_list("code", "medicare_plan__code", "medi_cal_plan__code", "plan_year")
    return [
        PairFact(code=c, medicare_plan_code=m, medi_cal_plan_code=mc, plan_year=y) for c, m, mc, y in pairs
    ]


def member_alignment(*, member: Member, on: dt.date | None = None) -> Alignment:
    """Alignment status of one member as of a date (default today, Los Angeles)."""
    on = on or today()
    rows = Enrollment.objects.filter(member=member).values_list(
        "plan__code", "plan__kind", "start_date", "end_date"
    )
    facts = [EnrollmentFact(code, PlanKind(kind), start, end) for code, kind, start, end in rows]
    return alignment_on(enrollments=facts, pairs=_pair_facts({f.plan_code for f in facts}), on=on)


def members_alignment(
    *, member_ids: list[uuid.UUID], on: dt.date | None = None
) -> dict[uuid.UUID, Alignment]:
    """Alignment of many members in two queries (for imports and work queues)."""
    on = on or today()
    facts: dict[uuid.UUID, list[EnrollmentFact]] = {pk: [] for pk in member_ids}
    rows = Enrollment.objects.filter(member_id__in=member_ids).values_list(
        "member_id", "plan__code", "plan__kind", "start_date", "end_date"
    )
    for member_id, code, kind, start, end in rows:
        facts[member_id].append(EnrollmentFact(code, PlanKind(kind), start, end))
    pairs = _pair_facts({f.plan_code for fs in facts.values() for f in fs})
    return {pk: alignment_on(enrollments=fs, pairs=pairs, on=on) for pk, fs in facts.items()}


def member_current_pair(*, member: Member, on: dt.date | None = None) -> AlignedPlanPair | None:
    alignment = member_alignment(member=member, on=on)
    if alignment.pair_code is None:
        return None
    return AlignedPlanPair.objects.select_related("medicare_plan", "medi_cal_plan", "parent").get(
        code=alignment.pair_code
    )
