"""audit_record: the one way to write an audit event. Called explicitly by services and PHI-reading views."""

import uuid
from typing import Any

from django.http import HttpRequest

from apps.audit.models import AuditEvent
from apps.core.middleware import current_request_id


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _request_id(request: HttpRequest | None) -> str:
    from_request = getattr(request, "request_id", "") if request is not None else ""
    from_context = current_request_id()
    return from_request or ("" if from_context == "-" else from_context)


def audit_record(
    *,
    actor: Any,
    action: str,
    resource: str,
    member_id: uuid.UUID | str | None = None,
    resource_id: str | uuid.UUID | None = None,
    request: HttpRequest | None = None,
    channel: str = "",
    **params: Any,
) -> AuditEvent:
    """Append an audit event. `params` must carry ids and enums only, never PHI."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor_id=actor.pk if is_user else None,
        actor_username=actor.get_username() if is_user else "",
        actor_role=(getattr(actor, "role", "") or "") if is_user else "anonymous",
        member_id=member_id,
        action=action,
        resource=resource,
        resource_id=str(resource_id or ""),
        channel=channel,
        ip_address=_client_ip(request),
        request_id=_request_id(request),
        params=dict(params.items()),
    )
