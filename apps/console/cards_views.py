"""Console pages for cards: the member page's card panel (current card picture, reissue via htmx POST,
card/mailing history with vendor/printed/returned), the card image and PDF, and work queues."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.audit.services import audit_record
from apps.cards.models import CardRequestReason
from apps.cards.selectors import id_card_current, id_card_history
from apps.cards.services import id_card_request
from apps.console.access import console_member_or_404, rep_required
from apps.console.queues import MAX_ITEMS, WorkQueue, WorkQueueItem
from apps.documents.models import Document, DocumentStatus, MailPiece, MailPieceStatus
from apps.documents.selectors import document_get_for_member
from apps.documents.services import document_file, document_preview
from apps.members.models import Member
from apps.members.selectors import member_queryset_for_user
from memberhub.errors import DomainError

PANEL_VERSIONS = 10


def member_panel(request: HttpRequest, member: Member, *, message: str = "") -> str | None:
    current = id_card_current(member=member)
    history = id_card_history(member=member)[:PANEL_VERSIONS]
    return render_to_string(
        "console/cards/member_panel.html",
        {
            "member": member,
            "current": current,
            "history": history,
            "message": message,
            "ready": current is not None and current.status == DocumentStatus.READY,
        },
        request=request,
    )


@rep_required
@require_POST
def cards_reissue(request: HttpRequest, member_pk: Any) -> HttpResponse:
    member = console_member_or_404(request, member_pk)
    try:
        req = id_card_request(
            member=member, reason=CardRequestReason.REPLACEMENT_REP, requested_by=request.user
        )
        message = (
            "Card reissued: it will print in the next batch." if req.mail_piece_id else "Card requested."
        )
        if req.mail_piece_id and req.mail_piece and req.mail_piece.status == MailPieceStatus.NO_VENDOR:
            message = "Card reissued, but no mailing vendor prints cards for this plan pair."
    except DomainError as exc:
        message = f"Could not reissue: {exc.message}"
    audit_record(
        actor=request.user,
        action="create",
        resource="card_request",
        member_id=member.pk,
        request=request,
        channel="console",
        reason="replacement_rep",
    )
    if getattr(request, "htmx", False):
        return HttpResponse(member_panel(request, member, message=message))
    messages.info(request, message)
    return redirect(reverse("console:member-detail", args=[member.pk]))


@rep_required
def cards_image(request: HttpRequest, member_pk: Any, document_pk: Any, side: str) -> HttpResponse:
    member = console_member_or_404(request, member_pk)
    doc = document_get_for_member(member=member, document_pk=document_pk, kind="id_card")
    page = 2 if side == "back" else 1
    try:
        data = document_preview(document=doc, page=page)
    except DomainError:
        return HttpResponse(status=404)
    audit_record(
        actor=request.user,
        action="view",
        resource="id_card",
        member_id=member.pk,
        resource_id=doc.pk,
        request=request,
        channel="console",
        representation="png",
    )
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@rep_required
def cards_pdf(request: HttpRequest, member_pk: Any, document_pk: Any) -> HttpResponse:
    member = console_member_or_404(request, member_pk)
    doc = document_get_for_member(member=member, document_pk=document_pk, kind="id_card")
    try:
        data = document_file(document=doc)
    except DomainError:
        return HttpResponse(status=404)
    audit_record(
        actor=request.user,
        action="download",
        resource="id_card",
        member_id=member.pk,
        resource_id=doc.pk,
        request=request,
        channel="console",
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="id-card.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _detail(row: Any) -> str:
    if isinstance(row, MailPiece):
        return f"returned {row.returned_at:%Y-%m-%d}" if row.returned_at else "returned"
    return str(row.error_code)


def work_queues(request: HttpRequest) -> list[WorkQueue]:
    members = member_queryset_for_user(user=request.user)
    returned = MailPiece.objects.filter(status=MailPieceStatus.RETURNED, member__in=members).select_related(
        "member"
    )
    failed = Document.objects.filter(
        kind__in=["id_card", "card_carrier"], status=DocumentStatus.FAILED, member__in=members
    ).select_related("member")

    def items(qs: Any) -> list[WorkQueueItem]:
        return [
            WorkQueueItem(
                label=f"{row.member.first_name} {row.member.last_name}",
                url=reverse("console:member-detail", args=[row.member.pk]),
                detail=_detail(row),
                member_pk=row.member.pk,
            )
            for row in qs.order_by("-updated_at")[:MAX_ITEMS]
        ]

    return [
        WorkQueue(
            key="cards-returned-mail",
            title="Returned cards",
            description="The vendor reported these card mailings as undeliverable: check the address, then reissue.",
            count=returned.count(),
            items=items(returned),
        ),
        WorkQueue(
            key="cards-failed-renders",
            title="Card renders that failed",
            description="Cards or carrier letters that could not be rendered (error code shown).",
            count=failed.count(),
            items=items(failed),
        ),
    ]
