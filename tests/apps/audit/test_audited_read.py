"""audited_read: the audit row of a read travels with the read's first query (one round trip, one implicit
transaction), and is written on its own when the block runs no query."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEvent
from apps.audit.services import audited_read
from apps.members.models import Member

pytestmark = pytest.mark.django_db(transaction=True)


def _read(user: Any, **kwargs: Any) -> Any:
    return audited_read(
        actor=user, resource="member.summary", member_id=user.member_id, channel="api", **kwargs
    )


def test_the_insert_rides_on_the_first_select_and_the_rows_still_come_back(member_user: Any) -> None:
    with CaptureQueriesContext(connection) as queries, _read(member_user, via="test"):
        first = list(Member.objects.filter(pk=member_user.member_id).values_list("member_id", flat=True))
        second = Member.objects.filter(pk=member_user.member_id).count()
    assert first == [member_user.member.member_id]
    assert second == 1
    assert len(queries) == 2  # no extra round trip
    assert "; SELECT audit_append(" in queries.captured_queries[0]["sql"]
    assert "audit_append" not in queries.captured_queries[1]["sql"]
    event = AuditEvent.objects.get()
    assert (event.actor_id, event.actor_role, event.action, event.resource, event.channel) == (
        member_user.pk,
        "member",
        "view",
        "member.summary",
        "api",
    )
    assert event.member_id == member_user.member_id
    assert event.params == {"via": "test"}


def test_outside_a_transaction_it_commits_asynchronously_and_leaves_the_session_durable(
    member_user: Any,
) -> None:
    with CaptureQueriesContext(connection) as queries, _read(member_user):
        Member.objects.filter(pk=member_user.member_id).exists()
    assert queries.captured_queries[0]["sql"].endswith("'{}'::jsonb, true)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    assert AuditEvent.objects.count() == 1


def test_a_block_without_a_query_still_writes_the_event(member_user: Any) -> None:
    with _read(member_user):
        pass
    assert AuditEvent.objects.filter(member_id=member_user.member_id).count() == 1


def test_a_block_that_fails_before_reading_writes_nothing(member_user: Any) -> None:
    with pytest.raises(RuntimeError), _read(member_user):
        raise RuntimeError("before any query")
    assert AuditEvent.objects.count() == 0


def test_no_rows_come_back_unless_the_audit_row_is_written(member_user: Any) -> None:
    """The two statements are one implicit transaction: an audit row the database refuses (here a resource
    name over the column's 80 characters) fails the read as well."""
    from django.db import DataError

    rows = None
    with pytest.raises(DataError), audited_read(actor=member_user, resource="x" * 81, member_id=None):
        rows = list(Member.objects.filter(pk=member_user.member_id))
    assert rows is None  # the read itself failed
    assert AuditEvent.objects.count() == 0


def test_with_server_side_binding_the_event_is_written_on_its_own(member_user: Any, monkeypatch: Any) -> None:
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", {"server_side_binding": True})
    with CaptureQueriesContext(connection) as queries, _read(member_user):
        Member.objects.filter(pk=member_user.member_id).exists()
    assert len(queries) == 2
    assert "audit_append" not in queries.captured_queries[0]["sql"]
    assert AuditEvent.objects.count() == 1
