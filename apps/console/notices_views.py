"""Console pages for notices: the member page's notice history panel (with re-send), the full history,
a notice's PDF, the late-risk report and its work queue. Reps see their organization's members only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from apps.audit.services import audit_record
from apps.console.access import console_member_or_404, rep_required
from apps.console.queues import MAX_ITEMS, WorkQueue, WorkQueueItem
from apps.documents.services import document_file
from apps.members.models import Member
from apps.notices.selectors import (
    notice_get_for_member,
    notice_history_for_member,
    notice_late_risk_report,
)
from apps.notices.services import notice_resend
from memberhub.errors import DomainError

PANEL_ROWS = 10


def _base_template() -> str:
    try:
        get_template("console/base.html")
        reverse("console:home")
    except (TemplateDoesNotExist, NoReverseMatch):
        return "console/notices/_standalone.html"
    return "console/base.html"


def _member_page_url(member: Member) -> str:
    try:
        return reverse("console:member-detail", args=[member.pk])
    except NoReverseMatch:
        return reverse("console:notices-member-history", args=[member.pk])


def member_panel(request: HttpRequest, member: Member) -> str | None:
    """The member page's "Notices" panel: the latest notices (own and the plans'), with re-send."""
    rows = notice_history_for_member(member=member, limit=PANEL_ROWS + 1)
    return render_to_string(
        "console/notices/member_panel.html",
        {"member": member, "rows": rows[:PANEL_ROWS], "has_more": len(rows) > PANEL_ROWS},
        request=request,
    )


@rep_required
def notices_member_history(request: HttpRequest, member_pk: Any) -> HttpResponse:
    member = console_member_or_404(request, member_pk)
    rows = notice_history_for_member(member=member)
    audit_record(
        actor=request.user,
        action="view",
        resource="notice_history",
        member_id=member.pk,
        request=request,
        channel="console",
        count=len(rows),
    )
    return render(
        request,
        "console/notices/member_history.html",
        {
            "base_template": _base_template(),
            "member": member,
            "rows": rows,
            "member_url": _member_page_url(member),
        },
    )


@rep_required
def notices_notice_pdf(request: HttpRequest, member_pk: Any, notice_pk: Any) -> HttpResponse:
    member = console_member_or_404(request, member_pk)
    notice = notice_get_for_member(member=member, notice_id=notice_pk)
    if notice.document is None or notice.document.status != "ready":
        return HttpResponse("The notice is not rendered yet.", status=409, content_type="text/plain")
    data = document_file(document=notice.document)
    audit_record(
        actor=request.user,
        action="download",
        resource="notice",
        member_id=member.pk,
        resource_id=notice.pk,
        request=request,
        channel="console",
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@rep_required
@require_POST
def notices_resend(request: HttpRequest, member_pk: Any, notice_pk: Any) -> HttpResponse:
    member = console_member_or_404(request, member_pk)
    notice = notice_get_for_member(member=member, notice_id=notice_pk)
    channel = request.POST.get("channel", "mail")
    error = ""
    try:
        notice_resend(
            notice=notice, requested_by=request.user, channel=channel, note=request.POST.get("note", "")
        )
    except DomainError as exc:
        error = exc.message
    if getattr(request, "htmx", False):
        html = member_panel(request, member) or ""
        if error:
            html = html.replace(
                "<!--notice-message-->", f'<p class="msg error" role="alert">{_escape(error)}</p>', 1
            )
        else:
            html = html.replace(
                "<!--notice-message-->", '<p class="msg success" role="status">Notice re-sent.</p>', 1
            )
        return HttpResponse(html, status=200)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Notice re-sent.")
    return redirect(_member_page_url(member))


def _escape(text: str) -> str:
    from django.utils.html import escape

    return str(escape(text))


@rep_required
def notices_late_risk(request: HttpRequest) -> HttpResponse:
    rows = notice_late_risk_report(user=request.user)
    audit_record(
        actor=request.user,
        action="view",
        resource="notice_late_risk",
        request=request,
        channel="console",
        count=len(rows),
    )
    return render(
        request,
        "console/notices/late_risk.html",
        {"base_template": _base_template(), "rows": rows, "nav": "queues"},
    )


def work_queues(request: HttpRequest) -> list[WorkQueue]:
    rows = notice_late_risk_report(user=request.user)
    items = [
        WorkQueueItem(
            label=f"{row.what} — {row.member.full_name}",
            url=reverse("console:notices-member-history", args=[row.member.pk]),
            detail=("LATE" if row.risk.value == "late" else f"due in {row.days_left} days")
            + f" ({row.due_on:%b %d})",
            member_pk=row.member.pk,
        )
        for row in rows[:MAX_ITEMS]
    ]
    return [
        WorkQueue(
            key="notices-late-risk",
            title="Notices at risk of being late",
            description="Notices with a regulatory due date (decision letters, acknowledgments, ANOC) not sent yet.",
            count=len(rows),
            items=items,
            more_url=reverse("console:notices-late-risk"),
            area="notices",
        )
    ]
