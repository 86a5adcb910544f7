"""Plain-language sentences for unified answers and plan-year changes, in English and Spanish.

The same words serve the rep console, the member API and the notices, so they are written for a
member ("you"), short, and free of jargon except the program names the member sees on their cards.
"""

from __future__ import annotations

from decimal import Decimal

from memberhub.benefits.catalog import ArrangedBy, Contact, CostSharing, Limit, LimitKind, Period, Unit
from memberhub.benefits.categories import ServiceCategory
from memberhub.benefits.rules import (
    CostReason,
    CoverageStatus,
    MemberCost,
    PayerKind,
    UnifiedBenefitAnswer,
)

LANGUAGES = ("en", "es")

_PER_UNIT = {
    "en": {
        Unit.VISIT: "per visit",
        Unit.STAY: "per stay",
        Unit.DAY: "per day",
        Unit.TRIP: "per trip",
        Unit.ITEM: "per item",
        Unit.PRESCRIPTION: "per prescription",
        Unit.SERVICE: "",
        Unit.MONTH: "per month",
        Unit.YEAR: "per year",
    },
    "es": {
        Unit.VISIT: "por visita",
        Unit.STAY: "por estadía",
        Unit.DAY: "por día",
        Unit.TRIP: "por viaje",
        Unit.ITEM: "por artículo",
        Unit.PRESCRIPTION: "por receta",
        Unit.SERVICE: "",
        Unit.MONTH: "al mes",
        Unit.YEAR: "al año",
    },
}

_PERIOD = {
    "en": {
        Period.DAY: "a day",
        Period.MONTH: "a month",
        Period.QUARTER: "every 3 months",
        Period.YEAR: "a year",
        Period.TWO_YEARS: "every 2 years",
        Period.STAY: "per stay",
        Period.BENEFIT_PERIOD: "per benefit period",
        Period.LIFETIME: "in your lifetime",
    },
    "es": {
        Period.DAY: "al día",
        Period.MONTH: "al mes",
        Period.QUARTER: "cada 3 meses",
        Period.YEAR: "al año",
        Period.TWO_YEARS: "cada 2 años",
        Period.STAY: "por estadía",
        Period.BENEFIT_PERIOD: "por período de beneficios",
        Period.LIFETIME: "de por vida",
    },
}

_LIMIT_NOUN = {
    "en": {
        LimitKind.VISITS: ("visit", "visits"),
        LimitKind.TRIPS: ("one-way trip", "one-way trips"),
        LimitKind.DAYS: ("day", "days"),
        LimitKind.HOURS: ("hour", "hours"),
        LimitKind.ITEMS: ("item", "items"),
    },
    "es": {
        LimitKind.VISITS: ("visita", "visitas"),
        LimitKind.TRIPS: ("viaje de ida", "viajes de ida"),
        LimitKind.DAYS: ("día", "días"),
        LimitKind.HOURS: ("hora", "horas"),
        LimitKind.ITEMS: ("artículo", "artículos"),
    },
}


_SIDE_TAG = {
    "en": {
        PayerKind.DSNP_MEDICARE: "Medicare plan",
        PayerKind.DSNP_PART_D: "Medicare plan",
        PayerKind.DSNP_SUPPLEMENTAL: "Medicare plan extra benefit",
        PayerKind.MEDI_CAL_COST_SHARING: "Medi-Cal",
        PayerKind.MEDI_CAL_PLAN: "Medi-Cal",
        PayerKind.CARVE_OUT: "other program",
    },
    "es": {
        PayerKind.DSNP_MEDICARE: "plan de Medicare",
        PayerKind.DSNP_PART_D: "plan de Medicare",
        PayerKind.DSNP_SUPPLEMENTAL: "beneficio adicional del plan de Medicare",
        PayerKind.MEDI_CAL_COST_SHARING: "Medi-Cal",
        PayerKind.MEDI_CAL_PLAN: "Medi-Cal",
        PayerKind.CARVE_OUT: "otro programa",
    },
}


def _lang(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; expected one of {LANGUAGES}")
    return language


def money(amount: Decimal) -> str:
    """$0, $4.50, $1,632 (cents only when there are any)."""
    if amount == amount.to_integral_value():
        return f"${int(amount):,}"
    return f"${amount:,.2f}"


def _number(amount: Decimal) -> str:
    return f"{int(amount):,}" if amount == amount.to_integral_value() else f"{amount.normalize():f}"


def _percent(amount: Decimal) -> str:
    return f"{_number(amount)}%"


def cost_phrase(copay: Decimal | None, coinsurance: Decimal | None, per: Unit | None, language: str) -> str:
    """'$0', '$4 per visit', '20% of the cost', '$50 per stay plus 20% of the cost'."""
    language = _lang(language)
    per_text = _PER_UNIT[language][per] if per is not None else ""
    parts: list[str] = []
    if copay:
        parts.append(f"{money(copay)} {per_text}".strip())
    if coinsurance:
        share = (
            f"{_percent(coinsurance)} of the cost"
            if language == "en"
            else f"el {_percent(coinsurance)} del costo"
        )
        parts.append(f"{share} {per_text}".strip() if not copay else share)
    if not parts:
        return "$0"
    joiner = " plus " if language == "en" else " más "
    return joiner.join(parts)


def cost_sharing_phrase(cost: CostSharing | None, language: str) -> str:
    if cost is None:
        return "$0"
    return cost_phrase(cost.copay, cost.coinsurance_percent, cost.per, language)


def limit_phrase(limit: Limit, language: str) -> str:
    """'24 one-way trips a year', '$2,000 a year'."""
    language = _lang(language)
    period = _PERIOD[language][limit.per]
    if limit.kind is LimitKind.DOLLARS:
        text = f"{money(limit.amount)} {period}"
    else:
        singular, plural = _LIMIT_NOUN[language][limit.kind]
        noun = singular if limit.amount == 1 else plural
        text = f"{_number(limit.amount)} {noun} {period}"
    if limit.note is not None:
        text = f"{text} ({limit.note.get(language)})"
    return text


def phone_phrase(contact: Contact, language: str) -> str:
    text = contact.phone
    if contact.tty:
        text += f" (TTY {contact.tty})"
    return text


def _member_cost_sentence(cost: MemberCost, language: str, answer: UnifiedBenefitAnswer) -> str:
    if not cost.known:
        if language == "en":
            return f"Ask {answer.contact_name_en} what you pay."
        return f"Pregunte a {answer.contact_name_es} cuánto paga."
    phrase = cost_phrase(cost.copay, cost.coinsurance_percent, cost.per, language)
    if language == "en":
        sentence = f"You pay {phrase}."
        if cost.reason is CostReason.MEDI_CAL_PAYS_MEDICARE_COST_SHARING:
            sentence += " Medi-Cal pays your Medicare share."
        elif cost.reason is CostReason.PART_D_COST_SHARING:
            sentence += " With Extra Help your drug costs can be lower; see your drug list."
        return sentence
    sentence = f"Usted paga {phrase}."
    if cost.reason is CostReason.MEDI_CAL_PAYS_MEDICARE_COST_SHARING:
        sentence += " Medi-Cal paga su parte de Medicare."
    elif cost.reason is CostReason.PART_D_COST_SHARING:
        sentence += " Con la Ayuda Adicional sus costos de medicamentos pueden ser menores; consulte su lista de medicamentos."
    return sentence


def _who_pays_sentence(answer: UnifiedBenefitAnswer, language: str) -> str | None:
    kinds = [p.kind for p in answer.payers if p.kind is not PayerKind.MEDI_CAL_COST_SHARING]
    if len(kinds) < 2:
        return None
    names = [p.name(language) for p in answer.payers if p.kind is not PayerKind.MEDI_CAL_COST_SHARING]
    if language == "en":
        return f"{names[0]} pays first, then {' and then '.join(names[1:])}."
    return f"{names[0]} paga primero y después {' y luego '.join(names[1:])}."


_EMERGENCY = {ServiceCategory.EMERGENCY_CARE, ServiceCategory.AMBULANCE}


def _arranged_sentence(answer: UnifiedBenefitAnswer, language: str) -> str:
    phone = phone_phrase(answer.contact, language)
    if answer.category in _EMERGENCY and answer.status is not CoverageStatus.NOT_COVERED:
        if language == "en":
            return f"In an emergency, call 911 or go to the nearest emergency room; no approval is needed. Questions: call {phone}."
        return (
            "En una emergencia, llame al 911 o vaya a la sala de emergencias más cercana; no necesita aprobación. "
            f"Si tiene preguntas, llame al {phone}."
        )
    who_en, who_es = answer.contact_name_en, answer.contact_name_es
    arranged = answer.arranged_by
    if answer.status is CoverageStatus.NOT_COVERED:
        if language == "en":
            return f"For other options, call {who_en} at {phone}."
        return f"Para otras opciones, llame a {who_es} al {phone}."
    if arranged is ArrangedBy.PLAN:
        if language == "en":
            return f"Your plan arranges it: call {phone}."
        return f"Su plan lo coordina: llame al {phone}."
    if arranged is ArrangedBy.PROVIDER:
        if language == "en":
            return f"Go to a doctor or place in your plan's network; questions: call {phone}."
        return f"Vaya a un médico o lugar de la red de su plan; si tiene preguntas, llame al {phone}."
    if arranged is ArrangedBy.VENDOR:
        if language == "en":
            return f"{who_en} arranges it for your plan: call {phone}."
        return f"{who_es} lo coordina para su plan: llame al {phone}."
    if language == "en":
        return f"{who_en} arranges it: call {phone}."
    return f"{who_es} lo coordina: llame al {phone}."


def benefit_sentence(answer: UnifiedBenefitAnswer, language: str) -> str:
    """One plain-language paragraph answering the member's question for this category."""
    language = _lang(language)
    en = language == "en"
    parts: list[str] = []
    if answer.status is CoverageStatus.COVERED:
        parts.append("Covered." if en else "Cubierto.")
    elif answer.status is CoverageStatus.CARVED_OUT:
        name = answer.payers[0].name(language)
        parts.append(f"Covered by {name}, not by your plans." if en else f"Lo cubre {name}, no sus planes.")
    else:
        parts.append("Not covered by your plans." if en else "Sus planes no cubren este servicio.")
        for carve_out in answer.unavailable_carve_outs:
            name = carve_out.name(language)
            parts.append(
                f"{name} covers it only for members with full Medi-Cal benefits."
                if en
                else f"{name} lo cubre solo para miembros con todos los beneficios de Medi-Cal."
            )
    if answer.status is not CoverageStatus.NOT_COVERED:
        parts.append(_member_cost_sentence(answer.member_cost, language, answer))
        who = _who_pays_sentence(answer, language)
        if who:
            parts.append(who)
    parts.append(_arranged_sentence(answer, language))
    if answer.prior_authorization:
        parts.append(
            "You need approval from your plan first (prior authorization)."
            if en
            else "Necesita aprobación previa de su plan (autorización previa)."
        )
    if answer.referral_required:
        parts.append(
            "You need a referral from your primary care doctor."
            if en
            else "Necesita una remisión de su médico de atención primaria."
        )
    if answer.limits:
        tagged = len({s.payer for s in answer.limits}) > 1
        phrases = []
        for sourced in answer.limits:
            phrase = limit_phrase(sourced.limit, language)
            if tagged:
                phrase = f"{phrase}, {_SIDE_TAG[language][sourced.payer]}"
            phrases.append(phrase)
        limits = "; ".join(dict.fromkeys(phrases))
        parts.append(f"Limit: {limits}." if en else f"Límite: {limits}.")
    if (
        answer.supplemental is not None
        and answer.payers
        and answer.payers[0].kind is not PayerKind.DSNP_SUPPLEMENTAL
    ):
        extra = answer.supplemental.description.get(language).rstrip(".")
        cost = cost_phrase(
            answer.supplemental.cost.copay,
            answer.supplemental.cost.coinsurance_percent,
            answer.supplemental.cost.per,
            language,
        )
        parts.append(
            f"Extra benefit from your Medicare plan: {extra} (you pay {cost})."
            if en
            else f"Beneficio adicional de su plan de Medicare: {extra} (usted paga {cost})."
        )
    elif answer.supplemental is not None:
        extra = answer.supplemental.description.get(language).rstrip(".")
        parts.append(f"{extra}.")
    for other in answer.other_contacts:
        name = other.contact.name or other.payer.name(language)
        phone = phone_phrase(other.contact, language)
        if other.payer.kind is PayerKind.DSNP_SUPPLEMENTAL:
            parts.append(
                f"For the extra benefit, call {name} at {phone}."
                if en
                else f"Para el beneficio adicional, llame a {name} al {phone}."
            )
        else:
            who = other.payer.name(language)
            parts.append(
                f"{who} also covers it: call {name} at {phone}."
                if en
                else f"{who} también lo cubre: llame a {name} al {phone}."
            )
    first_payer = answer.payers[0] if answer.payers else None
    for carve_out in answer.carve_outs:
        if first_payer is not None and first_payer.carve_out_program is carve_out.program:
            continue
        name = carve_out.name(language)
        phone = phone_phrase(carve_out.contact, language)
        parts.append(
            f"{name} also covers part of this: call {phone}."
            if en
            else f"{name} también cubre parte de esto: llame al {phone}."
        )
    return " ".join(parts)
