"""Co-mailing: put the pieces for one member, one address and one mail date into one envelope.

Used by the print-batch builder. A piece can share an envelope when its kind allows co-mailing and
the envelope stays within the configured sheet limit; a card carrier goes first, then letters in
the order they were issued. The result is deterministic for the same input.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from memberhub.notices.config import ComailingRules

ID_CARD = "id_card"


@dataclass(frozen=True)
class MailPiece:
    piece_id: str
    member_id: str
    address_key: str  # normalized mailing address (e.g. a hash of the standardized lines)
    mail_date: date
    kind: str  # a notice kind, "id_card" or "external"
    pages: int
    comail: bool = True  # the kind's rule allows sharing an envelope
    sequence: int = 0  # issue order within the day (lower first)


@dataclass(frozen=True)
class Envelope:
    number: int  # 1-based, in mailing order
    piece_ids: tuple[str, ...]
    sheets: int


@dataclass(frozen=True)
class ComailPlan:
    envelopes: tuple[Envelope, ...]
    piece_count: int
    postage_per_envelope_cents: int

    @property
    def envelope_count(self) -> int:
        return len(self.envelopes)

    @property
    def envelopes_saved(self) -> int:
        return self.piece_count - self.envelope_count

    @property
    def postage_saved_cents(self) -> int:
        return self.envelopes_saved * self.postage_per_envelope_cents

    def envelope_of(self) -> dict[str, int]:
        return {pid: env.number for env in self.envelopes for pid in env.piece_ids}


def piece_sheets(pages: int, *, duplex: bool) -> int:
    return max(1, math.ceil(pages / 2) if duplex else pages)


def _piece_order(piece: MailPiece) -> tuple[int, int, str]:
    return (0 if piece.kind == ID_CARD else 1, piece.sequence, piece.piece_id)


def comail_plan_build(pieces: Iterable[MailPiece], *, rules: ComailingRules) -> ComailPlan:
    items: Sequence[MailPiece] = sorted(
        pieces, key=lambda p: (p.mail_date, p.member_id, p.address_key, *_piece_order(p))
    )
    envelopes: list[Envelope] = []

    def close(ids: list[str], sheets: int) -> None:
        envelopes.append(Envelope(number=len(envelopes) + 1, piece_ids=tuple(ids), sheets=sheets))

    for _, group_iter in groupby(items, key=lambda p: (p.mail_date, p.member_id, p.address_key)):
        current: list[str] = []
        current_sheets = 0
        alone: list[MailPiece] = []
        for piece in group_iter:
            sheets = piece_sheets(piece.pages, duplex=rules.duplex)
            if (
                not piece.comail
                or piece.kind in rules.standalone_kinds
                or sheets >= rules.max_sheets_per_envelope
            ):
                alone.append(piece)
                continue
            if current and current_sheets + sheets > rules.max_sheets_per_envelope:
                close(current, current_sheets)
                current, current_sheets = [], 0
            current.append(piece.piece_id)
            current_sheets += sheets
        if current:
            close(current, current_sheets)
        for piece in alone:
            close([piece.piece_id], piece_sheets(piece.pages, duplex=rules.duplex))
    return ComailPlan(
        envelopes=tuple(envelopes),
        piece_count=len(items),
        postage_per_envelope_cents=rules.postage_per_envelope_cents,
    )
