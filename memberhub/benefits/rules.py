"""The unified answer: for one aligned pair, one service category and one member, who pays, what the member
pays, what must happen first (prior authorization, referral), the limits, any supplemental benefit, and
whom to call.

The cost-sharing rule is driven by the member's dual status and by configuration
(`BENEFITS_DUAL_STATUS_RULES` in config/settings/components/benefits.py), never by constants here:
`cost_sharing_policy_from_config()` turns the settings mapping into a `CostSharingPolicy`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from memberhub.benefits.catalog import (
    ArrangedBy,
    BenefitCatalog,
    BenefitEntry,
    CarveOut,
    CarveOutProgram,
    Contact,
    CostSharing,
    EntryKind,
    Limit,
    LocalizedText,
    Program,
    Unit,
)
from memberhub.benefits.categories import ServiceCategory
from memberhub.errors import ConfigurationError, DomainError


class DualStatus(StrEnum):
    """Dual status codes as the members app stores them (apps.members.models.DualStatus)."""

    FULL_BENEFIT = "full_benefit"  # QMB+, SLMB+ and other full-benefit duals: full Medi-Cal
    QMB_ONLY = "qmb_only"
    SLMB_ONLY = "slmb_only"
    QI = "qi"
    QDWI = "qdwi"
    NONE = "none"


@dataclass(frozen=True)
class DualStatusRule:
    """What a dual status means for benefits: configuration, not code."""

    status: str
    label: str
    full_medi_cal: bool  # Medi-Cal benefits (the Medi-Cal plan and the Medi-Cal carve-outs) apply
    medicare_cost_sharing_paid: (
        bool  # Medi-Cal pays Medicare Part A/B cost sharing (QMB protection, full duals)
    )
    supplemental_cost_sharing_paid: bool = False  # Medi-Cal also pays the D-SNP's supplemental cost sharing
    medi_cal_services_free: bool = (
        False  # Medi-Cal carve-out services cost the member $0 unless the catalog says
    )


@dataclass(frozen=True)
class CostSharingPolicy:
    rules: Mapping[str, DualStatusRule]
    unknown_status: DualStatusRule  # used when a member's status is missing or not in `rules`
    public_status: str  # whose answer the public (no member) benefits page shows

    def rule_for(self, status: str | None) -> DualStatusRule:
        if status is None:
            return self.unknown_status
        return self.rules.get(status, self.unknown_status)

    @property
    def public_rule(self) -> DualStatusRule:
        return self.rule_for(self.public_status)


def cost_sharing_policy_from_config(config: Mapping[str, Any]) -> CostSharingPolicy:
    """Build the policy from the settings mapping; raises ConfigurationError naming what is wrong."""
    rules_raw = config.get("dual_status_rules")
    if not isinstance(rules_raw, Mapping) or not rules_raw:
        raise ConfigurationError("benefits configuration: 'dual_status_rules' must be a non-empty mapping")
    rules: dict[str, DualStatusRule] = {}
    for status, raw in rules_raw.items():
        rules[str(status)] = _rule_from_config(str(status), raw)
    unknown = _rule_from_config("unknown", config.get("unknown_status_rule"))
    if unknown.full_medi_cal or unknown.medicare_cost_sharing_paid or unknown.medi_cal_services_free:
        raise ConfigurationError(
            "benefits configuration: the unknown-status rule must not promise Medi-Cal help"
        )
    public_status = config.get("public_dual_status")
    if not isinstance(public_status, str) or public_status not in rules:
        raise ConfigurationError(
            f"benefits configuration: 'public_dual_status' {public_status!r} is not a configured status"
        )
    return CostSharingPolicy(rules=rules, unknown_status=unknown, public_status=public_status)


def _rule_from_config(status: str, raw: Any) -> DualStatusRule:
    if not isinstance(raw, Mapping):
        raise ConfigurationError(f"benefits configuration: rule for {status!r} must be a mapping")
    flags: dict[str, bool] = {}
    for key in (
        "full_medi_cal",
        "medicare_cost_sharing_paid",
        "supplemental_cost_sharing_paid",
        "medi_cal_services_free",
    ):
        value = raw.get(key, False)
        if not isinstance(value, bool):
            raise ConfigurationError(f"benefits configuration: {status}.{key} must be true or false")
        flags[key] = value
    unknown_keys = set(raw) - {"label", *flags}
    if unknown_keys:
        raise ConfigurationError(f"benefits configuration: {status} has unknown keys {sorted(unknown_keys)}")
    return DualStatusRule(status=status, label=str(raw.get("label", status)), **flags)


# --- the answer ---------------------------------------------------------------------------------------


class CoverageStatus(StrEnum):
    COVERED = "covered"  # one of the two plans covers it
    CARVED_OUT = "carved_out"  # neither plan: another program covers it (Medi-Cal Dental, county, IHSS, ...)
    NOT_COVERED = "not_covered"


class PayerKind(StrEnum):
    DSNP_MEDICARE = "dsnp_medicare"  # Medicare benefit through the D-SNP
    DSNP_PART_D = "dsnp_part_d"
    DSNP_SUPPLEMENTAL = "dsnp_supplemental"
    MEDI_CAL_COST_SHARING = "medi_cal_cost_sharing"  # Medi-Cal pays the member's Medicare cost sharing
    MEDI_CAL_PLAN = "medi_cal_plan"  # a Medi-Cal benefit through the Medi-Cal plan
    CARVE_OUT = "carve_out"


class CostReason(StrEnum):
    PLAN_COST_SHARING = "plan_cost_sharing"  # the D-SNP's own cost sharing applies
    MEDI_CAL_PAYS_MEDICARE_COST_SHARING = "medi_cal_pays_medicare_cost_sharing"
    MEDI_CAL_PAYS_SUPPLEMENTAL_COST_SHARING = "medi_cal_pays_supplemental_cost_sharing"
    SUPPLEMENTAL_COST_SHARING = "supplemental_cost_sharing"
    PART_D_COST_SHARING = "part_d_cost_sharing"  # drugs: Extra Help (LIS), not QMB protection, applies
    MEDI_CAL_BENEFIT = "medi_cal_benefit"
    CARVE_OUT = "carve_out"
    NOT_COVERED = "not_covered"


@dataclass(frozen=True)
class Payer:
    kind: PayerKind
    name_en: str
    name_es: str
    plan_code: str | None = None
    carve_out_program: CarveOutProgram | None = None

    def name(self, language: str) -> str:
        return self.name_es if language == "es" else self.name_en


@dataclass(frozen=True)
class MemberCost:
    """What the member pays. `known` is False when only the other program can say (a carve-out without a cost)."""

    reason: CostReason
    copay: Decimal | None = None
    coinsurance_percent: Decimal | None = None
    per: Unit | None = None
    known: bool = True

    @property
    def is_zero(self) -> bool:
        return self.known and not self.copay and not self.coinsurance_percent


@dataclass(frozen=True)
class SourcedLimit:
    payer: PayerKind
    limit: Limit


@dataclass(frozen=True)
class SourceRef:
    plan_code: str
    plan_year: int
    kind: EntryKind
    line: int | None


@dataclass(frozen=True)
class Supplemental:
    description: LocalizedText
    cost: MemberCost
    limits: tuple[Limit, ...]
    prior_authorization: bool
    contact: Contact | None


@dataclass(frozen=True)
class OtherContact:
    """A payer after the first that the member contacts separately (e.g. Medi-Cal rides after the plan's rides)."""

    payer: Payer
    contact: Contact


@dataclass(frozen=True)
class UnifiedBenefitAnswer:
    category: ServiceCategory
    status: CoverageStatus
    dual_status: str
    payers: tuple[Payer, ...]  # in payment order: who pays first comes first
    member_cost: MemberCost
    prior_authorization_by: tuple[PayerKind, ...]
    referral_required_by: tuple[PayerKind, ...]
    limits: tuple[SourcedLimit, ...]
    supplemental: Supplemental | None
    carve_outs: tuple[CarveOut, ...]  # programs covering all or part of the service for this member
    unavailable_carve_outs: tuple[
        CarveOut, ...
    ]  # Medi-Cal programs this member cannot use (no full Medi-Cal)
    arranged_by: ArrangedBy | None
    contact: Contact
    contact_name_en: str
    contact_name_es: str
    notes: tuple[LocalizedText, ...]
    sources: tuple[SourceRef, ...]
    other_contacts: tuple[OtherContact, ...] = ()

    @property
    def covered(self) -> bool:
        return self.status is not CoverageStatus.NOT_COVERED

    @property
    def pays_first(self) -> Payer | None:
        return self.payers[0] if self.payers else None

    @property
    def prior_authorization(self) -> bool:
        return bool(self.prior_authorization_by)

    @property
    def referral_required(self) -> bool:
        return bool(self.referral_required_by)


class PairCatalogMismatch(DomainError):
    code = "benefits.pair_catalog_mismatch"


def _cost(reason: CostReason, cost: CostSharing | None) -> MemberCost:
    if cost is None:
        return MemberCost(reason=reason, copay=Decimal(0))
    return MemberCost(
        reason=reason, copay=cost.copay, coinsurance_percent=cost.coinsurance_percent, per=cost.per
    )


def _zero(reason: CostReason) -> MemberCost:
    return MemberCost(reason=reason, copay=Decimal(0))


def _covered(entry: BenefitEntry | None) -> BenefitEntry | None:
    return entry if entry is not None and entry.covered else None


def _dsnp_payer(kind: PayerKind, catalog: BenefitCatalog) -> Payer:
    name = catalog.display_name()
    if kind is PayerKind.DSNP_SUPPLEMENTAL:
        return Payer(
            kind, f"{name} (extra benefit)", f"{name} (beneficio adicional)", plan_code=catalog.plan_code
        )
    if kind is PayerKind.DSNP_PART_D:
        return Payer(
            kind, f"{name} (Medicare Part D)", f"{name} (Medicare Parte D)", plan_code=catalog.plan_code
        )
    return Payer(kind, f"{name} (Medicare)", f"{name} (Medicare)", plan_code=catalog.plan_code)


def _medi_cal_payer(kind: PayerKind, catalog: BenefitCatalog | None) -> Payer:
    name = catalog.display_name() if catalog is not None else "Medi-Cal"
    code = catalog.plan_code if catalog is not None else None
    if kind is PayerKind.MEDI_CAL_COST_SHARING:
        return Payer(
            kind,
            f"Medi-Cal ({name}) pays your Medicare share",
            f"Medi-Cal ({name}) paga su parte de Medicare",
            plan_code=code,
        )
    return Payer(kind, f"{name} (Medi-Cal)", f"{name} (Medi-Cal)", plan_code=code)


def _carve_out_payer(carve_out: CarveOut) -> Payer:
    return Payer(
        PayerKind.CARVE_OUT,
        carve_out.name("en"),
        carve_out.name("es"),
        carve_out_program=carve_out.program,
    )


def unified_benefit_answer(
    *,
    category: ServiceCategory | str,
    medicare: BenefitCatalog | None,
    medi_cal: BenefitCatalog | None,
    rule: DualStatusRule,
) -> UnifiedBenefitAnswer:
    """The one answer for a category, from the D-SNP catalog, the Medi-Cal plan catalog and the member's rule.

    Order of payment: a Medicare (A/B or Part D) benefit through the D-SNP pays first; then Medi-Cal
    (paying the Medicare cost sharing where the rule says so, and covering what Medicare does not);
    a D-SNP supplemental benefit pays before Medi-Cal; where neither plan covers the service, the
    carve-out program named in either catalog covers it (Medi-Cal carve-outs only for full Medi-Cal).
    """
    category = ServiceCategory(category)
    if medicare is not None and medicare.program is not Program.MEDICARE:
        raise PairCatalogMismatch(f"catalog {medicare.plan_code} is not a Medicare (D-SNP) catalog")
    if medi_cal is not None and medi_cal.program is not Program.MEDI_CAL:
        raise PairCatalogMismatch(f"catalog {medi_cal.plan_code} is not a Medi-Cal plan catalog")

    mc_benefits = rule.full_medi_cal
    drug_entry = medicare.entry(category, EntryKind.PART_D) if medicare is not None else None
    ab_entry = medicare.entry(category, EntryKind.MEDICARE) if medicare is not None else None
    sup_entry = medicare.entry(category, EntryKind.SUPPLEMENTAL) if medicare is not None else None
    mcal_entry = medi_cal.entry(category, EntryKind.MEDI_CAL) if medi_cal is not None else None
    covered_ab = _covered(drug_entry) or _covered(ab_entry)
    covered_sup = _covered(sup_entry)
    covered_mcal = _covered(mcal_entry) if mc_benefits else None

    payers: list[Payer] = []
    pa: list[PayerKind] = []
    referral: list[PayerKind] = []
    limits: list[SourcedLimit] = []
    notes: list[LocalizedText] = []
    sources: list[SourceRef] = []
    primary: tuple[BenefitEntry, BenefitCatalog] | None = None
    member_cost: MemberCost | None = None

    explicit_contacts: list[tuple[PayerKind, Contact]] = []

    def use(entry: BenefitEntry, catalog: BenefitCatalog, payer: PayerKind) -> None:
        if entry.access is not None and entry.access.contact is not None:
            explicit_contacts.append((payer, entry.access.contact))
        if entry.prior_authorization:
            pa.append(payer)
        if entry.referral_required:
            referral.append(payer)
        limits.extend(SourcedLimit(payer, limit) for limit in entry.limits)
        if entry.notes is not None:
            notes.append(entry.notes)
        sources.append(SourceRef(catalog.plan_code, catalog.plan_year, entry.kind, entry.line))

    if covered_ab is not None and medicare is not None:
        kind = PayerKind.DSNP_PART_D if covered_ab.kind is EntryKind.PART_D else PayerKind.DSNP_MEDICARE
        payers.append(_dsnp_payer(kind, medicare))
        use(covered_ab, medicare, kind)
        primary = (covered_ab, medicare)
        plan_cost = covered_ab.cost_sharing
        if kind is PayerKind.DSNP_PART_D:
            member_cost = _cost(CostReason.PART_D_COST_SHARING, plan_cost)
        elif plan_cost is not None and not plan_cost.is_zero and rule.medicare_cost_sharing_paid:
            member_cost = _zero(CostReason.MEDI_CAL_PAYS_MEDICARE_COST_SHARING)
            payers.append(_medi_cal_payer(PayerKind.MEDI_CAL_COST_SHARING, medi_cal))
        else:
            member_cost = _cost(CostReason.PLAN_COST_SHARING, plan_cost)

    supplemental: Supplemental | None = None
    if covered_sup is not None and medicare is not None:
        sup_cost = _cost(CostReason.SUPPLEMENTAL_COST_SHARING, covered_sup.cost_sharing)
        if not sup_cost.is_zero and rule.supplemental_cost_sharing_paid and covered_mcal is not None:
            sup_cost = _zero(CostReason.MEDI_CAL_PAYS_SUPPLEMENTAL_COST_SHARING)
        payers.append(_dsnp_payer(PayerKind.DSNP_SUPPLEMENTAL, medicare))
        use(covered_sup, medicare, PayerKind.DSNP_SUPPLEMENTAL)
        contact = covered_sup.access.contact if covered_sup.access is not None else None
        supplemental = Supplemental(
            description=covered_sup.description
            or LocalizedText(en="Extra benefit", es="Beneficio adicional"),
            cost=sup_cost,
            limits=covered_sup.limits,
            prior_authorization=covered_sup.prior_authorization,
            contact=contact,
        )
        if primary is None:
            primary = (covered_sup, medicare)
            member_cost = sup_cost

    if covered_mcal is not None and medi_cal is not None:
        payers.append(_medi_cal_payer(PayerKind.MEDI_CAL_PLAN, medi_cal))
        use(covered_mcal, medi_cal, PayerKind.MEDI_CAL_PLAN)
        if primary is None:
            primary = (covered_mcal, medi_cal)
            member_cost = _cost(CostReason.MEDI_CAL_BENEFIT, covered_mcal.cost_sharing)

    # carve-outs named by any entry of the category, in catalog order, without duplicates
    carve_outs: list[CarveOut] = []
    unavailable: list[CarveOut] = []
    seen_programs: set[CarveOutProgram] = set()
    for entry in (drug_entry, ab_entry, sup_entry, mcal_entry):
        if entry is None or entry.carve_out is None or entry.carve_out.program in seen_programs:
            continue
        seen_programs.add(entry.carve_out.program)
        if entry.carve_out.info.requires_medi_cal and not mc_benefits:
            unavailable.append(entry.carve_out)
        else:
            carve_outs.append(entry.carve_out)
            if entry.notes is not None and not entry.covered and entry.notes not in notes:
                notes.append(entry.notes)

    status = CoverageStatus.COVERED
    arranged_by: ArrangedBy | None
    if primary is not None:
        entry, catalog = primary
        arranged_by = entry.access.arranged_by if entry.access is not None else ArrangedBy.PLAN
        contact = (
            entry.access.contact if entry.access is not None and entry.access.contact is not None else None
        )
        if contact is None:
            contact = catalog.member_services
            contact_en = contact.name or f"{catalog.display_name()} Member Services"
            contact_es = contact.name or f"Servicios al Miembro de {catalog.display_name()}"
        else:
            contact_en = contact_es = contact.name or catalog.display_name()
        assert member_cost is not None
    elif carve_outs:
        status = CoverageStatus.CARVED_OUT
        first = carve_outs[0]
        payers.append(_carve_out_payer(first))
        arranged_by = (
            ArrangedBy.ORIGINAL_MEDICARE if first.program is CarveOutProgram.ORIGINAL_MEDICARE else None
        )
        if arranged_by is None:
            arranged_by = ArrangedBy.STATE if first.program in _STATE_PROGRAMS else ArrangedBy.COUNTY
        contact = first.contact
        contact_en, contact_es = first.name("en"), first.name("es")
        if first.cost_sharing is not None:
            member_cost = _cost(CostReason.CARVE_OUT, first.cost_sharing)
        elif first.info.requires_medi_cal and rule.medi_cal_services_free:
            member_cost = _zero(CostReason.CARVE_OUT)
        else:
            member_cost = MemberCost(reason=CostReason.CARVE_OUT, known=False)
        if first.notes is not None:
            notes.insert(0, first.notes)
    else:
        status = CoverageStatus.NOT_COVERED
        arranged_by = None
        catalog_for_contact = medicare or medi_cal
        if catalog_for_contact is None:
            raise PairCatalogMismatch("no catalog for either plan of the pair")
        contact = catalog_for_contact.member_services
        contact_en = contact.name or f"{catalog_for_contact.display_name()} Member Services"
        contact_es = contact.name or f"Servicios al Miembro de {catalog_for_contact.display_name()}"
        member_cost = MemberCost(reason=CostReason.NOT_COVERED, known=False)
        for entry in (ab_entry, sup_entry, mcal_entry):
            if entry is not None and entry.notes is not None and entry.notes not in notes:
                notes.append(entry.notes)

    other_contacts: list[OtherContact] = []
    if status is CoverageStatus.COVERED:
        payer_by_kind = {p.kind: p for p in payers}
        for payer_kind, other in explicit_contacts:
            if other.phone != contact.phone and all(o.contact.phone != other.phone for o in other_contacts):
                other_contacts.append(OtherContact(payer=payer_by_kind[payer_kind], contact=other))

    return UnifiedBenefitAnswer(
        category=category,
        status=status,
        dual_status=rule.status,
        payers=tuple(payers),
        member_cost=member_cost,
        prior_authorization_by=tuple(dict.fromkeys(pa)),
        referral_required_by=tuple(dict.fromkeys(referral)),
        limits=tuple(limits),
        supplemental=supplemental,
        carve_outs=tuple(carve_outs),
        unavailable_carve_outs=tuple(unavailable),
        arranged_by=arranged_by,
        contact=contact,
        contact_name_en=contact_en,
        contact_name_es=contact_es,
        notes=tuple(notes),
        sources=tuple(sources),
        other_contacts=tuple(other_contacts),
    )


_STATE_PROGRAMS = {CarveOutProgram.MEDI_CAL_DENTAL, CarveOutProgram.MEDI_CAL_RX}


def unified_benefit_answers(
    *,
    medicare: BenefitCatalog | None,
    medi_cal: BenefitCatalog | None,
    rule: DualStatusRule,
    categories: list[ServiceCategory] | None = None,
) -> list[UnifiedBenefitAnswer]:
    """Answers for every category either catalog mentions (or the given ones), in code-list order."""
    if categories is None:
        mentioned = {e.category for c in (medicare, medi_cal) if c is not None for e in c.entries}
        categories = [c for c in ServiceCategory if c in mentioned]
    return [
        unified_benefit_answer(category=category, medicare=medicare, medi_cal=medi_cal, rule=rule)
        for category in categories
    ]
