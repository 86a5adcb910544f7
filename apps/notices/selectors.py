"""Reads for notices: a member's single history (memberhub's own + imported), the late-risk report,
co-mailing savings per print batch. Every selector takes the member or the caller and scopes by it."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.documents.models import DocumentStatus, MailPiece, PrintBatch
from apps.members.models import Member
from apps.members.selectors import member_queryset_for_user
from apps.notices.conf import notice_config
from apps.notices.models import (
    DeliveryChannelChoices,
    Notice,
    NoticeDelivery,
    NoticeKindChoices,
    NoticeSource,
)
from memberhub.notices.kinds import NoticeKind
from memberhub.notices.rules import LateRisk, notice_late_risk


def _base_queryset() -> QuerySet[Notice]:
    return Notice.objects.select_related(
        "document", "plan", "pair", "pair__medicare_plan", "member"
    ).prefetch_related(
        Prefetch(
            "deliveries",
            queryset=NoticeDelivery.objects.select_related(
                "mail_piece", "mail_piece__vendor", "mail_piece__batch", "requested_by"
            ).order_by("created_at"),
        )
    )


def notice_list_for_member(*, member: Member) -> QuerySet[Notice]:
    """The member's single notice history: memberhub's notices and the plans' imported letters."""
    return _base_queryset().filter(member=member).order_by("-issued_on", "-created_at")


def notice_get_for_member(*, member: Member, notice_id: uuid.UUID | str) -> Notice:
    """One of the member's notices; another member's (or no) notice answers 404."""
    try:
        return _base_queryset().get(member=member, pk=notice_id)
    except (Notice.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such notice.") from exc


def notice_kind_label(notice: Notice, language: str = "en") -> str:
    if notice.source == NoticeSource.EXTERNAL:
        external = notice_config().external_kinds.get(notice.kind)
        return external.label(language) if external else notice.kind
    try:
        return str(NoticeKindChoices(notice.kind).label)
    except ValueError:
        return notice.kind


def notice_issuer_label(notice: Notice) -> str:
    """ "Which plan issued it": the plan for imported letters, the aligned pair for memberhub's own."""
    if notice.source == NoticeSource.EXTERNAL and notice.plan is not None:
        return notice.plan.name
    if notice.pair is not None:
        return f"{notice.pair.name} (integrated)"
    return "memberhub"


def notice_is_ready(notice: Notice) -> bool:
    return notice.document is not None and notice.document.status == DocumentStatus.READY


@dataclass(frozen=True)
class DeliveryRow:
    channel: str
    reason: str
    requested_at: dt.datetime
    requested_by: str
    status: str  # queued | batched | acknowledged (printed) | returned | no_vendor | posted | pending
    vendor: str = ""
    batch: str = ""
    envelope: str = ""
    printed_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None


@dataclass(frozen=True)
class HistoryRow:
    notice: Notice
    what: str
    issuer: str
    source: str
    issued_on: dt.date
    due_on: dt.date | None
    language: str
    format: str
    channels: tuple[str, ...]
    document_status: str
    deliveries: tuple[DeliveryRow, ...] = field(default_factory=tuple)

    @property
    def printed_by(self) -> str:
        return ", ".join(sorted({d.vendor for d in self.deliveries if d.vendor and d.printed_at}))

    @property
    def returned(self) -> bool:
        return any(d.returned_at for d in self.deliveries)


def _delivery_row(delivery: NoticeDelivery, notice: Notice) -> DeliveryRow:
    piece: MailPiece | None = delivery.mail_piece
    requested_by = delivery.requested_by.get_username() if delivery.requested_by else "system"
    if delivery.channel == DeliveryChannelChoices.ELECTRONIC:
        status = "posted" if notice_is_ready(notice) else "pending"
        return DeliveryRow(
            channel=delivery.channel,
            reason=delivery.reason,
            requested_at=delivery.created_at,
            requested_by=requested_by,
            status=status,
        )
    return DeliveryRow(
        channel=delivery.channel,
        reason=delivery.reason,
        requested_at=delivery.created_at,
        requested_by=requested_by,
        status=piece.status if piece else "pending",
        vendor=piece.vendor.name if piece and piece.vendor else "",
        batch=piece.batch.code if piece and piece.batch else "",
        envelope=piece.envelope_code if piece else "",
        printed_at=piece.printed_at if piece else None,
        returned_at=piece.returned_at if piece else None,
    )


def notice_history_for_member(*, member: Member, limit: int | None = None) -> list[HistoryRow]:
    rows = []
    notices = notice_list_for_member(member=member)
    if limit is not None:
        notices = notices[:limit]
    for notice in notices:
        channels = tuple(c for c, on in (("mail", notice.by_mail), ("electronic", notice.electronic)) if on)
        rows.append(
            HistoryRow(
                notice=notice,
                what=notice.title or notice_kind_label(notice),
                issuer=notice_issuer_label(notice),
                source=notice.source,
                issued_on=notice.issued_on,
                due_on=notice.due_on,
                language=notice.language,
                format=notice.format,
                channels=channels,
                document_status=notice.document.status if notice.document else "none",
                deliveries=tuple(_delivery_row(d, notice) for d in notice.deliveries.all()),
            )
        )
    return rows


# ------------------------------------------------------------------------------------------ late risk


def notice_sent_on(notice: Notice) -> dt.date | None:
    """When the notice first went out: the first initial mail piece printed (vendor acknowledged the
    batch) or, for electronic-only notices, the moment the PDF was ready in the app."""
    dates: list[dt.date] = []
    for delivery in notice.deliveries.all():
        if delivery.reason != "initial":
            continue
        piece = delivery.mail_piece
        if delivery.channel == DeliveryChannelChoices.MAIL and piece is not None:
            when = piece.printed_at or (piece.batch.ready_at if piece.batch else None)
            if when:
                dates.append(timezone.localdate(when))
    if not notice.by_mail and notice_is_ready(notice) and notice.document and notice.document.rendered_at:
        dates.append(timezone.localdate(notice.document.rendered_at))
    return min(dates) if dates else None


@dataclass(frozen=True)
class LateRiskRow:
    notice: Notice
    member: Member
    what: str
    due_on: dt.date
    sent_on: dt.date | None
    risk: LateRisk
    days_left: int


def notice_late_risk_report(
    *, user: Any, today: dt.date | None = None, lookback_days: int = 30
) -> list[LateRiskRow]:
    """Notices with a regulatory due date that are at risk of being late or already late, for the
    members the caller may see; most urgent first."""
    today = today or timezone.localdate()
    config = notice_config()
    horizon = max(p.late_risk_days for p in config.kinds.values())
    candidates = (
        _base_queryset()
        .filter(member__in=member_queryset_for_user(user=user), source=NoticeSource.MEMBERHUB)
        .filter(
            due_on__gte=today - dt.timedelta(days=lookback_days),
            due_on__lte=today + dt.timedelta(days=horizon),
        )
    )
    rows = []
    for notice in candidates:
        assert notice.due_on is not None
        try:
            risk_days = config.policy(NoticeKind(notice.kind)).late_risk_days
        except ValueError:
            risk_days = 3
        sent_on = notice_sent_on(notice)
        risk = notice_late_risk(due_on=notice.due_on, sent_on=sent_on, today=today, risk_days=risk_days)
        if risk == LateRisk.ON_TIME:
            continue
        rows.append(
            LateRiskRow(
                notice=notice,
                member=notice.member,
                what=notice.title or notice_kind_label(notice),
                due_on=notice.due_on,
                sent_on=sent_on,
                risk=risk,
                days_left=(notice.due_on - today).days,
            )
        )
    rows.sort(key=lambda r: (r.risk != LateRisk.LATE, r.due_on, str(r.notice.pk)))
    return rows


# ------------------------------------------------------------------------------------------ co-mailing


@dataclass(frozen=True)
class ComailSummary:
    batch_code: str
    piece_count: int
    envelope_count: int
    shared_envelopes: int
    envelopes_saved: int
    postage_saved_cents: int


def print_batch_comail_summary(*, batch: PrintBatch) -> ComailSummary:
    """Envelopes and postage saved by co-mailing in one print batch (from its laid-out pieces)."""
    envelopes: dict[str, int] = {}
    for code in batch.pieces.exclude(envelope_code="").values_list("envelope_code", flat=True):
        envelopes[code] = envelopes.get(code, 0) + 1
    pieces = sum(envelopes.values())
    saved = pieces - len(envelopes)
    rate = notice_config().comailing.postage_per_envelope_cents
    return ComailSummary(
        batch_code=batch.code,
        piece_count=pieces,
        envelope_count=len(envelopes),
        shared_envelopes=sum(1 for n in envelopes.values() if n > 1),
        envelopes_saved=saved,
        postage_saved_cents=saved * rate,
    )
