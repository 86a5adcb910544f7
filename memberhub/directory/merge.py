"""Deterministic merge of an aligned pair's two directories into one unified directory.

Input: the D-SNP (Medicare) plan's SourceEntry records and the Medi-Cal plan's. Output: one
UnifiedEntry per (provider type, NPI, normalized practice address), sorted by that key.

The rules (each unit-tested in tests/memberhub/directory/test_merge.py):

1. Identity. Two records are the same entry when provider type, identity (the NPI; `ref:<resource>`
   when a directory gives no NPI) and normalized address key are equal. Nothing else is fuzzy-matched.
2. Participation. `in_medicare` / `in_medi_cal` say which plan lists the entry; per network the
   AcceptingPatients code that plan states (newpt / existptfam / existptonly / nopt, or unknown).
3. Conflicts. For name, phone, gender, languages, specialties, accessibility and accepting new
   patients: when both plans state a value and the values differ (after normalization: digits of
   phones, sets for lists, case/punctuation-free names), the entry keeps a Conflict with both values
   and the chosen one, and `needs_review` is set. A value stated by one plan only is not a conflict.
4. Member-facing value ("chosen"):
   - name, phone, gender, languages, accessibility, hours, location name and address text: the value of
     the source updated most recently (meta.lastUpdated); on a tie or when unknown, the D-SNP (Medicare)
     source, because Medicare pays first for a dual-eligible member. A side that states nothing yields
     to the side that does.
   - specialties: the union of both plans' codes (a member searching either plan's specialty finds the
     provider); a difference is still a conflict.
   - accepting new patients (the yes/no a member sees): yes only if at least one network says `newpt`
     and no network that states a value says anything else. Conservative on purpose: never promise an
     open panel that one plan says is closed. Each network's own code stays visible.
   - telehealth: yes if either plan lists a virtual service.
   - coordinates: a plan-stated position beats a ZIP-centroid estimate; then the rule above.
5. Determinism. Output order, list order and conflict order are sorted; the same inputs always give
   equal outputs (rebuilding twice gives identical results).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from memberhub.directory.address import PostalAddress
from memberhub.directory.records import AvailableTime, GeoSource, ProviderKind, ProviderType, SourceEntry

Side = Literal["medicare", "medi_cal"]
NetworkParticipation = Literal["both", "medicare", "medi_cal"]
CONFLICT_FIELDS = (
    "name",
    "phone",
    "gender",
    "languages",
    "specialties",
    "accessibility",
    "accepting_new_patients",
)
RULE_FRESHEST = "most recently updated source; D-SNP (Medicare) on a tie"
RULE_UNION = "union of both plans"
RULE_ACCEPTING = "accepting only if no network says otherwise"


@dataclass(frozen=True, slots=True)
class Conflict:
    field: str
    medicare: Any
    medi_cal: Any
    chosen: Any
    rule: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "medicare": self.medicare,
            "medi_cal": self.medi_cal,
            "chosen": self.chosen,
            "rule": self.rule,
        }


@dataclass(frozen=True, slots=True)
class SourceRef:
    side: Side
    plan_code: str
    networks: tuple[str, ...]
    resource_refs: tuple[str, ...]
    last_updated: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "side": self.side,
            "plan": self.plan_code,
            "networks": list(self.networks),
            "resources": list(self.resource_refs),
            "last_updated": self.last_updated.isoformat() if self.last_updated else None,
        }


@dataclass(frozen=True, slots=True)
class UnifiedEntry:
    provider_kind: ProviderKind
    provider_type: ProviderType
    identity: str
    npi: str | None
    npi_valid: bool
    name: str
    family_name: str
    given_names: tuple[str, ...]
    gender: str | None
    organization_name: str | None
    specialties: tuple[str, ...]
    languages: tuple[str, ...]
    accessibility: tuple[str, ...]
    telehealth: bool
    virtual_modalities: tuple[str, ...]
    phone: str | None
    address: PostalAddress | None
    address_key: str
    location_name: str | None
    lat: float | None
    lon: float | None
    geo_source: GeoSource | None
    available_times: tuple[AvailableTime, ...]
    in_medicare: bool
    in_medi_cal: bool
    medicare_accepting: str | None
    medi_cal_accepting: str | None
    accepting_new_patients: bool
    conflicts: tuple[Conflict, ...]
    sources: tuple[SourceRef, ...]
    last_updated: datetime | None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.provider_type, self.identity, self.address_key)

    @property
    def needs_review(self) -> bool:
        return bool(self.conflicts)

    @property
    def network(self) -> NetworkParticipation:
        if self.in_medicare and self.in_medi_cal:
            return "both"
        return "medicare" if self.in_medicare else "medi_cal"


def _norm_name(entry: SourceEntry) -> str:
    if entry.provider_kind == "practitioner" and entry.family_name:
        text = " ".join([*entry.given_names, entry.family_name])
    else:
        text = entry.name
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _prefer(medicare: SourceEntry, medi_cal: SourceEntry) -> tuple[SourceEntry, SourceEntry]:
    """(preferred, other) by the freshness rule."""
    if medicare.last_updated and medi_cal.last_updated and medi_cal.last_updated > medicare.last_updated:
        return medi_cal, medicare
    return medicare, medi_cal


def accepting_for_member(codes: Iterable[str | None]) -> bool:
    stated = [code for code in codes if code]
    return bool(stated) and all(code == "newpt" for code in stated)


def _single(entry: SourceEntry, side: Side, plan_code: str) -> UnifiedEntry:
    code = entry.accepting_code
    return UnifiedEntry(
        provider_kind=entry.provider_kind,
        provider_type=entry.provider_type,
        identity=entry.identity,
        npi=entry.npi,
        npi_valid=entry.npi_valid,
        name=entry.name,
        family_name=entry.family_name,
        given_names=entry.given_names,
        gender=entry.gender,
        organization_name=entry.organization_name,
        specialties=entry.specialties,
        languages=entry.languages,
        accessibility=entry.accessibility,
        telehealth=entry.telehealth,
        virtual_modalities=entry.virtual_modalities,
        phone=entry.phone,
        address=entry.address,
        address_key=entry.address_key,
        location_name=entry.location_name,
        lat=entry.lat,
        lon=entry.lon,
        geo_source=entry.geo_source,
        available_times=entry.available_times,
        in_medicare=side == "medicare",
        in_medi_cal=side == "medi_cal",
        medicare_accepting=code if side == "medicare" else None,
        medi_cal_accepting=code if side == "medi_cal" else None,
        accepting_new_patients=accepting_for_member([code]),
        conflicts=(),
        sources=(SourceRef(side, plan_code, entry.networks, entry.resource_refs, entry.last_updated),),
        last_updated=entry.last_updated,
    )


def _merge_two(
    medicare: SourceEntry, medi_cal: SourceEntry, medicare_plan: str, medi_cal_plan: str
) -> UnifiedEntry:
    preferred, other = _prefer(medicare, medi_cal)
    conflicts: list[Conflict] = []

    def pick(attr: str) -> Any:
        value = getattr(preferred, attr)
        return value if value not in (None, "", ()) else getattr(other, attr)

    def compare(
        field: str, left: Any, right: Any, shown_left: Any, shown_right: Any, chosen: Any, rule: str
    ) -> None:
        if left in (None, "", (), frozenset()) or right in (None, "", (), frozenset()):
            return
        if left != right:
            conflicts.append(Conflict(field, shown_left, shown_right, chosen, rule))

    name_source = preferred if preferred.name else other
    compare(
        "name",
        _norm_name(medicare),
        _norm_name(medi_cal),
        medicare.name,
        medi_cal.name,
        name_source.name,
        RULE_FRESHEST,
    )
    phone = pick("phone")
    compare("phone", medicare.phone, medi_cal.phone, medicare.phone, medi_cal.phone, phone, RULE_FRESHEST)
    gender = pick("gender")
    compare(
        "gender", medicare.gender, medi_cal.gender, medicare.gender, medi_cal.gender, gender, RULE_FRESHEST
    )
    languages = pick("languages")
    compare(
        "languages",
        frozenset(medicare.languages),
        frozenset(medi_cal.languages),
        list(medicare.languages),
        list(medi_cal.languages),
        list(languages),
        RULE_FRESHEST,
    )
    specialties = tuple(sorted(set(medicare.specialties) | set(medi_cal.specialties)))
    compare(
        "specialties",
        frozenset(medicare.specialties),
        frozenset(medi_cal.specialties),
        list(medicare.specialties),
        list(medi_cal.specialties),
        list(specialties),
        RULE_UNION,
    )
    accessibility = pick("accessibility")
    compare(
        "accessibility",
        frozenset(medicare.accessibility),
        frozenset(medi_cal.accessibility),
        list(medicare.accessibility),
        list(medi_cal.accessibility),
        list(accessibility),
        RULE_FRESHEST,
    )
    m_code, c_code = medicare.accepting_code, medi_cal.accepting_code
    accepting = accepting_for_member([m_code, c_code])
    compare("accepting_new_patients", m_code, c_code, m_code, c_code, accepting, RULE_ACCEPTING)

    geo_from = preferred
    if (preferred.geo_source != "source" and other.geo_source == "source") or (
        preferred.lat is None and other.lat is not None
    ):
        geo_from = other
    return UnifiedEntry(
        provider_kind=medicare.provider_kind,
        provider_type=medicare.provider_type,
        identity=medicare.identity,
        npi=medicare.npi or medi_cal.npi,
        npi_valid=medicare.npi_valid and medi_cal.npi_valid,
        name=name_source.name,
        family_name=name_source.family_name,
        given_names=name_source.given_names,
        gender=gender,
        organization_name=pick("organization_name"),
        specialties=specialties,
        languages=languages,
        accessibility=accessibility,
        telehealth=medicare.telehealth or medi_cal.telehealth,
        virtual_modalities=tuple(sorted(set(medicare.virtual_modalities) | set(medi_cal.virtual_modalities))),
        phone=phone,
        address=pick("address"),
        address_key=medicare.address_key,
        location_name=pick("location_name"),
        lat=geo_from.lat,
        lon=geo_from.lon,
        geo_source=geo_from.geo_source,
        available_times=pick("available_times"),
        in_medicare=True,
        in_medi_cal=True,
        medicare_accepting=m_code,
        medi_cal_accepting=c_code,
        accepting_new_patients=accepting,
        conflicts=tuple(sorted(conflicts, key=lambda c: c.field)),
        sources=(
            SourceRef(
                "medicare", medicare_plan, medicare.networks, medicare.resource_refs, medicare.last_updated
            ),
            SourceRef(
                "medi_cal", medi_cal_plan, medi_cal.networks, medi_cal.resource_refs, medi_cal.last_updated
            ),
        ),
        last_updated=max((d for d in (medicare.last_updated, medi_cal.last_updated) if d), default=None),
    )


def merge_pair(
    medicare: Iterable[SourceEntry],
    medi_cal: Iterable[SourceEntry],
    *,
    medicare_plan: str,
    medi_cal_plan: str,
) -> list[UnifiedEntry]:
    """The unified directory of an aligned pair (see the module docstring for the rules)."""
    left = _index(medicare, medicare_plan)
    right = _index(medi_cal, medi_cal_plan)
    out: list[UnifiedEntry] = []
    for key in sorted(left.keys() | right.keys()):
        m, c = left.get(key), right.get(key)
        if m is not None and c is not None:
            out.append(_merge_two(m, c, medicare_plan, medi_cal_plan))
        elif m is not None:
            out.append(_single(m, "medicare", medicare_plan))
        elif c is not None:
            out.append(_single(c, "medi_cal", medi_cal_plan))
    return out


def _index(entries: Iterable[SourceEntry], plan_code: str) -> dict[tuple[str, str, str], SourceEntry]:
    index: dict[tuple[str, str, str], SourceEntry] = {}
    for entry in entries:
        if entry.key in index:
            raise ValueError(
                f"plan {plan_code}: two source entries share the key {entry.key}; collapse them first"
            )
        index[entry.key] = entry
    return index
