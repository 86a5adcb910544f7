"""API v1: X12 834 enrollment imports (admin only).

POST /api/v1/imports                       upload an 834 for a plan; the run executes on the `ingest` queue
GET  /api/v1/imports                       the 834 runs, newest first
GET  /api/v1/imports/{id}                  status, progress, counts, errors with positions, warnings
GET  /api/v1/imports/{id}/acknowledgment   the 999 generated for the file
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.pagination import CURSOR_PARAMETERS, CursorPagination, paginated
from apps.api.permissions import IsAdminRole
from apps.ingest.enrollment.services import import_834_create, import_834_enqueue
from apps.ingest.models import ImportAcknowledgment, ImportRun
from apps.ingest.selectors import import_run_get, import_run_list
from apps.plans.models import Plan


class ProblemSerializer(serializers.Serializer[Any]):
    file = serializers.CharField(allow_blank=True)
    line = serializers.IntegerField()
    segment = serializers.CharField(allow_blank=True)
    segment_number = serializers.IntegerField(required=False)
    field = serializers.CharField(allow_blank=True)
    code = serializers.CharField()
    message = serializers.CharField()
    record_line = serializers.IntegerField(required=False)


class AcknowledgmentSummarySerializer(serializers.Serializer[Any]):
    control_number = serializers.CharField()
    status = serializers.ChoiceField(choices=["A", "E", "P", "R"])


class ImportRunOutputSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    plan = serializers.CharField(source="plan.code", allow_null=True)
    status = serializers.CharField()
    source_name = serializers.CharField()
    source_sha256 = serializers.CharField()
    interchange_control_number = serializers.CharField(source="source_key")
    options = serializers.DictField()
    progress_done = serializers.IntegerField(help_text="Bytes read so far")
    progress_total = serializers.IntegerField(allow_null=True, help_text="File size in bytes")
    counts = serializers.DictField(child=serializers.IntegerField())
    errors = ProblemSerializer(many=True)  # type: ignore[assignment]
    warnings = ProblemSerializer(many=True)
    result = serializers.DictField()
    acknowledgment = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(AcknowledgmentSummarySerializer(allow_null=True))
    def get_acknowledgment(self, run: ImportRun) -> dict[str, str] | None:
        try:
            acknowledgment = run.acknowledgment
        except ImportAcknowledgment.DoesNotExist:
            return None
        return {"control_number": acknowledgment.control_number, "status": acknowledgment.status}


class ImportListCreateApi(APIView):
    permission_classes = [IsAdminRole]
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer[Any]):
        plan = serializers.SlugRelatedField(slug_field="code", queryset=Plan.objects.all())
        file = serializers.FileField()
        skip_invalid = serializers.BooleanField(default=False)
        terminate_absent = serializers.BooleanField(default=False)

    class Pagination(CursorPagination):
        ordering = "-created_at"

    @extend_schema(
        parameters=CURSOR_PARAMETERS,
        responses=paginated(ImportRunOutputSerializer),
        operation_id="imports_list",
    )
    def get(self, request: Request) -> Response:
        paginator = self.Pagination()
        page = paginator.paginate_queryset(import_run_list(user=request.user), request, view=self)
        return paginator.get_paginated_response(ImportRunOutputSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer, responses={202: ImportRunOutputSerializer}, operation_id="imports_create"
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data["file"]
        with transaction.atomic():
            run = import_834_create(
                plan=data["plan"],
                source=upload,
                name=upload.name,
                created_by=request.user,
                skip_invalid=data["skip_invalid"],
                terminate_absent=data["terminate_absent"],
            )
            import_834_enqueue(run=run)
        run.refresh_from_db()
        return Response(ImportRunOutputSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class ImportDetailApi(APIView):
    permission_classes = [IsAdminRole]

    @extend_schema(responses=ImportRunOutputSerializer, operation_id="imports_retrieve")
    def get(self, request: Request, run_pk: uuid.UUID) -> Response:
        run = import_run_get(user=request.user, run_pk=run_pk)
        return Response(ImportRunOutputSerializer(run).data)


class ImportAcknowledgmentApi(APIView):
    permission_classes = [IsAdminRole]

    class OutputSerializer(serializers.Serializer[Any]):
        control_number = serializers.CharField()
        status = serializers.ChoiceField(choices=["A", "E", "P", "R"])
        text = serializers.CharField(help_text="The X12 999 (005010X231A1)")
        run = serializers.UUIDField(source="run_id")

    @extend_schema(responses=OutputSerializer, operation_id="imports_acknowledgment")
    def get(self, request: Request, run_pk: uuid.UUID) -> Response:
        run = import_run_get(user=request.user, run_pk=run_pk)
        source_pk = run.result.get("duplicate_of") or run.pk
        acknowledgment = ImportAcknowledgment.objects.filter(run_id=source_pk).first()
        if acknowledgment is None:
            return Response(
                {"code": "not_found", "message": "No acknowledgment yet for this run.", "extra": {}},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(self.OutputSerializer(acknowledgment).data)


urlpatterns = [
    path("imports", ImportListCreateApi.as_view(), name="imports-list"),
    path("imports/<uuid:run_pk>", ImportDetailApi.as_view(), name="imports-detail"),
    path(
        "imports/<uuid:run_pk>/acknowledgment",
        ImportAcknowledgmentApi.as_view(),
        name="imports-acknowledgment",
    ),
]
