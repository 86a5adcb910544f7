"""API v1: the unified provider directory (public search and detail, staff quality report, admin imports).

Search and detail are public (no login), as the CMS Provider Directory API rule requires; a signed-in
member also gets "my networks" (their aligned pair is the default, and each result says whether it is
in both of their plans). Nothing links a consumer to what they searched (Plan-Net): the only audit
event is the read of the member's enrollment, without the search terms.

Hot read path: the selector returns plain dicts and the views shape them directly (PERFORMANCE.md #12);
the serializers below validate input and document the output schema.
"""

import re
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from django.conf import settings
from django.core.files.storage import storages
from django.db import transaction
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.permissions import IsAdminRole, IsRepOrAdmin
from apps.api.throttling import UserRateThrottle
from apps.audit.services import audit_record
from apps.directory.models import UnifiedEntry
from apps.directory.selectors import (
    DirectoryQuery,
    directory_entry_get,
    directory_entry_locations,
    directory_quality_report,
    directory_search,
    pair_get,
)
from apps.directory.services import directory_import_start
from apps.ingest.models import ImportKind, ImportRun
from apps.members.selectors import member_current_pair
from apps.plans.models import AlignedPlanPair, Plan
from memberhub.directory.languages import language_name, normalize_language
from memberhub.directory.reference import taxonomy_codes_for, taxonomy_name, zip_centroid
from memberhub.errors import DomainError

ACCEPTING_WORDS = {
    "newpt": "accepting new patients",
    "nopt": "not accepting new patients",
    "existptonly": "existing patients only",
    "existptfam": "existing patients and their families",
}


class DirectorySearchThrottle(UserRateThrottle):
    """Per-client limit for the public search (DIRECTORY_SEARCH_THROTTLE_RATE; empty disables it)."""

    scope = "directory_search"

    def get_rate(self) -> str | None:
        return settings.DIRECTORY_SEARCH_THROTTLE_RATE


class PairNotFound(DomainError):
    code = "directory.unknown_pair"
    http_status = 404


def _flag(value: str) -> bool | None:
    text = value.strip().lower()
    if text in ("true", "1", "yes", "y"):
        return True
    if text in ("false", "0", "no", "n"):
        return False
    raise serializers.ValidationError("use true or false")


# ------------------------------------------------------------------------------------------ shaping


def _address(row: dict[str, Any]) -> dict[str, Any] | None:
    if not row["address_lines"] and not row["city"] and not row["postal_code"]:
        return None
    return {
        "lines": row["address_lines"],
        "city": row["city"],
        "state": row["state"],
        "postal_code": row["postal_code"],
    }


def _networks(row: dict[str, Any]) -> dict[str, Any]:
    participation = "both" if row["in_medicare"] and row["in_medi_cal"] else (
        "medicare" if row["in_medicare"] else "medi_cal"
    )  # fmt: skip
    return {
        "participation": participation,
        "medicare": {
            "in_network": row["in_medicare"],
            "accepting": row["medicare_accepting"] or None,
            "accepting_text": ACCEPTING_WORDS.get(row["medicare_accepting"], "not stated"),
        },
        "medi_cal": {
            "in_network": row["in_medi_cal"],
            "accepting": row["medi_cal_accepting"] or None,
            "accepting_text": ACCEPTING_WORDS.get(row["medi_cal_accepting"], "not stated"),
        },
    }


def entry_summary(row: dict[str, Any]) -> dict[str, Any]:
    lat, lon = row["lat"], row["lon"]
    return {
        "id": str(row["id"]),
        "name": row["name"],
        "provider_type": row["provider_type"],
        "npi": row["npi"] or None,
        "npi_valid": row["npi_valid"],
        "organization_name": row["organization_name"] or None,
        "location_name": row["location_name"] or None,
        "specialties": [{"code": c, "name": taxonomy_name(c)} for c in row["specialties"]],
        "languages": [{"code": c, "name": language_name(c)} for c in row["languages"]],
        "gender": row["gender"] or None,
        "accessibility": row["accessibility"],
        "telehealth": row["telehealth"],
        "phone": row["phone"] or None,
        "address": _address(row),
        "position": None if lat is None else {"lat": lat, "lon": lon, "geo_source": row["geo_source"]},
        "distance_miles": row.get("distance_miles"),
        "networks": _networks(row),
        "accepting_new_patients": row["accepting_new_patients"],
        "needs_review": row["needs_review"],
    }


def entry_row(entry: UnifiedEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in (
        "id", "name", "provider_type", "npi", "npi_valid", "specialties", "languages", "gender", "accessibility",
        "telehealth", "phone", "address_lines", "city", "state", "postal_code", "lat", "lon", "geo_source",
        "in_medicare", "in_medi_cal", "medicare_accepting", "medi_cal_accepting", "accepting_new_patients",
        "needs_review", "organization_name", "location_name",
    )}  # fmt: skip


# ------------------------------------------------------------------------------- schema serializers


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class AddressSerializer(serializers.Serializer):
    lines = serializers.ListField(child=serializers.CharField())
    city = serializers.CharField()
    state = serializers.CharField()
    postal_code = serializers.CharField()


class PositionSerializer(serializers.Serializer):
    lat = serializers.FloatField()
    lon = serializers.FloatField()
    geo_source = serializers.ChoiceField(
        choices=["source", "zip_centroid"], help_text="plan-stated or ZIP centroid"
    )


class NetworkStatusSerializer(serializers.Serializer):
    in_network = serializers.BooleanField()
    accepting = serializers.CharField(allow_null=True, help_text="AcceptingPatients code: newpt, nopt, ...")
    accepting_text = serializers.CharField()


class NetworksSerializer(serializers.Serializer):
    participation = serializers.ChoiceField(choices=["both", "medicare", "medi_cal"])
    medicare = NetworkStatusSerializer()
    medi_cal = NetworkStatusSerializer()


class EntrySummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    provider_type = serializers.ChoiceField(choices=["practitioner", "facility", "pharmacy"])
    npi = serializers.CharField(allow_null=True)
    npi_valid = serializers.BooleanField()
    organization_name = serializers.CharField(allow_null=True)
    location_name = serializers.CharField(allow_null=True)
    specialties = CodeNameSerializer(many=True)
    languages = CodeNameSerializer(many=True)
    gender = serializers.CharField(allow_null=True)
    accessibility = serializers.ListField(child=serializers.CharField())
    telehealth = serializers.BooleanField()
    phone = serializers.CharField(allow_null=True)
    address = AddressSerializer(allow_null=True)
    position = PositionSerializer(allow_null=True)
    distance_miles = serializers.FloatField(allow_null=True)
    networks = NetworksSerializer()
    accepting_new_patients = serializers.BooleanField(help_text="yes only if no network says otherwise")
    needs_review = serializers.BooleanField(help_text="the two plans state something differently")
    in_my_networks = serializers.BooleanField(
        required=False, help_text="signed-in member: in both of my plans"
    )


# ---------------------------------------------------------------------------------------- search

NEAR = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
ZIP = re.compile(r"^\d{5}(-\d{4})?$")
NETWORKS = ("both", "medicare", "medi_cal", "either")
GENDERS = ("male", "female", "other", "unknown")
PROVIDER_TYPES = ("practitioner", "facility", "pharmacy")


def parse_search_params(query: Any) -> dict[str, Any]:
    """Validate the search query string (same rules as DirectorySearchApi.InputSerializer)."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {"network": "either"}

    def fail(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for name in ("pair", "specialty", "cursor", "accessibility"):
        value = query.get(name)
        if value:
            out[name] = value
    name_value = (query.get("name") or "").strip()
    if name_value:
        if not 2 <= len(name_value) <= 100:
            fail("name", "use 2 to 100 characters")
        out["name"] = name_value
    if query.get("language"):
        code = normalize_language(query["language"])
        if code is None:
            fail("language", "unknown language")
        out["language"] = code
    for flag in ("accepting", "telehealth"):
        if query.get(flag):
            try:
                out[flag] = _flag(query[flag])
            except serializers.ValidationError:
                fail(flag, "use true or false")
    for key, choices in (("network", NETWORKS), ("gender", GENDERS), ("provider_type", PROVIDER_TYPES)):
        value = query.get(key)
        if value:
            if value not in choices:
                fail(key, f'"{value}" is not a valid choice')
            out[key] = value
    if query.get("near"):
        match = NEAR.match(query["near"])
        if not match:
            fail("near", "use lat,lon in decimal degrees")
        else:
            lat, lon = float(match.group(1)), float(match.group(2))
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                fail("near", "latitude or longitude out of range")
            out["near"] = (lat, lon)
    if query.get("zip"):
        if not ZIP.match(query["zip"]):
            fail("zip", "use a 5-digit ZIP code")
        elif "near" in out:
            fail("zip", "give near or zip, not both")
        else:
            centroid = zip_centroid(query["zip"])
            if centroid is None:
                fail("zip", "not a California ZIP code we know")
            out["near"] = centroid
    if query.get("radius"):
        try:
            radius = float(query["radius"])
        except ValueError:
            fail("radius", "a number of miles")
        else:
            if not 0.1 <= radius <= settings.DIRECTORY_MAX_RADIUS_MILES:
                fail("radius", f"between 0.1 and {settings.DIRECTORY_MAX_RADIUS_MILES:g} miles")
            elif "near" not in out and "near" not in errors and "zip" not in errors:
                fail("radius", "needs near=lat,lon or zip=")
            out["radius"] = radius
    if query.get("limit"):
        try:
            limit = int(query["limit"])
        except ValueError:
            fail("limit", "a whole number")
        else:
            if not 1 <= limit <= 100:
                fail("limit", "between 1 and 100")
            out["limit"] = limit
    if errors:
        raise serializers.ValidationError(errors)
    return out


class DirectorySearchApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [DirectorySearchThrottle]

    class InputSerializer(serializers.Serializer):
        pair = serializers.CharField(
            required=False, help_text="aligned pair code (default: a member's own pair)"
        )
        specialty = serializers.CharField(
            required=False, help_text="NUCC taxonomy code(s) or words of its name"
        )
        name = serializers.CharField(required=False, min_length=2, max_length=100, help_text="typo-tolerant")
        language = serializers.CharField(required=False, help_text="BCP-47 code or English name")
        accepting = serializers.CharField(required=False, help_text="true: accepting new patients")
        network = serializers.ChoiceField(
            choices=["both", "medicare", "medi_cal", "either"], default="either"
        )
        near = serializers.CharField(required=False, help_text="lat,lon")
        zip = serializers.RegexField(r"^\d{5}(-\d{4})?$", required=False, help_text="California ZIP code")
        radius = serializers.FloatField(required=False, min_value=0.1, help_text="miles (with near or zip)")
        gender = serializers.ChoiceField(choices=["male", "female", "other", "unknown"], required=False)
        accessibility = serializers.CharField(
            required=False, help_text="comma-separated AccessibilityCS codes"
        )
        telehealth = serializers.CharField(required=False, help_text="true: offers virtual visits")
        provider_type = serializers.ChoiceField(
            choices=["practitioner", "facility", "pharmacy"], required=False
        )
        cursor = serializers.CharField(required=False)
        limit = serializers.IntegerField(required=False, min_value=1, max_value=100)

    class OutputSerializer(serializers.Serializer):
        pair = serializers.CharField()
        sort = serializers.ChoiceField(choices=["distance", "name_similarity", "name"])
        specialty_codes = serializers.ListField(child=serializers.CharField(), allow_null=True)
        next_cursor = serializers.CharField(allow_null=True)
        next = serializers.CharField(allow_null=True)
        my_networks = serializers.DictField(allow_null=True, required=False)
        results = EntrySummarySerializer(many=True)

    def get_authenticators(self) -> list[Any]:
        # Anonymous public search is the hot path: skip the credential parsers when no credential is sent.
        request = getattr(self, "request", None)
        if request is not None and not request.META.get("HTTP_AUTHORIZATION") and not request.COOKIES:
            return []
        return super().get_authenticators()

    @extend_schema(
        operation_id="directory_search",
        parameters=[InputSerializer],
        responses={200: OutputSerializer, 400: OpenApiResponse(description="invalid filter"), 404: None},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        # The InputSerializer documents the parameters; parse_search_params applies the same rules
        # without building a serializer per request (this endpoint's latency budget is 15 ms).
        params = parse_search_params(request.query_params)
        member_pair = self._member_pair(request)
        if params.get("pair"):
            pair = pair_get(code=params["pair"])
        elif member_pair is not None:
            pair = member_pair
        else:
            raise serializers.ValidationError(
                {"pair": "required (sign in as a member to use your own plans)"}
            )
        if pair is None:
            raise PairNotFound("No aligned plan pair has this code.", pair=params.get("pair"))
        specialty_codes = taxonomy_codes_for(params["specialty"]) if params.get("specialty") else None
        query = DirectoryQuery(
            specialty_codes=specialty_codes,
            name=params.get("name", "").strip().lower(),
            language=params.get("language"),
            accepting=params.get("accepting"),
            network=params["network"],
            near=params.get("near"),
            radius_miles=params.get("radius"),
            gender=params.get("gender"),
            accessibility=tuple(a.strip() for a in params.get("accessibility", "").split(",") if a.strip()),
            telehealth=params.get("telehealth"),
            provider_type=params.get("provider_type"),
        )
        page = directory_search(
            pair=pair, query=query, cursor=params.get("cursor"), limit=params.get("limit")
        )
        results = [entry_summary(row) for row in page.results]
        my_networks = None
        if member_pair is not None:
            mine = member_pair.pk == pair.pk
            my_networks = {"pair": member_pair.code, "same_pair": mine}
            for item in results:
                item["in_my_networks"] = mine and item["networks"]["participation"] == "both"
        next_url = None
        if page.next_cursor:
            query_params = request.query_params.copy()
            query_params["cursor"] = page.next_cursor
            next_url = request.build_absolute_uri(f"{request.path}?{query_params.urlencode()}")
        return Response(
            {
                "pair": pair.code,
                "sort": page.sort,
                "specialty_codes": list(specialty_codes) if specialty_codes is not None else None,
                "next_cursor": page.next_cursor,
                "next": next_url,
                "my_networks": my_networks,
                "results": results,
            }
        )

    def _member_pair(self, request: Request) -> AlignedPlanPair | None:
        user = request.user
        member = getattr(user, "member", None) if getattr(user, "role", None) == "member" else None
        if member is None:
            return None
        audit_record(
            actor=user,
            action="view",
            resource="directory_my_networks",
            member_id=member.pk,
            request=request._request,
            channel="api",
        )
        return member_current_pair(member=member)


# ---------------------------------------------------------------------------------------- detail


class DirectoryProviderDetailApi(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [DirectorySearchThrottle]

    class OutputSerializer(EntrySummarySerializer):
        pair = serializers.CharField()
        family_name = serializers.CharField(allow_null=True)
        given_names = serializers.ListField(child=serializers.CharField())
        hours = serializers.ListField(child=serializers.DictField())
        virtual_modalities = serializers.ListField(child=serializers.CharField())
        conflicts = serializers.ListField(
            child=serializers.DictField(), help_text="field, medicare, medi_cal, chosen, rule"
        )
        sources = serializers.ListField(
            child=serializers.DictField(), help_text="side, plan, networks, resources, last_updated"
        )
        last_updated = serializers.DateTimeField(allow_null=True)
        locations = EntrySummarySerializer(
            many=True, help_text="every practice location of this provider in the pair"
        )

    @extend_schema(
        operation_id="directory_provider_detail", responses={200: OutputSerializer, 404: None}, auth=[]
    )
    def get(self, request: Request, entry_id: UUID) -> Response:
        entry = directory_entry_get(entry_id=entry_id)
        if entry is None:
            raise Http404
        body = entry_summary(entry_row(entry))
        body.update(
            pair=entry.pair.code,
            family_name=entry.family_name or None,
            given_names=entry.given_names,
            hours=entry.details.get("available_times", []),
            virtual_modalities=entry.details.get("virtual_modalities", []),
            conflicts=entry.conflicts,
            sources=entry.sources,
            last_updated=entry.last_updated.isoformat() if entry.last_updated else None,
            locations=[entry_summary(entry_row(loc)) for loc in directory_entry_locations(entry=entry)],
        )
        return Response(body)


# -------------------------------------------------------------------------------- quality report


class DirectoryQualityApi(APIView):
    permission_classes = [IsRepOrAdmin]

    class InputSerializer(serializers.Serializer):
        pair = serializers.CharField()

    class OutputSerializer(serializers.Serializer):
        pair = serializers.CharField()
        counts = serializers.DictField(child=serializers.IntegerField())
        by_provider_type = serializers.DictField(child=serializers.IntegerField())
        conflicts_by_field = serializers.DictField(child=serializers.IntegerField())
        sources = serializers.DictField()

    @extend_schema(
        operation_id="directory_quality", parameters=[InputSerializer], responses={200: OutputSerializer}
    )
    def get(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        pair = pair_get(code=data.validated_data["pair"])
        user = request.user
        if pair is None or (
            getattr(user, "role", None) == "rep"
            and pair.parent_id != getattr(user, "parent_organization_id", None)
        ):
            raise Http404
        return Response(directory_quality_report(pair=pair))


# --------------------------------------------------------------------------------------- imports


def import_run_body(run: ImportRun) -> dict[str, Any]:
    return {
        "id": str(run.pk),
        "plan": run.plan.code if run.plan else None,
        "status": run.status,
        "source_name": run.source_name,
        "progress": {"resources_read": run.progress_done, "applied": (run.counts or {}).get("applied", 0)},
        "counts": run.counts,
        "errors": run.errors[:100],
        "warnings": run.warnings[:100],
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


class ImportRunSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    plan = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    source_name = serializers.CharField()
    progress = serializers.DictField(child=serializers.IntegerField())
    counts = serializers.DictField()
    warnings = serializers.ListField(child=serializers.DictField())
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["errors"] = serializers.ListField(
            child=serializers.DictField(), help_text="[{file, line, segment, field, code, message}]"
        )
        return fields


class DirectoryImportCreateApi(APIView):
    """Upload a plan's directory file(s); the import runs on the `ingest` queue (poll the run for progress)."""

    permission_classes = [IsAdminRole]
    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        plan = serializers.CharField()
        network = serializers.CharField(required=False, allow_blank=True, default="")
        skip_invalid = serializers.BooleanField(required=False, default=False)
        files = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=50)

    @extend_schema(
        operation_id="directory_import_create",
        request={"multipart/form-data": InputSerializer},
        responses={202: ImportRunSerializer},
    )
    def post(self, request: Request) -> Response:
        fields = {k: request.data.get(k) for k in ("plan", "network", "skip_invalid") if k in request.data}
        data = self.InputSerializer(data={**fields, "files": request.FILES.getlist("files")})
        data.is_valid(raise_exception=True)
        params = data.validated_data
        plan = Plan.objects.filter(code=params["plan"]).first()
        if plan is None:
            raise serializers.ValidationError({"plan": "unknown plan code"})
        storage = storages["default"]
        folder = f"directory-imports/{uuid4()}"
        stored = []
        for upload in params["files"]:
            name = Path(upload.name).name
            stored.append("storage:" + storage.save(f"{folder}/{name}", upload))
        with transaction.atomic():
            run = directory_import_start(
                plan=plan,
                paths=stored,
                network_id=params["network"],
                skip_invalid=params["skip_invalid"],
                created_by=request.user,
                source_name=", ".join(Path(u.name).name for u in params["files"])[:500],
            )
        return Response(import_run_body(run), status=status.HTTP_202_ACCEPTED)


class DirectoryImportDetailApi(APIView):
    permission_classes = [IsAdminRole]

    @extend_schema(operation_id="directory_import_detail", responses={200: ImportRunSerializer, 404: None})
    def get(self, request: Request, run_id: UUID) -> Response:
        run = ImportRun.objects.select_related("plan").filter(pk=run_id, kind=ImportKind.DIRECTORY).first()
        if run is None:
            raise Http404
        return Response(import_run_body(run))


urlpatterns = [
    path("directory/search", DirectorySearchApi.as_view(), name="directory-search"),
    path(
        "directory/providers/<uuid:entry_id>", DirectoryProviderDetailApi.as_view(), name="directory-provider"
    ),
    path("directory/quality", DirectoryQualityApi.as_view(), name="directory-quality"),
    path("directory/imports", DirectoryImportCreateApi.as_view(), name="directory-import-create"),
    path(
        "directory/imports/<uuid:run_id>", DirectoryImportDetailApi.as_view(), name="directory-import-detail"
    ),
]
