import io
from datetime import date

import pytest
from django.db import transaction
from pdfminer.high_level import extract_text
from pypdf import PdfReader

from apps.cards.models import CardRequest
from apps.cards.services import MemberNotAligned, id_card_reissue_scan, id_card_request
from apps.documents.models import Document, DocumentStatus, MailPiece, MailPieceStatus
from apps.documents.services import document_preview
from apps.documents.storage import storage_read
from apps.members.models import PcpAssignment
from tests.factories.members import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_card(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """id_card_request, then run the on-commit hooks (the eager render task) as a real commit would."""

    def run(**kwargs):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            return id_card_request(**kwargs)

    return run


def test_card_request_renders_a_two_page_pdf_with_name_and_both_plans_numbers(member, pair, request_card):
    req = request_card(member=member, reason="new_enrollment")
    doc = Document.objects.get(pk=req.document_id)
    assert doc.status == DocumentStatus.READY
    assert doc.page_count == 2
    pdf = storage_read(doc.file_key)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    text = extract_text(io.BytesIO(pdf))
    assert "Rosa" in text
    assert "Martinez" in text
    assert member.member_id in text
    assert pair.medicare_plan.display_key[:9] in text  # H####-### (contract-PBP)
    assert member.medi_cal_cin in text
    assert pair.medicare_plan.rx_bin in text
    assert "022659" in text  # Medi-Cal Rx BIN
    assert "80840" in text
    assert member.mbi not in text
    assert doc.render_path == "fast"
    assert doc.preview_keys == []  # pictures are made on first view, not during a mass render
    back = document_preview(document=doc, page=2)
    assert back.startswith(b"\x89PNG")
    doc.refresh_from_db()
    assert len(doc.preview_keys) == 2
    assert storage_read(doc.preview_keys[1]) == back


def test_same_content_never_makes_two_documents(member, request_card):
    first = request_card(member=member, reason="new_enrollment")
    second = request_card(member=member, reason="pcp_change")
    assert first.document_id == second.document_id
    assert Document.objects.filter(member=member, kind="id_card").count() == 1
    assert second.created_document is False
    assert second.mail_piece is None  # nothing changed: nothing mailed
    assert MailPiece.objects.filter(member=member).count() == 1
    # on another day the issue date differs but the card is the same content: still one document
    third = request_card(member=member, reason="new_enrollment", on=date(2026, 12, 1))
    assert third.document_id == first.document_id


def test_replacement_reuses_the_document_but_mails_again(member, card_vendor, request_card):
    first = request_card(member=member, reason="new_enrollment")
    again = request_card(member=member, reason="replacement_member")
    assert again.document_id == first.document_id
    assert again.mail_piece_id is not None
    assert again.mail_piece_id != first.mail_piece_id
    assert MailPiece.objects.filter(member=member, status=MailPieceStatus.QUEUED).count() == 2


def test_pcp_change_makes_a_new_card_version(member, request_card):
    first = request_card(member=member, reason="new_enrollment")
    pcp = PcpAssignment.objects.get(member=member)
    pcp.end_date = date(2026, 11, 1)
    pcp.save()
    PcpAssignment.objects.create(
        member=member,
        npi="1234567893",
        name="Dr. New Doctor",
        phone="(213) 555-0199",
        medical_group="New Group",
        start_date=date(2026, 11, 2),
    )
    second = request_card(member=member, reason="pcp_change")
    assert second.document_id != first.document_id
    assert "Dr. New Doctor" in Document.objects.get(pk=second.document_id).content["pcp_name"]


def test_reissue_scan_finds_changed_content_once(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert id_card_reissue_scan() == 1
    assert id_card_reissue_scan() == 0
    member.written_language = "es"
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert id_card_reissue_scan() == 1
    newest = Document.objects.filter(member=member, kind="id_card").order_by("-created_at").first()
    assert newest.language == "es"
    assert "emergencia" in newest.content["text"]["emergency"]


def test_large_print_member_gets_a_large_print_card_with_18pt_minimum(member, request_card):
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextContainer

    member.alternate_format = "large_print"
    member.save()
    req = request_card(member=member, reason="new_enrollment")
    doc = Document.objects.get(pk=req.document_id)
    assert doc.format == "large_print"
    sizes = set()
    for page in extract_pages(io.BytesIO(storage_read(doc.file_key))):
        assert page.width > 500  # letter-size page, not CR80
        for el in page:
            if isinstance(el, LTTextContainer):
                for line in el:
                    for ch in getattr(line, "_objs", []):
                        if isinstance(ch, LTChar) and ch.get_text().strip():
                            sizes.add(round(ch.size, 1))
    assert sizes
    assert min(sizes) >= 18.0


def test_member_without_aligned_pair_is_refused():
    lonely = MemberFactory()
    with pytest.raises(MemberNotAligned):
        id_card_request(member=lonely, reason="new_enrollment")
    assert CardRequest.objects.count() == 0


def test_render_is_scheduled_only_on_commit(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        req = id_card_request(member=member, reason="new_enrollment")
    assert Document.objects.get(pk=req.document_id).status == DocumentStatus.PENDING
    assert len(callbacks) == 2  # card + carrier render tasks, nothing ran inside the transaction
    for callback in callbacks:
        callback()
    assert Document.objects.get(pk=req.document_id).status == DocumentStatus.READY
