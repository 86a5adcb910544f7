"""Co-mailing for print batches: the envelope grouper the documents pipeline calls.

Set `DOCUMENTS_ENVELOPE_GROUPER = "apps.notices.comailing.notice_envelope_grouper"`: pieces for the same
member, address and mail date (a card, an integrated notice, an imported plan letter) share one envelope
when each piece's kind allows co-mailing and the envelope stays within the sheet limit
(config/notices/rules.yaml `comailing`). The manifest's `envelope_id` then says which pieces share an
envelope; `apps.notices.selectors.print_batch_comail_summary` reports the postage saved per batch.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

from apps.notices.conf import notice_config
from apps.notices.models import Notice, NoticeSource
from memberhub.documents.batches import Envelope, PieceInput
from memberhub.notices.comailing import ID_CARD, MailPiece, comail_plan_build
from memberhub.notices.kinds import NoticeKind


def _comail_flags(pieces: Sequence[PieceInput]) -> dict[str, tuple[str, bool]]:
    """document id -> (piece kind, may share an envelope) for the notice pieces of the batch."""
    config = notice_config()
    ids = []
    for p in pieces:
        try:
            ids.append(uuid.UUID(p.primary_document_id))
        except ValueError:
            continue
    flags: dict[str, tuple[str, bool]] = {}
    rows = Notice.objects.filter(document_id__in=ids).values_list("document_id", "kind", "source")
    for document_id, kind, source in rows:
        if source == NoticeSource.EXTERNAL:
            external = config.external_kinds.get(kind)
            allowed = external.comail if external else False
            piece_kind = "external"
        else:
            try:
                allowed = config.policy(NoticeKind(kind)).comail
            except ValueError:
                allowed = False
            piece_kind = kind
        previous = flags.get(str(document_id))
        # a document shared by two notices may be co-mailed only if both allow it
        flags[str(document_id)] = (piece_kind, allowed and (previous[1] if previous else True))
    return flags


def notice_envelope_grouper(pieces: Sequence[PieceInput]) -> list[Envelope]:
    rules = notice_config().comailing
    flags = _comail_flags(pieces)
    mail_pieces = []
    for index, piece in enumerate(pieces):
        notice_flag = flags.get(piece.primary_document_id)
        if notice_flag is not None:
            kind, comail = notice_flag
        else:  # cards and other documents: a card mailing goes first in the envelope
            kind = ID_CARD if any("card" in part.kind for part in piece.parts) else piece.parts[0].kind
            comail = True
        try:
            mail_date = dt.date.fromisoformat(piece.mail_date) if piece.mail_date else dt.date.min
        except ValueError:
            mail_date = dt.date.min
        mail_pieces.append(
            MailPiece(
                piece_id=str(index),
                member_id=piece.member_id,
                address_key=repr(piece.address),
                mail_date=mail_date,
                kind=kind,
                pages=piece.page_count,
                comail=comail,
                sequence=index,
            )
        )
    plan = comail_plan_build(mail_pieces, rules=rules)
    return [tuple(pieces[int(pid)] for pid in envelope.piece_ids) for envelope in plan.envelopes]
