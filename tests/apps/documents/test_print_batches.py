import csv
import hashlib
import io
import json

import pytest
from pypdf import PdfReader
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from apps.cards.services import id_card_request
from apps.documents.models import MailPiece, MailPieceStatus, PrintBatch, PrintBatchStatus
from apps.documents.services import print_batch_close
from apps.documents.storage import storage_read
from apps.members.models import Member
from tests.factories.accounts import MailingVendorFactory, VendorUserFactory
from tests.factories.members import aligned_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_batch(pair, card_vendor, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    members = [
        aligned_member(pair, first_name="Ana", last_name="Zed", zip_code="95112"),
        aligned_member(pair, first_name="Bo", last_name="Young", zip_code="90012"),
        aligned_member(pair, first_name="Cy", last_name="Xu", zip_code="93701"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for m in members:
            id_card_request(member=m, reason="new_enrollment")
    with django_capture_on_commit_callbacks(execute=True):
        batches = print_batch_close(vendor=card_vendor)
    assert len(batches) == 1
    batch = PrintBatch.objects.get(pk=batches[0].pk)
    assert batch.status == PrintBatchStatus.READY, batch.error_message
    return batch


def vendor_client(user):  # type: ignore[no-untyped-def]
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_batch_pdf_and_manifest_checksums_and_page_ranges(closed_batch):
    pdf = storage_read(closed_batch.file_key)
    assert hashlib.sha256(pdf).hexdigest() == closed_batch.sha256
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == closed_batch.page_count == 9  # 3 x (carrier 1 + card 2)
    manifest = json.loads(storage_read(closed_batch.manifest_json_key))
    assert manifest["batch_pdf_sha256"] == closed_batch.sha256
    assert manifest["piece_count"] == 3
    assert [p["address"]["zip_code"] for p in manifest["pieces"]] == [
        "90012",
        "93701",
        "95112",
    ]  # ZIP presort
    for piece in manifest["pieces"]:
        for part in piece["parts"]:
            first, last = part["pages"]["first"], part["pages"]["last"]
            # the pages at that range are exactly the stored document
            from pypdf import PdfWriter

            w = PdfWriter()
            for i in range(first - 1, last):
                w.add_page(reader.pages[i])
            from apps.documents.models import Document

            doc = Document.objects.get(pk=part["document_id"])
            assert doc.sha256 == part["sha256"]
            assert last - first + 1 == doc.page_count
        card_page_text = reader.pages[piece["pages"]["last"] - 2].extract_text()
        assert piece["member_id"] in card_page_text
    rows = list(csv.DictReader(io.StringIO(storage_read(closed_batch.manifest_csv_key).decode())))
    assert [r["piece_id"] for r in rows] == [p["piece_id"] for p in manifest["pieces"]]
    assert "mbi" not in rows[0]
    pieces = MailPiece.objects.filter(batch=closed_batch).order_by("sequence")
    assert [p.piece_code for p in pieces] == [r["piece_id"] for r in rows]


def test_closing_again_takes_nothing_twice(closed_batch, card_vendor):
    assert print_batch_close(vendor=card_vendor) == []
    assert MailPiece.objects.filter(batch__isnull=True, status=MailPieceStatus.QUEUED).count() == 0


def test_vendor_api_list_detail_manifest_file_and_range(closed_batch, card_vendor):
    client = vendor_client(VendorUserFactory(vendor=card_vendor))
    r = client.get("/api/v1/print-batches?status=ready")
    assert r.status_code == 200
    assert [b["id"] for b in r.json()["results"]] == [str(closed_batch.pk)]
    r = client.get(f"/api/v1/print-batches/{closed_batch.pk}")
    assert r.json()["sha256"] == closed_batch.sha256
    assert r.json()["piece_count"] == 3
    r = client.get(f"/api/v1/print-batches/{closed_batch.pk}/manifest")
    assert r.status_code == 200
    assert r.json()["batch_pdf_sha256"] == closed_batch.sha256
    r = client.get(f"/api/v1/print-batches/{closed_batch.pk}/manifest?as=csv")
    assert r["Content-Type"] == "text/csv"
    assert r.content.decode().startswith("sequence,piece_id")
    full = b"".join(client.get(f"/api/v1/print-batches/{closed_batch.pk}/file").streaming_content)
    assert hashlib.sha256(full).hexdigest() == closed_batch.sha256
    again = b"".join(client.get(f"/api/v1/print-batches/{closed_batch.pk}/file").streaming_content)
    assert again == full  # pulling again before acknowledging: identical bytes
    r = client.get(f"/api/v1/print-batches/{closed_batch.pk}/file", HTTP_RANGE="bytes=100-")
    assert r.status_code == 206
    assert r["Content-Range"] == f"bytes 100-{len(full) - 1}/{len(full)}"
    assert b"".join(r.streaming_content) == full[100:]
    r = client.get(f"/api/v1/print-batches/{closed_batch.pk}/file", HTTP_RANGE=f"bytes={len(full) + 5}-")
    assert r.status_code == 416


def test_another_vendors_batch_answers_404_and_others_are_refused(closed_batch, member_user, rep_user):
    other = vendor_client(VendorUserFactory(vendor=MailingVendorFactory()))
    assert other.get("/api/v1/print-batches").json()["results"] == []
    for suffix in ("", "/manifest", "/file"):
        assert other.get(f"/api/v1/print-batches/{closed_batch.pk}{suffix}").status_code == 404
    assert (
        other.post(f"/api/v1/print-batches/{closed_batch.pk}/acknowledge", {"piece_count": 3}).status_code
        == 404
    )
    for user in (member_user, rep_user):
        c = APIClient()
        c.force_authenticate(user)
        assert c.get("/api/v1/print-batches").status_code == 403
    assert APIClient().get("/api/v1/print-batches").status_code in (401, 403)


def test_acknowledge_mismatch_is_refused_and_flagged_then_correct_count_accepted(closed_batch, card_vendor):
    client = vendor_client(VendorUserFactory(vendor=card_vendor))
    r = client.post(f"/api/v1/print-batches/{closed_batch.pk}/acknowledge", {"piece_count": 2}, format="json")
    assert r.status_code == 409
    assert r.json()["code"] == "documents.batch_count_mismatch"
    closed_batch.refresh_from_db()
    assert closed_batch.status == PrintBatchStatus.FLAGGED
    r = client.post(f"/api/v1/print-batches/{closed_batch.pk}/acknowledge", {"piece_count": 3}, format="json")
    assert r.status_code == 200
    assert r.json()["status"] == "acknowledged"
    assert MailPiece.objects.filter(batch=closed_batch, status=MailPieceStatus.ACKNOWLEDGED).count() == 3
    assert all(p.printed_at for p in MailPiece.objects.filter(batch=closed_batch))


def test_returned_mail_flags_the_member_for_an_address_check(closed_batch, card_vendor):
    client = vendor_client(VendorUserFactory(vendor=card_vendor))
    piece = MailPiece.objects.filter(batch=closed_batch).order_by("sequence").first()
    r = client.post(
        f"/api/v1/print-batches/{closed_batch.pk}/returned-mail", {"piece_ids": ["NOPE"]}, format="json"
    )
    assert r.status_code == 400
    assert Member.objects.filter(needs_address_check=True).count() == 0
    r = client.post(
        f"/api/v1/print-batches/{closed_batch.pk}/returned-mail",
        {"piece_ids": [piece.piece_code]},
        format="json",
    )
    assert r.status_code == 200
    assert r.json() == {"returned": 1}
    piece.refresh_from_db()
    assert piece.status == MailPieceStatus.RETURNED
    assert Member.objects.get(pk=piece.member_id).needs_address_check is True


def test_batches_are_bounded_by_vendor_size(pair, card_vendor, django_capture_on_commit_callbacks):
    card_vendor.max_pieces_per_batch = 2
    card_vendor.save()
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            id_card_request(member=aligned_member(pair, first_name=f"N{i}"), reason="new_enrollment")
    with django_capture_on_commit_callbacks(execute=True):
        batches = print_batch_close(vendor=card_vendor)
    assert [b.piece_count for b in batches] == [2, 1]
    assert len({b.code for b in batches}) == 2


def test_close_batches_command_closes_on_demand(pair, card_vendor, django_capture_on_commit_callbacks):
    from io import StringIO

    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        id_card_request(member=aligned_member(pair), reason="new_enrollment")
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("documents_close_batches", "--vendor", card_vendor.code, stdout=out)
    assert f"{card_vendor.code}: ACME-PRINT-" in out.getvalue()
    assert PrintBatch.objects.get(vendor=card_vendor).status == PrintBatchStatus.READY


def test_manifest_and_detail_show_envelopes_and_postage_saved_by_comailing(
    pair, django_capture_on_commit_callbacks
):
    from apps.notices.conf import notice_config
    from apps.notices.selectors import print_batch_comail_summary
    from apps.notices.services import notice_issue

    # given a vendor printing cards and notices, and a member with a card and a letter the same day
    vendor = MailingVendorFactory(code="both-print", kinds=["id_card", "notice"])
    vendor.pairs.add(pair)
    shared = aligned_member(pair, first_name="Ana", zip_code="90012", delivery_preference="mail")
    alone = aligned_member(pair, first_name="Bo", zip_code="93701", delivery_preference="mail")
    with django_capture_on_commit_callbacks(execute=True):
        for m in (shared, alone):
            id_card_request(member=m, reason="new_enrollment")
        notice_issue(
            kind="welcome",
            member=shared,
            context={"enrollment_id": str(shared.enrollments.first().pk), "effective_on": "2026-01-01"},
        )
    # when the batch is closed and built
    with django_capture_on_commit_callbacks(execute=True):
        (batch,) = print_batch_close(vendor=vendor)
    batch = PrintBatch.objects.get(pk=batch.pk)
    assert batch.status == PrintBatchStatus.READY, batch.error_message
    rate = notice_config().comailing.postage_per_envelope_cents
    # then the manifest says 3 pieces travel in 2 envelopes and what that saved
    manifest = json.loads(storage_read(batch.manifest_json_key))
    assert manifest["piece_count"] == 3
    assert manifest["envelope_count"] == 2 == len({p["envelope_id"] for p in manifest["pieces"]})
    assert manifest["envelopes_saved"] == 1
    assert manifest["postage_per_envelope_cents"] == rate
    assert manifest["postage_saved_cents"] == rate
    # and the vendor's batch detail shows the same figures as the co-mailing summary
    summary = print_batch_comail_summary(batch=batch)
    r = vendor_client(VendorUserFactory(vendor=vendor)).get(f"/api/v1/print-batches/{batch.pk}")
    assert r.status_code == 200
    assert r.json()["envelope_count"] == summary.envelope_count == 2
    assert r.json()["postage_saved_cents"] == summary.postage_saved_cents == rate
