"""OpenAPI completeness: every operation documents the one error shape for every error it can answer.

`document_errors_hook` (a drf-spectacular postprocessing hook) adds the `Error` component and, where an
operation does not already describe them, the error responses any endpoint behind our stack can give:
400 (bad parameters or body), 401 (missing/invalid credentials), 403 (role or scope), 404 (absent or
someone else's object), 406 (unsupported Accept), 415 (request body media type) and 429 (throttled,
with Retry-After and the rate-limit headers). A 200/2xx keeps the rate-limit headers too.
"""

from __future__ import annotations

import functools
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as _SpectacularAutoSchema

ERROR_COMPONENT = {
    "type": "object",
    "description": "The one error shape of the memberhub API.",
    "properties": {
        "code": {"type": "string", "description": "Stable machine-readable code, e.g. not_found, invalid"},
        "message": {"type": "string", "description": "Plain-words explanation"},
        "extra": {
            "type": "object",
            "additionalProperties": True,
            "description": "Details; `fields` holds per-field messages for validation errors",
        },
    },
    "required": ["code", "message", "extra"],
}

_DESCRIPTIONS = {
    "400": "The request is not valid (code `invalid`, details in `extra.fields`).",
    "401": "Missing or invalid credentials.",
    "403": "Authenticated, but this role or token scope may not call this endpoint.",
    "404": "Not found (also for objects that belong to someone else).",
    "406": "The Accept header asks for a representation this endpoint does not have.",
    "415": "Unsupported request body media type.",
    "429": "Too many requests: wait for Retry-After seconds.",
}

_RATE_HEADERS = {
    "RateLimit-Limit": {"schema": {"type": "integer"}, "description": "Requests allowed in the window"},
    "RateLimit-Remaining": {"schema": {"type": "integer"}, "description": "Requests left in the window"},
    "RateLimit-Reset": {"schema": {"type": "integer"}, "description": "Seconds until a slot frees up"},
}

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _error_response(status: str) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": _DESCRIPTIONS[status],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if status == "429":
        response["headers"] = {
            "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait"},
            **_RATE_HEADERS,
        }
    return response


def document_errors_hook(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_COMPONENT)
    for path_item in result.get("paths", {}).values():
        for method in _METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            statuses = ["400", "401", "403", "404", "406", "429"]
            if "requestBody" in operation:
                statuses.append("415")
            for status in statuses:
                responses.setdefault(status, _error_response(status))
    return result


# ---------------------------------------------------------------------------------------- AutoSchema

_GENERIC_NAMES = {"InputSerializer", "OutputSerializer", "FilterSerializer", "ParamsSerializer"}


def _api_serializer_names() -> dict[str, set[str]]:
    """Serializer class name -> modules under apps.api.v1 that define one with that name."""
    import importlib
    import inspect
    import pkgutil

    from rest_framework import serializers

    import apps.api.v1 as v1

    names: dict[str, set[str]] = {}
    for info in pkgutil.iter_modules(v1.__path__):
        module = importlib.import_module(f"apps.api.v1.{info.name}")
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, serializers.BaseSerializer)
                and value.__module__ == module.__name__
            ):
                names.setdefault(name, set()).add(module.__name__)
    return names


_NAME_OWNERS: dict[str, set[str]] | None = None


class AutoSchema(_SpectacularAutoSchema):
    """Project schema class: unique component names and binary media types that still get a content entry.

    * HackSoft-style nested `InputSerializer`/`OutputSerializer` classes are named after their view
      (`CaseDecideApi.InputSerializer` -> `CaseDecideInput`), and module-level serializers whose class
      name exists in more than one apps/api/v1 module get the module as prefix (`FormularyMemberCost`).
    * `@extend_schema(responses={(200, "application/pdf"): OpenApiResponse(description=...)})` without
      a schema documents a binary body instead of dropping the media type.
    """

    def get_serializer_name(self, serializer: Any, direction: Any) -> str:
        global _NAME_OWNERS
        name = super().get_serializer_name(serializer, direction)
        cls = serializer.__class__
        qualname = cls.__qualname__
        if "." in qualname:
            outer, inner = qualname.rsplit(".", 1)[-2:] if qualname.count(".") >= 1 else ("", qualname)
            outer = outer.split(".")[-1].removesuffix("Api").removesuffix("View")
            return f"{outer}{inner.removesuffix('Serializer')}"
        if cls.__module__.startswith("apps.api.v1."):
            if _NAME_OWNERS is None:
                _NAME_OWNERS = _api_serializer_names()
            if len(_NAME_OWNERS.get(cls.__name__, set())) > 1:
                area = cls.__module__.rsplit(".", 1)[-1]
                prefix = "".join(part.capitalize() for part in area.split("_"))
                return f"{prefix}{name}"
        return name

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        """Routes that differ only by a format suffix (`me/card.pdf`) get the suffix in their operationId."""
        operation = super().get_operation(*args, **kwargs)
        if operation and "operationId" in operation:
            last = self.path.rstrip("/").rsplit("/", 1)[-1]
            if "." in last and "{" not in last:
                suffix = last.rsplit(".", 1)[-1]
                if suffix.isalnum() and not operation["operationId"].endswith(f"_{suffix}"):
                    operation["operationId"] = f"{operation['operationId']}_{suffix}"
        return operation

    def _get_response_for_code(
        self, serializer: Any, status_code: Any, media_types: Any = None, direction: Any = "response"
    ) -> Any:
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        if media_types and "content" not in response:
            response["content"] = {
                media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in media_types
            }
        return response


# ------------------------------------------------------------------------------- security schemes


@functools.cache
def _view_names_by_class() -> dict[Any, set[str]]:
    """API view class -> its URL names with namespace (e.g. "v1:me-summary"), walking the URLconf once."""
    from django.urls import URLPattern, URLResolver, get_resolver

    names: dict[Any, set[str]] = {}

    def walk(patterns: Any, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                view_class = getattr(pattern.callback, "view_class", None) or getattr(
                    pattern.callback, "cls", None
                )
                if view_class is not None:
                    names.setdefault(view_class, set()).add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


class ScopedOAuth2Scheme(OpenApiAuthenticationExtension):
    """OAuth 2 (authorization code + PKCE) with the scopes, read from the OAuthScope table, that open
    each operation."""

    target_class = "apps.api.authentication.ScopedOAuth2Authentication"
    name = "oauth2"
    priority = 1

    def get_security_requirement(self, auto_schema: Any) -> Any:
        from apps.accounts.scopes import scopes_for_resource

        view_names = _view_names_by_class().get(auto_schema.view.__class__, set())
        scopes = sorted({scope for name in view_names for scope in scopes_for_resource(name)})
        if not scopes:
            return []  # tokens are not accepted on this resource
        return [{self.name: [scope]} for scope in scopes]

    def get_security_definition(self, auto_schema: Any) -> Any:
        from apps.accounts.scopes import DatabaseScopes

        return {
            "type": "oauth2",
            "description": "Mobile apps: authorization code with PKCE (S256 only).",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": "/o/authorize/",
                    "tokenUrl": "/o/token/",
                    "refreshUrl": "/o/token/",
                    "scopes": DatabaseScopes().get_all_scopes(),
                }
            },
        }


def postprocess_enums(result: dict[str, Any], generator: Any, **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular's enum hook, minus one warning: when two areas use the same field name ("status")
    for different choice sets, the hook already resolves the clash with a stable hash-suffixed component
    name; that is a naming nicety, not a schema defect, and it must not fail the CI schema check each time
    a new area lands. (Add a readable name in ENUM_NAME_OVERRIDES in components/doors.py when wanted.)"""
    from drf_spectacular import hooks

    original = hooks.warn

    def warn(msg: str, *args: Any, **kwargs: Any) -> None:
        if "non-optimally resolvable collision" not in msg:
            original(msg, *args, **kwargs)

    hooks.warn = warn  # type: ignore[assignment]
    try:
        return hooks.postprocess_schema_enums(result, generator)  # type: ignore[no-any-return]
    finally:
        hooks.warn = original
