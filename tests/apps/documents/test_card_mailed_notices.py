import pytest
from django.utils import timezone

from apps.cards.services import id_card_request
from apps.documents.models import MailPiece, PrintBatch, PrintBatchStatus
from apps.documents.services import print_batch_acknowledge, print_batch_close
from apps.notices.models import Notice
from tests.factories.accounts import VendorUserFactory
from tests.factories.members import aligned_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed_batch(pair, card_vendor, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    now = timezone.now()
    members = {
        "electronic": aligned_member(
            pair, first_name="Ana", delivery_preference="electronic", electronic_consent_at=now
        ),
        "both": aligned_member(pair, first_name="Bo", delivery_preference="both", electronic_consent_at=now),
        "mail": aligned_member(pair, first_name="Cy", delivery_preference="mail"),
        "no_consent": aligned_member(pair, first_name="Di", delivery_preference="electronic"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        for m in members.values():
            id_card_request(member=m, reason="new_enrollment")
    with django_capture_on_commit_callbacks(execute=True):
        (batch,) = print_batch_close(vendor=card_vendor)
    batch = PrintBatch.objects.get(pk=batch.pk)
    assert batch.status == PrintBatchStatus.READY, batch.error_message
    return batch, members


def test_acknowledged_batch_issues_card_mailed_when_the_preference_allows(
    mixed_batch, card_vendor, django_capture_on_commit_callbacks
):
    batch, members = mixed_batch
    vendor_user = VendorUserFactory(vendor=card_vendor)
    # when the vendor acknowledges the batch
    with django_capture_on_commit_callbacks(execute=True):
        print_batch_acknowledge(batch=batch, piece_count=batch.piece_count, user=vendor_user)
    # then members who get electronic notices are told their card was mailed (one notice per card document)
    notices = {n.member_id: n for n in Notice.objects.filter(kind="card_mailed")}
    assert set(notices) == {members["electronic"].pk, members["both"].pk}
    for key in ("electronic", "both"):
        notice = notices[members[key].pk]
        piece = MailPiece.objects.get(batch=batch, member=members[key])
        assert notice.context["card_id"] == str(piece.primary_document_id)
        assert notice.context["mailed_on"] == timezone.localdate(piece.printed_at).isoformat()
        assert notice.electronic
    # notice_issue routes: "both" also mails it, "electronic" does not
    assert notices[members["both"].pk].by_mail
    assert not notices[members["electronic"].pk].by_mail
    # and acknowledging again sends nothing twice
    with django_capture_on_commit_callbacks(execute=True):
        print_batch_acknowledge(batch=batch, piece_count=batch.piece_count, user=vendor_user)
    from apps.notices.services import card_mailed_notices_issue

    card_mailed_notices_issue(batch_id=batch.pk)
    assert Notice.objects.filter(kind="card_mailed").count() == 2


def test_a_failing_card_mailed_notice_does_not_undo_the_acknowledgement(
    mixed_batch, card_vendor, django_capture_on_commit_callbacks, monkeypatch
):
    import apps.notices.services as notice_services

    batch, _ = mixed_batch

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("notices are down")

    monkeypatch.setattr(notice_services, "notice_issue", broken)
    with django_capture_on_commit_callbacks(execute=True):
        print_batch_acknowledge(
            batch=batch, piece_count=batch.piece_count, user=VendorUserFactory(vendor=card_vendor)
        )
    batch.refresh_from_db()
    assert batch.status == PrintBatchStatus.ACKNOWLEDGED
    assert not Notice.objects.filter(kind="card_mailed").exists()
