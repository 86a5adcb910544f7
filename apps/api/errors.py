"""One error shape everywhere: {"code": ..., "message": ..., "extra": {...}}."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from memberhub.errors import DomainError, InvalidIdentifier, ValidationFailed

_CODES = {
    status.HTTP_400_BAD_REQUEST: "invalid",
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "permission_denied",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_406_NOT_ACCEPTABLE: "not_acceptable",
    status.HTTP_409_CONFLICT: "conflict",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}


def error_body(code: str, message: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "extra": extra or {}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ValidationFailed):
        return Response(
            error_body(exc.code, exc.message, {**exc.extra, "problems": exc.problems}), status=400
        )
    if isinstance(exc, InvalidIdentifier):
        return Response(error_body(exc.code, exc.message, {"rule": exc.rule}), status=400)
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.message, exc.extra), status=getattr(exc, "http_status", 422))
    if isinstance(exc, DjangoValidationError):
        django_fields: dict[str, Any] = (
            dict(exc.message_dict) if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(django_fields)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        response.data = error_body("invalid", "The request is not valid.", {"fields": fields})
    elif isinstance(exc, exceptions.APIException):
        extra: dict[str, Any] = {}
        wait = getattr(exc, "wait", None)
        if isinstance(exc, exceptions.Throttled) and wait is not None:
            extra["retry_after_seconds"] = int(wait)
        if type(exc).__module__ != exceptions.__name__ and isinstance(exc.default_code, str):
            code = exc.default_code  # a project exception names its own code (e.g. insufficient_scope)
        else:
            code = _CODES.get(
                response.status_code, exc.default_code if isinstance(exc.default_code, str) else "error"
            )
        message = exc.detail if isinstance(exc.detail, str) else str(exc.default_detail)
        response.data = error_body(code, str(message), extra)
    return response
