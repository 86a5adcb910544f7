"""audit_record: the one way to write an audit event. Called explicitly by services and PHI-reading views."""

import json
import uuid
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from apps.audit.models import AuditAction, AuditEvent
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
    event = AuditEvent(
        occurred_at=timezone.now(),
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
        params=dict(params),
    )
    # One plain INSERT (no ORM compile): this runs on every read of member data, the hot paths included.
    # A standalone read event commits asynchronously (settings.AUDIT_READ_ASYNC_COMMIT explains the trade);
    # inside a transaction (a write, or a test) the row shares that transaction's durability.
    asynchronous = (
        action in _READ_ACTIONS
        and settings.AUDIT_READ_ASYNC_COMMIT
        and connection.get_autocommit()
        and not connection.in_atomic_block
    )
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_ASYNC_COMMIT if asynchronous else _INSERT,
            [*(getattr(event, f) for f in _COLUMNS[:-1]), json.dumps(event.params, cls=DjangoJSONEncoder)],
        )
        event.pk = cursor.fetchone()[0]
    event._state.adding = False
    event._state.db = connection.alias
    return event


_COLUMNS = (
    "occurred_at",
    "actor_id",
    "actor_username",
    "actor_role",
    "member_id",
    "action",
    "resource",
    "resource_id",
    "channel",
    "ip_address",
    "request_id",
    "params",
)
# table and column names are this module's constants; every value is a query parameter
_INSERT = (
    f"INSERT INTO {AuditEvent._meta.db_table} ({', '.join(_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join(['%s'] * (len(_COLUMNS) - 1))}, %s::jsonb) RETURNING id"
)
# The same INSERT, switching `synchronous_commit` off for its own (implicit, one-statement) transaction:
# set_config(..., is_local => true) runs inside the statement, so it can only ever affect this commit.
_INSERT_ASYNC_COMMIT = _INSERT + ", set_config('synchronous_commit', 'off', true)"
_READ_ACTIONS = frozenset({AuditAction.VIEW, AuditAction.SEARCH, AuditAction.DOWNLOAD})
