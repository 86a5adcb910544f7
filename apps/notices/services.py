"""Notice services: issue (one notice per context), re-send, mark viewed.

`notice_issue` is the stable entry point other areas call (the appeals area issues its letters with it);
see apps/notices/README.md for the contract.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from apps.audit.services import audit_record
from apps.documents.models import Document, MailPiece, MailPieceStatus
from apps.documents.services import document_request, mail_piece_queue
from apps.documents.storage import storage_put
from apps.members.models import Member, PcpAssignment
from apps.members.selectors import enrollments_on, member_current_pair
from apps.notices.conf import notice_config
from apps.notices.error_codes import NoticeErrorCode
from apps.notices.models import DeliveryChannelChoices, DeliveryReason, Notice, NoticeDelivery, NoticeSource
from apps.plans.models import AlignedPlanPair
from memberhub.documents.hashing import storage_key
from memberhub.errors import DomainError
from memberhub.notices.builders import notice_content_build
from memberhub.notices.catalog import language_code_normalize
from memberhub.notices.content import NoticeContent
from memberhub.notices.context import PlanPairInfo, Recipient, notice_context_key
from memberhub.notices.kinds import DeliveryChannel, NoticeFormat, NoticeKind, notice_kind_parse
from memberhub.notices.rules import (
    DeliveryPreference,
    notice_delivery_route,
    notice_needs_vendor_export,
)

logger = logging.getLogger(__name__)

#: documents.Document.kind of every notice (memberhub's own and imported): one renderer, one vendor kind.
DOCUMENT_KIND = "notice"


class NoPlanPair(DomainError):
    code = NoticeErrorCode.NO_PLAN_PAIR.value
    http_status = 409


class ResendNotAllowed(DomainError):
    code = NoticeErrorCode.RESEND_NOT_ALLOWED.value
    http_status = 409


# ------------------------------------------------------------------------------------------ adapters


def notice_recipient(*, member: Member) -> Recipient:
    city_line = " ".join(
        p for p in (f"{member.city}," if member.city else "", member.state, member.zip_code) if p
    )
    lines = tuple(line for line in (member.address_line1, member.address_line2, city_line) if line)
    try:
        alternate = (
            NoticeFormat(member.alternate_format) if member.alternate_format else NoticeFormat.STANDARD
        )
    except ValueError:
        alternate = NoticeFormat.STANDARD
    return Recipient(
        member_id=member.member_id,
        full_name=member.full_name,
        address_lines=lines,
        language=language_code_normalize(member.written_language),
        alternate_format=alternate,
    )


def notice_pair_info(*, pair: AlignedPlanPair) -> PlanPairInfo:
    medicare, medi_cal = pair.medicare_plan, pair.medi_cal_plan
    phones = {
        "member_services": medicare.phone_member_services or medi_cal.phone_member_services,
        "tty": medicare.phone_tty or medi_cal.phone_tty or "711",
        "nurse_line": medicare.phone_nurse_line or medi_cal.phone_nurse_line,
        "behavioral_health": medicare.phone_behavioral_health or medi_cal.phone_behavioral_health,
        "pharmacy_help": medicare.phone_pharmacy_help or medi_cal.phone_pharmacy_help,
    }
    return PlanPairInfo(
        product_name=pair.name,
        medicare_plan_name=medicare.name,
        medicare_plan_id=medicare.display_key,
        medi_cal_plan_name=medi_cal.name,
        phones={k: v for k, v in phones.items() if v},
    )


def notice_pair_for(*, member: Member, on: dt.date) -> AlignedPlanPair:
    """The pair whose letterhead a notice carries: the member's aligned pair on that date; for a member
    who is no longer aligned (misalignment outreach), a pair of one of their current plans."""
    pair = member_current_pair(member=member, on=on)
    if pair is not None:
        return pair
    plan_ids = [e.plan_id for e in enrollments_on(member=member, on=on)]
    if not plan_ids:
        plan_ids = list(member.enrollments.order_by("-start_date").values_list("plan_id", flat=True)[:2])
    candidates = AlignedPlanPair.objects.select_related("medicare_plan", "medi_cal_plan").filter(
        Q(medicare_plan_id__in=plan_ids) | Q(medi_cal_plan_id__in=plan_ids)
    )
    pair = (
        candidates.filter(plan_year__lte=on.year).order_by("-plan_year").first()
        or candidates.order_by("plan_year").first()
    )
    if pair is None:
        raise NoPlanPair("The member has no plan pair to send this notice from.", member_id=str(member.pk))
    return pair


def notice_delivery_preference(*, member: Member) -> DeliveryPreference:
    try:
        channel = DeliveryChannel(member.delivery_preference or "mail")
    except ValueError:
        channel = DeliveryChannel.MAIL
    has_address = (
        bool(member.address_line1 and member.city and member.zip_code) and not member.needs_address_check
    )
    return DeliveryPreference(
        channel=channel,
        has_electronic_consent=member.electronic_consent_at is not None,
        has_mailing_address=has_address,
    )


def _actor_or_none(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _vendor_export_write(*, document: Document, content: NoticeContent) -> str:
    """Data export for braille/audio/data-CD vendors: the content and its reading-order text, as JSON,
    under a deterministic key next to the PDF."""
    key = storage_key(
        kind=DOCUMENT_KIND, content_hash=document.content_hash, extension="json", variant="export"
    )
    payload = {
        "document_id": str(document.pk),
        "alternate_format": content.alternate_format,
        "language": content.language,
        "content": content.to_dict(),
        "text": content.plain_text(),
    }
    storage_put(key, json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
    return key


# ---------------------------------------------------------------------------------------------- issue


@transaction.atomic
def notice_issue(
    *,
    kind: NoticeKind | str,
    member: Member,
    context: Mapping[str, Any],
    issued_by: Any = None,
    issued_on: dt.date | None = None,
) -> Notice:
    """Issue a notice of `kind` to `member` for `context` and return it.

    - Idempotent: the same (member, kind, identity fields of the context) returns the existing notice.
    - Builds the content in the member's written language and alternate format, renders it through
      the documents pipeline (render queue, on commit), and routes it by the member's delivery
      preference and the kind's paper rule: mail pieces are queued for the vendor's print batch,
      electronic notices appear in GET /api/v1/me/notices.
    - Raises NoticeContextError (400, `extra.fields`) for a bad context, UnknownNoticeKind, NoPlanPair.
    """
    kind = notice_kind_parse(kind.value if isinstance(kind, NoticeKind) else str(kind))
    context_key = notice_context_key(kind, context)
    existing = Notice.objects.filter(member=member, kind=kind.value, context_key=context_key).first()
    if existing is not None:
        return existing
    issued_on = issued_on or timezone.localdate()
    config = notice_config()
    pair = notice_pair_for(member=member, on=issued_on)
    recipient = notice_recipient(member=member)
    content = notice_content_build(
        kind=kind,
        recipient=recipient,
        pair=notice_pair_info(pair=pair),
        context=context,
        config=config,
        issued_on=issued_on,
    )
    route = notice_delivery_route(
        policy=config.policy(kind), preference=notice_delivery_preference(member=member)
    )
    document, _ = document_request(
        member=member,
        kind=DOCUMENT_KIND,
        content=content.to_dict(),
        language=content.language,
        format=content.format,
    )
    stored_context = json.loads(json.dumps(dict(context), default=str))
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                member=member,
                source=NoticeSource.MEMBERHUB,
                kind=kind.value,
                context_key=context_key,
                context=stored_context,
                pair=pair,
                title=content.title[:200],
                issued_on=issued_on,
                due_on=content.due_on,
                language=content.language,
                requested_language=content.requested_language,
                format=content.format,
                alternate_format=recipient.alternate_format.value,
                template_version=content.template_version,
                document=document,
                by_mail=route.mail,
                electronic=route.electronic,
                route_reason=route.reason,
                issued_by=_actor_or_none(issued_by),
            )
    except IntegrityError:  # a concurrent call issued it first
        return Notice.objects.get(member=member, kind=kind.value, context_key=context_key)

    if notice_needs_vendor_export(recipient.alternate_format):
        notice.vendor_export_key = _vendor_export_write(document=document, content=content)
        notice.save(update_fields=["vendor_export_key", "updated_at"])
    _deliver(
        notice=notice, pair=pair, mail_date=issued_on, requested_by=issued_by, reason=DeliveryReason.INITIAL
    )
    audit_record(
        actor=_actor_or_none(issued_by),
        action="create",
        resource="notice",
        member_id=member.pk,
        resource_id=notice.pk,
        channel="system" if issued_by is None else "console",
        kind=kind.value,
        route=route.reason,
    )
    return notice


def _deliver(
    *, notice: Notice, pair: AlignedPlanPair | None, mail_date: dt.date, requested_by: Any, reason: str
) -> list[NoticeDelivery]:
    deliveries = []
    if notice.by_mail and notice.document is not None:
        piece = mail_piece_queue(
            member=notice.member,
            documents=[notice.document],
            primary=notice.document,
            reason=f"notice:{notice.kind}"[:40],
            pair=pair,
            mail_date=mail_date,
            requested_by=_actor_or_none(requested_by),
        )
        deliveries.append(
            NoticeDelivery.objects.create(
                notice=notice,
                channel=DeliveryChannelChoices.MAIL,
                reason=reason,
                mail_piece=piece,
                requested_by=_actor_or_none(requested_by),
            )
        )
    if notice.electronic:
        deliveries.append(
            NoticeDelivery.objects.create(
                notice=notice,
                channel=DeliveryChannelChoices.ELECTRONIC,
                reason=reason,
                requested_by=_actor_or_none(requested_by),
            )
        )
    return deliveries


# --------------------------------------------------------------------------------------------- resend


@transaction.atomic
def notice_resend(
    *, notice: Notice, requested_by: Any, channel: str = "mail", note: str = ""
) -> NoticeDelivery:
    """A rep sends a notice again (same document, new mail piece or a fresh electronic posting)."""
    notice = (
        Notice.objects.select_for_update(of=("self",))
        .select_related("member", "document", "pair")
        .get(pk=notice.pk)
    )
    if notice.document is None:
        raise ResendNotAllowed("This notice has no document to send.")
    if channel == DeliveryChannelChoices.MAIL:
        member = notice.member
        if not (member.address_line1 and member.city and member.zip_code):
            raise ResendNotAllowed("The member has no mailing address on file.", channel=channel)
        piece = mail_piece_queue(
            member=member,
            documents=[notice.document],
            primary=notice.document,
            reason=f"resend:{notice.kind}"[:40],
            pair=notice.pair or member_current_pair(member=member),
            mail_date=timezone.localdate(),
            requested_by=_actor_or_none(requested_by),
        )
        delivery = NoticeDelivery.objects.create(
            notice=notice,
            channel=DeliveryChannelChoices.MAIL,
            reason=DeliveryReason.RESEND,
            mail_piece=piece,
            requested_by=_actor_or_none(requested_by),
            note=note[:200],
        )
    elif channel == DeliveryChannelChoices.ELECTRONIC:
        if notice.member.electronic_consent_at is None:
            raise ResendNotAllowed("The member has not consented to electronic notices.", channel=channel)
        Notice.objects.filter(pk=notice.pk).update(
            electronic=True, member_viewed_at=None, updated_at=timezone.now()
        )
        delivery = NoticeDelivery.objects.create(
            notice=notice,
            channel=DeliveryChannelChoices.ELECTRONIC,
            reason=DeliveryReason.RESEND,
            requested_by=_actor_or_none(requested_by),
            note=note[:200],
        )
    else:
        raise ResendNotAllowed(f"Unknown channel {channel!r}.", channel=channel)
    audit_record(
        actor=_actor_or_none(requested_by),
        action="update",
        resource="notice",
        member_id=notice.member_id,
        resource_id=notice.pk,
        channel="console",
        outcome="resend",
        delivery_channel=channel,
    )
    return delivery


def notice_mark_viewed(*, notice: Notice) -> None:
    """The member opened the notice in the app: it is no longer "new"."""
    if notice.member_viewed_at is None:
        now = timezone.now()
        Notice.objects.filter(pk=notice.pk, member_viewed_at__isnull=True).update(member_viewed_at=now)
        notice.member_viewed_at = now


# ------------------------------------------------------------------------------ automatic notices


#: documents.MailPiece.kind of a card mailing (carrier letter + card; the card is the primary document).
CARD_PIECE_KIND = "id_card"


def card_mailed_notices_issue(*, batch_id: Any) -> int:
    """The vendor acknowledged a print batch: tell each member whose card is in it that it was mailed.

    Only when the member's delivery preference gives them electronic notices (a paper letter saying the
    card is in the mail would travel with the card); ``notice_issue`` routes it (a member who chose
    "both" also gets it by mail). One notice per card document (identity ``card_id``), so a re-mailed
    card or a repeated acknowledgement sends nothing twice. A refused notice is logged and skipped.
    Returns the number of card pieces with a card_mailed notice.
    """
    policy = notice_config().policy(NoticeKind.CARD_MAILED)
    pieces = (
        MailPiece.objects.filter(batch_id=batch_id, kind=CARD_PIECE_KIND, status=MailPieceStatus.ACKNOWLEDGED)
        .select_related("member")
        .order_by("sequence")
    )
    issued = 0
    for piece in pieces:
        member = piece.member
        route = notice_delivery_route(policy=policy, preference=notice_delivery_preference(member=member))
        if not route.electronic:
            continue
        mailed_on = timezone.localdate(piece.printed_at) if piece.printed_at else piece.mail_date
        try:
            with transaction.atomic():
                notice_issue(
                    kind=NoticeKind.CARD_MAILED,
                    member=member,
                    context={"card_id": str(piece.primary_document_id), "mailed_on": mailed_on.isoformat()},
                    issued_on=mailed_on,
                )
        except DomainError as exc:
            logger.warning(
                "card_mailed notice refused", extra={"mail_piece_id": str(piece.pk), "code": exc.code}
            )
            continue
        issued += 1
    return issued


def pcp_change_notices_issue(*, assignment_ids: list[Any]) -> int:
    """Confirm each new PCP assignment to its member (kind ``pcp_change_confirmation``, one notice per
    assignment). A refused notice is logged and skipped. Returns the number of assignments confirmed."""
    confirmed = 0
    assignments = PcpAssignment.objects.filter(pk__in=assignment_ids).select_related("member")
    for assignment in assignments.order_by("member_id", "start_date"):
        try:
            with transaction.atomic():
                notice_issue(
                    kind=NoticeKind.PCP_CHANGE_CONFIRMATION,
                    member=assignment.member,
                    context={
                        "assignment_id": str(assignment.pk),
                        "pcp_name": assignment.name,
                        "effective_on": assignment.start_date.isoformat(),
                        "pcp_phone": assignment.phone,
                        "medical_group": assignment.medical_group,
                    },
                )
        except DomainError as exc:
            logger.warning(
                "pcp_change_confirmation refused",
                extra={"assignment_id": str(assignment.pk), "code": exc.code},
            )
            continue
        confirmed += 1
    return confirmed
