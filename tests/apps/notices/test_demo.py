import io

import pytest
from django.utils import timezone

from apps.cards.models import CardRequestReason
from apps.cards.services import id_card_request
from apps.documents.models import MailPiece
from apps.notices.demo import load_demo
from apps.notices.models import Notice
from tests.factories.members import aligned_member


@pytest.mark.django_db
def test_demo_issues_welcome_letters_for_members_with_cards_once(member, pair, notice_vendor):
    without_card = aligned_member(pair)
    id_card_request(member=member, reason=CardRequestReason.NEW_ENROLLMENT)
    out = io.StringIO()
    load_demo(stdout=out)
    load_demo(stdout=out)
    (notice,) = Notice.objects.filter(kind="welcome")
    assert notice.member == member
    assert notice.issued_on == timezone.localdate()
    assert not Notice.objects.filter(member=without_card).exists()
    # the welcome letter mails the same day as the card: both pieces can share an envelope
    assert set(MailPiece.objects.filter(member=member).values_list("mail_date", flat=True)) == {
        notice.issued_on
    }
    assert "1 welcome letters issued" in out.getvalue()
    assert "1 already there" in out.getvalue()
