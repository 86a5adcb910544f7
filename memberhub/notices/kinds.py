"""Notice kinds, the alternate formats and delivery channels the notices core knows."""

from __future__ import annotations

from enum import StrEnum

from memberhub.notices.errors import UnknownNoticeKind


class NoticeKind(StrEnum):
    WELCOME = "welcome"
    ANNUAL_NOTICE_OF_CHANGES = "annual_notice_of_changes"
    COVERAGE_DECISION = "coverage_decision"
    APPEAL_ACKNOWLEDGMENT = "appeal_acknowledgment"
    APPEAL_DECISION = "appeal_decision"
    GRIEVANCE_RESOLUTION = "grievance_resolution"
    EXTENSION = "extension"
    PCP_CHANGE_CONFIRMATION = "pcp_change_confirmation"
    CARD_MAILED = "card_mailed"
    MISALIGNMENT_OUTREACH = "misalignment_outreach"
    EXPEDITE_REFUSED = "expedite_refused"
    PART_D_ROUTED_OUT = "part_d_routed_out"


class NoticeFormat(StrEnum):
    """What the member receives. ``standard`` is 12 pt print; electronic copies are always tagged PDFs."""

    STANDARD = "standard"
    LARGE_PRINT = "large_print"
    BRAILLE = "braille"
    AUDIO = "audio"
    DATA_CD = "data_cd"


#: Formats produced by a braille/audio/data-CD vendor from the data export (not by our renderer).
VENDOR_FORMATS = frozenset({NoticeFormat.BRAILLE, NoticeFormat.AUDIO, NoticeFormat.DATA_CD})


class DeliveryChannel(StrEnum):
    MAIL = "mail"
    ELECTRONIC = "electronic"
    BOTH = "both"


def notice_kind_parse(value: str) -> NoticeKind:
    try:
        return NoticeKind(value)
    except ValueError:
        known = ", ".join(k.value for k in NoticeKind)
        raise UnknownNoticeKind(
            f"Unknown notice kind {value!r}; known kinds: {known}", extra={"kind": value}
        ) from None


def kind_value_message_keys(kind: NoticeKind) -> set[str]:
    """Catalog keys a kind's builder refers to from values (``@key``) or table headers."""
    if kind == NoticeKind.COVERAGE_DECISION:
        return {
            f"decision.{d}"
            for d in ("denied", "partially_denied", "reduced", "stopped", "suspended", "changed")
        }
    if kind == NoticeKind.EXTENSION:
        return {f"case_kind.{k}" for k in ("coverage_request", "appeal", "grievance")}
    if kind == NoticeKind.EXPEDITE_REFUSED:
        return {f"case_kind.{k}" for k in ("coverage_request", "appeal")}
    if kind == NoticeKind.ANNUAL_NOTICE_OF_CHANGES:
        return {"changes.program", "changes.topic", "changes.current", "changes.next"}
    return set()
