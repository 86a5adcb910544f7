"""API v1: the signed-in member's unified benefits summary (GET /api/v1/me).

Hot path: the summary is built from `.values()` rows (apps.api.selectors.member_summary_get, 4 queries)
and returned as plain data through DRF's Response; the nested OutputSerializer documents the shape in the
OpenAPI schema and is what schemathesis validates responses against. Reps and admins read the same
summary for a member of their plans at /api/v1/members/{member_pk}/summary.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.mixins import ConditionalGetMixin, MemberApiMixin, StaffMemberApiMixin
from apps.api.selectors import member_summary_get


class PhonesSerializer(serializers.Serializer[Any]):
    member_services = serializers.CharField()
    tty = serializers.CharField()
    nurse_line = serializers.CharField()
    behavioral_health = serializers.CharField()
    pharmacy_help = serializers.CharField()


class PlanSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["medicare_dsnp", "medi_cal"])
    program = serializers.CharField(help_text="Medicare or Medi-Cal")
    code = serializers.CharField()
    name = serializers.CharField()
    plan_key = serializers.CharField(help_text="H1234-001 for the D-SNP, the DHCS plan code for Medi-Cal")
    effective_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    phones = PhonesSerializer()
    website = serializers.CharField(allow_blank=True)


class AlignmentSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=["exclusively_aligned", "misaligned", "medicare_only", "medi_cal_only", "not_enrolled"]
    )
    plain_words = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)


class PcpSerializer(serializers.Serializer[Any]):
    npi = serializers.CharField()
    name = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)
    medical_group = serializers.CharField(allow_blank=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)


class CareCoordinatorSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)


class LanguageSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    name = serializers.CharField()


class PreferredLanguageSerializer(serializers.Serializer[Any]):
    spoken = LanguageSerializer()
    written = LanguageSerializer()


class PreferredFormatSerializer(serializers.Serializer[Any]):
    code = serializers.CharField(help_text="standard, large_print, braille, audio or data_cd")
    name = serializers.CharField()
    delivery = serializers.ChoiceField(choices=["mail", "electronic", "both"])


class CardLinksSerializer(serializers.Serializer[Any]):
    json = serializers.CharField()
    pdf = serializers.CharField(allow_null=True)
    png = serializers.CharField(allow_null=True)


class CardSummarySerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=["pending", "rendering", "ready", "failed"])
    version = serializers.IntegerField(min_value=1)
    issued_at = serializers.DateTimeField()
    links = CardLinksSerializer()


class MemberSummaryOutputSerializer(serializers.Serializer[Any]):
    member_id = serializers.CharField(help_text="The unified member id printed on the card")
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    as_of = serializers.DateField()
    product_name = serializers.CharField(allow_null=True)
    pair_code = serializers.CharField(allow_null=True)
    plans = PlanSerializer(many=True)
    alignment = AlignmentSerializer()
    pcp = PcpSerializer(allow_null=True)
    care_coordinator = CareCoordinatorSerializer(allow_null=True)
    preferred_language = PreferredLanguageSerializer()
    preferred_format = PreferredFormatSerializer()
    card = CardSummarySerializer(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)


_IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="An ETag from an earlier response: 304 when the summary has not changed.",
)
_RESPONSES = {
    200: MemberSummaryOutputSerializer,
    304: OpenApiResponse(description="Not modified (the ETag still matches)."),
}


class MemberSummaryApi(ConditionalGetMixin, MemberApiMixin, APIView):
    """GET /api/v1/me: both plans with dates, alignment in plain words, PCP, care coordinator, phones,
    preferred language and format, current card. Scope `member.read`."""

    audit_resource = "member.summary"
    required_scopes = ["member.read"]

    @extend_schema(
        operation_id="me_summary_retrieve",
        parameters=[_IF_NONE_MATCH],
        responses=_RESPONSES,
        tags=["me"],
    )
    def get(self, request: Request) -> Response:
        member_pk = self.get_member_pk()
        with self.audited_view(member_pk=member_pk):  # the audit row travels with the summary's first query
            data = member_summary_get(member_pk=member_pk)
        return Response(data)


class StaffMemberSummaryApi(ConditionalGetMixin, StaffMemberApiMixin, APIView):
    """GET /api/v1/members/{member_pk}/summary: the same summary for a rep of the member's plans or an
    admin; any other member answers 404."""

    audit_resource = "member.summary"

    @extend_schema(
        operation_id="members_summary_retrieve",
        parameters=[_IF_NONE_MATCH],
        responses=_RESPONSES,
        tags=["members"],
    )
    def get(self, request: Request, member_pk: str) -> Response:
        member = self.get_member()  # scoped to the caller: another plan's member answers 404
        with self.audited_view(member_pk=member.pk):
            data = member_summary_get(member_pk=member.pk)
        return Response(data)


urlpatterns = [
    path("me", MemberSummaryApi.as_view(), name="me-summary"),
    path("members/<uuid:member_pk>/summary", StaffMemberSummaryApi.as_view(), name="me-member-summary"),
]
