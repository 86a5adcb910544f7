"""Card services: build the combined card for a member and request its documents (idempotent).

`id_card_request(*, member, reason, requested_by=None)` is the one entry point for every trigger: a new
aligned enrollment, a PCP change, a plan-year change, changed pair phone/pharmacy numbers (found by the
nightly `cards.reissue_scan`), or a replacement ("lost card") by a rep or the member. The same content
never produces two documents; a trigger that does not change the content mails nothing, a replacement
re-mails the existing card.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.audit.services import audit_record
from apps.cards.models import CardRequest, CardRequestReason
from apps.documents.models import Document, DocumentStatus
from apps.documents.services import document_content_hash, document_request, mail_piece_queue
from apps.members.models import Enrollment, Member
from apps.members.selectors import member_current_pair, pcp_on
from apps.plans.models import AlignedPlanPair
from memberhub.cards.carrier import build_carrier_content
from memberhub.cards.content import (
    CardMember,
    CardOptions,
    CardPair,
    CardPcp,
    CardPhones,
    IdCardContent,
    build_id_card_content,
)
from memberhub.documents.address import MailingAddress
from memberhub.errors import DomainError

logger = logging.getLogger(__name__)

REPLACEMENT_REASONS = {CardRequestReason.REPLACEMENT_MEMBER, CardRequestReason.REPLACEMENT_REP}


class MemberNotAligned(DomainError):
    code = "cards.member_not_aligned"
    http_status = 422


def _pharmacy_numbers(
    pair: AlignedPlanPair, on: dt.date | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """(Part D, Medi-Cal Rx) routing numbers: the formulary area's effective-dated numbers when it
    publishes them, else the D-SNP plan's BIN/PCN/Group and the configured Medi-Cal Rx numbers."""
    plan = pair.medicare_plan
    part_d = {"bin": plan.rx_bin, "pcn": plan.rx_pcn, "group": plan.rx_group}
    medi_cal_rx = {k: settings.CARDS_MEDI_CAL_RX[k] for k in ("bin", "pcn", "group")}
    try:
        formulary = importlib.import_module("apps.formulary.selectors")
    except ImportError:
        return part_d, medi_cal_rx
    routing = getattr(formulary, "pharmacy_routing_for_pair", None)
    if routing is not None:
        found = routing(pair=pair, on=on) or {}
        if isinstance(found.get("partd"), dict) and found["partd"].get("bin"):
            part_d = found["partd"]
        if isinstance(found.get("medi_cal_rx"), dict) and found["medi_cal_rx"].get("bin"):
            medi_cal_rx = found["medi_cal_rx"]
    return part_d, medi_cal_rx


def card_pair(pair: AlignedPlanPair, on: dt.date | None = None) -> CardPair:
    medicare, medi_cal = pair.medicare_plan, pair.medi_cal_plan
    part_d, mrx = _pharmacy_numbers(pair, on)
    rx = settings.CARDS_MEDI_CAL_RX

    def phone(attr: str) -> str:
        return str(getattr(medicare, attr) or getattr(medi_cal, attr) or "")

    return CardPair(
        product_name=pair.name,
        organization_name=pair.parent.name,
        medicare_plan_name=medicare.name,
        contract_id=medicare.contract_id,
        pbp_id=medicare.pbp_id,
        segment_id=medicare.segment_id or "000",
        medi_cal_plan_name=medi_cal.name,
        issuer_number=settings.CARDS_ISSUER_NUMBERS.get(
            pair.parent.code, settings.CARDS_DEFAULT_ISSUER_NUMBER
        ),
        part_d_bin=part_d["bin"],
        part_d_pcn=part_d["pcn"],
        part_d_group=part_d["group"],
        medi_cal_rx_bin=mrx["bin"],
        medi_cal_rx_pcn=mrx["pcn"],
        medi_cal_rx_group=mrx["group"],
        phones=CardPhones(
            member_services=phone("phone_member_services"),
            nurse_line=phone("phone_nurse_line"),
            behavioral_health=phone("phone_behavioral_health"),
            pharmacy_help=phone("phone_pharmacy_help"),
            medi_cal_rx_help=rx["phone"],
            tty=phone("phone_tty") or "711",
            member_services_hours=settings.CARDS_MEMBER_SERVICES_HOURS,
        ),
        website=(medicare.website or medi_cal.website or "").removeprefix("https://").removeprefix("http://"),
        digital_card_url=settings.CARDS_DIGITAL_CARD_URL,
        plan_year=pair.plan_year,
    )


def card_content_for(*, member: Member, on: dt.date | None = None) -> tuple[IdCardContent, AlignedPlanPair]:
    on = on or timezone.localdate()
    pair = member_current_pair(member=member, on=on)
    if pair is None:
        raise MemberNotAligned("the member is not enrolled in an aligned plan pair today")
    start = (
        Enrollment.objects.filter(member=member, plan=pair.medicare_plan, start_date__lte=on)
        .order_by("-start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    pcp = pcp_on(member=member, on=on)
    content = build_id_card_content(
        member=CardMember(
            member_id=member.member_id,
            first_name=member.first_name,
            middle_initial=(member.middle_name or "")[:1],
            last_name=member.last_name,
            suffix=member.suffix or "",
            medi_cal_cin=member.medi_cal_cin or "",
            mbi=member.mbi or "",
            effective_date=start,
            preferred_language=member.written_language or "en",
            alternate_format=member.alternate_format or "standard",
        ),
        pair=card_pair(pair, on),
        pcp=CardPcp(name=pcp.name, phone=pcp.phone, medical_group=pcp.medical_group) if pcp else None,
        issued_on=on,
        options=CardOptions(
            show_mbi=settings.CARDS_SHOW_MBI, large_print_min_pt=settings.CARDS_LARGE_PRINT_MIN_PT
        ),
    )
    return content, pair


def member_mailing_address(member: Member) -> MailingAddress:
    name = " ".join(
        p for p in (member.first_name, (member.middle_name or "")[:1], member.last_name, member.suffix) if p
    )
    return MailingAddress.standardized(
        name=name,
        line1=member.address_line1,
        line2=member.address_line2 or "",
        city=member.city,
        state=member.state,
        zip_code=member.zip_code,
    )


@transaction.atomic
def id_card_request(
    *, member: Member, reason: str, requested_by: Any = None, on: dt.date | None = None
) -> CardRequest:
    """Request the member's card. Idempotent by content: the same content reuses the same document;
    a new document (or a replacement request) queues one mail piece (carrier letter + card)."""
    reason = CardRequestReason(reason)
    content, pair = card_content_for(member=member, on=on)
    card_data = content.canonical()
    card, created = document_request(
        member=member,
        kind="id_card",
        content=card_data,
        language=content.language,
        format=content.card_format,
    )
    carrier = None
    piece = None
    if created or reason in REPLACEMENT_REASONS:
        # the carrier shows the card's own (first) issue date
        stored = Document.objects.get(pk=card.pk).content
        carrier_content = build_carrier_content(
            card=content, address=member_mailing_address(member)
        ).canonical()
        carrier_content["issued_on"] = stored.get("issued_on", carrier_content["issued_on"])
        carrier, _ = document_request(
            member=member,
            kind="card_carrier",
            content=carrier_content,
            language=content.language,
            format=content.card_format,
            related=card,
        )
        piece = mail_piece_queue(
            member=member,
            documents=[carrier, card],
            primary=card,
            reason=str(reason),
            pair=pair,
            requested_by=requested_by,
        )
    request = CardRequest.objects.create(
        member=member,
        reason=reason,
        requested_by=requested_by if getattr(requested_by, "is_authenticated", False) else None,
        document=card,
        carrier=carrier,
        mail_piece=piece,
        created_document=created,
    )
    audit_record(
        actor=requested_by,
        action="create",
        resource="card_request",
        member_id=member.pk,
        resource_id=request.pk,
        channel="system" if requested_by is None else "api",
        reason=str(reason),
        created_document=created,
    )
    return request


def id_card_current_hash(*, member: Member, on: dt.date | None = None) -> str:
    content, _ = card_content_for(member=member, on=on)
    return document_content_hash(kind="id_card", content=content.canonical())


def id_card_reissue_scan(*, on: dt.date | None = None, limit: int | None = None) -> int:
    """Reissue triggers by comparison: for each aligned member, build today's content; if its hash has no
    document yet (new enrollment, PCP change, plan-year change, changed pair phones or pharmacy numbers),
    request a card. Idempotent: a second run finds every hash present and does nothing."""
    from apps.documents.models import Document as Doc

    on = on or timezone.localdate()
    issued = 0
    members = (
        Member.objects.filter(enrollments__plan__pairs_as_medicare__isnull=False).distinct().order_by("pk")
    )
    for member in members.iterator(chunk_size=500):
        try:
            content, _ = card_content_for(member=member, on=on)
        except DomainError:
            continue
        digest = document_content_hash(kind="id_card", content=content.canonical())
        if Doc.objects.filter(member=member, kind="id_card", content_hash=digest).exists():
            continue
        has_card = Doc.objects.filter(member=member, kind="id_card").exists()
        id_card_request(
            member=member,
            reason=CardRequestReason.CONTENT_CHANGE if has_card else CardRequestReason.NEW_ENROLLMENT,
            on=on,
        )
        issued += 1
        if limit is not None and issued >= limit:
            break
    return issued


def card_document_status_ok(document: Document) -> bool:
    return document.status == DocumentStatus.READY
