"""audit_record: the one way to write an audit event. Called explicitly by services and PHI-reading views."""

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
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


def _event(
    *,
    actor: Any,
    action: str,
    resource: str,
    member_id: uuid.UUID | str | None,
    resource_id: str | uuid.UUID | None,
    request: HttpRequest | None,
    channel: str,
    params: dict[str, Any],
) -> AuditEvent:
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent(
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
        params=params,
    )


def _values(event: AuditEvent) -> list[Any]:
    """The arguments of audit_append(...) for this event."""
    return [
        *(getattr(event, f) for f in _COLUMNS[:-1]),
        json.dumps(event.params, cls=DjangoJSONEncoder),
        _commits_asynchronously(event.action),
    ]


def _commits_asynchronously(action: str) -> bool:
    """A standalone read event commits asynchronously (settings.AUDIT_READ_ASYNC_COMMIT explains the trade);
    inside a transaction (a write, or a test) the row shares that transaction's durability."""
    return (
        action in _READ_ACTIONS
        and settings.AUDIT_READ_ASYNC_COMMIT
        and connection.get_autocommit()
        and not connection.in_atomic_block
    )


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
    event = _event(
        actor=actor,
        action=action,
        resource=resource,
        member_id=member_id,
        resource_id=resource_id,
        request=request,
        channel=channel,
        params=dict(params),
    )
    # One call of the audit_append() function (no ORM compile, and a plan the server keeps): this runs on
    # every read of member data, the hot paths included.
    event.pk = _append(event)
    event._state.adding = False
    event._state.db = connection.alias
    return event


@contextmanager
def audited_read(
    *,
    actor: Any,
    resource: str,
    member_id: uuid.UUID | str | None = None,
    resource_id: str | uuid.UUID | None = None,
    request: HttpRequest | None = None,
    channel: str = "",
    action: str = AuditAction.VIEW,
    **params: Any,
) -> Iterator[None]:
    """Audit the read that runs inside the block, in the same database round trip as its first query.

    The event's audit_append() call is appended to the block's first SELECT (one multi-statement query: PostgreSQL runs
    both in one implicit transaction, so the rows come back only if the audit row was written, and the read
    costs no extra round trip). A block that runs no SELECT writes the event on its own at the end; a block
    that raises before its first query writes nothing, as a read that never happened. Where statements
    cannot be combined (another database, server-side parameter binding) the event is written on its own
    after the block, as `audit_record` does.
    """
    event = _event(
        actor=actor,
        action=action,
        resource=resource,
        member_id=member_id,
        resource_id=resource_id,
        request=request,
        channel=channel,
        params=dict(params),
    )
    pending = True

    def combine(execute: Any, sql: str, sql_params: Any, many: bool, context: Any) -> Any:
        nonlocal pending
        # ORM and cursor queries with a parameter sequence: their literal % signs are escaped (%%), so
        # the call's placeholders can follow.
        if pending and not many and sql_params is not None and sql.lstrip()[:6].upper() == "SELECT":
            pending = False
            return execute(f"{sql}; {_APPEND}", (*sql_params, *_values(event)), many, context)
        return execute(sql, sql_params, many, context)

    with connection.execute_wrapper(combine) if _can_combine() else nullcontext():
        yield
    if pending:  # the block ran no SELECT, or statements cannot be combined here
        _append(event)


def _append(event: AuditEvent) -> int:
    """Write the event with one call of audit_append(); its id."""
    with connection.cursor() as cursor:
        cursor.execute(_APPEND, _values(event))
        event_id: int = cursor.fetchone()[0]
    return event_id


def _can_combine() -> bool:
    """Several statements in one execute() need client-side parameter binding (Django's default for
    psycopg 3; `server_side_binding` turns it off) on PostgreSQL."""
    options = connection.settings_dict.get("OPTIONS") or {}
    return connection.vendor == "postgresql" and not options.get("server_side_binding")


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
# The INSERT lives in the database function audit_append() (migration 0005): PL/pgSQL keeps its plan for
# the session. Its last argument switches `synchronous_commit` off for the current transaction only
# (set_config with is_local), so a standalone read event's commit does not wait for the WAL flush and
# nothing else is affected.
_APPEND = f"SELECT audit_append({', '.join(['%s'] * (len(_COLUMNS) - 1))}, %s::jsonb, %s)"
_READ_ACTIONS = frozenset({AuditAction.VIEW, AuditAction.SEARCH, AuditAction.DOWNLOAD})
