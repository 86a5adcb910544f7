import pytest
from django.test import Client

from apps.cards.services import id_card_request
from apps.documents.models import MailPiece

pytestmark = pytest.mark.django_db


def console_client(user):  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_card_panel_shows_picture_and_htmx_reissue_updates_history(
    rep_user, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        id_card_request(member=member, reason="new_enrollment")
    c = console_client(rep_user)
    page = c.get(f"/console/members/{member.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="panel-cards"' in html
    assert "data-panel-error" not in html
    assert "Front of the current ID card" in html
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(f"/console/members/{member.pk}/cards/reissue/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert "replacement_rep" in r.content.decode()
    assert MailPiece.objects.filter(member=member, reason="replacement_rep").count() == 1
    doc_id = member.documents.get(kind="id_card").pk
    img = c.get(f"/console/members/{member.pk}/cards/{doc_id}/front.png")
    assert img["Content-Type"] == "image/png"
    assert c.get(f"/console/members/{member.pk}/cards/{doc_id}/card.pdf").content.startswith(b"%PDF")


def test_other_reps_member_is_404(other_rep_user, member):
    c = console_client(other_rep_user)
    assert c.post(f"/console/members/{member.pk}/cards/reissue/").status_code == 404
