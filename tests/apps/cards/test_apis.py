import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from apps.audit.models import AuditEvent
from apps.cards.selectors import id_card_current
from apps.cards.services import id_card_request
from apps.documents.models import Document, MailPiece

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(member, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        return id_card_request(member=member, reason="new_enrollment")


def client_for_user(user):  # type: ignore[no-untyped-def]
    c = APIClient()
    c.force_authenticate(user)
    return c


def test_member_gets_card_json_pdf_and_png(member_user, issued, pair):
    c = client_for_user(member_user)
    r = c.get("/api/v1/me/card")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ready"
    assert body["fields"]["member_id"] == member_user.member.member_id
    assert body["fields"]["medicare_plan"].endswith(
        f"({pair.medicare_plan.contract_id}-{pair.medicare_plan.pbp_id})"
    )
    assert "mbi" not in body["fields"]
    r = c.get("/api/v1/me/card", HTTP_ACCEPT="application/pdf")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    assert c.get("/api/v1/me/card.pdf").content.startswith(b"%PDF")
    png = c.get("/api/v1/me/card.png?side=back")
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    assert (
        AuditEvent.objects.filter(member_id=member_user.member.pk, resource="id_card", action="view").count()
        >= 4
    )


def test_member_without_card_gets_404_in_one_error_shape(member_user):
    r = client_for_user(member_user).get("/api/v1/me/card.pdf")
    assert r.status_code == 404
    assert r.json()["code"] == "cards.not_issued"


def test_lost_card_replacement_is_rate_limited(member_user, issued, django_capture_on_commit_callbacks):
    cache.clear()
    c = client_for_user(member_user)
    codes = []
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            codes.append(c.post("/api/v1/me/card/replacement").status_code)
    assert codes == [202, 202, 202, 429]
    assert Document.objects.filter(member=member_user.member, kind="id_card").count() == 1
    assert MailPiece.objects.filter(member=member_user.member, reason="replacement_member").count() == 3


def test_rep_sees_history_and_reissues_for_own_members_only(
    rep_user, other_rep_user, member, issued, django_capture_on_commit_callbacks
):
    rep = client_for_user(rep_user)
    with django_capture_on_commit_callbacks(execute=True):
        r = rep.post(f"/api/v1/members/{member.pk}/cards/reissue", {}, format="json")
    assert r.status_code == 202
    r = rep.get(f"/api/v1/members/{member.pk}/cards")
    assert r.status_code == 200
    history = r.json()
    assert len(history) == 1
    assert history[0]["version"] == 1
    assert {m["reason"] for m in history[0]["mailings"]} == {"new_enrollment", "replacement_rep"}
    assert next(q["reason"] for q in history[0]["requests"]) == "replacement_rep"
    file = rep.get(f"/api/v1/members/{member.pk}/cards/{history[0]['document_id']}/file")
    assert file.content.startswith(b"%PDF")
    other = client_for_user(other_rep_user)
    assert other.get(f"/api/v1/members/{member.pk}/cards").status_code == 404
    assert other.post(f"/api/v1/members/{member.pk}/cards/reissue", {}, format="json").status_code == 404


def test_member_cannot_use_rep_endpoints(member_user, member, issued):
    c = client_for_user(member_user)
    assert c.get(f"/api/v1/members/{member.pk}/cards").status_code == 403


def test_card_json_has_etag_and_if_none_match_answers_304(member_user, issued):
    c = client_for_user(member_user)
    first = c.get("/api/v1/me/card")
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert first["Cache-Control"] == "private, no-cache"
    assert c.get("/api/v1/me/card")["ETag"] == etag  # stable while the card is unchanged
    views = AuditEvent.objects.filter(member_id=member_user.member.pk, resource="id_card", action="view")
    before = views.count()

    cached = c.get("/api/v1/me/card", HTTP_IF_NONE_MATCH=etag)
    assert cached.status_code == 304
    assert cached.content == b""
    assert cached["ETag"] == etag
    assert views.count() == before + 1  # a revalidation is audited like a read
    assert c.get("/api/v1/me/card", HTTP_IF_NONE_MATCH='"stale"').status_code == 200

    # a changed card (here: a new PCP phone) changes the body, so the old tag no longer matches
    doc = id_card_current(member=member_user.member)
    assert doc is not None
    doc.content = {**doc.content, "pcp_phone": "(916) 555-0199"}
    doc.save(update_fields=["content"])
    changed = c.get("/api/v1/me/card", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag

    # the files stay no-store, without an ETag
    pdf = c.get("/api/v1/me/card.pdf")
    assert pdf.status_code == 200
    assert "ETag" not in pdf
    assert pdf["Cache-Control"] == "private, no-store"
