import pytest
from django.test import Client

from apps.audit.models import AuditEvent
from apps.console.benefits_views import member_panel

pytestmark = pytest.mark.django_db


def console_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_member_panel_lists_unified_answers(rf, rep_user, member, benefits_pair):
    request = rf.get("/console/")
    request.user = rep_user
    html = member_panel(request, member)
    assert 'id="panel-benefits"' in html
    assert 'data-category="dental"' in html
    assert "Medi-Cal Dental" in html
    assert "Covered. You pay $0." in html
    assert not AuditEvent.objects.exists()  # the member page audits its panels


def test_member_panel_without_catalogs_says_so(rf, rep_user, member):
    request = rf.get("/console/")
    request.user = rep_user
    html = member_panel(request, member)
    assert "data-benefits-missing" in html
    assert "No benefit catalog is loaded" in html


@pytest.mark.parametrize(
    ("word", "category"),
    [("dental", "dental"), ("ride", "transportation"), ("wheelchair", "durable_medical_equipment")],
)
def test_htmx_search_box(rep_user, member, benefits_pair, word, category):
    response = console_client(rep_user).post(
        f"/console/benefits/members/{member.pk}/search/", {"q": word}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-category="{category}"' in html
    assert "<html" not in html  # a partial
    event = AuditEvent.objects.get()
    assert (event.action, event.resource, event.channel, event.member_id) == (
        "search",
        "benefits",
        "console",
        member.pk,
    )
    assert word not in str(event.params)  # search words are not logged


def test_search_without_match(rep_user, member, benefits_pair):
    response = console_client(rep_user).post(
        f"/console/benefits/members/{member.pk}/search/", {"q": "zzqx"}, HTTP_HX_REQUEST="true"
    )
    assert "No service matches" in response.content.decode()


def test_full_page_shows_next_years_changes(rep_user, member, benefits_pair):
    response = console_client(rep_user).get(f"/console/benefits/members/{member.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-change="dental-limits"' in html
    assert "What changes in 2027" in html


def test_console_scoping(other_rep_user, member_user, member, benefits_pair):
    assert console_client(other_rep_user).get(f"/console/benefits/members/{member.pk}/").status_code == 404
    assert console_client(member_user).get(f"/console/benefits/members/{member.pk}/").status_code == 403
    anonymous = Client().get(f"/console/benefits/members/{member.pk}/")
    assert anonymous.status_code == 302
    assert not AuditEvent.objects.exists()


def test_member_page_shows_the_benefits_panel(rep_user, member, benefits_pair):
    response = console_client(rep_user).get(f"/console/members/{member.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="panel-benefits"' in html
    assert 'data-panel-error="benefits"' not in html


def test_work_queue_lists_missing_catalogs_for_the_reps_pairs(
    rf, rep_user, other_rep_user, pair, other_pair, load_pair_catalogs
):
    from apps.console.benefits_views import work_queues

    load_pair_catalogs(pair, 2026)
    request = rf.get("/console/queues/")
    request.user = rep_user
    [queue] = work_queues(request)
    assert queue.count == 0  # the rep's pair has both catalogs; the other organization's gaps are not theirs
    request.user = other_rep_user
    assert work_queues(request)[0].count == 2


def test_work_queue_counts_gaps(rf, rep_user, pair):
    from apps.console.benefits_views import work_queues

    request = rf.get("/console/queues/")
    request.user = rep_user
    [queue] = work_queues(request)
    assert queue.count == 2
    assert {item.label.rsplit(": ", 1)[1] for item in queue.items} == {
        pair.medicare_plan.code,
        pair.medi_cal_plan.code,
    }


def test_catalogs_page(rep_user, benefits_pair, other_pair):
    response = console_client(rep_user).get("/console/benefits/catalogs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert benefits_pair.medicare_plan.code in html
    assert other_pair.medicare_plan.code not in html  # another organization's plan
