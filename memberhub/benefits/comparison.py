"""Plan-year comparison: what changes for an aligned pair from one plan year to the next, category by
category and benefit by benefit (feeds the Annual Notice of Changes)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from memberhub.benefits.catalog import BenefitCatalog, BenefitEntry, CarveOut, EntryKind
from memberhub.benefits.categories import ServiceCategory, category_info
from memberhub.benefits.sentences import cost_sharing_phrase, limit_phrase, phone_phrase


class ChangeKind(StrEnum):
    ADDED = "added"  # now covered (or newly listed as covered)
    REMOVED = "removed"  # no longer covered
    COST_SHARING = "cost_sharing"
    PRIOR_AUTHORIZATION = "prior_authorization"
    REFERRAL = "referral"
    LIMITS = "limits"
    CARVE_OUT = "carve_out"
    CONTACT = "contact"


_SIDE_LABEL = {
    "en": {
        EntryKind.MEDICARE: "Medicare benefit",
        EntryKind.PART_D: "Medicare drug coverage",
        EntryKind.SUPPLEMENTAL: "extra benefit from your Medicare plan",
        EntryKind.MEDI_CAL: "Medi-Cal benefit",
    },
    "es": {
        EntryKind.MEDICARE: "beneficio de Medicare",
        EntryKind.PART_D: "cobertura de medicamentos de Medicare",
        EntryKind.SUPPLEMENTAL: "beneficio adicional de su plan de Medicare",
        EntryKind.MEDI_CAL: "beneficio de Medi-Cal",
    },
}


@dataclass(frozen=True)
class BenefitChange:
    category: ServiceCategory
    kind: EntryKind
    change: ChangeKind
    plan_code: str
    from_year: int
    to_year: int
    before_en: str | None
    after_en: str | None
    before_es: str | None
    after_es: str | None
    sentence_en: str
    sentence_es: str

    def as_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready data (what the notices area consumes)."""
        info = category_info(self.category)
        return {
            "category": self.category.value,
            "category_label": {"en": info.label_en, "es": info.label_es},
            "kind": self.kind.value,
            "change": self.change.value,
            "plan_code": self.plan_code,
            "from_year": self.from_year,
            "to_year": self.to_year,
            "before": {"en": self.before_en, "es": self.before_es},
            "after": {"en": self.after_en, "es": self.after_es},
            "sentence": {"en": self.sentence_en, "es": self.sentence_es},
        }


def _covered_phrase(entry: BenefitEntry | None, language: str) -> str:
    if entry is None or not entry.covered:
        return "not covered" if language == "en" else "no cubierto"
    cost = cost_sharing_phrase(entry.cost_sharing, language)
    return f"covered, {cost}" if language == "en" else f"cubierto, {cost}"


def _limits_phrase(entry: BenefitEntry, language: str) -> str:
    if not entry.limits:
        return "no limit" if language == "en" else "sin límite"
    return "; ".join(limit_phrase(limit, language) for limit in entry.limits)


def _carve_out_phrase(carve_out: CarveOut | None, language: str) -> str:
    if carve_out is None:
        return "none" if language == "en" else "ninguno"
    return f"{carve_out.name(language)} ({phone_phrase(carve_out.contact, language)})"


def _contact_phrase(entry: BenefitEntry, language: str) -> str:
    if entry.access is None or entry.access.contact is None:
        return "your plan's member services" if language == "en" else "servicios al miembro de su plan"
    contact = entry.access.contact
    name = f"{contact.name} " if contact.name else ""
    return f"{name}{phone_phrase(contact, language)}"


def _yes_no(flag: bool, language: str) -> str:
    if language == "en":
        return "required" if flag else "not required"
    return "obligatoria" if flag else "no obligatoria"


def _sentence(
    change: ChangeKind,
    prefix: str,
    before: str | None,
    after: str | None,
    language: str,
    detail: str | None = None,
) -> str:
    en = language == "en"
    if change is ChangeKind.ADDED:
        if en:
            return (
                f"{prefix}: now covered; the plan charges {detail}." if detail else f"{prefix}: now covered."
            )
        return (
            f"{prefix}: ahora está cubierto; el plan cobra {detail}."
            if detail
            else f"{prefix}: ahora está cubierto."
        )
    if change is ChangeKind.REMOVED:
        return f"{prefix}: no longer covered." if en else f"{prefix}: ya no está cubierto."
    what_en = {
        ChangeKind.COST_SHARING: "what the plan charges",
        ChangeKind.PRIOR_AUTHORIZATION: "prior authorization",
        ChangeKind.REFERRAL: "referral",
        ChangeKind.LIMITS: "the limit",
        ChangeKind.CARVE_OUT: "the other program that covers it",
        ChangeKind.CONTACT: "whom to call",
    }[change]
    what_es = {
        ChangeKind.COST_SHARING: "lo que cobra el plan",
        ChangeKind.PRIOR_AUTHORIZATION: "la autorización previa",
        ChangeKind.REFERRAL: "la remisión",
        ChangeKind.LIMITS: "el límite",
        ChangeKind.CARVE_OUT: "el otro programa que lo cubre",
        ChangeKind.CONTACT: "a quién llamar",
    }[change]
    if en:
        return f"{prefix}: {what_en} changes from {before} to {after}."
    return f"{prefix}: {what_es} cambia de {before} a {after}."


def _entries(
    catalogs: Iterable[BenefitCatalog | None],
) -> dict[tuple[ServiceCategory, EntryKind], tuple[BenefitEntry, BenefitCatalog]]:
    found: dict[tuple[ServiceCategory, EntryKind], tuple[BenefitEntry, BenefitCatalog]] = {}
    for catalog in catalogs:
        if catalog is None:
            continue
        for entry in catalog.entries:
            found[(entry.category, entry.kind)] = (entry, catalog)
    return found


_Phrase = Callable[[BenefitEntry, str], str]
_FIELD_CHECKS: tuple[tuple[ChangeKind, _Phrase], ...] = (
    (ChangeKind.COST_SHARING, lambda e, lang: cost_sharing_phrase(e.cost_sharing, lang)),
    (ChangeKind.PRIOR_AUTHORIZATION, lambda e, lang: _yes_no(e.prior_authorization, lang)),
    (ChangeKind.REFERRAL, lambda e, lang: _yes_no(e.referral_required, lang)),
    (ChangeKind.LIMITS, _limits_phrase),
    (ChangeKind.CARVE_OUT, lambda e, lang: _carve_out_phrase(e.carve_out, lang)),
    (ChangeKind.CONTACT, _contact_phrase),
)


_Texts = dict[str, str | None]
_LANGS = ("en", "es")


def _entry_changes(
    old_entry: BenefitEntry | None, new_entry: BenefitEntry | None
) -> list[tuple[ChangeKind, _Texts, _Texts, _Texts | None]]:
    """(change, before, after, detail) for one (category, kind) across two years."""
    old_covered = old_entry is not None and old_entry.covered
    new_covered = new_entry is not None and new_entry.covered
    found: list[tuple[ChangeKind, _Texts, _Texts, _Texts | None]] = []
    if old_covered != new_covered:
        detail: _Texts | None = None
        if new_entry is not None and new_covered:
            detail = {lang: cost_sharing_phrase(new_entry.cost_sharing, lang) for lang in _LANGS}
        found.append(
            (
                ChangeKind.ADDED if new_covered else ChangeKind.REMOVED,
                {lang: _covered_phrase(old_entry, lang) for lang in _LANGS},
                {lang: _covered_phrase(new_entry, lang) for lang in _LANGS},
                detail,
            )
        )
        if new_entry is not None and old_entry is not None and new_entry.carve_out != old_entry.carve_out:
            found.append(
                (
                    ChangeKind.CARVE_OUT,
                    {lang: _carve_out_phrase(old_entry.carve_out, lang) for lang in _LANGS},
                    {lang: _carve_out_phrase(new_entry.carve_out, lang) for lang in _LANGS},
                    None,
                )
            )
        return found
    if old_entry is None or new_entry is None:
        return found  # listed as not covered in one year and absent in the other: nothing changes
    for change, phrase in _FIELD_CHECKS:
        if not old_covered and change is not ChangeKind.CARVE_OUT:
            continue
        before_text: _Texts = {lang: phrase(old_entry, lang) for lang in _LANGS}
        after_text: _Texts = {lang: phrase(new_entry, lang) for lang in _LANGS}
        if before_text != after_text:
            found.append((change, before_text, after_text, None))
    return found


def benefit_changes(
    *,
    before: Iterable[BenefitCatalog | None],
    after: Iterable[BenefitCatalog | None],
) -> list[BenefitChange]:
    """Every change between two years' catalogs of a pair (both plans), in code-list order.

    Entries are matched by (category, kind); a category only one year mentions counts as added or
    removed when it is covered in that year. Text values are rendered in both languages.
    """
    before_list = [c for c in before if c is not None]
    after_list = [c for c in after if c is not None]
    from_year = min((c.plan_year for c in before_list), default=0)
    to_year = max((c.plan_year for c in after_list), default=0)
    old = _entries(before_list)
    new = _entries(after_list)
    categories = list(ServiceCategory)
    kinds = list(EntryKind)
    keys = sorted(set(old) | set(new), key=lambda k: (categories.index(k[0]), kinds.index(k[1])))
    changes: list[BenefitChange] = []
    for category, kind in keys:
        old_pair, new_pair = old.get((category, kind)), new.get((category, kind))
        source = new_pair or old_pair
        assert source is not None
        info = category_info(category)
        for change, before_text, after_text, detail in _entry_changes(
            old_pair[0] if old_pair else None, new_pair[0] if new_pair else None
        ):
            sentences = {
                lang: _sentence(
                    change,
                    f"{info.label(lang)} ({_SIDE_LABEL[lang][kind]})",
                    before_text[lang],
                    after_text[lang],
                    lang,
                    (detail or {}).get(lang),
                )
                for lang in _LANGS
            }
            changes.append(
                BenefitChange(
                    category=category,
                    kind=kind,
                    change=change,
                    plan_code=source[1].plan_code,
                    from_year=from_year,
                    to_year=to_year,
                    before_en=before_text["en"],
                    after_en=after_text["en"],
                    before_es=before_text["es"],
                    after_es=after_text["es"],
                    sentence_en=sentences["en"],
                    sentence_es=sentences["es"],
                )
            )
    return changes
