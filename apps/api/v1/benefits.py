"""API v1: unified benefits.

Public (no sign-in, like the directory): GET /api/v1/benefits?pair=CODE[&q=ride][&category=dental]
and GET /api/v1/benefits/changes?pair=CODE[&from_year=2026&to_year=2027] (plan-year comparison).
Signed-in member: GET /api/v1/me/benefits[?q=] and GET /api/v1/me/benefits/{category}.
Rep (own organization's members) or admin: GET /api/v1/members/{member_id}/benefits[?q=] and
GET /api/v1/members/{member_id}/benefits/{category}; foreign members answer 404. Member reads are audited.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.errors import error_body
from apps.api.mixins import MemberApiMixin, RateLimitHeadersApiMixin, StaffMemberApiMixin
from apps.api.permissions import IsAdminRole
from apps.benefits.selectors import (
    BenefitsView,
    benefit_catalog_list,
    benefit_changes_between_years,
    benefit_policy,
    member_benefits_get,
    pair_benefits_get,
    pair_get,
)
from apps.benefits.services import benefit_catalog_load
from apps.ingest.models import ImportStatus
from memberhub.benefits.reader import MAX_FILE_BYTES
from memberhub.benefits.serialize import answer_to_dict


def _language_map() -> serializers.DictField:
    return serializers.DictField(child=serializers.CharField(allow_null=True))


class PayerSerializer(serializers.Serializer[dict[str, Any]]):
    order = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.DictField(child=serializers.CharField())
    plan_code = serializers.CharField(allow_null=True)
    carve_out_program = serializers.CharField(allow_null=True)


class MemberCostSerializer(serializers.Serializer[dict[str, Any]]):
    known = serializers.BooleanField()
    is_zero = serializers.BooleanField()
    copay = serializers.CharField(allow_null=True, help_text="Dollars, as a decimal string")
    coinsurance_percent = serializers.CharField(allow_null=True)
    per = serializers.CharField(allow_null=True)
    reason = serializers.CharField()


class ContactSerializer(serializers.Serializer[dict[str, Any]]):
    name = serializers.CharField(allow_null=True)
    phone = serializers.CharField()
    tty = serializers.CharField(allow_null=True)
    hours = serializers.CharField(allow_null=True)
    url = serializers.CharField(allow_null=True)
    label = serializers.DictField(child=serializers.CharField(), required=False)  # type: ignore[assignment]


class BenefitAnswerSerializer(serializers.Serializer[dict[str, Any]]):
    category = serializers.CharField()
    label = serializers.DictField(child=serializers.CharField())  # type: ignore[assignment]
    status = serializers.ChoiceField(choices=["covered", "carved_out", "not_covered"])
    covered = serializers.BooleanField()
    dual_status = serializers.CharField()
    sentence = serializers.DictField(child=serializers.CharField(), help_text="Plain-language answer: en, es")
    pays_first = serializers.CharField(allow_null=True)
    payers = PayerSerializer(many=True)
    member_cost = MemberCostSerializer()
    prior_authorization = serializers.BooleanField()
    prior_authorization_by = serializers.ListField(child=serializers.CharField())
    referral_required = serializers.BooleanField()
    referral_required_by = serializers.ListField(child=serializers.CharField())
    limits = serializers.ListField(child=serializers.DictField())
    supplemental = serializers.DictField(allow_null=True)
    carve_outs = serializers.ListField(child=serializers.DictField())
    unavailable_carve_outs = serializers.ListField(child=serializers.DictField())
    arranged_by = serializers.CharField(allow_null=True)
    contact = ContactSerializer()
    other_contacts = serializers.ListField(child=serializers.DictField())
    notes = serializers.ListField(child=serializers.DictField())
    sources = serializers.ListField(child=serializers.DictField())


class PairInfoSerializer(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    plan_year = serializers.IntegerField()
    medicare_plan_code = serializers.CharField(allow_null=True)
    medi_cal_plan_code = serializers.CharField(allow_null=True)
    missing_catalogs = serializers.ListField(child=serializers.CharField())


class DualStatusSerializer(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]


class BenefitListOutputSerializer(serializers.Serializer[dict[str, Any]]):
    pair = PairInfoSerializer()
    dual_status = DualStatusSerializer()
    query = serializers.CharField(allow_null=True)
    benefits = BenefitAnswerSerializer(many=True)


class BenefitDetailOutputSerializer(serializers.Serializer[dict[str, Any]]):
    pair = PairInfoSerializer()
    dual_status = DualStatusSerializer()
    benefit = BenefitAnswerSerializer()


class BenefitChangeSerializer(serializers.Serializer[dict[str, Any]]):
    category = serializers.CharField()
    category_label = serializers.DictField(child=serializers.CharField())
    kind = serializers.CharField()
    change = serializers.CharField()
    plan_code = serializers.CharField()
    from_year = serializers.IntegerField()
    to_year = serializers.IntegerField()
    before = _language_map()
    after = _language_map()
    sentence = serializers.DictField(child=serializers.CharField())


class BenefitChangesOutputSerializer(serializers.Serializer[dict[str, Any]]):
    pair = serializers.CharField()
    from_year = serializers.IntegerField()
    to_year = serializers.IntegerField()
    changes = BenefitChangeSerializer(many=True)


class SearchInputSerializer(serializers.Serializer[dict[str, Any]]):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)


class PublicInputSerializer(SearchInputSerializer):
    pair = serializers.SlugField(max_length=60)
    category = serializers.CharField(required=False, max_length=40)
    dual_status = serializers.CharField(required=False, max_length=20)

    def validate_dual_status(self, value: str) -> str:
        known = benefit_policy().rules
        if value not in known:
            raise serializers.ValidationError(f"Unknown dual status; expected one of: {', '.join(known)}.")
        return value


class ChangesInputSerializer(serializers.Serializer[dict[str, Any]]):
    pair = serializers.SlugField(max_length=60)
    from_year = serializers.IntegerField(required=False, min_value=2006, max_value=2100)
    to_year = serializers.IntegerField(required=False, min_value=2006, max_value=2100)


def _view_header(view: BenefitsView) -> dict[str, Any]:
    return {
        "pair": {
            "code": view.pair_code,
            "name": view.pair_name,
            "plan_year": view.plan_year,
            "medicare_plan_code": view.medicare_plan_code,
            "medi_cal_plan_code": view.medi_cal_plan_code,
            "missing_catalogs": view.missing_catalogs,
        },
        "dual_status": {"code": view.rule.status, "label": view.rule.label},
    }


def _list_body(view: BenefitsView) -> dict[str, Any]:
    return {
        **_view_header(view),
        "query": view.query or None,
        "benefits": [answer_to_dict(answer) for answer in view.answers],
    }


def _detail_body(view: BenefitsView) -> dict[str, Any]:
    return {**_view_header(view), "benefit": answer_to_dict(view.answers[0])}


_Q = OpenApiParameter(
    "q", str, description='Search words, e.g. "dental", "ride", "wheelchair", "silla de ruedas"'
)


class PublicBenefitListApi(RateLimitHeadersApiMixin, APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("pair", str, required=True, description="Aligned plan pair code"),
            _Q,
            OpenApiParameter("category", str, description="One service category code"),
            OpenApiParameter(
                "dual_status", str, description="Answer for this dual status (default: a full-benefit dual)"
            ),
        ],
        responses=BenefitListOutputSerializer,
        operation_id="benefits_public_list",
        description="Unified benefits of an aligned plan pair, as they apply to a full-benefit dual member "
        "(or to the dual status given).",
    )
    def get(self, request: Request) -> Response:
        params = PublicInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        view = pair_benefits_get(
            pair_code=params.validated_data["pair"],
            query=params.validated_data.get("q"),
            category=params.validated_data.get("category"),
            dual_status=params.validated_data.get("dual_status"),
        )
        return Response(BenefitListOutputSerializer(_list_body(view)).data)


class PublicBenefitChangesApi(RateLimitHeadersApiMixin, APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("pair", str, required=True),
            OpenApiParameter("from_year", int, description="Default: the pair's plan year"),
            OpenApiParameter("to_year", int, description="Default: from_year + 1"),
        ],
        responses=BenefitChangesOutputSerializer,
        operation_id="benefits_public_changes",
        description="What changes for the pair's members from one plan year to the next, category by category.",
    )
    def get(self, request: Request) -> Response:
        params = ChangesInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        pair = pair_get(pair_code=params.validated_data["pair"])
        from_year = params.validated_data.get("from_year") or pair.plan_year
        to_year = params.validated_data.get("to_year") or from_year + 1
        changes = benefit_changes_between_years(pair_code=pair.code, from_year=from_year, to_year=to_year)
        body = {"pair": pair.code, "from_year": from_year, "to_year": to_year, "changes": changes}
        return Response(BenefitChangesOutputSerializer(body).data)


class MemberBenefitListApi(MemberApiMixin, APIView):  # type: ignore[misc]
    audit_resource = "benefits"

    @extend_schema(parameters=[_Q], responses=BenefitListOutputSerializer, operation_id="me_benefits_list")
    def get(self, request: Request) -> Response:
        params = SearchInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        member = self.get_member()
        view = member_benefits_get(member=member, query=params.validated_data.get("q"))
        self.audit_view(member=member, count=len(view.answers))
        return Response(BenefitListOutputSerializer(_list_body(view)).data)


class MemberBenefitDetailApi(MemberApiMixin, APIView):  # type: ignore[misc]
    audit_resource = "benefits"

    @extend_schema(responses=BenefitDetailOutputSerializer, operation_id="me_benefits_retrieve")
    def get(self, request: Request, category: str) -> Response:
        member = self.get_member()
        view = member_benefits_get(member=member, category=category)
        self.audit_view(member=member, resource_id=category)
        return Response(BenefitDetailOutputSerializer(_detail_body(view)).data)


class StaffMemberBenefitListApi(StaffMemberApiMixin, APIView):  # type: ignore[misc]
    audit_resource = "benefits"

    @extend_schema(
        parameters=[_Q], responses=BenefitListOutputSerializer, operation_id="members_benefits_list"
    )
    def get(self, request: Request, member_pk: str) -> Response:
        params = SearchInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        member = self.get_member()
        view = member_benefits_get(member=member, query=params.validated_data.get("q"))
        self.audit_view(member=member, count=len(view.answers))
        return Response(BenefitListOutputSerializer(_list_body(view)).data)


class StaffMemberBenefitDetailApi(StaffMemberApiMixin, APIView):  # type: ignore[misc]
    audit_resource = "benefits"

    @extend_schema(responses=BenefitDetailOutputSerializer, operation_id="members_benefits_retrieve")
    def get(self, request: Request, member_pk: str, category: str) -> Response:
        member = self.get_member()
        view = member_benefits_get(member=member, category=category)
        self.audit_view(member=member, resource_id=category)
        return Response(BenefitDetailOutputSerializer(_detail_body(view)).data)


class CatalogUploadInputSerializer(serializers.Serializer[dict[str, Any]]):
    plan = serializers.CharField(max_length=40, help_text="Plan code, e.g. H5501-001-000")
    file = serializers.FileField(help_text="The catalog YAML (layout in apps/benefits/README.md)")

    def validate_file(self, value: Any) -> Any:
        if value.size > MAX_FILE_BYTES:
            raise serializers.ValidationError("The file is larger than 2 MB.")
        return value


class CatalogRunOutputSerializer(serializers.Serializer[dict[str, Any]]):
    import_run = serializers.UUIDField()
    status = serializers.CharField()
    plan = serializers.CharField()
    plan_year = serializers.IntegerField(allow_null=True)
    action = serializers.CharField(allow_null=True)
    entries = serializers.IntegerField()


class CatalogListItemSerializer(serializers.Serializer[dict[str, Any]]):
    plan_code = serializers.CharField()
    plan_year = serializers.IntegerField()
    program = serializers.CharField()
    entries = serializers.IntegerField()
    source_name = serializers.CharField()
    source_sha256 = serializers.CharField()
    loaded_at = serializers.CharField()


class BenefitCatalogApi(RateLimitHeadersApiMixin, APIView):
    """Admins: list loaded catalogs; upload a plan's catalog file (same rules as `manage.py load_benefits`)."""

    permission_classes = [IsAdminRole]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=CatalogListItemSerializer(many=True), operation_id="benefits_catalogs_list")
    def get(self, request: Request) -> Response:
        return Response(CatalogListItemSerializer(benefit_catalog_list(), many=True).data)  # type: ignore[arg-type]

    @extend_schema(
        request=CatalogUploadInputSerializer,
        responses={201: CatalogRunOutputSerializer, 200: CatalogRunOutputSerializer},
        operation_id="benefits_catalogs_upload",
        description="Load one plan-year catalog. 201 created or replaced; 200 the same file was already loaded; "
        "400 refused whole (nothing changed) with every problem's line, entry and field.",
    )
    def post(self, request: Request) -> Response:
        params = CatalogUploadInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        upload = params.validated_data["file"]
        result = benefit_catalog_load(
            plan_code=params.validated_data["plan"],
            content=upload.read(),
            source_name=upload.name or "upload.yaml",
            user=request.user,
        )
        run = result.run
        if run.status == ImportStatus.FAILED:
            body = error_body(
                "benefits.catalog_invalid",
                f"Benefit catalog refused, nothing changed ({len(run.errors)} problems).",
                {"import_run": str(run.pk), "problems": run.errors},
            )
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        out = {
            "import_run": run.pk,
            "status": run.status,
            "plan": params.validated_data["plan"],
            "plan_year": run.result.get("plan_year"),
            "action": run.result.get("action"),
            "entries": run.counts.get("entries", 0),
        }
        code = status.HTTP_200_OK if run.status == ImportStatus.DUPLICATE else status.HTTP_201_CREATED
        return Response(CatalogRunOutputSerializer(out).data, status=code)


urlpatterns = [
    path("benefits/catalogs", BenefitCatalogApi.as_view(), name="benefits-catalogs"),
    path("benefits", PublicBenefitListApi.as_view(), name="benefits-public-list"),
    path("benefits/changes", PublicBenefitChangesApi.as_view(), name="benefits-public-changes"),
    path("me/benefits", MemberBenefitListApi.as_view(), name="benefits-me-list"),
    path("me/benefits/<slug:category>", MemberBenefitDetailApi.as_view(), name="benefits-me-detail"),
    path(
        "members/<uuid:member_pk>/benefits", StaffMemberBenefitListApi.as_view(), name="benefits-member-list"
    ),
    path(
        "members/<uuid:member_pk>/benefits/<slug:category>",
        StaffMemberBenefitDetailApi.as_view(),
        name="benefits-member-detail",
    ),
]
