"""GET /api/v1/me: the member's unified summary, audited, ETag, constant queries, foreign access."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/api/v1/me"


def test_me_returns_both_plans_alignment_pcp_and_coordinator(client_for, member_user, pair):
    # given a member aligned in both plans of the pair
    # when they ask for their summary
    response = client_for(member_user).get(URL)
    # then both plans, alignment in plain words, PCP and coordinator come back
    assert response.status_code == 200
    body = response.json()
    assert body["member_id"] == member_user.member.member_id
    assert [p["code"] for p in body["plans"]] == [pair.medicare_plan.code, pair.medi_cal_plan.code]
    assert body["plans"][0]["program"] == "Medicare"
    assert body["plans"][0]["effective_date"] == "2026-01-01"
    assert body["alignment"]["status"] == "exclusively_aligned"
    assert body["alignment"]["plain_words"].startswith("Your Medicare and Medi-Cal plans are matched")
    assert body["pcp"]["name"] == "Ana Morales, MD"
    assert body["care_coordinator"]["name"] == "Jordan Ellis, RN"
    assert body["preferred_language"]["spoken"] == {"code": "en", "name": "English"}
    assert body["preferred_format"]["code"] == "standard"
    assert body["product_name"] == pair.name
    assert body["card"] is None


def test_me_writes_one_audit_event_with_ids_only(client_for, member_user):
    client_for(member_user).get(URL, HTTP_X_REQUEST_ID="req-123456789")
    event = AuditEvent.objects.get()
    assert event.action == "view"
    assert event.resource == "member.summary"
    assert event.member_id == member_user.member_id
    assert event.actor_id == member_user.pk
    assert event.actor_role == "member"
    assert event.channel == "api"
    assert event.request_id == "req-123456789"


def test_me_etag_answers_304_when_unchanged(client_for, member_user):
    client = client_for(member_user)
    first = client.get(URL)
    etag = first["ETag"]
    assert etag.startswith('"')
    again = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    changed = client.get(URL, HTTP_IF_NONE_MATCH='"something-else"')
    assert changed.status_code == 200
    # a revalidation is still a read of member data
    assert AuditEvent.objects.count() == 3


def test_me_etag_changes_when_the_member_changes(client_for, member_user):
    client = client_for(member_user)
    etag = client.get(URL)["ETag"]
    member = member_user.member
    member.spoken_language = "es"
    member.save()
    response = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["preferred_language"]["spoken"] == {"code": "es", "name": "Spanish"}


def test_me_query_count_is_constant_whatever_the_history(client_for, member_user, pair):
    client = client_for(member_user)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)
    # given much more history (old enrollments, PCPs)
    import datetime as dt

    from tests.factories.members import EnrollmentFactory, PcpAssignmentFactory

    for year in range(2015, 2025):
        EnrollmentFactory(
            member=member_user.member,
            plan=pair.medicare_plan,
            start_date=dt.date(year, 1, 1),
            end_date=dt.date(year, 12, 31),
        )
        PcpAssignmentFactory(
            member=member_user.member, start_date=dt.date(year, 1, 1), end_date=dt.date(year, 12, 31)
        )
    with CaptureQueriesContext(connection) as big:
        client.get(URL)
    assert len(big) == len(small)
    # member(+PCP+coordinator, with the audit insert in the same round trip) 1, enrollments 1, pairs 1,
    # card versions 1
    assert len(small) == 4
    assert "; SELECT audit_append(" in small.captured_queries[0]["sql"]


def test_me_sends_rate_limit_headers(client_for, member_user):
    response = client_for(member_user).get(URL)
    assert int(response["RateLimit-Limit"]) == 600
    assert int(response["RateLimit-Remaining"]) == 599
    assert 0 < int(response["RateLimit-Reset"]) <= 60


def test_me_is_for_members_only(client_for, rep_user, vendor_user, admin_user, api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.get(URL).json()["code"] == "not_authenticated"
    for user in (rep_user, vendor_user, admin_user):
        response = client_for(user).get(URL)
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
    assert AuditEvent.objects.count() == 0


def test_staff_summary_scoped_to_the_reps_plans(client_for, member, rep_user, other_rep_user, admin_user):
    url = f"/api/v1/members/{member.pk}/summary"
    assert client_for(rep_user).get(url).status_code == 200
    assert client_for(admin_user).get(url).status_code == 200
    response = client_for(other_rep_user).get(url)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "No such member.", "extra": {}}


def test_misaligned_member_summary_says_why(client_for, pair, other_pair):
    from tests.factories.accounts import MemberUserFactory
    from tests.factories.members import EnrollmentFactory, MemberFactory

    member = MemberFactory()
    EnrollmentFactory(member=member, plan=pair.medicare_plan)
    EnrollmentFactory(member=member, plan=other_pair.medi_cal_plan)
    body = client_for(MemberUserFactory(member=member)).get(URL).json()
    assert body["alignment"]["status"] == "misaligned"
    assert body["alignment"]["reason"]
    assert body["pcp"] is None


def test_rate_limit_is_counted_in_the_shared_cache_not_per_process(client_for, member_user):
    """Every web worker sees the same count: it lives in Redis (one key per client, expiring with the
    window), so the limit does not multiply with the number of workers or reset on restart."""
    from django.core.cache import cache

    client = client_for(member_user)
    client.get(URL)
    second = client.get(URL)
    assert int(second["RateLimit-Remaining"]) == 598
    redis = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    key = cache.make_key(f"count:throttle_user_{member_user.pk}")
    assert int(redis.get(key)) == 2
    assert 0 < redis.ttl(key) <= 60


def test_rate_limit_refusal_answers_429_with_retry_after(client_for, member_user, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "user": "2/min"}
    )
    client = client_for(member_user)
    codes = [client.get(URL).status_code for _ in range(3)]
    refused = client.get(URL)
    assert codes == [200, 200, 429]
    assert refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused["RateLimit-Remaining"] == "0"


def test_without_a_redis_cache_the_throttle_falls_back_to_drf_history(client_for, member_user, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client = client_for(member_user)
    client.get(URL)
    response = client.get(URL)
    assert int(response["RateLimit-Remaining"]) == 598
