"""Carrier letter content: the mailed sheet the card is glued to (a second template, same pipeline)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from memberhub.cards.content import CardFormat, IdCardContent
from memberhub.cards.translations import LANGUAGE_TAGLINES
from memberhub.documents.address import MailingAddress

CARRIER_MEMBER_FIELDS: tuple[str, ...] = (
    "address_1",
    "address_2",
    "address_3",
    "address_4",
    "issued_on",
    "greeting_name",
)


@dataclass(frozen=True)
class CarrierContent:
    template_kind: str  # "card_carrier"
    language: str
    card_format: CardFormat
    min_font_pt: float | None
    mailing_name: str
    greeting_name: str
    address_lines: tuple[str, ...]  # window position, standardized (USPS upper case)
    product_name: str
    organization_name: str
    member_services: str
    website: str
    issued_on: str
    text: Mapping[str, str] = field(default_factory=dict)
    taglines: tuple[tuple[str, str], ...] = LANGUAGE_TAGLINES

    def canonical(self) -> dict[str, Any]:
        data = asdict(self)
        data["text"] = dict(sorted(self.text.items()))
        data["address_lines"] = list(self.address_lines)
        data["taglines"] = [list(t) for t in self.taglines]
        for i in range(4):  # fixed window slots (the fast path stamps each line)
            data[f"address_{i + 1}"] = self.address_lines[i] if i < len(self.address_lines) else ""
        return data


def build_carrier_content(*, card: IdCardContent, address: MailingAddress) -> CarrierContent:
    text = dict(card.text)
    text["carrier_body"] = text["carrier_body"].format(product=card.product_name)
    text["carrier_lost"] = text["carrier_lost"].format(phone=card.member_services)
    return CarrierContent(
        template_kind="card_carrier",
        language=card.language,
        card_format=card.card_format,
        min_font_pt=card.min_font_pt,
        mailing_name=address.name,
        greeting_name=card.member_name,
        address_lines=address.window_lines(),
        product_name=card.product_name,
        organization_name=card.organization_name,
        member_services=card.member_services,
        website=card.website,
        issued_on=card.issued_on,
        text=text,
    )
