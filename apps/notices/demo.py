"""Demo data for notices: a welcome letter for every demo member who has an ID card (sent with the
first card: same mail date, so the vendor batch puts both in one envelope). Idempotent: the welcome
notice is keyed on the member's D-SNP enrollment, so re-running issues nothing twice."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.cards.models import CardRequest
from apps.members.models import Enrollment
from apps.notices.models import Notice
from apps.notices.services import NoPlanPair, notice_issue
from apps.plans.models import PlanKind
from memberhub.errors import DomainError


def load_demo(*, stdout: Any) -> None:
    first_card: dict[Any, Any] = {}
    for member_id, created_at in CardRequest.objects.order_by("created_at").values_list(
        "member_id", "created_at"
    ):
        first_card.setdefault(member_id, created_at)
    done = set(
        Notice.objects.filter(kind="welcome", member_id__in=first_card).values_list("member_id", flat=True)
    )
    todo = [pk for pk in first_card if pk not in done]
    enrollments = {
        e.member_id: e
        for e in Enrollment.objects.filter(member_id__in=todo, plan__kind=PlanKind.MEDICARE_DSNP)
        .select_related("member")
        .order_by("member_id", "start_date")
    }
    issued = skipped = 0
    for member_pk in todo:
        enrollment = enrollments.get(member_pk)
        if enrollment is None:
            skipped += 1
            continue
        card_day = timezone.localdate(first_card[member_pk])
        try:
            with transaction.atomic():
                notice_issue(
                    kind="welcome",
                    member=enrollment.member,
                    context={
                        "enrollment_id": str(enrollment.pk),
                        "effective_on": enrollment.start_date.isoformat(),
                        "enrollment_confirmed_on": card_day.isoformat(),
                        "card_included": True,
                    },
                    issued_on=card_day,
                )
            issued += 1
        except (NoPlanPair, DomainError):
            skipped += 1
    stdout.write(f"notices: {issued} welcome letters issued, {len(done)} already there, {skipped} skipped")
