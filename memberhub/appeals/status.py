"""The case status machine: received → acknowledged → in review → decided → notified → closed.

An open case may be withdrawn; a Part D request is routed out at intake. Anything else is refused.
"""

from __future__ import annotations

from collections.abc import Mapping

from memberhub.appeals.enums import Status
from memberhub.appeals.errors import IllegalTransition

TRANSITIONS: Mapping[Status, frozenset[Status]] = {
    Status.RECEIVED: frozenset({Status.ACKNOWLEDGED, Status.WITHDRAWN, Status.ROUTED_OUT}),
    Status.ACKNOWLEDGED: frozenset({Status.IN_REVIEW, Status.WITHDRAWN}),
    Status.IN_REVIEW: frozenset({Status.DECIDED, Status.WITHDRAWN}),
    Status.DECIDED: frozenset({Status.NOTIFIED}),
    Status.NOTIFIED: frozenset({Status.CLOSED}),
    Status.WITHDRAWN: frozenset({Status.CLOSED}),
    Status.ROUTED_OUT: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}

# Statuses in which the resolution clock runs (the case is waiting for the plan's decision).
CLOCK_RUNNING: frozenset[Status] = frozenset({Status.RECEIVED, Status.ACKNOWLEDGED, Status.IN_REVIEW})


def transitions_allowed(current: Status) -> frozenset[Status]:
    return TRANSITIONS[current]


def transition_check(*, current: Status, target: Status) -> None:
    """Raise :class:`IllegalTransition` unless ``current → target`` is a legal step."""
    allowed = TRANSITIONS[current]
    if target not in allowed:
        names = ", ".join(sorted(s.value for s in allowed)) or "none (final)"
        raise IllegalTransition(
            f"A case cannot go from {current.value} to {target.value}; allowed: {names}",
            current=current.value,
            target=target.value,
            allowed=sorted(s.value for s in allowed),
        )
