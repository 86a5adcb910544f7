"""The database itself refuses to change or remove audit events (trigger), whatever the code does."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(member_user):  # type: ignore[no-untyped-def]
    return audit_record(
        actor=member_user, action="view", resource="member.summary", member_id=member_user.member_id
    )


@pytest.mark.parametrize(
    ("_case", "sql"),
    [
        ("update", "UPDATE audit_auditevent SET resource = 'forged' WHERE id = %s"),
        ("delete", "DELETE FROM audit_auditevent WHERE id = %s"),
    ],
)
def test_database_refuses_update_and_delete(event, _case, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.resource == "member.summary"


def test_orm_update_and_delete_are_refused_too(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="delete")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "view"


def test_truncate_is_refused_unless_the_session_allows_it(event):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL memberhub.audit_allow_truncate = 'off'")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_inserting_is_allowed(member_user):
    audit_record(actor=member_user, action="view", resource="member.summary")
    audit_record(actor=None, action="view", resource="directory.search")
    assert list(AuditEvent.objects.order_by("id").values_list("actor_role", flat=True)) == [
        "member",
        "anonymous",
    ]
