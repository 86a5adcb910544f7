"""Plumbing views of the API door."""

from django.http import HttpRequest, JsonResponse

from apps.api.errors import error_body


def api_not_found(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
    """Unknown /api/ paths (or path parameters that do not fit their converter) answer JSON 404."""
    return JsonResponse(error_body("not_found", "No such API endpoint."), status=404)
