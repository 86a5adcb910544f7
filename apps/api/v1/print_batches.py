"""API v1: print batches for mailing vendors (Token auth of a vendor user; a vendor sees only its batches,
another vendor's batch answers 404). Pulling again before acknowledging returns identical bytes."""

import re
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.pagination import CURSOR_PARAMETERS, CursorPagination, paginated
from apps.api.permissions import IsVendor
from apps.audit.services import audit_record
from apps.documents.models import PrintBatch, PrintBatchStatus
from apps.documents.selectors import print_batch_get_for_vendor, print_batch_list_for_vendor
from apps.documents.services import (
    BatchNotAcknowledgeable,
    print_batch_acknowledge,
    print_batch_returned_mail,
)
from apps.documents.storage import storage_iter_range, storage_read, storage_size
from apps.notices.selectors import print_batch_comail_summary

_RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


class PrintBatchOutputSerializer(serializers.ModelSerializer):
    vendor = serializers.CharField(source="vendor.code")
    sha256 = serializers.CharField()

    class Meta:
        model = PrintBatch
        fields = [
            "id",
            "code",
            "vendor",
            "business_date",
            "status",
            "piece_count",
            "page_count",
            "sha256",
            "manifest_sha256",
            "size_bytes",
            "closed_at",
            "ready_at",
            "acknowledged_at",
            "acknowledged_count",
            "flag_reason",
        ]


class PrintBatchDetailOutputSerializer(PrintBatchOutputSerializer):
    """The batch plus what co-mailing did in it (apps.notices.selectors.print_batch_comail_summary);
    null until the batch is laid out."""

    envelope_count = serializers.SerializerMethodField()
    postage_saved_cents = serializers.SerializerMethodField()

    class Meta(PrintBatchOutputSerializer.Meta):
        fields = [*PrintBatchOutputSerializer.Meta.fields, "envelope_count", "postage_saved_cents"]

    def _summary(self, batch: PrintBatch) -> Any:
        if batch.status not in _LAID_OUT:
            return None
        cache = self.context.setdefault("comail", {})
        if batch.pk not in cache:
            cache[batch.pk] = print_batch_comail_summary(batch=batch)
        return cache[batch.pk]

    def get_envelope_count(self, batch: PrintBatch) -> int | None:
        summary = self._summary(batch)
        return None if summary is None else int(summary.envelope_count)

    def get_postage_saved_cents(self, batch: PrintBatch) -> int | None:
        summary = self._summary(batch)
        return None if summary is None else int(summary.postage_saved_cents)


_LAID_OUT = (PrintBatchStatus.READY, PrintBatchStatus.ACKNOWLEDGED, PrintBatchStatus.FLAGGED)


class VendorBatchMixin:
    permission_classes: Any = [IsVendor]

    def get_batch(self) -> PrintBatch:
        return print_batch_get_for_vendor(user=self.request.user, batch_pk=self.kwargs["batch_pk"])  # type: ignore[attr-defined]


class PrintBatchListApi(VendorBatchMixin, APIView):
    class FilterSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=PrintBatchStatus.choices, required=False)

    @extend_schema(
        operation_id="print_batches_list",
        parameters=[
            OpenApiParameter("status", str, enum=[c[0] for c in PrintBatchStatus.choices]),
            *CURSOR_PARAMETERS,
        ],
        responses={200: paginated(PrintBatchOutputSerializer)},
    )
    def get(self, request: Request) -> Response:
        f = self.FilterSerializer(data=request.query_params)
        f.is_valid(raise_exception=True)
        qs = print_batch_list_for_vendor(user=request.user, status=f.validated_data.get("status"))
        paginator = CursorPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(PrintBatchOutputSerializer(page, many=True).data)


class PrintBatchDetailApi(VendorBatchMixin, APIView):
    @extend_schema(operation_id="print_batches_retrieve", responses={200: PrintBatchDetailOutputSerializer})
    def get(self, request: Request, batch_pk: Any) -> Response:
        return Response(PrintBatchDetailOutputSerializer(self.get_batch()).data)


def _require_ready(batch: PrintBatch) -> None:
    if batch.status not in (PrintBatchStatus.READY, PrintBatchStatus.ACKNOWLEDGED, PrintBatchStatus.FLAGGED):
        raise BatchNotAcknowledgeable("the batch is not ready yet", status=batch.status)


class PrintBatchManifestApi(VendorBatchMixin, APIView):
    """JSON manifest (default) or CSV with `?as=csv` or `Accept: text/csv`."""

    @extend_schema(
        operation_id="print_batches_manifest",
        parameters=[OpenApiParameter("as", str, enum=["json", "csv"], required=False)],
        responses={
            (200, "application/json"): OpenApiResponse(description="manifest JSON"),
            (200, "text/csv"): OpenApiResponse(description="manifest CSV"),
        },
    )
    def get(self, request: Request, batch_pk: Any) -> HttpResponse:
        batch = self.get_batch()
        _require_ready(batch)
        as_csv = request.query_params.get("as") == "csv" or "text/csv" in request.headers.get("Accept", "")
        key = batch.manifest_csv_key if as_csv else batch.manifest_json_key
        audit_record(
            actor=request.user,
            action="download",
            resource="print_batch_manifest",
            resource_id=batch.pk,
            request=request._request,
            channel="api",
            representation="csv" if as_csv else "json",
        )
        response = HttpResponse(storage_read(key), content_type="text/csv" if as_csv else "application/json")
        response["Content-Disposition"] = (
            f'attachment; filename="{batch.code}.manifest.{"csv" if as_csv else "json"}"'
        )
        response["Cache-Control"] = "private, no-store"
        return response


class PrintBatchFileApi(VendorBatchMixin, APIView):
    """The batch PDF, streamed; resumable with `Range: bytes=start-end` (206). ETag = SHA-256."""

    @extend_schema(
        operation_id="print_batches_file",
        responses={
            (200, "application/pdf"): OpenApiResponse(description="batch PDF"),
            (206, "application/pdf"): OpenApiResponse(description="byte range"),
        },
    )
    def get(self, request: Request, batch_pk: Any) -> HttpResponse | StreamingHttpResponse:
        batch = self.get_batch()
        _require_ready(batch)
        size = batch.size_bytes if batch.size_bytes is not None else storage_size(batch.file_key)
        start, end, partial = 0, size - 1, False
        header = request.headers.get("Range", "")
        if header:
            m = _RANGE_RE.match(header.strip())
            if_range = request.headers.get("If-Range")
            if m and (not if_range or if_range.strip('"') == batch.sha256):
                a, b = m.groups()
                if a == "" and b != "":
                    start, end = max(size - int(b), 0), size - 1
                elif a != "":
                    start, end = int(a), min(int(b), size - 1) if b else size - 1
                if start >= size or start > end:
                    resp = HttpResponse(status=416)
                    resp["Content-Range"] = f"bytes */{size}"
                    return resp
                partial = (start, end) != (0, size - 1)
        if start == 0:
            audit_record(
                actor=request.user,
                action="download",
                resource="print_batch",
                resource_id=batch.pk,
                request=request._request,
                channel="api",
                partial=partial,
            )
        response = StreamingHttpResponse(
            storage_iter_range(batch.file_key, start, end),
            content_type="application/pdf",
            status=206 if partial else 200,
        )
        response["Content-Length"] = str(end - start + 1)
        response["Accept-Ranges"] = "bytes"
        response["ETag"] = f'"{batch.sha256}"'
        response["Content-Disposition"] = f'attachment; filename="{batch.code}.pdf"'
        response["Cache-Control"] = "private, no-store"
        if partial:
            response["Content-Range"] = f"bytes {start}-{end}/{size}"
        return response


class AcknowledgeInputSerializer(serializers.Serializer):
    piece_count = serializers.IntegerField(min_value=0)


class PrintBatchAcknowledgeApi(VendorBatchMixin, APIView):
    @extend_schema(
        operation_id="print_batches_acknowledge",
        request=AcknowledgeInputSerializer,
        responses={200: PrintBatchOutputSerializer},
    )
    def post(self, request: Request, batch_pk: Any) -> Response:
        batch = self.get_batch()
        s = AcknowledgeInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        batch = print_batch_acknowledge(
            batch=batch,
            piece_count=s.validated_data["piece_count"],
            user=request.user,
            request=request._request,
        )
        return Response(PrintBatchOutputSerializer(batch).data)


class ReturnedMailInputSerializer(serializers.Serializer):
    piece_ids = serializers.ListField(
        child=serializers.CharField(max_length=80), min_length=1, max_length=10000
    )


class ReturnedMailOutputSerializer(serializers.Serializer):
    returned = serializers.IntegerField()


class PrintBatchReturnedMailApi(VendorBatchMixin, APIView):
    @extend_schema(
        operation_id="print_batches_returned_mail",
        request=ReturnedMailInputSerializer,
        responses={200: ReturnedMailOutputSerializer},
    )
    def post(self, request: Request, batch_pk: Any) -> Response:
        batch = self.get_batch()
        s = ReturnedMailInputSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        n = print_batch_returned_mail(
            batch=batch,
            piece_codes=s.validated_data["piece_ids"],
            user=request.user,
            request=request._request,
        )
        return Response({"returned": n})


urlpatterns = [
    path("print-batches", PrintBatchListApi.as_view(), name="print_batches-list"),
    path("print-batches/<uuid:batch_pk>", PrintBatchDetailApi.as_view(), name="print_batches-detail"),
    path(
        "print-batches/<uuid:batch_pk>/manifest",
        PrintBatchManifestApi.as_view(),
        name="print_batches-manifest",
    ),
    path("print-batches/<uuid:batch_pk>/file", PrintBatchFileApi.as_view(), name="print_batches-file"),
    path(
        "print-batches/<uuid:batch_pk>/acknowledge",
        PrintBatchAcknowledgeApi.as_view(),
        name="print_batches-acknowledge",
    ),
    path(
        "print-batches/<uuid:batch_pk>/returned-mail",
        PrintBatchReturnedMailApi.as_view(),
        name="print_batches-returned-mail",
    ),
]
