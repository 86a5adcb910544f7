"""Read-only FHIR R4 Plan-Net endpoint: /fhir/metadata, /fhir/<Type>, /fhir/<Type>/<id>,
/fhir/<Type>/<id>/_history/<versionId>.

Public (Plan-Net: no authentication, no record of who searched what), JSON only
(`application/fhir+json`), errors as OperationOutcome. Every resource carries `meta.versionId` (one
version per resource); read and vread answer it as a weak ETag.
"""

import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.views.decorators.http import require_GET

from apps.fhir.capability import capability_statement
from apps.fhir.resources import versioned
from apps.fhir.search import HANDLERS, EndpointHandler, FhirError, parse_params

FHIR_JSON = "application/fhir+json; charset=utf-8"


def fhir_response(body: dict[str, Any], status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(body, separators=(",", ":")), status=status, content_type=FHIR_JSON)


def outcome(status: int, code: str, message: str) -> HttpResponse:
    return fhir_response(
        {
            "resourceType": "OperationOutcome",
            "issue": [
                {
                    "severity": "error" if status >= 400 else "information",
                    "code": code,
                    "diagnostics": message,
                }
            ],
        },
        status=status,
    )


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/fhir").rstrip("/")


def _check_format(request: HttpRequest) -> HttpResponse | None:
    fmt = request.GET.get("_format", "")
    if fmt and fmt not in ("json", "application/json", "application/fhir+json"):
        return outcome(406, "not-supported", "only JSON is supported (_format=json)")
    return None


@require_GET
def metadata(request: HttpRequest) -> HttpResponse:
    return _check_format(request) or fhir_response(capability_statement(base_url(request)))


def _read(request: HttpRequest, resource_type: str, resource_id: str) -> dict[str, Any] | HttpResponse:
    """The current version of a resource, or the OperationOutcome response saying why not."""
    handler = HANDLERS.get(resource_type)
    if handler is None:
        return outcome(404, "not-supported", f"resource type {resource_type} is not served here")
    if (bad_format := _check_format(request)) is not None:
        return bad_format
    if isinstance(handler, EndpointHandler):
        handler.base_url = base_url(request)
    resource = handler.read(resource_id)
    if resource is None:
        return outcome(404, "not-found", f"{resource_type}/{resource_id} is not known")
    return versioned(resource)


def _resource_response(resource: dict[str, Any]) -> HttpResponse:
    response = fhir_response(resource)
    response["ETag"] = f'W/"{resource["meta"]["versionId"]}"'
    stamp = parse_datetime(resource["meta"]["lastUpdated"])
    if stamp is not None:
        response["Last-Modified"] = http_date(stamp.timestamp())
    return response


@require_GET
def read(request: HttpRequest, resource_type: str, resource_id: str) -> HttpResponse:
    found = _read(request, resource_type, resource_id)
    return found if isinstance(found, HttpResponse) else _resource_response(found)


@require_GET
def vread(request: HttpRequest, resource_type: str, resource_id: str, version_id: str) -> HttpResponse:
    """Only the current version is kept: its versionId answers it, any other version is not found."""
    found = _read(request, resource_type, resource_id)
    if isinstance(found, HttpResponse):
        return found
    if found["meta"]["versionId"] != version_id:
        return outcome(
            404,
            "not-found",
            f"{resource_type}/{resource_id} has no version {version_id} (only the current one is kept)",
        )
    return _resource_response(found)


@require_GET
def search(request: HttpRequest, resource_type: str) -> HttpResponse:
    handler = HANDLERS.get(resource_type)
    if handler is None:
        return outcome(404, "not-supported", f"resource type {resource_type} is not served here")
    if (bad_format := _check_format(request)) is not None:
        return bad_format
    if isinstance(handler, EndpointHandler):
        handler.base_url = base_url(request)
    items = [(k, v) for k in request.GET for v in request.GET.getlist(k)]
    try:
        params, control = parse_params(handler, items)
        count = int(control.get("_count", settings.DIRECTORY_FHIR_PAGE_SIZE))
        offset = int(control.get("_offset", 0))
        if not (1 <= count <= 200) or offset < 0:
            raise FhirError(400, "invalid", "_count must be 1..200 and _offset >= 0")
        includes = control["_include"] + control["_revinclude"]
        page = handler.search(params, count, offset, includes)
    except ValueError:
        return outcome(400, "invalid", "_count and _offset must be integers")
    except FhirError as exc:
        return outcome(exc.status, exc.code, exc.message)
    base = base_url(request)
    self_query = [(k, v) for k, v in items if k != "_offset"]
    links = [{"relation": "self", "url": f"{base}/{resource_type}?{urlencode(items)}"}]
    if page.has_more:
        next_query = [*self_query, ("_offset", str(offset + count))]
        links.append({"relation": "next", "url": f"{base}/{resource_type}?{urlencode(next_query)}"})
    if offset > 0:
        prev_query = [*self_query, ("_offset", str(max(0, offset - count)))]
        links.append({"relation": "previous", "url": f"{base}/{resource_type}?{urlencode(prev_query)}"})
    seen: set[tuple[str, str]] = set()
    entries = []
    for mode, resources in (("match", page.matches), ("include", page.includes)):
        for resource in resources:
            key = (resource["resourceType"], resource["id"])
            if key in seen:
                continue
            seen.add(key)
            entries.append(
                {
                    "fullUrl": f"{base}/{resource['resourceType']}/{resource['id']}",
                    "resource": versioned(resource),
                    "search": {"mode": mode},
                }
            )
    return fhir_response(
        {"resourceType": "Bundle", "type": "searchset", "total": page.total, "link": links, "entry": entries}
    )
