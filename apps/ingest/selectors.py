"""Reads for imports and the enrollment work queue, scoped to the caller."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from apps.ingest.models import EnrollmentWorkItem, ImportKind, ImportRun, WorkItemStatus
from apps.members.models import Enrollment, Member


def _is_admin(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and (user.is_superuser or user.role == "admin"))


def import_run_list(*, user: Any, kind: str = ImportKind.ENROLLMENT_834) -> QuerySet[ImportRun]:
    if not _is_admin(user):
        return ImportRun.objects.none()
    return ImportRun.objects.filter(kind=kind).select_related("plan", "acknowledgment")


def import_run_get(*, user: Any, run_pk: uuid.UUID | str, kind: str = ImportKind.ENROLLMENT_834) -> ImportRun:
    try:
        return import_run_list(user=user, kind=kind).get(pk=run_pk)
    except (ImportRun.DoesNotExist, ValueError) as exc:
        raise Http404("No such import run.") from exc


def work_item_list(*, user: Any, status: str = WorkItemStatus.OPEN) -> QuerySet[EnrollmentWorkItem]:
    """Work items the caller may act on: a rep those of their organization, an admin all."""
    items = EnrollmentWorkItem.objects.filter(status=status).select_related("member", "run__plan")
    if _is_admin(user):
        return items
    if user is not None and user.is_authenticated and user.role == "rep" and user.parent_organization_id:
        return items.filter(parent_organization_id=user.parent_organization_id)
    return items.none()


def work_item_get(*, user: Any, item_pk: uuid.UUID | str) -> EnrollmentWorkItem:
    try:
        return work_item_list(user=user).get(pk=item_pk)
    except (EnrollmentWorkItem.DoesNotExist, ValueError) as exc:
        raise Http404("No such work item.") from exc


def enrollment_history(*, member: Member) -> QuerySet[Enrollment]:
    """Every enrollment of the member, newest first (effective-dated; terminated rows stay)."""
    return (
        Enrollment.objects.filter(member=member).select_related("plan").order_by("-start_date", "plan__kind")
    )


def enrollments_as_of(*, member: Member, on: dt.date) -> QuerySet[Enrollment]:
    """The plans the member was in on a date ("what plans on March 3?")."""
    return (
        Enrollment.objects.filter(member=member, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .select_related("plan")
        .order_by("plan__kind")
    )
