"""API v1: notices.

Members: `GET /me/notices` (their single notice history with a "new" flag), `GET /me/notices/{id}`,
`GET /me/notices/{id}/pdf` (marks it viewed). Another member's notice answers 404.
Reps/admins: a member's history, a notice's PDF, re-send; the late-risk report. Admins: co-mailing
savings of a print batch.
"""

from typing import Any

from django.http import Http404, HttpResponse
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.mixins import MemberApiMixin, StaffMemberApiMixin
from apps.api.pagination import CURSOR_PARAMETERS, CursorPagination, paginated
from apps.api.permissions import IsAdminRole, IsRepOrAdmin
from apps.api.renderers import PdfRenderer
from apps.audit.services import audit_record
from apps.documents.models import PrintBatch
from apps.documents.services import document_file
from apps.documents.storage import storage_read
from apps.notices.models import Notice
from apps.notices.selectors import (
    HistoryRow,
    notice_get_for_member,
    notice_history_for_member,
    notice_issuer_label,
    notice_kind_label,
    notice_late_risk_report,
    notice_list_for_member,
    print_batch_comail_summary,
)
from apps.notices.services import notice_mark_viewed, notice_resend
from memberhub.errors import DomainError


class NoticeNotReady(DomainError):
    code = "notices.not_ready"
    http_status = 409


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _notice_pdf(notice: Notice) -> bytes:
    if notice.document is None:
        raise NoticeNotReady("This notice has no document.")
    try:
        return document_file(document=notice.document)
    except DomainError as exc:
        raise NoticeNotReady(
            "The notice is not rendered yet; try again shortly.", status=notice.document.status
        ) from exc


# ------------------------------------------------------------------------------------------- member


class MemberNoticeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    title = serializers.CharField()
    source = serializers.ChoiceField(choices=["memberhub", "external"])  # type: ignore[assignment]
    issued_by = serializers.CharField(help_text="The plan (or the aligned pair) that issued it")
    issued_on = serializers.DateField()
    due_on = serializers.DateField(allow_null=True)
    language = serializers.CharField()
    format = serializers.CharField()
    channels = serializers.ListField(child=serializers.CharField())
    is_new = serializers.BooleanField(help_text="Not opened in the app yet")
    status = serializers.CharField(help_text="Document status: pending, rendering, ready, failed")
    pdf_available = serializers.BooleanField()


def member_notice_payload(notice: Notice) -> dict[str, Any]:
    doc = notice.document
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "kind_label": notice_kind_label(notice, notice.language),
        "title": notice.title,
        "source": notice.source,
        "issued_by": notice_issuer_label(notice),
        "issued_on": notice.issued_on,
        "due_on": notice.due_on,
        "language": notice.language,
        "format": notice.format,
        "channels": [c for c, on in (("mail", notice.by_mail), ("electronic", notice.electronic)) if on],
        "is_new": notice.member_viewed_at is None,
        "status": doc.status if doc else "none",
        "pdf_available": bool(doc and doc.status == "ready"),
    }


class MyNoticeListApi(MemberApiMixin, APIView):  # type: ignore[misc]
    """GET /api/v1/me/notices: the member's notices (memberhub's own and the plans'), newest first."""

    class Pagination(CursorPagination):
        ordering = ("-issued_on", "-created_at")  # type: ignore[assignment]

    @extend_schema(
        operation_id="me_notices_list",
        parameters=CURSOR_PARAMETERS,
        responses={200: paginated(MemberNoticeSerializer)},
    )
    def get(self, request: Request) -> Response:
        member = self.get_member()
        paginator = self.Pagination()
        page = paginator.paginate_queryset(notice_list_for_member(member=member), request, view=self)
        self.audit_view(member=member, resource="notice_list", count=len(page or []))
        data = MemberNoticeSerializer([member_notice_payload(n) for n in page or []], many=True).data
        return paginator.get_paginated_response(data)


class MyNoticeDetailApi(MemberApiMixin, APIView):  # type: ignore[misc]
    """GET /api/v1/me/notices/{notice_id}."""

    @extend_schema(operation_id="me_notices_retrieve", responses={200: MemberNoticeSerializer})
    def get(self, request: Request, notice_id: Any) -> Response:
        member = self.get_member()
        notice = notice_get_for_member(member=member, notice_id=notice_id)
        self.audit_view(member=member, resource="notice", resource_id=notice.pk)
        return Response(MemberNoticeSerializer(member_notice_payload(notice)).data)


class MyNoticePdfApi(MemberApiMixin, APIView):  # type: ignore[misc]
    """GET /api/v1/me/notices/{notice_id}/pdf: the letter (tagged, accessible PDF). Marks it viewed."""

    renderer_classes = [PdfRenderer, JSONRenderer]

    @extend_schema(
        operation_id="me_notices_pdf",
        responses={(200, "application/pdf"): OpenApiResponse(description="The notice PDF")},
    )
    def get(self, request: Request, notice_id: Any) -> Any:
        member = self.get_member()
        notice = notice_get_for_member(member=member, notice_id=notice_id)
        data = _notice_pdf(notice)
        notice_mark_viewed(notice=notice)
        audit_record(
            actor=request.user,
            action="download",
            resource="notice",
            member_id=member.pk,
            resource_id=notice.pk,
            request=request._request,
            channel="api",
        )
        return _pdf_response(data, f"notice-{notice.pk}.pdf")


# -------------------------------------------------------------------------------------------- staff


class DeliverySerializer(serializers.Serializer):
    channel = serializers.CharField()
    reason = serializers.CharField()
    requested_at = serializers.DateTimeField()
    requested_by = serializers.CharField()
    status = serializers.CharField()
    vendor = serializers.CharField()
    batch = serializers.CharField()
    envelope = serializers.CharField()
    printed_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)


class HistorySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    what = serializers.CharField()
    issuer = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]
    issued_on = serializers.DateField()
    due_on = serializers.DateField(allow_null=True)
    language = serializers.CharField()
    format = serializers.CharField()
    channels = serializers.ListField(child=serializers.CharField())
    document_status = serializers.CharField()
    printed_by = serializers.CharField()
    returned = serializers.BooleanField()
    deliveries = DeliverySerializer(many=True)


def history_payload(row: HistoryRow) -> dict[str, Any]:
    return {
        "id": row.notice.pk,
        "kind": row.notice.kind,
        "what": row.what,
        "issuer": row.issuer,
        "source": row.source,
        "issued_on": row.issued_on,
        "due_on": row.due_on,
        "language": row.language,
        "format": row.format,
        "channels": list(row.channels),
        "document_status": row.document_status,
        "printed_by": row.printed_by,
        "returned": row.returned,
        "deliveries": [d.__dict__ for d in row.deliveries],
    }


class MemberNoticeHistoryApi(StaffMemberApiMixin, APIView):  # type: ignore[misc]
    """GET /api/v1/members/{member_pk}/notices: the member's whole notice history with deliveries."""

    @extend_schema(operation_id="member_notices_list", responses={200: HistorySerializer(many=True)})
    def get(self, request: Request, member_pk: Any) -> Response:
        member = self.get_member()
        rows = notice_history_for_member(member=member)
        self.audit_view(member=member, resource="notice_history", count=len(rows))
        return Response(HistorySerializer([history_payload(r) for r in rows], many=True).data)


class MemberNoticePdfApi(StaffMemberApiMixin, APIView):  # type: ignore[misc]
    """GET /api/v1/members/{member_pk}/notices/{notice_id}/pdf."""

    renderer_classes = [PdfRenderer, JSONRenderer]

    @extend_schema(
        operation_id="member_notices_pdf",
        responses={(200, "application/pdf"): OpenApiResponse(description="The notice PDF")},
    )
    def get(self, request: Request, member_pk: Any, notice_id: Any) -> Any:
        member = self.get_member()
        notice = notice_get_for_member(member=member, notice_id=notice_id)
        data = _notice_pdf(notice)
        audit_record(
            actor=request.user,
            action="download",
            resource="notice",
            member_id=member.pk,
            resource_id=notice.pk,
            request=request._request,
            channel="api",
        )
        return _pdf_response(data, f"notice-{notice.pk}.pdf")


class MemberNoticeExportApi(StaffMemberApiMixin, APIView):  # type: ignore[misc]
    """GET /api/v1/members/{member_pk}/notices/{notice_id}/export: the data export (content + reading-order
    text, JSON) a braille, audio or data-CD vendor produces the member's alternate format from."""

    @extend_schema(
        operation_id="member_notices_export",
        responses={
            200: OpenApiResponse(description="JSON: document_id, alternate_format, language, content, text")
        },
    )
    def get(self, request: Request, member_pk: Any, notice_id: Any) -> Any:
        member = self.get_member()
        notice = notice_get_for_member(member=member, notice_id=notice_id)
        if not notice.vendor_export_key:
            raise Http404(
                "This notice has no alternate-format export (the member has no braille/audio request)."
            )
        audit_record(
            actor=request.user,
            action="export",
            resource="notice_export",
            member_id=member.pk,
            resource_id=notice.pk,
            request=request._request,
            channel="api",
        )
        response = HttpResponse(storage_read(notice.vendor_export_key), content_type="application/json")
        response["Cache-Control"] = "private, no-store"
        return response


class ResendInputSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=["mail", "electronic"], default="mail")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ResendOutputSerializer(serializers.Serializer):
    delivery_id = serializers.UUIDField()
    channel = serializers.CharField()
    mail_piece_id = serializers.UUIDField(allow_null=True)
    mail_piece_status = serializers.CharField(allow_null=True)


class MemberNoticeResendApi(StaffMemberApiMixin, APIView):  # type: ignore[misc]
    """POST /api/v1/members/{member_pk}/notices/{notice_id}/resend: send the same notice again."""

    @extend_schema(
        operation_id="member_notices_resend",
        request=ResendInputSerializer,
        responses={202: ResendOutputSerializer},
    )
    def post(self, request: Request, member_pk: Any, notice_id: Any) -> Response:
        member = self.get_member()
        notice = notice_get_for_member(member=member, notice_id=notice_id)
        s = ResendInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        delivery = notice_resend(
            notice=notice,
            requested_by=request.user,
            channel=s.validated_data["channel"],
            note=s.validated_data["note"],
        )
        piece = delivery.mail_piece
        data = {
            "delivery_id": delivery.pk,
            "channel": delivery.channel,
            "mail_piece_id": piece.pk if piece else None,
            "mail_piece_status": piece.status if piece else None,
        }
        return Response(ResendOutputSerializer(data).data, status=status.HTTP_202_ACCEPTED)


class LateRiskSerializer(serializers.Serializer):
    notice_id = serializers.UUIDField()
    member_pk = serializers.UUIDField()
    member_id = serializers.CharField()
    kind = serializers.CharField()
    what = serializers.CharField()
    due_on = serializers.DateField()
    sent_on = serializers.DateField(allow_null=True)
    risk = serializers.ChoiceField(choices=["at_risk", "late"])
    days_left = serializers.IntegerField()


class NoticeLateRiskApi(APIView):
    """GET /api/v1/notices/late-risk: notices with a regulatory due date at risk of being late (or late),
    for the members the rep may see."""

    permission_classes = [IsRepOrAdmin]

    @extend_schema(operation_id="notices_late_risk_list", responses={200: LateRiskSerializer(many=True)})
    def get(self, request: Request) -> Response:
        rows = notice_late_risk_report(user=request.user)
        audit_record(
            actor=request.user,
            action="view",
            resource="notice_late_risk",
            request=request._request,
            channel="api",
            count=len(rows),
        )
        data = [
            {
                "notice_id": r.notice.pk,
                "member_pk": r.member.pk,
                "member_id": r.member.member_id,
                "kind": r.notice.kind,
                "what": r.what,
                "due_on": r.due_on,
                "sent_on": r.sent_on,
                "risk": r.risk.value,
                "days_left": r.days_left,
            }
            for r in rows
        ]
        return Response(LateRiskSerializer(data, many=True).data)


class ComailSummarySerializer(serializers.Serializer):
    batch_code = serializers.CharField()
    piece_count = serializers.IntegerField()
    envelope_count = serializers.IntegerField()
    shared_envelopes = serializers.IntegerField()
    envelopes_saved = serializers.IntegerField()
    postage_saved_cents = serializers.IntegerField()


class PrintBatchComailApi(APIView):
    """GET /api/v1/notices/print-batches/{batch_id}/comailing: envelopes and postage saved (admins)."""

    permission_classes = [IsAdminRole]

    @extend_schema(operation_id="notices_print_batch_comailing", responses={200: ComailSummarySerializer})
    def get(self, request: Request, batch_id: Any) -> Response:
        try:
            batch = PrintBatch.objects.get(pk=batch_id)
        except (PrintBatch.DoesNotExist, ValueError) as exc:
            raise Http404("No such batch.") from exc
        return Response(ComailSummarySerializer(print_batch_comail_summary(batch=batch).__dict__).data)


urlpatterns = [
    path("me/notices", MyNoticeListApi.as_view(), name="notices-me-list"),
    path("me/notices/<uuid:notice_id>", MyNoticeDetailApi.as_view(), name="notices-me-detail"),
    path("me/notices/<uuid:notice_id>/pdf", MyNoticePdfApi.as_view(), name="notices-me-pdf"),
    path("members/<uuid:member_pk>/notices", MemberNoticeHistoryApi.as_view(), name="notices-member-list"),
    path(
        "members/<uuid:member_pk>/notices/<uuid:notice_id>/pdf",
        MemberNoticePdfApi.as_view(),
        name="notices-member-pdf",
    ),
    path(
        "members/<uuid:member_pk>/notices/<uuid:notice_id>/export",
        MemberNoticeExportApi.as_view(),
        name="notices-member-export",
    ),
    path(
        "members/<uuid:member_pk>/notices/<uuid:notice_id>/resend",
        MemberNoticeResendApi.as_view(),
        name="notices-member-resend",
    ),
    path("notices/late-risk", NoticeLateRiskApi.as_view(), name="notices-late-risk"),
    path(
        "notices/print-batches/<uuid:batch_id>/comailing",
        PrintBatchComailApi.as_view(),
        name="notices-batch-comailing",
    ),
]
