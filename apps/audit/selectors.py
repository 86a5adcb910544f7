"""Reads of the audit log for the compliance view: events for a member or a user over a time range."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from apps.audit.models import AuditEvent

EXPORT_COLUMNS = (
    "id",
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


def audit_event_list(
    *,
    member_id: uuid.UUID | None = None,
    actor_id: int | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Newest first. `end` is exclusive. Uses the (member_id, occurred_at) and actor_id indexes."""
    events = AuditEvent.objects.all()
    if member_id is not None:
        events = events.filter(member_id=member_id)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if start is not None:
        events = events.filter(occurred_at__gte=start)
    if end is not None:
        events = events.filter(occurred_at__lt=end)
    return events.order_by("-occurred_at", "-id")


def audit_events_csv(events: QuerySet[AuditEvent]) -> Iterator[str]:
    """CSV lines (header first) for a streaming response; params as compact JSON."""
    import json

    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return value

    writer.writerow(EXPORT_COLUMNS)
    yield flush()
    for row in events.values_list(*EXPORT_COLUMNS).iterator(chunk_size=2000):
        values: list[Any] = list(row)
        values[1] = values[1].isoformat()
        values[-1] = json.dumps(values[-1], sort_keys=True, separators=(",", ":"))
        writer.writerow(["" if v is None else v for v in values])
        yield flush()
