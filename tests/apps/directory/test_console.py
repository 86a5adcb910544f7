import pytest
from django.test import Client
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.directory.models import UnifiedEntry

pytestmark = pytest.mark.django_db


def console_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_rep_searches_doctors_for_a_member(rep_user, member, imported_pair):
    client = console_client(rep_user)
    page = client.get(reverse("console:directory-member", args=[member.pk]))
    assert page.status_code == 200
    assert b"Doctor search" in page.content
    response = client.post(
        reverse("console:directory-member-search", args=[member.pk]),
        {"specialty": "internal medicine", "network": "both", "zip": "", "radius": "10", "language": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hans Solo, MD" in body
    assert "Joe Smith, MD" in body
    assert "Maria Garcia" not in body
    event = AuditEvent.objects.filter(resource="directory", action="search").get()
    assert event.member_id == member.pk
    assert "internal" not in str(event.params)


def test_search_problems_are_shown(rep_user, member, imported_pair):
    client = console_client(rep_user)
    response = client.post(
        reverse("console:directory-member-search", args=[member.pk]),
        {"zip": "10001", "specialty": "xylophonist"},
    )
    assert response.status_code == 200
    assert b"not a California ZIP" in response.content
    assert b"No specialty matches" in response.content


def test_provider_page_shows_conflicts(rep_user, member, imported_pair):
    hans = UnifiedEntry.objects.get(pair=imported_pair, provider_type="practitioner", identity="9941339100",
                                    address_key="123 MAIN ST|ANYTOWN|CT|00014")  # fmt: skip
    response = console_client(rep_user).get(
        reverse("console:directory-member-provider", args=[member.pk, hans.pk])
    )
    assert response.status_code == 200
    assert b"data-conflicts" in response.content
    assert b"Existing patients only" in response.content


@pytest.mark.parametrize(("user_fixture", "expected"), [("other_rep_user", 404), ("member_user", 403)])
def test_other_plans_rep_and_members_are_refused(request, member, imported_pair, user_fixture, expected):
    client = console_client(request.getfixturevalue(user_fixture))
    response = client.get(reverse("console:directory-member", args=[member.pk]))
    assert response.status_code == expected


def test_member_panel_renders(rep_user, member, imported_pair):
    response = console_client(rep_user).get(reverse("console:member-detail", args=[member.pk]))
    assert response.status_code == 200
    assert b'id="panel-directory"' in response.content
    assert b'data-panel-error="directory"' not in response.content
