"""Console: the enrollment work queue (members an 834 left misaligned or without one side of coverage),
the member page's enrollment history panel with an "as of" date, and 834 import runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from apps.audit.services import audit_record
from apps.console.access import console_member_or_404, console_role, rep_required
from apps.console.queues import MAX_ITEMS, WorkQueue, WorkQueueItem
from apps.ingest.enrollment.services import work_item_resolve
from apps.ingest.models import EnrollmentWorkItem, ImportAcknowledgment, ImportKind, ImportRun, ImportStatus
from apps.ingest.selectors import enrollment_history, enrollments_as_of, work_item_get, work_item_list
from apps.members.models import Member

HISTORY_ROWS = 10


def _import_runs_for(user: Any) -> Any:
    runs = ImportRun.objects.filter(kind=ImportKind.ENROLLMENT_834).select_related("plan")
    if console_role(user) == "admin":
        return runs
    if getattr(user, "parent_organization_id", None):
        return runs.filter(plan__parent_id=user.parent_organization_id)
    return runs.none()


def work_queues(request: HttpRequest) -> list[WorkQueue]:
    items = work_item_list(user=request.user)
    queues = [
        WorkQueue(
            key="enrollment-alignment",
            title="Enrollment follow-up",
            description="Members an enrollment file left misaligned, without Medicare or Medi-Cal coverage, "
            "or missing from a full file.",
            count=items.count(),
            items=[
                WorkQueueItem(
                    label=f"{item.member.full_name} ({item.member.member_id})",
                    url=reverse("console:member-detail", args=[item.member_id]),
                    detail=item.get_kind_display(),
                    member_pk=item.member_id,
                )
                for item in items[:MAX_ITEMS]
            ],
            more_url=reverse("console:enrollment-queue"),
            area="enrollment",
        )
    ]
    problem_runs = _import_runs_for(request.user).filter(
        status__in=[ImportStatus.FAILED, ImportStatus.SUCCEEDED_WITH_ERRORS]
    )
    queues.append(
        WorkQueue(
            key="enrollment-imports",
            title="834 imports with errors",
            description="Enrollment files refused or applied with rejected records.",
            count=problem_runs.count(),
            items=[
                WorkQueueItem(
                    label=f"{run.source_name} ({run.plan.code if run.plan else ''})",
                    url=reverse("console:enrollment-import", args=[run.pk]),
                    detail=run.get_status_display(),
                )
                for run in problem_runs[:MAX_ITEMS]
            ],
            more_url=reverse("console:enrollment-imports"),
            area="enrollment",
        )
    )
    return queues


def _panel_context(member: Member, on: dt.date | None) -> dict[str, Any]:
    history = list(enrollment_history(member=member)[: HISTORY_ROWS + 1])
    return {
        "member": member,
        "history": history[:HISTORY_ROWS],
        "history_more": len(history) > HISTORY_ROWS,
        "on": on,
        "as_of": list(enrollments_as_of(member=member, on=on)) if on else None,
        "open_items": list(
            EnrollmentWorkItem.objects.filter(member=member, status="open").order_by("-created_at")[:5]
        ),
    }


def member_panel(request: HttpRequest, member: Member) -> str | None:
    """Enrollment history (effective-dated) on the member page; the member page audits the view."""
    return render_to_string(
        "console/enrollment/member_panel.html", _panel_context(member, None), request=request
    )


@rep_required
@require_GET
def enrollment_member_as_of(request: HttpRequest, member_pk: str) -> HttpResponse:
    """htmx: which plans the member was in on a date (?on=YYYY-MM-DD)."""
    member = console_member_or_404(request, member_pk)
    try:
        on = dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        on = timezone.localdate()
    audit_record(
        actor=request.user,
        action="view",
        resource="member.enrollment_history",
        member_id=member.pk,
        request=request,
        channel="console",
    )
    context = _panel_context(member, on)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "console/enrollment/_as_of.html", context)
    return render(request, "console/enrollment/member_history.html", context)


@rep_required
@require_GET
def enrollment_queue(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    items = work_item_list(user=request.user)
    if kind:
        items = items.filter(kind=kind)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    audit_record(
        actor=request.user,
        action="view",
        resource="enrollment.work_queue",
        request=request,
        channel="console",
        count=page.paginator.count,
    )
    return render(
        request,
        "console/enrollment/queue.html",
        {
            "page": page,
            "kind": kind,
            "kinds": EnrollmentWorkItem._meta.get_field("kind").choices,
            "nav": "queues",
        },
    )


@rep_required
@require_POST
def enrollment_item_resolve(request: HttpRequest, item_pk: str) -> HttpResponse:
    item = work_item_get(user=request.user, item_pk=item_pk)
    work_item_resolve(item=item, user=request.user, note=request.POST.get("note", ""))
    messages.success(request, "Marked as resolved.")
    return redirect(request.POST.get("next") or reverse("console:enrollment-queue"))


@rep_required
@require_GET
def enrollment_imports(request: HttpRequest) -> HttpResponse:
    page = Paginator(_import_runs_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "console/enrollment/imports.html", {"page": page, "nav": "queues"})


@rep_required
@require_GET
def enrollment_import(request: HttpRequest, run_pk: str) -> HttpResponse:
    try:
        run = _import_runs_for(request.user).get(pk=run_pk)
    except (ImportRun.DoesNotExist, ValueError) as exc:
        raise Http404("No such import run.") from exc
    if console_role(request.user) not in ("admin", "rep"):
        raise PermissionDenied
    acknowledgment = ImportAcknowledgment.objects.filter(run=run).first()
    return render(
        request,
        "console/enrollment/import_detail.html",
        {"run": run, "acknowledgment": acknowledgment, "nav": "queues"},
    )
