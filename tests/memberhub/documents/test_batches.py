import csv
import io
import json

import pytest

from memberhub.documents.address import MailingAddress
from memberhub.documents.batches import (
    BatchError,
    PieceInput,
    PiecePart,
    chunk_envelopes,
    group_by_member_and_day,
    layout_batch,
    manifest_csv,
    manifest_json,
    one_piece_per_envelope,
)


def addr(name, zip_code, line1="1 MAIN ST"):
    return MailingAddress.standardized(name=name, line1=line1, city="Fresno", state="CA", zip_code=zip_code)


def card_piece(n, zip_code, name=None, mail_date="2027-01-02"):
    carrier = PiecePart(document_id=f"car-{n}", kind="card_carrier", page_count=1, sha256=f"{n:064x}")
    card = PiecePart(document_id=f"card-{n}", kind="id_card", page_count=2, sha256=f"{n + 1000:064x}")
    return PieceInput(
        member_id=f"M{n}",
        address=addr(name or f"Member {n}", zip_code),
        parts=(carrier, card),
        primary_document_id=card.document_id,
        mail_date=mail_date,
    )


def test_layout_sorts_by_zip_and_numbers_page_ranges():
    pieces = [card_piece(1, "95112"), card_piece(2, "93701"), card_piece(3, "94110")]
    layout = layout_batch(batch_code="B20270102-V1", pieces=pieces)
    assert [r.member_id for r in layout.rows] == ["M2", "M3", "M1"]
    assert [(r.first_page, r.last_page) for r in layout.rows] == [(1, 3), (4, 6), (7, 9)]
    first = layout.rows[0]
    assert first.piece_id == "B20270102-V1-P000001"
    assert first.document_id == "card-2"
    assert first.document_sha256 == f"{1002:064x}"
    assert [(p.kind, p.first_page, p.last_page) for p in first.parts] == [
        ("card_carrier", 1, 1),
        ("id_card", 2, 3),
    ]
    assert layout.piece_count == 3
    assert layout.page_count == 9
    assert layout.document_order() == ["car-2", "card-2", "car-3", "card-3", "car-1", "card-1"]


def test_layout_is_deterministic_for_same_address():
    pieces = [card_piece(5, "93701", name="A"), card_piece(4, "93701", name="A")]
    a = layout_batch(batch_code="B1", pieces=pieces)
    b = layout_batch(batch_code="B1", pieces=list(reversed(pieces)))
    assert a == b


def test_co_mailing_hook_groups_one_members_pieces_into_one_envelope():
    same = card_piece(1, "93701", name="Same Person")
    other_doc = PieceInput(
        member_id="M1",
        address=same.address,
        parts=(PiecePart(document_id="notice-1", kind="notice", page_count=4, sha256="f" * 64),),
        primary_document_id="notice-1",
        mail_date=same.mail_date,
    )
    layout = layout_batch(
        batch_code="B2", pieces=[same, other_doc, card_piece(2, "95112")], grouper=group_by_member_and_day
    )
    envs = [r.envelope_id for r in layout.rows]
    assert envs[0] == envs[1] != envs[2]
    assert layout.page_count == 3 + 4 + 3
    default = layout_batch(batch_code="B2", pieces=[same, other_doc], grouper=one_piece_per_envelope)
    assert default.rows[0].envelope_id != default.rows[1].envelope_id


def test_grouper_that_drops_pieces_is_refused():
    with pytest.raises(BatchError) as err:
        layout_batch(
            batch_code="B3",
            pieces=[card_piece(1, "93701"), card_piece(2, "93702")],
            grouper=lambda p: [(p[0],)],
        )
    assert err.value.code == "documents.grouper_lost_pieces"


def test_piece_validation():
    with pytest.raises(BatchError):
        PieceInput(member_id="M", address=addr("x", "93701"), parts=(), primary_document_id="x")
    part = PiecePart(document_id="d", kind="id_card", page_count=2, sha256="0" * 64)
    with pytest.raises(BatchError):
        PieceInput(member_id="M", address=addr("x", "93701"), parts=(part,), primary_document_id="other")


def test_chunking_bounds_batches_without_splitting_envelopes():
    envs = [(card_piece(i, "93701"),) for i in range(5)] + [(card_piece(9, "93701"), card_piece(10, "93701"))]
    chunks = list(chunk_envelopes(envs, max_pieces=2))
    assert [sum(len(e) for e in c) for c in chunks] == [2, 2, 1, 2]


def test_manifest_csv_and_json_carry_checksums_and_page_ranges():
    layout = layout_batch(batch_code="B4", pieces=[card_piece(1, "95112"), card_piece(2, "93701")])
    batch_sha = "a" * 64
    rows = list(csv.DictReader(io.StringIO(manifest_csv(layout, batch_sha256=batch_sha).decode())))
    assert len(rows) == 2
    assert rows[0]["piece_id"] == "B4-P000001"
    assert rows[0]["member_id"] == "M2"
    assert rows[0]["first_page"] == "1"
    assert rows[0]["last_page"] == "3"
    assert rows[0]["document_sha256"] == f"{1002:064x}"
    assert rows[0]["zip_code"] == "93701"
    assert "mbi" not in rows[0]
    assert {r["batch_pdf_sha256"] for r in rows} == {batch_sha}
    assert {r["batch_piece_count"] for r in rows} == {"2"}
    assert rows[1]["parts"].startswith("card_carrier:car-1:4-4:")
    data = json.loads(
        manifest_json(
            layout=layout,
            batch_id="uuid-1",
            vendor="acme",
            batch_sha256=batch_sha,
            closed_at="2027-01-02T00:00:00Z",
        )
    )
    assert data["batch_pdf_sha256"] == batch_sha
    assert data["piece_count"] == 2
    assert data["page_count"] == 6
    assert data["envelope_count"] == len({p["envelope_id"] for p in data["pieces"]})
    assert data["envelopes_saved"] == 2 - data["envelope_count"]
    assert data["postage_saved_cents"] is None  # no rate given
    assert data["pieces"][1]["parts"][1] == {
        "document_id": "card-1",
        "kind": "id_card",
        "pages": {"first": 5, "last": 6},
        "sha256": f"{1001:064x}",
    }


def test_comail_postage_counts_envelopes_and_postage_saved():
    from memberhub.documents.batches import BatchLayout, comail_postage

    def row(envelope_id):  # type: ignore[no-untyped-def]
        return type("Row", (), {"envelope_id": envelope_id})()

    layout = BatchLayout(batch_code="B1", rows=(row("E1"), row("E1"), row("E1"), row("E2")))  # type: ignore[arg-type]
    assert comail_postage(layout=layout, postage_per_envelope_cents=78) == {
        "envelope_count": 2,
        "envelopes_saved": 2,
        "postage_per_envelope_cents": 78,
        "postage_saved_cents": 156,
    }
