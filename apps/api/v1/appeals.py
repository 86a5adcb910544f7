"""API v1: grievances and appeals.

Members: GET /api/v1/me/cases, GET /api/v1/me/cases/<id> (own cases only; others answer 404).
Reps (their organization's members) and admins: list/intake, detail, transition, extend, decide, the
work queue and the timeliness report (JSON or CSV).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.mixins import MemberApiMixin, RateLimitHeadersApiMixin
from apps.api.pagination import CURSOR_PARAMETERS, CursorPagination, paginated
from apps.api.permissions import IsRepOrAdmin
from apps.appeals.models import (
    Case,
    CaseKind,
    CaseLetter,
    Channel,
    ExtensionRequester,
    Filer,
    Outcome,
    Program,
    Status,
)
from apps.appeals.selectors import (
    case_clock,
    case_get_for_user,
    case_list_for_member,
    case_queryset_for_user,
    case_queue,
    timeliness_csv,
    timeliness_rows,
)
from apps.appeals.services import (
    case_attachment_add,
    case_decide,
    case_extend,
    case_intake,
    case_state_hearing_record,
    case_transition,
)
from apps.audit.services import audit_record
from apps.members.selectors import member_get_for_user


class LetterSerializer(serializers.ModelSerializer[CaseLetter]):
    class Meta:
        model = CaseLetter
        fields = ["kind", "notice_id", "notice_kind", "issued_at"]


class MemberCaseSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    number = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    priority = serializers.CharField()
    service_description = serializers.CharField()
    received_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    state_hearing_last_day = serializers.DateField(allow_null=True)
    reconsideration_last_day = serializers.DateField(allow_null=True)
    forwarded_to_ire_at = serializers.DateTimeField(allow_null=True)
    aid_paid_pending = serializers.BooleanField()
    letters = LetterSerializer(many=True)


class MemberCaseListApi(MemberApiMixin, APIView):  # type: ignore[misc]
    audit_resource = "appeal_case"

    @extend_schema(responses=MemberCaseSerializer(many=True), operation_id="me_cases_list")
    def get(self, request: Request) -> Response:
        member = self.get_member()
        cases = case_list_for_member(member=member)
        data = MemberCaseSerializer(cases, many=True).data
        self.audit_view(member=member, count=len(data))
        return Response(data)


class MemberCaseDetailApi(MemberApiMixin, APIView):  # type: ignore[misc]
    audit_resource = "appeal_case"

    @extend_schema(responses=MemberCaseSerializer, operation_id="me_cases_retrieve")
    def get(self, request: Request, case_pk: str) -> Response:
        member = self.get_member()
        case = case_get_for_user(user=request.user, case_pk=case_pk)
        self.audit_view(member=member, resource_id=case.pk)
        return Response(MemberCaseSerializer(case).data)


# ------------------------------------------------------------------------------------------- staff


class EventSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    actor = serializers.CharField(source="actor.username", default="system")


class ExtensionSerializer(serializers.Serializer[Any]):
    days = serializers.IntegerField()
    requested_by = serializers.CharField()
    reason = serializers.CharField()
    previous_due_at = serializers.DateTimeField()
    new_due_at = serializers.DateTimeField()
    notice_id = serializers.UUIDField(allow_null=True)


class StaffCaseSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    number = serializers.CharField()
    member_id = serializers.UUIDField()
    member_number = serializers.CharField(source="member.member_id")
    pair = serializers.CharField(source="pair.code", default=None)
    kind = serializers.CharField()
    status = serializers.CharField()
    priority = serializers.CharField()
    channel = serializers.CharField()
    filer = serializers.CharField()
    programs = serializers.ListField(child=serializers.CharField())
    routed_out_programs = serializers.ListField(child=serializers.CharField())
    routing_note = serializers.CharField()
    service_description = serializers.CharField()
    description = serializers.CharField()
    received_at = serializers.DateTimeField()
    expedited_requested = serializers.BooleanField()
    expedited_granted = serializers.BooleanField()
    expedite_refusal_reason = serializers.CharField()
    rule_key = serializers.CharField()
    rule_citation = serializers.CharField()
    clock_started_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    original_due_at = serializers.DateTimeField(allow_null=True)
    extension_days = serializers.IntegerField()
    acknowledgment_due_at = serializers.DateTimeField(allow_null=True)
    clock_state = serializers.SerializerMethodField()
    time_left = serializers.SerializerMethodField()
    notice_date = serializers.DateField(allow_null=True)
    filing_last_day = serializers.DateField(allow_null=True)
    good_cause_reason = serializers.CharField()
    aid_paid_pending = serializers.BooleanField()
    continuation_refusals = serializers.ListField(child=serializers.CharField())
    continuation_ends_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField()
    decision_summary = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    forwarded_to_ire_at = serializers.DateTimeField(allow_null=True)
    state_hearing_last_day = serializers.DateField(allow_null=True)
    state_hearing_requested_on = serializers.DateField(allow_null=True)
    state_hearing_with_continuation = serializers.BooleanField()
    reconsideration_last_day = serializers.DateField(allow_null=True)
    effectuation_due_at = serializers.DateTimeField(allow_null=True)

    def get_clock_state(self, case: Case) -> str:
        return case_clock(case=case).state.value

    def get_time_left(self, case: Case) -> str:
        return case_clock(case=case).text


class StaffCaseDetailSerializer(StaffCaseSerializer):
    events = EventSerializer(many=True)
    extensions = ExtensionSerializer(many=True)
    letters = LetterSerializer(many=True)


class CaseIntakeInputSerializer(serializers.Serializer[Any]):
    member = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    received_at = serializers.DateTimeField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    filer = serializers.ChoiceField(choices=Filer.choices)
    programs = serializers.ListField(child=serializers.ChoiceField(choices=Program.choices), min_length=1)
    service_description = serializers.CharField(max_length=300)
    description = serializers.CharField()
    expedited_requested = serializers.BooleanField(default=False)
    expedited_granted = serializers.BooleanField(default=False)
    expedite_refusal_reason = serializers.CharField(required=False, allow_blank=True, default="")
    representative_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=160)
    representative_authorization_received_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None
    )
    provider_npi = serializers.CharField(required=False, allow_blank=True, default="", max_length=12)
    notice_date = serializers.DateField(required=False, allow_null=True, default=None)
    good_cause_reason = serializers.CharField(required=False, allow_blank=True, default="")
    continuation_requested = serializers.BooleanField(default=False)
    action_type = serializers.CharField(required=False, allow_blank=True, default="")
    is_previously_authorized = serializers.BooleanField(default=False)
    action_effective_date = serializers.DateField(required=False, allow_null=True, default=None)
    authorization_end_date = serializers.DateField(required=False, allow_null=True, default=None)
    is_ordered_by_authorized_provider = serializers.BooleanField(default=False)


class StaffApiBase(RateLimitHeadersApiMixin, APIView):
    permission_classes = [IsRepOrAdmin]


class CaseActionApiBase(StaffApiBase):
    """A POST on one case with a nested ``InputSerializer``."""

    InputSerializer: type[serializers.Serializer[Any]]

    def case_and_input(self, request: Request, case_pk: str) -> tuple[Case, dict[str, Any]]:
        """The case (404 if the user may not see it), then the validated input (400 if invalid)."""
        case = case_get_for_user(user=request.user, case_pk=case_pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return case, data.validated_data


class CaseListApi(StaffApiBase):
    class Pagination(CursorPagination):
        ordering = "-received_at"

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=[s.value for s in Status]),
            OpenApiParameter("member", str),
            *CURSOR_PARAMETERS,
        ],
        responses=paginated(StaffCaseSerializer),
        operation_id="appeals_cases_list",
    )
    def get(self, request: Request) -> Response:
        cases = case_queryset_for_user(user=request.user)
        if request.query_params.get("status"):
            cases = cases.filter(status=request.query_params["status"])
        if request.query_params.get("member"):
            member = member_get_for_user(user=request.user, member_pk=request.query_params["member"])
            cases = cases.filter(member=member)
        paginator = self.Pagination()
        page = paginator.paginate_queryset(cases, request, view=self)
        audit_record(
            actor=request.user,
            action="search",
            resource="appeal_case",
            request=request._request,
            channel="api",
            count=len(page or []),
        )
        return paginator.get_paginated_response(StaffCaseSerializer(page, many=True).data)

    @extend_schema(
        request=CaseIntakeInputSerializer,
        responses={201: StaffCaseDetailSerializer},
        operation_id="appeals_cases_create",
    )
    def post(self, request: Request) -> Response:
        serializer = CaseIntakeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        member = member_get_for_user(user=request.user, member_pk=data.pop("member"))
        case = case_intake(member=member, actor=request.user, request=request._request, **data)
        return Response(StaffCaseDetailSerializer(case).data, status=status.HTTP_201_CREATED)


class CaseDetailApi(StaffApiBase):
    @extend_schema(responses=StaffCaseDetailSerializer, operation_id="appeals_cases_retrieve")
    def get(self, request: Request, case_pk: str) -> Response:
        case = case_get_for_user(user=request.user, case_pk=case_pk)
        audit_record(
            actor=request.user,
            action="view",
            resource="appeal_case",
            member_id=case.member_id,
            resource_id=case.pk,
            request=request._request,
            channel="api",
        )
        return Response(StaffCaseDetailSerializer(case).data)


class CaseTransitionApi(CaseActionApiBase):
    class InputSerializer(serializers.Serializer[Any]):
        status = serializers.ChoiceField(choices=Status.choices)
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        request=InputSerializer, responses=StaffCaseDetailSerializer, operation_id="appeals_cases_transition"
    )
    def post(self, request: Request, case_pk: str) -> Response:
        case, data = self.case_and_input(request, case_pk)
        case = case_transition(
            case=case,
            target=data["status"],
            note=data["note"],
            actor=request.user,
            request=request._request,
        )
        return Response(StaffCaseDetailSerializer(case).data)


class CaseExtendApi(CaseActionApiBase):
    class InputSerializer(serializers.Serializer[Any]):
        days = serializers.IntegerField(min_value=1, max_value=90)
        requested_by = serializers.ChoiceField(choices=ExtensionRequester.choices)
        reason = serializers.CharField()

    @extend_schema(
        request=InputSerializer, responses=StaffCaseDetailSerializer, operation_id="appeals_cases_extend"
    )
    def post(self, request: Request, case_pk: str) -> Response:
        case, data = self.case_and_input(request, case_pk)
        case_extend(case=case, actor=request.user, request=request._request, **data)
        case.refresh_from_db()
        return Response(StaffCaseDetailSerializer(case).data)


class CaseDecideApi(CaseActionApiBase):
    class InputSerializer(serializers.Serializer[Any]):
        outcome = serializers.ChoiceField(choices=[c for c in Outcome.choices if c[0]])
        summary = serializers.CharField()

    @extend_schema(
        request=InputSerializer, responses=StaffCaseDetailSerializer, operation_id="appeals_cases_decide"
    )
    def post(self, request: Request, case_pk: str) -> Response:
        case, data = self.case_and_input(request, case_pk)
        case = case_decide(case=case, actor=request.user, request=request._request, **data)
        return Response(StaffCaseDetailSerializer(case).data)


class CaseStateHearingApi(CaseActionApiBase):
    class InputSerializer(serializers.Serializer[Any]):
        requested_on = serializers.DateField()
        with_continuation = serializers.BooleanField(default=False)

    @extend_schema(
        request=InputSerializer,
        responses=StaffCaseDetailSerializer,
        operation_id="appeals_cases_state_hearing",
    )
    def post(self, request: Request, case_pk: str) -> Response:
        case, data = self.case_and_input(request, case_pk)
        case = case_state_hearing_record(case=case, actor=request.user, request=request._request, **data)
        return Response(StaffCaseDetailSerializer(case).data)


class CaseAttachmentApi(CaseActionApiBase):
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer[Any]):
        file = serializers.FileField()

    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.UUIDField()
        original_name = serializers.CharField()
        content_type = serializers.CharField()
        size = serializers.IntegerField()
        sha256 = serializers.CharField()

    @extend_schema(
        request=InputSerializer, responses={201: OutputSerializer}, operation_id="appeals_cases_attach"
    )
    def post(self, request: Request, case_pk: str) -> Response:
        case, data = self.case_and_input(request, case_pk)
        attachment = case_attachment_add(
            case=case, upload=data["file"], actor=request.user, request=request._request
        )
        return Response(self.OutputSerializer(attachment).data, status=status.HTTP_201_CREATED)


class CaseQueueApi(StaffApiBase):
    @extend_schema(
        parameters=[OpenApiParameter("pair", str)],
        responses=StaffCaseSerializer(many=True),
        operation_id="appeals_queue",
    )
    def get(self, request: Request) -> Response:
        items = case_queue(user=request.user, pair_code=request.query_params.get("pair", ""), brief=False)
        audit_record(
            actor=request.user,
            action="search",
            resource="appeal_queue",
            request=request._request,
            channel="api",
            count=len(items),
        )
        return Response(StaffCaseSerializer([item.case for item in items], many=True).data)


class TimelinessRowSerializer(serializers.Serializer[Any]):
    pair = serializers.CharField()
    month = serializers.CharField()
    kind = serializers.CharField()
    resolved = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    open_overdue = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    average_days = serializers.FloatField(allow_null=True)


class TimelinessReportApi(StaffApiBase):
    @extend_schema(
        parameters=[
            OpenApiParameter("pair", str),
            OpenApiParameter("from", str, description="First month, YYYY-MM"),
            OpenApiParameter("to", str, description="Last month, YYYY-MM"),
            OpenApiParameter("export", str, enum=["csv"], description="csv: the same rows as a CSV file"),
        ],
        responses={
            200: TimelinessRowSerializer(many=True),
            (200, "text/csv"): OpenApiResponse(
                response=OpenApiTypes.STR,
                description="With `export=csv`: the rows as CSV (attachment appeals-timeliness.csv)",
            ),
        },
        operation_id="appeals_timeliness",
    )
    def get(self, request: Request) -> Response | HttpResponse:
        params = request.query_params
        rows = timeliness_rows(
            user=request.user,
            pair_code=params.get("pair", ""),
            month_from=params.get("from", ""),
            month_to=params.get("to", ""),
        )
        audit_record(
            actor=request.user,
            action="export" if params.get("export") == "csv" else "view",
            resource="appeal_timeliness",
            request=request._request,
            channel="api",
            rows=len(rows),
        )
        if params.get("export") == "csv":
            response = HttpResponse(timeliness_csv(rows), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="appeals-timeliness.csv"'
            return response
        return Response(TimelinessRowSerializer(rows, many=True).data)


urlpatterns = [
    path("me/cases", MemberCaseListApi.as_view(), name="appeals-me-cases"),
    path("me/cases/<uuid:case_pk>", MemberCaseDetailApi.as_view(), name="appeals-me-case"),
    path("cases", CaseListApi.as_view(), name="appeals-cases"),
    path("cases/queue", CaseQueueApi.as_view(), name="appeals-queue"),
    path("cases/<uuid:case_pk>", CaseDetailApi.as_view(), name="appeals-case"),
    path("cases/<uuid:case_pk>/transition", CaseTransitionApi.as_view(), name="appeals-case-transition"),
    path("cases/<uuid:case_pk>/extend", CaseExtendApi.as_view(), name="appeals-case-extend"),
    path("cases/<uuid:case_pk>/decide", CaseDecideApi.as_view(), name="appeals-case-decide"),
    path(
        "cases/<uuid:case_pk>/state-hearing", CaseStateHearingApi.as_view(), name="appeals-case-state-hearing"
    ),
    path("cases/<uuid:case_pk>/attachments", CaseAttachmentApi.as_view(), name="appeals-case-attachments"),
    path("appeals/timeliness", TimelinessReportApi.as_view(), name="appeals-timeliness"),
]
