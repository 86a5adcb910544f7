"""Compliance view: events for a member or a user over a time range, admins only, CSV export, and using
it is itself audited."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(admin_user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def history(member, member_user, rep_user, other_member_user):  # type: ignore[no-untyped-def]
    audit_record(
        actor=member_user, action="view", resource="member.summary", member_id=member.pk, channel="api"
    )
    audit_record(
        actor=rep_user, action="view", resource="member.console", member_id=member.pk, channel="console"
    )
    audit_record(
        actor=other_member_user,
        action="view",
        resource="member.summary",
        member_id=other_member_user.member_id,
    )


def test_events_for_a_member_newest_first(admin_client, member, history):
    response = admin_client.post("/console/audit/", {"member": member.member_id})
    assert response.status_code == 200
    events = response.context["events"]
    assert [e.resource for e in events] == ["member.console", "member.summary"]
    # the admin's look is itself an audit event about that member
    look = AuditEvent.objects.filter(resource="audit.events").get()
    assert look.member_id == member.pk
    assert look.action == "view"
    assert look.params["count"] == 2


def test_events_for_a_user_within_a_time_range(admin_client, rep_user, history):
    now = timezone.localtime()
    fmt = "%Y-%m-%dT%H:%M"
    response = admin_client.post(
        "/console/audit/",
        {
            "username": rep_user.username,
            "start": (now - dt.timedelta(hours=1)).strftime(fmt),
            "end": (now + dt.timedelta(hours=1)).strftime(fmt),
        },
    )
    assert [e.actor_username for e in response.context["events"]] == [rep_user.username]
    empty = admin_client.post(
        "/console/audit/",
        {"username": rep_user.username, "start": (now + dt.timedelta(hours=1)).strftime(fmt)},
    )
    assert list(empty.context["events"]) == []


def test_a_member_or_user_is_required(admin_client):
    response = admin_client.post("/console/audit/", {})
    assert response.status_code == 200
    assert "Choose a member or a user." in response.content.decode()
    assert AuditEvent.objects.count() == 0


def test_csv_export_has_every_event_and_is_audited(admin_client, member, history):
    response = admin_client.post("/console/audit/export.csv", {"member": str(member.pk)})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-events-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["resource"] for r in rows] == ["member.console", "member.summary"]
    assert {r["member_id"] for r in rows} == {str(member.pk)}
    assert (
        AuditEvent.objects.filter(resource="audit.events", action="export", member_id=member.pk).count() == 1
    )


@pytest.mark.parametrize("role_fixture", ["rep_user", "member_user", "vendor_user"])
def test_only_admins(request, role_fixture, member):
    client = Client()
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.post("/console/audit/", {"member": member.member_id}).status_code == 403
    assert client.post("/console/audit/export.csv", {"member": member.member_id}).status_code == 403
    assert AuditEvent.objects.count() == 0


def test_reading_the_audit_log_in_the_admin_is_audited(admin_client, history):
    assert admin_client.get("/admin/audit/auditevent/").status_code == 200
    event = AuditEvent.objects.filter(resource="audit.events", channel="admin").get()
    assert event.action == "view"
    assert admin_client.post(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()
