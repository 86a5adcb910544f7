"""Work queue value types: each area's `work_queues(request)` returns a list of WorkQueue."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

MAX_ITEMS = 20


@dataclass(frozen=True)
class WorkQueueItem:
    label: str
    url: str
    detail: str = ""
    member_pk: uuid.UUID | None = None


@dataclass(frozen=True)
class WorkQueue:
    key: str
    title: str
    count: int
    items: list[WorkQueueItem] = field(default_factory=list)
    description: str = ""
    more_url: str | None = None
    area: str = ""
