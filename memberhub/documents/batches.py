"""Print batches for mailing vendors: mailing order, envelope grouping and the manifest.

A *piece* is what one member receives for one mailing reason: one or more documents printed one
after another (a card mailing is the carrier letter followed by the card). An *envelope* holds one or
more pieces for the same address; the default grouper puts each piece in its own envelope, and
co-mailing (several pieces per member per day in one envelope) plugs in a different `EnvelopeGrouper`.

Envelopes are sorted into mailing order (ZIP presort, then street, then name), numbered, and laid out
page by page: the manifest row of every piece carries its page range in the batch PDF and the SHA-256
of each document, and the manifest carries the batch PDF's SHA-256 and the piece count.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from memberhub.documents.address import MailingAddress
from memberhub.errors import DomainError


class BatchError(DomainError):
    code = "documents.batch_invalid"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


@dataclass(frozen=True)
class PiecePart:
    document_id: str
    kind: str
    page_count: int
    sha256: str


@dataclass(frozen=True)
class PieceInput:
    member_id: str  # the unified member id, never the MBI
    address: MailingAddress
    parts: tuple[PiecePart, ...]  # in print order
    primary_document_id: str  # the document the piece is "about" (the card, the notice)
    mail_date: str = ""  # ISO date the piece is due to mail (co-mailing groups by it)

    def __post_init__(self) -> None:
        if not self.parts:
            raise BatchError("documents.empty_piece", "a piece needs at least one document")
        if self.primary_document_id not in {p.document_id for p in self.parts}:
            raise BatchError("documents.bad_primary", "primary document must be one of the parts")
        for p in self.parts:
            if p.page_count < 1:
                raise BatchError("documents.no_pages", f"document {p.document_id} has no pages")

    @property
    def page_count(self) -> int:
        return sum(p.page_count for p in self.parts)


Envelope = tuple[PieceInput, ...]
EnvelopeGrouper = Callable[[Sequence[PieceInput]], list[Envelope]]


def one_piece_per_envelope(pieces: Sequence[PieceInput]) -> list[Envelope]:
    """Default grouping: every piece travels alone."""
    return [(p,) for p in pieces]


def group_by_member_and_day(pieces: Sequence[PieceInput]) -> list[Envelope]:
    """Co-mailing grouper: all pieces of one member, same address and same mail date share an
    envelope (pieces keep their input order inside the envelope)."""
    groups: dict[tuple[str, MailingAddress, str], list[PieceInput]] = {}
    for p in pieces:
        groups.setdefault((p.member_id, p.address, p.mail_date), []).append(p)
    return [tuple(g) for g in groups.values()]


def mailing_sort_key(envelope: Envelope) -> tuple[str, str, str, str, str]:
    first = envelope[0]
    a = first.address
    return (a.zip5, a.zip_code, a.line1, a.name, first.primary_document_id)


def mailing_order(envelopes: Sequence[Envelope]) -> list[Envelope]:
    """ZIP presort order; deterministic for equal addresses (document id breaks ties)."""
    for env in envelopes:
        if not env:
            raise BatchError("documents.empty_envelope", "an envelope needs at least one piece")
        addresses = {p.address for p in env}
        if len(addresses) != 1:
            raise BatchError("documents.mixed_envelope", "all pieces in one envelope must share the address")
    return sorted(envelopes, key=mailing_sort_key)


def chunk_envelopes(envelopes: Sequence[Envelope], *, max_pieces: int) -> Iterator[list[Envelope]]:
    """Bound batch size (memory, vendor file size): never split an envelope across batches."""
    if max_pieces < 1:
        raise ValueError("max_pieces must be >= 1")
    current: list[Envelope] = []
    count = 0
    for env in envelopes:
        if current and count + len(env) > max_pieces:
            yield current
            current, count = [], 0
        current.append(env)
        count += len(env)
    if current:
        yield current


@dataclass(frozen=True)
class PartRange:
    document_id: str
    kind: str
    first_page: int
    last_page: int
    sha256: str


@dataclass(frozen=True)
class ManifestRow:
    sequence: int
    piece_id: str
    envelope_id: str
    document_id: str
    document_sha256: str
    member_id: str
    mailing_name: str
    address_line1: str
    address_line2: str
    city: str
    state: str
    zip_code: str
    first_page: int
    last_page: int
    parts: tuple[PartRange, ...]

    @property
    def page_count(self) -> int:
        return self.last_page - self.first_page + 1


@dataclass(frozen=True)
class BatchLayout:
    batch_code: str
    rows: tuple[ManifestRow, ...]

    @property
    def piece_count(self) -> int:
        return len(self.rows)

    @property
    def page_count(self) -> int:
        return self.rows[-1].last_page if self.rows else 0

    @property
    def envelope_count(self) -> int:
        return len({row.envelope_id for row in self.rows})

    def document_order(self) -> list[str]:
        """Document ids in the order their pages go into the batch PDF."""
        return [part.document_id for row in self.rows for part in row.parts]


def layout_batch(
    *,
    batch_code: str,
    pieces: Sequence[PieceInput],
    grouper: EnvelopeGrouper = one_piece_per_envelope,
) -> BatchLayout:
    """Group, sort and number the pieces; compute every page range."""
    if not batch_code or not batch_code.replace("-", "").isalnum():
        raise BatchError("documents.bad_batch_code", "batch code must be alphanumeric (dashes allowed)")
    grouped = grouper(pieces)
    if sum(len(e) for e in grouped) != len(pieces):
        raise BatchError(
            "documents.grouper_lost_pieces", "the envelope grouper must keep every piece exactly once"
        )
    rows: list[ManifestRow] = []
    page = 1
    seq = 0
    for env_no, env in enumerate(mailing_order(grouped), start=1):
        envelope_id = f"{batch_code}-E{env_no:06d}"
        for piece in env:
            seq += 1
            first = page
            parts: list[PartRange] = []
            for part in piece.parts:
                parts.append(
                    PartRange(
                        document_id=part.document_id,
                        kind=part.kind,
                        first_page=page,
                        last_page=page + part.page_count - 1,
                        sha256=part.sha256,
                    )
                )
                page += part.page_count
            primary = next(p for p in piece.parts if p.document_id == piece.primary_document_id)
            a = piece.address
            rows.append(
                ManifestRow(
                    sequence=seq,
                    piece_id=f"{batch_code}-P{seq:06d}",
                    envelope_id=envelope_id,
                    document_id=primary.document_id,
                    document_sha256=primary.sha256,
                    member_id=piece.member_id,
                    mailing_name=a.name,
                    address_line1=a.line1,
                    address_line2=a.line2,
                    city=a.city,
                    state=a.state,
                    zip_code=a.zip_code,
                    first_page=first,
                    last_page=page - 1,
                    parts=tuple(parts),
                )
            )
    return BatchLayout(batch_code=batch_code, rows=tuple(rows))


CSV_COLUMNS = (
    "sequence",
    "piece_id",
    "envelope_id",
    "document_id",
    "document_sha256",
    "member_id",
    "mailing_name",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "zip_code",
    "first_page",
    "last_page",
    "page_count",
    "parts",
    "batch_code",
    "batch_pdf_sha256",
    "batch_piece_count",
)


def _parts_cell(row: ManifestRow) -> str:
    return ";".join(f"{p.kind}:{p.document_id}:{p.first_page}-{p.last_page}:{p.sha256}" for p in row.parts)


def manifest_csv(layout: BatchLayout, *, batch_sha256: str) -> bytes:
    """One row per piece; every row also carries the batch code, the batch PDF's SHA-256 and the piece count
    (no trailer line: vendors' CSV readers choke on those)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for r in layout.rows:
        w.writerow(
            [
                r.sequence,
                r.piece_id,
                r.envelope_id,
                r.document_id,
                r.document_sha256,
                r.member_id,
                r.mailing_name,
                r.address_line1,
                r.address_line2,
                r.city,
                r.state,
                r.zip_code,
                r.first_page,
                r.last_page,
                r.page_count,
                _parts_cell(r),
                layout.batch_code,
                batch_sha256,
                layout.piece_count,
            ]
        )
    return buf.getvalue().encode("utf-8")


def comail_postage(*, layout: BatchLayout, postage_per_envelope_cents: int | None) -> dict[str, int | None]:
    """Envelopes of a laid-out batch and the postage co-mailing saved (one envelope per shared piece).
    ``postage_saved_cents`` is None when no postage rate is configured."""
    saved = layout.piece_count - layout.envelope_count
    return {
        "envelope_count": layout.envelope_count,
        "envelopes_saved": saved,
        "postage_per_envelope_cents": postage_per_envelope_cents,
        "postage_saved_cents": None
        if postage_per_envelope_cents is None
        else saved * postage_per_envelope_cents,
    }


def manifest_json(
    *,
    layout: BatchLayout,
    batch_id: str,
    vendor: str,
    batch_sha256: str,
    closed_at: str,
    postage_per_envelope_cents: int | None = None,
) -> bytes:
    doc = {
        "batch_id": batch_id,
        "batch_code": layout.batch_code,
        "vendor": vendor,
        "closed_at": closed_at,
        "piece_count": layout.piece_count,
        "page_count": layout.page_count,
        **comail_postage(layout=layout, postage_per_envelope_cents=postage_per_envelope_cents),
        "batch_pdf_sha256": batch_sha256,
        "pieces": [
            {
                "sequence": r.sequence,
                "piece_id": r.piece_id,
                "envelope_id": r.envelope_id,
                "document_id": r.document_id,
                "document_sha256": r.document_sha256,
                "member_id": r.member_id,
                "mailing_name": r.mailing_name,
                "address": {
                    "line1": r.address_line1,
                    "line2": r.address_line2,
                    "city": r.city,
                    "state": r.state,
                    "zip_code": r.zip_code,
                },
                "pages": {"first": r.first_page, "last": r.last_page},
                "parts": [
                    {
                        "document_id": p.document_id,
                        "kind": p.kind,
                        "pages": {"first": p.first_page, "last": p.last_page},
                        "sha256": p.sha256,
                    }
                    for p in r.parts
                ],
            }
            for r in layout.rows
        ],
    }
    return json.dumps(doc, indent=1, ensure_ascii=False, sort_keys=False).encode("utf-8")
