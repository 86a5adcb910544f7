"""Standalone read events commit asynchronously (settings.AUDIT_READ_ASYNC_COMMIT); writes never do."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record

pytestmark = pytest.mark.django_db(transaction=True)


def _record(user, action: str) -> str:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        audit_record(actor=user, action=action, resource="member.summary", member_id=user.member_id)
    (query,) = queries.captured_queries
    return query["sql"]


ASYNC = "'{}'::jsonb, true)"  # the last argument of audit_append(...)


def test_a_standalone_read_commits_asynchronously_and_is_stored(member_user):
    sql = _record(member_user, "view")
    assert sql.startswith("SELECT audit_append(")
    assert sql.endswith(ASYNC)
    assert AuditEvent.objects.filter(action="view", member_id=member_user.member_id).count() == 1
    # is_local: the session keeps its durable default for everything after
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"


@pytest.mark.parametrize("action", ["create", "update", "export", "login"])
def test_writes_and_exports_commit_durably(member_user, action):
    assert _record(member_user, action).endswith("'{}'::jsonb, false)")


def test_a_read_inside_a_write_transaction_shares_its_durable_commit(member_user):
    with transaction.atomic():
        sql = _record(member_user, "view")
    assert sql.endswith("'{}'::jsonb, false)")


def test_the_setting_turns_it_off(member_user, settings):
    settings.AUDIT_READ_ASYNC_COMMIT = False
    assert _record(member_user, "view").endswith("'{}'::jsonb, false)")


def test_the_function_switches_the_commit_mode_of_its_own_transaction_only(member_user):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT audit_append(now(), NULL, '', 'anonymous', NULL, 'view', 'x', '', '', NULL, '', '{}', true)"
        )
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "off"
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"


def test_the_function_writes_every_column_of_the_model():
    """audit_append() names the columns itself: a column added to AuditEvent must be added there too."""
    from apps.audit.services import _COLUMNS

    columns = {f.column for f in AuditEvent._meta.concrete_fields} - {"id"}
    assert set(_COLUMNS) == columns
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_functiondef('audit_append'::regproc)")
        definition = cursor.fetchone()[0]
    for column in columns:
        assert f"p_{column}" in definition, column
