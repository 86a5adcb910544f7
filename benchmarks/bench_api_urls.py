"""The project's URLs plus the benchmark's plain view: the same member summary as /api/v1/me, as JSON,
with no authentication, no audit, no DRF (the comparison baseline of benchmarks/bench_api.py)."""

import uuid

from django.http import HttpRequest, JsonResponse
from django.urls import path

from apps.api.selectors import member_summary_get
from config.urls import urlpatterns as project_urlpatterns


def member_summary_plain(request: HttpRequest, member_pk: uuid.UUID) -> JsonResponse:
    return JsonResponse(member_summary_get(member_pk=member_pk), json_dumps_params={"separators": (",", ":")})


urlpatterns = [path("bench/plain/me/<uuid:member_pk>", member_summary_plain), *project_urlpatterns]
