"""API v1: the unified formulary (Part D + Medi-Cal Rx) for an aligned plan pair.

- GET /api/v1/formulary/search?pair=PAIR&q=...            public: name (prefix, typo tolerant), brand or
  generic, RxCUI or NDC (10/11 digits, with or without hyphens); grouped by ingredient and strength.
- GET /api/v1/formulary/drugs/{rxcui}?pair=PAIR[&as_of=]  public: who pays, tier, PA/ST/QL, Medi-Cal Rx
  restrictions, effective dates, pharmacy routing (BIN/PCN/Group), alternatives. A signed-in member also
  gets their own cost (LIS-aware) for their pair (their pair is the default).
- GET /api/v1/members/{member_pk}/formulary/drugs/{rxcui}  a rep (own organization's members) or admin:
  the same answer with that member's cost; foreign members answer 404.

Public reads keep no record linking a consumer to the drugs they looked up (US Drug Formulary IG);
the member-cost read is audited without the drug. Hot paths return the selector's dicts directly
(PERFORMANCE.md #12); the serializers validate input and document the output schema.
"""

import datetime as dt
from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.mixins import StaffMemberApiMixin
from apps.audit.services import audit_record
from apps.formulary.selectors import (
    FormularyQueryError,
    drug_coverage_get,
    drug_search,
    member_formulary_pair,
    pair_get,
)
from apps.plans.models import AlignedPlanPair


class CoverageBriefSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["part_d", "medi_cal_rx", "both", "not_covered"])
    primary_payer = serializers.CharField(allow_null=True)
    secondary_payer = serializers.CharField(allow_null=True)
    tier = serializers.IntegerField(allow_null=True)
    tier_label = serializers.CharField(allow_null=True)
    prior_authorization = serializers.BooleanField()
    step_therapy = serializers.BooleanField()
    quantity_limit = serializers.BooleanField()
    medi_cal_code_1 = serializers.BooleanField()


class DrugSerializer(serializers.Serializer):
    rxcui = serializers.CharField()
    name = serializers.CharField()
    ingredient = serializers.CharField(allow_null=True)
    strength = serializers.CharField(allow_null=True)
    dose_form = serializers.CharField(allow_null=True)
    brand_name = serializers.CharField(allow_null=True)
    is_brand = serializers.BooleanField()
    tty = serializers.CharField(allow_null=True)


class SearchDrugSerializer(DrugSerializer):
    coverage = CoverageBriefSerializer()


class SearchGroupSerializer(serializers.Serializer):
    ingredient = serializers.CharField(allow_null=True)
    strength = serializers.CharField(allow_null=True)
    drugs = SearchDrugSerializer(many=True)


class SearchOutputSerializer(serializers.Serializer):
    pair = serializers.CharField()
    query = serializers.CharField()
    kind = serializers.ChoiceField(choices=["name", "rxcui", "ndc"])
    ndcs = serializers.ListField(child=serializers.CharField())
    count = serializers.IntegerField()
    groups = SearchGroupSerializer(many=True)


class QuantityLimitSerializer(serializers.Serializer):
    amount = serializers.CharField(allow_null=True)
    days = serializers.IntegerField(allow_null=True)


class PartDSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=["formulary", "supplemental"])  # type: ignore[assignment]
    tier = serializers.IntegerField(allow_null=True)
    tier_label = serializers.CharField(allow_null=True)
    prior_authorization = serializers.BooleanField()
    step_therapy = serializers.BooleanField()
    quantity_limit = QuantityLimitSerializer(allow_null=True)
    is_selected_drug = serializers.BooleanField()
    formulary_id = serializers.CharField(allow_null=True)
    contract_year = serializers.IntegerField(allow_null=True)
    effective_from = serializers.DateField(allow_null=True)
    effective_to = serializers.DateField(allow_null=True)


class MediCalRxSerializer(serializers.Serializer):
    cdl_part = serializers.IntegerField()
    code_1 = serializers.BooleanField()
    restriction_text = serializers.CharField(allow_null=True)
    age_min = serializers.IntegerField(allow_null=True)
    age_max = serializers.IntegerField(allow_null=True)
    quantity_limit = QuantityLimitSerializer(allow_null=True)
    labeler_codes = serializers.ListField(child=serializers.CharField())
    diagnosis = serializers.CharField(allow_null=True)
    step_therapy = serializers.BooleanField()
    prior_authorization = serializers.BooleanField()
    part_d_excluded_category = serializers.CharField(allow_null=True)
    drug_name = serializers.CharField()
    strength = serializers.CharField(allow_blank=True)
    dosage_form = serializers.CharField()
    billing_unit = serializers.CharField()
    effective_from = serializers.DateField()
    effective_to = serializers.DateField(allow_null=True)


class NoteSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()


class CoverageSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["part_d", "medi_cal_rx", "both", "not_covered"])
    is_covered = serializers.BooleanField()
    primary_payer = serializers.CharField(allow_null=True)
    secondary_payer = serializers.CharField(allow_null=True)
    is_part_d_excluded = serializers.BooleanField()
    part_d = PartDSerializer(allow_null=True)
    medi_cal_rx = MediCalRxSerializer(allow_null=True)
    notes = NoteSerializer(many=True)


class RoutingSerializer(serializers.Serializer):
    payer = serializers.CharField()
    bin = serializers.CharField(allow_null=True)
    pcn = serializers.CharField(allow_null=True)
    group = serializers.CharField(allow_null=True)
    cardholder_id = serializers.ChoiceField(choices=["member_id", "cin"])


class AlternativeSerializer(serializers.Serializer):
    rxcui = serializers.CharField()
    name = serializers.CharField()
    reason = serializers.ChoiceField(choices=["generic", "lower_tier", "covered"])
    tier = serializers.IntegerField(allow_null=True)
    tier_label = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    same_strength = serializers.BooleanField()


class QuoteSerializer(serializers.Serializer):
    days_supply = serializers.IntegerField()
    pharmacy = serializers.ChoiceField(choices=["preferred", "standard"])
    payer = serializers.CharField()
    amount = serializers.CharField(allow_null=True, help_text="dollars, when a fixed amount is known")
    coinsurance_rate = serializers.CharField(allow_null=True, help_text="fraction of the drug price")
    maximum = serializers.CharField(allow_null=True, help_text="the member never pays more than this")
    basis = serializers.CharField()


class LisCopaySerializer(serializers.Serializer):
    generic = serializers.CharField()
    brand = serializers.CharField()


class MemberCostSerializer(serializers.Serializer):
    lis_level = serializers.IntegerField()
    lis_copay = LisCopaySerializer(allow_null=True)
    quotes = QuoteSerializer(many=True)


class DrugCoverageOutputSerializer(serializers.Serializer):
    pair = serializers.CharField()
    as_of = serializers.DateField()
    drug = DrugSerializer()
    coverage = CoverageSerializer()
    pharmacy_routing = RoutingSerializer(allow_null=True)
    alternatives = AlternativeSerializer(many=True)
    member_cost = MemberCostSerializer(allow_null=True)


def _signed_in_member(request: Request) -> Any:
    user = request.user
    if user is not None and user.is_authenticated and getattr(user, "role", "") == "member":
        return getattr(user, "member", None)
    return None


def _resolve_pair(code: str | None, member: Any) -> tuple[AlignedPlanPair, bool]:
    """The requested pair, or the signed-in member's; and whether it is the member's own pair."""
    own = member_formulary_pair(member=member) if member is not None else None
    if code:
        pair = own if own is not None and own.code == code else pair_get(code=code)
        return pair, own is not None and own.pk == pair.pk
    if own is None:
        raise FormularyQueryError("Give the aligned plan pair code (pair=...).", field="pair")
    return own, True


class FormularySearchApi(APIView):
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        pair = serializers.SlugField(required=False, max_length=60)
        q = serializers.CharField(max_length=200, trim_whitespace=True)

    @extend_schema(
        operation_id="formulary_search",
        parameters=[
            OpenApiParameter(
                "pair", str, description="aligned plan pair code (default: a signed-in member's)"
            ),
            OpenApiParameter("q", str, required=True, description="drug name, brand, RxCUI or NDC"),
        ],
        responses=SearchOutputSerializer,
    )
    def get(self, request: Request) -> Response:
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        pair, _own = _resolve_pair(params.validated_data.get("pair"), _signed_in_member(request))
        return Response(drug_search(pair=pair, q=params.validated_data["q"]))


class DrugCoverageInputSerializer(serializers.Serializer):
    pair = serializers.SlugField(required=False, max_length=60)
    as_of = serializers.DateField(required=False)


class FormularyDrugApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="formulary_drug",
        parameters=[
            OpenApiParameter(
                "pair", str, description="aligned plan pair code (default: a signed-in member's)"
            ),
            OpenApiParameter("as_of", dt.date, description="answer as of this date (default today)"),
        ],
        responses=DrugCoverageOutputSerializer,
    )
    def get(self, request: Request, rxcui: str) -> Response:
        params = DrugCoverageInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        member = _signed_in_member(request)
        pair, own = _resolve_pair(params.validated_data.get("pair"), member)
        with_cost = member if own else None
        answer = drug_coverage_get(
            pair=pair, rxcui=rxcui, on=params.validated_data.get("as_of"), member=with_cost
        )
        if with_cost is not None:
            audit_record(
                actor=request.user, action="view", resource="formulary_member_cost", member_id=with_cost.pk,
                request=request._request, channel="api",
            )  # fmt: skip
        return Response(answer)


class MemberFormularyDrugApi(StaffMemberApiMixin, APIView):  # type: ignore[misc]
    audit_resource = "formulary_member_cost"

    @extend_schema(
        operation_id="member_formulary_drug",
        parameters=[OpenApiParameter("as_of", dt.date, description="answer as of this date (default today)")],
        responses=DrugCoverageOutputSerializer,
    )
    def get(self, request: Request, member_pk: Any, rxcui: str) -> Response:
        params = DrugCoverageInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        member = self.get_member()
        on = params.validated_data.get("as_of")
        pair = member_formulary_pair(member=member, on=on)
        if pair is None:
            raise FormularyQueryError(
                "The member is not in an aligned plan pair on that date.", field="member"
            )
        answer = drug_coverage_get(pair=pair, rxcui=rxcui, on=on, member=member)
        self.audit_view(member=member)
        return Response(answer)


urlpatterns = [
    path("formulary/search", FormularySearchApi.as_view(), name="formulary-search"),
    path("formulary/drugs/<str:rxcui>", FormularyDrugApi.as_view(), name="formulary-drug"),
    path(
        "members/<uuid:member_pk>/formulary/drugs/<str:rxcui>",
        MemberFormularyDrugApi.as_view(),
        name="formulary-member-drug",
    ),
]
