"""API v1: the member's ID card (JSON, PDF, PNG), "lost card" replacement, and rep card history/reissue."""

from typing import Any

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.mixins import ConditionalGetMixin, MemberApiMixin, StaffMemberApiMixin
from apps.api.renderers import PdfRenderer, PngRenderer
from apps.api.throttling import ScopedRateThrottle
from apps.cards.models import CardRequestReason
from apps.cards.selectors import id_card_current, id_card_history
from apps.cards.services import id_card_request
from apps.documents.models import Document
from apps.documents.selectors import document_get_for_member
from apps.documents.services import document_file, document_preview
from memberhub.errors import DomainError


class CardNotIssued(DomainError):
    code = "cards.not_issued"
    http_status = 404


class CardFieldsSerializer(serializers.Serializer):
    product_name = serializers.CharField()
    member_name = serializers.CharField()
    member_id = serializers.CharField()
    medicare_plan = serializers.CharField()
    medi_cal_plan = serializers.CharField()
    medi_cal_cin = serializers.CharField()
    effective_date = serializers.CharField()
    issued_on = serializers.CharField()
    pcp_name = serializers.CharField()
    pcp_phone = serializers.CharField()
    pcp_medical_group = serializers.CharField()
    part_d_bin = serializers.CharField()
    part_d_pcn = serializers.CharField()
    part_d_group = serializers.CharField()
    part_d_rx_id = serializers.CharField()
    medi_cal_rx_bin = serializers.CharField()
    medi_cal_rx_pcn = serializers.CharField()
    medi_cal_rx_group = serializers.CharField()
    issuer_id = serializers.CharField()
    member_services = serializers.CharField()
    tty = serializers.CharField()
    nurse_line = serializers.CharField()
    behavioral_health = serializers.CharField()
    pharmacy_help = serializers.CharField()
    medi_cal_rx_help = serializers.CharField()
    website = serializers.CharField()


class CardOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    language = serializers.CharField()
    format = serializers.CharField()
    page_count = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()
    rendered_at = serializers.DateTimeField(allow_null=True)
    fields = CardFieldsSerializer()  # type: ignore[assignment]
    rx_routing = serializers.CharField()


CARD_FIELDS = tuple(CardFieldsSerializer().fields)


def card_payload(doc: Document) -> dict[str, Any]:
    c = doc.content
    return {
        "id": doc.pk,
        "status": doc.status,
        "language": doc.language,
        "format": doc.format,
        "page_count": doc.page_count,
        "sha256": doc.sha256,
        "created_at": doc.created_at,
        "rendered_at": doc.rendered_at,
        "fields": {k: c.get(k, "") for k in CARD_FIELDS},
        "rx_routing": c.get("text", {}).get("rx_routing", ""),
    }


def _binary(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class MyCardApi(ConditionalGetMixin, MemberApiMixin, APIView):  # type: ignore[misc]
    """GET /api/v1/me/card (JSON; `Accept: application/pdf` or `image/png` for the file) and the
    `.pdf` / `.png` suffixed forms. PNG takes `?side=front|back`.

    The JSON answer carries a strong ETag (`If-None-Match` that matches -> 304, still audited); the PDF
    and PNG files stay `no-store` without an ETag."""

    renderer_classes = [JSONRenderer, PdfRenderer, PngRenderer]
    audit_resource = "id_card"

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(response, Response):  # the JSON card (or an error, which the mixin leaves alone)
            return super().finalize_response(request, response, *args, **kwargs)
        # a PDF/PNG file: skip the ETag step (ConditionalGetMixin), keep the rest of the chain
        return super(ConditionalGetMixin, self).finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        operation_id="me_card_retrieve",
        parameters=[
            OpenApiParameter("side", str, enum=["front", "back"], required=False),
            OpenApiParameter(
                "If-None-Match",
                str,
                location=OpenApiParameter.HEADER,
                required=False,
                description="An ETag from an earlier JSON answer: 304 when the card has not changed.",
            ),
        ],
        responses={
            200: CardOutputSerializer,
            304: OpenApiResponse(description="Not modified (the ETag still matches; JSON only)."),
            (200, "application/pdf"): OpenApiResponse(description="PDF"),
            (200, "image/png"): OpenApiResponse(description="PNG preview"),
        },
    )
    def get(self, request: Request, format: str | None = None) -> Any:
        member = self.get_member()
        doc = id_card_current(member=member)
        if doc is None:
            raise CardNotIssued("no ID card has been issued yet")
        media = request.accepted_renderer.format if request.accepted_renderer else "json"
        self.audit_view(member=member, resource="id_card", resource_id=doc.pk, representation=media)
        if media == "pdf":
            return _binary(document_file(document=doc), "application/pdf", "id-card.pdf")
        if media == "png":
            page = 2 if request.query_params.get("side") == "back" else 1
            return _binary(document_preview(document=doc, page=page), "image/png", f"id-card-{page}.png")
        return Response(CardOutputSerializer(card_payload(doc)).data)


class ReplacementOutputSerializer(serializers.Serializer):
    request_id = serializers.UUIDField()
    document_id = serializers.UUIDField()
    document_status = serializers.CharField()
    mailing_queued = serializers.BooleanField()


class MyCardReplacementApi(MemberApiMixin, APIView):  # type: ignore[misc]
    """POST /api/v1/me/card/replacement: "I lost my card". Rate limited (CARDS_REPLACEMENT_RATE)."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "card_replacement"

    @extend_schema(
        operation_id="me_card_replacement_create", request=None, responses={202: ReplacementOutputSerializer}
    )
    def post(self, request: Request) -> Response:
        member = self.get_member()
        req = id_card_request(
            member=member, reason=CardRequestReason.REPLACEMENT_MEMBER, requested_by=request.user
        )
        data = {
            "request_id": req.pk,
            "document_id": req.document_id,
            "document_status": req.document.status,
            "mailing_queued": req.mail_piece_id is not None,
        }
        return Response(ReplacementOutputSerializer(data).data, status=status.HTTP_202_ACCEPTED)


class MailingSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    reason = serializers.CharField()
    vendor = serializers.CharField(allow_null=True)
    batch_code = serializers.CharField(allow_null=True)
    piece_id = serializers.CharField()
    printed_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class CardVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    document_id = serializers.UUIDField()
    status = serializers.CharField()
    language = serializers.CharField()
    format = serializers.CharField()
    issued_on = serializers.CharField()
    render_path = serializers.CharField()
    created_at = serializers.DateTimeField()
    requests = serializers.ListField(child=serializers.DictField())
    mailings = MailingSerializer(many=True)


def history_payload(member: Any) -> list[dict[str, Any]]:
    out = []
    for item in id_card_history(member=member):
        d = item["document"]
        out.append(
            {
                "version": item["version"],
                "document_id": d.pk,
                "status": d.status,
                "language": d.language,
                "format": d.format,
                "issued_on": d.content.get("issued_on", ""),
                "render_path": d.render_path,
                "created_at": d.created_at,
                "requests": [
                    {
                        "id": str(r.pk),
                        "reason": r.reason,
                        "created_at": r.created_at.isoformat(),
                        "requested_by": r.requested_by.get_username() if r.requested_by else None,
                    }
                    for r in item["requests"]
                ],
                "mailings": [
                    {
                        "id": p.pk,
                        "status": p.status,
                        "reason": p.reason,
                        "vendor": p.vendor.name if p.vendor else None,
                        "batch_code": p.batch.code if p.batch else None,
                        "piece_id": p.piece_code,
                        "printed_at": p.printed_at,
                        "returned_at": p.returned_at,
                        "created_at": p.created_at,
                    }
                    for p in item["mailings"]
                ],
            }
        )
    return out


class MemberCardHistoryApi(StaffMemberApiMixin, APIView):  # type: ignore[misc]
    """GET /api/v1/members/{member_pk}/cards: every card version, mailings (vendor/printed/returned)."""

    @extend_schema(operation_id="member_cards_list", responses={200: CardVersionSerializer(many=True)})
    def get(self, request: Request, member_pk: Any) -> Response:
        member = self.get_member()
        self.audit_view(member=member, resource="id_card_history")
        return Response(CardVersionSerializer(history_payload(member), many=True).data)


class ReissueInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=[CardRequestReason.REPLACEMENT_REP.value, CardRequestReason.CONTENT_CHANGE.value],
        default=CardRequestReason.REPLACEMENT_REP.value,
    )


class MemberCardReissueApi(StaffMemberApiMixin, APIView):  # type: ignore[misc]
    """POST /api/v1/members/{member_pk}/cards/reissue: a rep reissues (and re-mails) the card."""

    @extend_schema(
        operation_id="member_cards_reissue",
        request=ReissueInputSerializer,
        responses={202: ReplacementOutputSerializer},
    )
    def post(self, request: Request, member_pk: Any) -> Response:
        member = self.get_member()
        s = ReissueInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        req = id_card_request(member=member, reason=s.validated_data["reason"], requested_by=request.user)
        data = {
            "request_id": req.pk,
            "document_id": req.document_id,
            "document_status": req.document.status,
            "mailing_queued": req.mail_piece_id is not None,
        }
        return Response(ReplacementOutputSerializer(data).data, status=status.HTTP_202_ACCEPTED)


class MemberCardFileApi(StaffMemberApiMixin, APIView):  # type: ignore[misc]
    """GET /api/v1/members/{member_pk}/cards/{document_pk}/file: one card version's PDF (or PNG)."""

    renderer_classes = [PdfRenderer, PngRenderer, JSONRenderer]

    @extend_schema(
        operation_id="member_cards_file",
        parameters=[OpenApiParameter("side", str, enum=["front", "back"], required=False)],
        responses={
            (200, "application/pdf"): OpenApiResponse(description="PDF"),
            (200, "image/png"): OpenApiResponse(description="PNG"),
        },
    )
    def get(self, request: Request, member_pk: Any, document_pk: Any) -> Any:
        member = self.get_member()
        doc = document_get_for_member(member=member, document_pk=document_pk, kind="id_card")
        media = request.accepted_renderer.format if request.accepted_renderer else "pdf"
        self.audit_view(member=member, resource="id_card", resource_id=doc.pk, representation=media)
        if media == "png":
            page = 2 if request.query_params.get("side") == "back" else 1
            return _binary(document_preview(document=doc, page=page), "image/png", f"id-card-{page}.png")
        return _binary(document_file(document=doc), "application/pdf", "id-card.pdf")


urlpatterns = [
    path("me/card", MyCardApi.as_view(), name="cards-me"),
    path("me/card.pdf", MyCardApi.as_view(), {"format": "pdf"}, name="cards-me-pdf"),
    path("me/card.png", MyCardApi.as_view(), {"format": "png"}, name="cards-me-png"),
    path("me/card/replacement", MyCardReplacementApi.as_view(), name="cards-me-replacement"),
    path("members/<uuid:member_pk>/cards", MemberCardHistoryApi.as_view(), name="cards-member-history"),
    path(
        "members/<uuid:member_pk>/cards/reissue", MemberCardReissueApi.as_view(), name="cards-member-reissue"
    ),
    path(
        "members/<uuid:member_pk>/cards/<uuid:document_pk>/file",
        MemberCardFileApi.as_view(),
        name="cards-member-file",
    ),
]
