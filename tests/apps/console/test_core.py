"""Console core pages: sign-in, search (scoped, masked, audited), member page with panels, work queues."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from apps.audit.models import AuditEvent
from tests.factories.members import EnrollmentFactory, MemberFactory, aligned_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep_client(rep_user) -> Client:
    client = Client()
    client.force_login(rep_user)
    return client


def test_login_page_renders_with_labels(client):
    response = client.get("/console/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html


def test_rep_logs_in_with_password_and_lands_on_search(client, rep_user):
    response = client.post(
        "/console/login/", {"username": rep_user.username, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


def test_member_login_without_next_lands_on_signed_in_page(client, member_user):
    response = client.post(
        "/console/login/", {"username": member_user.username, "password": "correct horse battery"}
    )
    assert response["Location"] == "/console/signed-in/"
    assert client.get("/console/").status_code == 403


def test_anonymous_is_sent_to_login(client, member):
    response = client.get(f"/console/members/{member.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/?next=")


def test_logout_is_post_only(rep_client):
    assert rep_client.get("/console/logout/").status_code == 405
    assert rep_client.post("/console/logout/").status_code == 302
    assert rep_client.get("/console/").status_code == 302


@pytest.mark.parametrize(
    ("_case", "q", "dob", "found"),
    [
        ("mbi with dashes", "{mbi_display}", "", True),
        ("cin", "{cin}", "", True),
        ("member id prefix", "{member_id}", "", True),
        ("name and dob", "rosa mart", "1950-06-15", True),
        ("name wrong dob", "rosa mart", "1951-06-15", False),
    ],
)
def test_search_finds_by_each_identifier(rep_client, member, _case, q, dob, found):
    mbi = member.mbi
    q = q.format(
        mbi_display=f"{mbi[:4]}-{mbi[4:7]}-{mbi[7:]}", cin=member.medi_cal_cin, member_id=member.member_id
    )
    response = rep_client.post("/console/search/", {"q": q, "dob": dob}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert (member.member_id in html) is found
    # identifiers are masked in the list
    assert member.mbi not in html
    assert member.medi_cal_cin not in html


def test_search_by_name_needs_the_date_of_birth(rep_client, member):
    html = rep_client.post("/console/search/", {"q": "Martinez", "dob": ""}).content.decode()
    assert "add the date of birth" in html
    assert member.member_id not in html
    assert AuditEvent.objects.count() == 0


def test_search_is_scoped_to_the_reps_plans_and_audited(rep_client, member, other_pair):
    stranger = aligned_member(other_pair)
    html = rep_client.post("/console/search/", {"q": stranger.mbi}).content.decode()
    assert stranger.member_id not in html
    rep_client.post("/console/search/", {"q": member.mbi})
    events = list(AuditEvent.objects.order_by("id").values("action", "resource", "params", "member_id"))
    assert [e["params"]["count"] for e in events] == [0, 1]
    assert events[1]["params"]["kind"] == "mbi"
    assert events[1]["params"]["member_ids"] == [str(member.pk)]
    # the criteria values never reach the audit log
    assert member.mbi not in str(events)


def test_member_page_shows_summary_and_is_audited(rep_client, member, pair):
    response = rep_client.get(f"/console/members/{member.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rosa" in html
    assert "Martinez" in html
    assert pair.medicare_plan.name in html
    assert "Ana Morales, MD" in html
    assert "Jordan Ellis, RN" in html
    assert "data-panel-error" not in html
    event = AuditEvent.objects.get(resource="member.console")
    assert event.member_id == member.pk
    assert event.params["panels"][0] == "summary"


def test_member_page_of_another_plan_answers_404(rep_client, other_pair):
    stranger = aligned_member(other_pair)
    assert rep_client.get(f"/console/members/{stranger.pk}/").status_code == 404
    assert AuditEvent.objects.count() == 0


def test_member_page_explains_misalignment(rep_client, pair, other_pair):
    member = MemberFactory()
    EnrollmentFactory(member=member, plan=pair.medicare_plan, start_date=dt.date(2026, 1, 1))
    EnrollmentFactory(member=member, plan=other_pair.medi_cal_plan, start_date=dt.date(2026, 1, 1))
    html = rep_client.get(f"/console/members/{member.pk}/").content.decode()
    assert "Misaligned" in html
    assert "data-alignment-reason" in html


def test_work_queues_list_misaligned_members_of_the_reps_plans(rep_client, pair, other_pair, member):
    mine = MemberFactory(last_name="Aaronson")
    EnrollmentFactory(member=mine, plan=pair.medicare_plan)
    EnrollmentFactory(member=mine, plan=other_pair.medi_cal_plan)
    response = rep_client.get("/console/queues/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Misaligned members" in html
    assert mine.member_id in html
    assert member.member_id not in html
    assert "data-queue-error" not in html


def test_failing_panel_is_contained_and_logged(rep_client, member, monkeypatch, caplog):
    from apps.console import panels

    def broken(request, member):
        raise RuntimeError("boom")

    import types

    module = types.SimpleNamespace(member_panel=broken)
    monkeypatch.setattr(panels, "_area_module", lambda area: module if area == "cards" else None)
    html = rep_client.get(f"/console/members/{member.pk}/").content.decode()
    assert 'data-panel-error="cards"' in html
    assert "console panel cards failed" in caplog.text


def test_search_query_count_is_constant(rep_client, pair):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(3):
        aligned_member(pair, first_name=f"Ana{i}", last_name="Lopez", date_of_birth=dt.date(1950, 6, 15))
    with CaptureQueriesContext(connection) as few:
        rep_client.post("/console/search/", {"q": "lopez", "dob": "1950-06-15"})
    for i in range(12):
        aligned_member(pair, first_name=f"Bea{i}", last_name="Lopez", date_of_birth=dt.date(1950, 6, 15))
    with CaptureQueriesContext(connection) as many:
        html = rep_client.post("/console/search/", {"q": "lopez", "dob": "1950-06-15"}).content.decode()
    assert html.count("data-member-link") == 15
    assert len(many) == len(few)


def test_staff_summary_query_count_is_constant(client_for, member, rep_user, pair):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories.members import PcpAssignmentFactory

    client = client_for(rep_user)
    url = f"/api/v1/members/{member.pk}/summary"
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for year in range(2010, 2025):
        PcpAssignmentFactory(member=member, start_date=dt.date(year, 1, 1), end_date=dt.date(year, 12, 31))
    with CaptureQueriesContext(connection) as after:
        assert client.get(url).status_code == 200
    assert len(after) == len(before)
