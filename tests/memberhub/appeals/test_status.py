import itertools

import pytest

from memberhub.appeals.enums import Status
from memberhub.appeals.errors import IllegalTransition
from memberhub.appeals.status import TRANSITIONS, transition_check, transitions_allowed

LEGAL = [
    (Status.RECEIVED, Status.ACKNOWLEDGED),
    (Status.RECEIVED, Status.WITHDRAWN),
    (Status.RECEIVED, Status.ROUTED_OUT),
    (Status.ACKNOWLEDGED, Status.IN_REVIEW),
    (Status.ACKNOWLEDGED, Status.WITHDRAWN),
    (Status.IN_REVIEW, Status.DECIDED),
    (Status.IN_REVIEW, Status.WITHDRAWN),
    (Status.DECIDED, Status.NOTIFIED),
    (Status.NOTIFIED, Status.CLOSED),
    (Status.WITHDRAWN, Status.CLOSED),
    (Status.ROUTED_OUT, Status.CLOSED),
]


@pytest.mark.parametrize(("current", "target"), LEGAL)
def test_legal_transitions_pass(current, target):
    transition_check(current=current, target=target)


ILLEGAL = [pair for pair in itertools.product(Status, Status) if pair not in LEGAL]


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
def test_every_other_transition_is_refused(current, target):
    with pytest.raises(IllegalTransition) as excinfo:
        transition_check(current=current, target=target)
    assert excinfo.value.code == "appeals.illegal_transition"
    assert excinfo.value.extra["current"] == current.value
    assert excinfo.value.extra["target"] == target.value


def test_table_covers_every_status_and_closed_is_final():
    assert set(TRANSITIONS) == set(Status)
    assert transitions_allowed(Status.CLOSED) == frozenset()
    with pytest.raises(IllegalTransition, match="none \\(final\\)"):
        transition_check(current=Status.CLOSED, target=Status.RECEIVED)


def test_happy_path_reaches_closed():
    path = [
        Status.RECEIVED,
        Status.ACKNOWLEDGED,
        Status.IN_REVIEW,
        Status.DECIDED,
        Status.NOTIFIED,
        Status.CLOSED,
    ]
    for current, target in itertools.pairwise(path):
        transition_check(current=current, target=target)


def test_a_decided_case_cannot_skip_the_notice_or_be_withdrawn():
    with pytest.raises(IllegalTransition, match="allowed: notified"):
        transition_check(current=Status.DECIDED, target=Status.CLOSED)
    with pytest.raises(IllegalTransition):
        transition_check(current=Status.DECIDED, target=Status.WITHDRAWN)
