"""Combined Medi-Medi ID card content: a pure builder (no Django).

`build_id_card_content` turns the member, the aligned plan pair and the PCP into an
`IdCardContent`: every printed string, already formatted, plus the language and format the card
is rendered in. The same content always produces the same canonical dict (and so the same
content hash); the issue date is part of the content only through `issued_on`, which callers pass
explicitly.

What is never on the card: the SSN (the inputs have no field for it and a value shaped like an SSN is
refused), and the MBI unless `CardOptions.show_mbi` says so (DOMAIN.md §7.3–7.4).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

from memberhub.cards.translations import card_text, normalize_language
from memberhub.errors import DomainError

CardFormat = Literal["standard", "large_print"]

ISSUER_PREFIX = "80840"
_SSN_RE = re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)")
_ISSUER_RE = re.compile(r"^\d{10}$")
_CONTRACT_RE = re.compile(r"^H\d{4}$")
_PBP_RE = re.compile(r"^\d{3}$")


class CardContentError(DomainError):
    """The inputs cannot make a valid card. `code` is a stable dotted error code, `field` the input."""

    code = "cards.invalid_content"

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message, code=code, field=field)
        self.field = field


@dataclass(frozen=True)
class CardMember:
    member_id: str  # unified plan member id (also the Part D RxID)
    first_name: str
    last_name: str
    middle_initial: str = ""
    suffix: str = ""
    medi_cal_cin: str = ""
    mbi: str = ""
    effective_date: date | None = None  # start of the aligned enrollment
    preferred_language: str = "en"
    alternate_format: str = "standard"  # standard | large_print | braille | audio | data_cd | electronic


@dataclass(frozen=True)
class CardPhones:
    member_services: str
    nurse_line: str
    behavioral_health: str
    pharmacy_help: str
    medi_cal_rx_help: str = "1-800-977-2273"
    tty: str = "711"
    member_services_hours: str = ""


@dataclass(frozen=True)
class CardPair:
    """The aligned plan pair (D-SNP + Medi-Cal plan of the same parent organization)."""

    product_name: str
    organization_name: str
    medicare_plan_name: str
    contract_id: str  # H####
    pbp_id: str  # ###
    medi_cal_plan_name: str
    issuer_number: str  # 10 digits (NPI / national plan id) printed after 80840
    part_d_bin: str
    part_d_pcn: str
    part_d_group: str
    medi_cal_rx_bin: str
    medi_cal_rx_pcn: str
    medi_cal_rx_group: str
    phones: CardPhones
    website: str
    digital_card_url: str  # the QR target: the member app's card screen (no identifier in it)
    plan_year: int
    segment_id: str = "000"


@dataclass(frozen=True)
class CardPcp:
    name: str = ""
    phone: str = ""
    medical_group: str = ""


@dataclass(frozen=True)
class CardOptions:
    show_mbi: bool = False
    large_print_min_pt: float = 18.0


@dataclass(frozen=True)
class IdCardContent:
    template_kind: str  # "id_card"
    language: str
    card_format: CardFormat
    min_font_pt: float | None
    # front
    product_name: str
    organization_name: str
    member_name: str
    member_id: str
    medicare_plan: str  # "Plan name (H1234-001)"
    medicare_contract_pbp: str
    medi_cal_plan: str
    medi_cal_cin: str
    mbi: str  # empty unless configured
    effective_date: str
    issued_on: str
    pcp_name: str
    pcp_phone: str
    pcp_medical_group: str
    part_d_bin: str
    part_d_pcn: str
    part_d_group: str
    part_d_rx_id: str
    medi_cal_rx_bin: str
    medi_cal_rx_pcn: str
    medi_cal_rx_group: str
    issuer_id: str  # "(80840) 1234567893"
    # back
    member_services: str
    member_services_hours: str
    tty: str
    nurse_line: str
    behavioral_health: str
    pharmacy_help: str
    medi_cal_rx_help: str
    website: str
    digital_card_url: str
    text: Mapping[str, str] = field(default_factory=dict)

    def canonical(self) -> dict[str, Any]:
        """Plain, JSON-ready dict (used for the content hash and as the template context)."""
        data = asdict(self)
        data["text"] = dict(sorted(self.text.items()))
        return data

    @property
    def is_large_print(self) -> bool:
        return self.card_format == "large_print"

    def pair_static(self) -> dict[str, str]:
        """Fields that are the same for every member of the pair (the fast path's static layer)."""
        return {k: v for k, v in self.canonical().items() if k in PAIR_STATIC_FIELDS}

    def member_fields(self) -> dict[str, str]:
        """Fields that vary per member (drawn over the static layer on the fast path)."""
        data = self.canonical()
        return {k: str(data[k]) for k in MEMBER_FIELDS}


MEMBER_FIELDS: tuple[str, ...] = (
    "member_name",
    "member_id",
    "medi_cal_cin",
    "mbi",
    "effective_date",
    "issued_on",
    "pcp_name",
    "pcp_phone",
    "pcp_medical_group",
    "part_d_rx_id",
)

PAIR_STATIC_FIELDS: frozenset[str] = frozenset(
    {
        "product_name",
        "organization_name",
        "medicare_plan",
        "medicare_contract_pbp",
        "medi_cal_plan",
        "part_d_bin",
        "part_d_pcn",
        "part_d_group",
        "medi_cal_rx_bin",
        "medi_cal_rx_pcn",
        "medi_cal_rx_group",
        "issuer_id",
        "member_services",
        "member_services_hours",
        "tty",
        "nurse_line",
        "behavioral_health",
        "pharmacy_help",
        "medi_cal_rx_help",
        "website",
        "digital_card_url",
    }
)


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def format_member_name(member: CardMember) -> str:
    """Cardholder name as NCPDP/WEDI print it: first, middle initial, last, suffix."""
    parts = [member.first_name.strip()]
    if member.middle_initial.strip():
        parts.append(member.middle_initial.strip()[0].upper() + ".")
    parts.append(member.last_name.strip())
    if member.suffix.strip():
        parts.append(member.suffix.strip())
    return " ".join(p for p in parts if p)


def _date(d: date | None) -> str:
    return d.strftime("%m/%d/%Y") if d else ""


def _require(value: str, *, field: str) -> str:
    value = value.strip()
    if not value:
        raise CardContentError("cards.missing_field", f"{field} is required on the card", field=field)
    return value


def build_id_card_content(
    *,
    member: CardMember,
    pair: CardPair,
    pcp: CardPcp | None,
    issued_on: date,
    options: CardOptions | None = None,
) -> IdCardContent:
    options = options or CardOptions()
    language = normalize_language(member.preferred_language)
    text = card_text(language)
    card_format: CardFormat = "large_print" if member.alternate_format == "large_print" else "standard"

    contract = pair.contract_id.strip().upper()
    pbp = pair.pbp_id.strip()
    if not _CONTRACT_RE.match(contract):
        raise CardContentError(
            "cards.invalid_contract", "Medicare contract must look like H1234", field="contract_id"
        )
    if not _PBP_RE.match(pbp):
        raise CardContentError("cards.invalid_pbp", "PBP must be three digits", field="pbp_id")
    issuer = pair.issuer_number.strip()
    if not _ISSUER_RE.match(issuer) or not luhn_valid(ISSUER_PREFIX + issuer):
        raise CardContentError(
            "cards.invalid_issuer",
            "issuer number must be 10 digits with a valid check digit after the 80840 prefix",
            field="issuer_number",
        )
    member_id = _require(member.member_id, field="member_id")
    pcp = pcp or CardPcp()
    contract_pbp = f"{contract}-{pbp}"
    content = IdCardContent(
        template_kind="id_card",
        language=language,
        card_format=card_format,
        min_font_pt=options.large_print_min_pt if card_format == "large_print" else None,
        product_name=_require(pair.product_name, field="product_name"),
        organization_name=pair.organization_name.strip(),
        member_name=_require(format_member_name(member), field="member_name"),
        member_id=member_id,
        medicare_plan=f"{pair.medicare_plan_name.strip()} ({contract_pbp})",
        medicare_contract_pbp=contract_pbp,
        medi_cal_plan=pair.medi_cal_plan_name.strip(),
        medi_cal_cin=member.medi_cal_cin.strip(),
        mbi=member.mbi.strip() if options.show_mbi else "",
        effective_date=_date(member.effective_date),
        issued_on=_date(issued_on),
        pcp_name=pcp.name.strip(),
        pcp_phone=pcp.phone.strip(),
        pcp_medical_group=pcp.medical_group.strip(),
        part_d_bin=_require(pair.part_d_bin, field="part_d_bin"),
        part_d_pcn=pair.part_d_pcn.strip(),
        part_d_group=pair.part_d_group.strip(),
        part_d_rx_id=member_id,
        medi_cal_rx_bin=pair.medi_cal_rx_bin.strip(),
        medi_cal_rx_pcn=pair.medi_cal_rx_pcn.strip(),
        medi_cal_rx_group=pair.medi_cal_rx_group.strip(),
        issuer_id=f"({ISSUER_PREFIX}) {issuer}",
        member_services=_require(pair.phones.member_services, field="member_services"),
        member_services_hours=pair.phones.member_services_hours.strip(),
        tty=pair.phones.tty.strip() or "711",
        nurse_line=pair.phones.nurse_line.strip(),
        behavioral_health=pair.phones.behavioral_health.strip(),
        pharmacy_help=pair.phones.pharmacy_help.strip(),
        medi_cal_rx_help=pair.phones.medi_cal_rx_help.strip(),
        website=pair.website.strip(),
        digital_card_url=pair.digital_card_url.strip(),
        text=dict(text),
    )
    for key, value in content.canonical().items():
        if isinstance(value, str) and _SSN_RE.search(value):
            raise CardContentError(
                "cards.ssn_refused", "a value shaped like an SSN cannot be printed", field=key
            )
    return content
