"""Plain (JSON-ready) data for catalog values and unified answers, and back for catalog values.

Used to store catalog parts in JSON columns and by the API, console and notices to show answers.
Money and percentages are strings ("4.50", "20") so no precision is lost.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from memberhub.benefits.catalog import (
    Access,
    ArrangedBy,
    CarveOut,
    CarveOutProgram,
    Contact,
    CostSharing,
    Limit,
    LimitKind,
    LocalizedText,
    Period,
    Unit,
)
from memberhub.benefits.categories import category_info
from memberhub.benefits.rules import MemberCost, UnifiedBenefitAnswer
from memberhub.benefits.sentences import LANGUAGES, benefit_sentence, limit_phrase


def _money(value: Decimal | None) -> str | None:
    """'20', '4.50', '1676': whole numbers without decimals, otherwise exactly two."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value:.2f}"


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def text_to_dict(text: LocalizedText | None) -> dict[str, str | None] | None:
    return None if text is None else {"en": text.en, "es": text.es}


def text_from_dict(data: dict[str, Any] | None) -> LocalizedText | None:
    return None if not data else LocalizedText(en=data["en"], es=data.get("es"))


def contact_to_dict(contact: Contact | None) -> dict[str, str | None] | None:
    if contact is None:
        return None
    return {
        "name": contact.name,
        "phone": contact.phone,
        "tty": contact.tty,
        "hours": contact.hours,
        "url": contact.url,
    }


def contact_from_dict(data: dict[str, Any] | None) -> Contact | None:
    if not data:
        return None
    return Contact(
        phone=data["phone"],
        name=data.get("name"),
        tty=data.get("tty"),
        hours=data.get("hours"),
        url=data.get("url"),
    )


def cost_to_dict(cost: CostSharing | None) -> dict[str, str | None] | None:
    if cost is None:
        return None
    return {
        "copay": _money(cost.copay),
        "coinsurance_percent": _money(cost.coinsurance_percent),
        "per": cost.per.value,
    }


def cost_from_dict(data: dict[str, Any] | None) -> CostSharing | None:
    if not data:
        return None
    return CostSharing(
        copay=_decimal(data.get("copay")),
        coinsurance_percent=_decimal(data.get("coinsurance_percent")),
        per=Unit(data.get("per") or Unit.SERVICE.value),
    )


def limit_to_dict(limit: Limit) -> dict[str, Any]:
    return {
        "kind": limit.kind.value,
        "amount": _money(limit.amount),
        "per": limit.per.value,
        "note": text_to_dict(limit.note),
    }


def limit_from_dict(data: dict[str, Any]) -> Limit:
    return Limit(
        kind=LimitKind(data["kind"]),
        amount=Decimal(str(data["amount"])),
        per=Period(data["per"]),
        note=text_from_dict(data.get("note")),
    )


def access_to_dict(access: Access | None) -> dict[str, Any] | None:
    if access is None:
        return None
    return {"arranged_by": access.arranged_by.value, "contact": contact_to_dict(access.contact)}


def access_from_dict(data: dict[str, Any] | None) -> Access | None:
    if not data:
        return None
    return Access(arranged_by=ArrangedBy(data["arranged_by"]), contact=contact_from_dict(data.get("contact")))


def carve_out_to_dict(carve_out: CarveOut | None) -> dict[str, Any] | None:
    if carve_out is None:
        return None
    return {
        "program": carve_out.program.value,
        "contact": contact_to_dict(carve_out.contact),
        "cost_sharing": cost_to_dict(carve_out.cost_sharing),
        "notes": text_to_dict(carve_out.notes),
    }


def carve_out_from_dict(data: dict[str, Any] | None) -> CarveOut | None:
    if not data:
        return None
    contact = contact_from_dict(data["contact"])
    assert contact is not None
    return CarveOut(
        program=CarveOutProgram(data["program"]),
        contact=contact,
        cost_sharing=cost_from_dict(data.get("cost_sharing")),
        notes=text_from_dict(data.get("notes")),
    )


def _member_cost_to_dict(cost: MemberCost) -> dict[str, Any]:
    return {
        "known": cost.known,
        "is_zero": cost.is_zero,
        "copay": _money(cost.copay),
        "coinsurance_percent": _money(cost.coinsurance_percent),
        "per": cost.per.value if cost.per is not None else None,
        "reason": cost.reason.value,
    }


def answer_to_dict(answer: UnifiedBenefitAnswer, *, languages: tuple[str, ...] = LANGUAGES) -> dict[str, Any]:
    """The unified answer as plain data, with its sentence and labels in each language."""
    info = category_info(answer.category)
    return {
        "category": answer.category.value,
        "label": {lang: info.label(lang) for lang in languages},
        "status": answer.status.value,
        "covered": answer.covered,
        "dual_status": answer.dual_status,
        "sentence": {lang: benefit_sentence(answer, lang) for lang in languages},
        "pays_first": answer.pays_first.kind.value if answer.pays_first is not None else None,
        "payers": [
            {
                "order": position + 1,
                "kind": payer.kind.value,
                "name": {lang: payer.name(lang) for lang in languages},
                "plan_code": payer.plan_code,
                "carve_out_program": payer.carve_out_program.value if payer.carve_out_program else None,
            }
            for position, payer in enumerate(answer.payers)
        ],
        "member_cost": _member_cost_to_dict(answer.member_cost),
        "prior_authorization": answer.prior_authorization,
        "prior_authorization_by": [p.value for p in answer.prior_authorization_by],
        "referral_required": answer.referral_required,
        "referral_required_by": [p.value for p in answer.referral_required_by],
        "limits": [
            {
                **limit_to_dict(s.limit),
                "payer": s.payer.value,
                "text": {lang: limit_phrase(s.limit, lang) for lang in languages},
            }
            for s in answer.limits
        ],
        "supplemental": None
        if answer.supplemental is None
        else {
            "description": text_to_dict(answer.supplemental.description),
            "member_cost": _member_cost_to_dict(answer.supplemental.cost),
            "limits": [limit_to_dict(limit) for limit in answer.supplemental.limits],
            "prior_authorization": answer.supplemental.prior_authorization,
            "contact": contact_to_dict(answer.supplemental.contact),
        },
        "carve_outs": [
            {**(carve_out_to_dict(c) or {}), "name": {lang: c.name(lang) for lang in languages}}
            for c in answer.carve_outs
        ],
        "unavailable_carve_outs": [
            {"program": c.program.value, "name": {lang: c.name(lang) for lang in languages}}
            for c in answer.unavailable_carve_outs
        ],
        "arranged_by": answer.arranged_by.value if answer.arranged_by is not None else None,
        "contact": {
            **(contact_to_dict(answer.contact) or {}),
            "label": {"en": answer.contact_name_en, "es": answer.contact_name_es},
        },
        "other_contacts": [
            {
                "payer": other.payer.kind.value,
                "payer_name": {lang: other.payer.name(lang) for lang in languages},
                "contact": contact_to_dict(other.contact),
            }
            for other in answer.other_contacts
        ],
        "notes": [text_to_dict(n) for n in answer.notes],
        "sources": [
            {"plan_code": s.plan_code, "plan_year": s.plan_year, "kind": s.kind.value, "line": s.line}
            for s in answer.sources
        ],
    }
