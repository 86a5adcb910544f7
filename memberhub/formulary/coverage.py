"""Unified coverage rules for a dual-eligible member's drug (pure, deterministic).

Three parties can pay (DOMAIN.md §0, §4.2): the D-SNP's Part D benefit (its formulary, plus the
Excluded Drugs supplemental list of enhanced plans), Medi-Cal Rx (Contract Drugs List drugs in
classes Part D excludes by law; it never pays Part D drugs for a dual), and the plan's medical
benefit for physician-administered drugs. These rules answer who pays first, under which
restrictions, what the member pays (LIS-capped for Part D, $0 where Medi-Cal Rx pays), which card
numbers the pharmacy bills, and which same-ingredient alternatives are cheaper.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from memberhub.formulary.schedules import LisCopay, RoutingNumbers
from memberhub.formulary.spuf import CostKind, CostShare, QuantityLimit


class Payer(StrEnum):
    PART_D = "part_d"
    MEDI_CAL_RX = "medi_cal_rx"
    MEDICAL_BENEFIT = "medical_benefit"


class CoverageStatus(StrEnum):
    PART_D = "part_d"
    MEDI_CAL_RX = "medi_cal_rx"
    BOTH = "both"
    NOT_COVERED = "not_covered"


class PartDSource(StrEnum):
    FORMULARY = "formulary"  # Basic Drugs Formulary
    SUPPLEMENTAL = "supplemental"  # Excluded Drugs table (enhanced-alternative plans)


class Pharmacy(StrEnum):
    PREFERRED = "preferred"
    STANDARD = "standard"


@dataclass(frozen=True, slots=True)
class DrugFacts:
    rxcui: str
    name: str
    ingredient_key: str
    strength: str | None
    dose_form: str | None
    is_brand: bool

    @property
    def is_insulin(self) -> bool:
        return "insulin" in self.ingredient_key.lower()

    @property
    def may_be_physician_administered(self) -> bool:
        form = (self.dose_form or "").lower()
        return any(word in form for word in ("inject", "infusion", "implant", "prefilled syringe"))


@dataclass(frozen=True, slots=True)
class PartDEntry:
    tier: int | None
    source: PartDSource
    has_prior_authorization: bool = False
    has_step_therapy: bool = False
    quantity_limit: QuantityLimit | None = None
    is_selected_drug: bool = False
    is_capped_benefit: bool = False


@dataclass(frozen=True, slots=True)
class MediCalRxEntry:
    cdl_part: int
    is_code_1: bool = False
    restriction_text: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    quantity_limit: QuantityLimit | None = None
    labeler_codes: tuple[str, ...] = ()
    diagnosis_restriction: str | None = None
    has_step_therapy: bool = False
    has_prior_authorization: bool = False
    part_d_excluded_category: str | None = None

    @property
    def is_part_d_excluded(self) -> bool:
        return self.part_d_excluded_category is not None

    def age_allows(self, age: int | None) -> bool | None:
        if age is None:
            return None
        if self.age_min is not None and age < self.age_min:
            return False
        return not (self.age_max is not None and age > self.age_max)


@dataclass(frozen=True, slots=True)
class Note:
    code: str
    text: str


@dataclass(frozen=True)
class CoverageDecision:
    status: CoverageStatus
    primary_payer: Payer | None
    secondary_payer: Payer | None
    part_d: PartDEntry | None
    medi_cal_rx: MediCalRxEntry | None
    is_part_d_excluded: bool
    notes: tuple[Note, ...] = field(default_factory=tuple)

    @property
    def is_covered(self) -> bool:
        return self.status != CoverageStatus.NOT_COVERED


def decide_coverage(
    *,
    drug: DrugFacts,
    part_d: PartDEntry | None,
    supplemental: PartDEntry | None = None,
    medi_cal_rx: MediCalRxEntry | None = None,
    member_age: int | None = None,
) -> CoverageDecision:
    """Who pays for ``drug`` for a dual in this aligned pair.

    - On the Part D formulary: Part D pays first. Medi-Cal Rx is secondary only when the drug is
      in a Part D-excluded class (then the Part D plan covers it as a supplemental benefit).
    - Part D-excluded class (Excluded Drugs table or the CDL says so) and on the CDL: Medi-Cal
      Rx pays (after the plan's supplemental coverage, if any).
    - A Part D drug that is off the formulary stays a Part D matter (exception request) even if
      the CDL lists it: Medi-Cal Rx does not pay Part D drugs for duals.
    """
    notes: list[Note] = []
    entry = part_d or supplemental
    excluded_class = supplemental is not None or (medi_cal_rx is not None and medi_cal_rx.is_part_d_excluded)
    medi_cal_pays = medi_cal_rx is not None and excluded_class and part_d is None
    if medi_cal_rx is not None and part_d is not None and not medi_cal_rx.is_part_d_excluded:
        notes.append(
            Note(
                "medi_cal_rx_not_for_part_d", "Listed by Medi-Cal Rx, but Part D pays Part D drugs for duals."
            )
        )
    if medi_cal_rx is not None and member_age is not None and medi_cal_rx.age_allows(member_age) is False:
        notes.append(
            Note(
                "medi_cal_rx_age_restriction",
                "Outside the Medi-Cal Rx age limit: prior authorization needed.",
            )
        )
    if entry is not None and medi_cal_pays:
        status, primary, secondary = CoverageStatus.BOTH, Payer.PART_D, Payer.MEDI_CAL_RX
    elif entry is not None:
        status, primary, secondary = CoverageStatus.PART_D, Payer.PART_D, None
    elif medi_cal_pays:
        status, primary, secondary = CoverageStatus.MEDI_CAL_RX, Payer.MEDI_CAL_RX, None
    else:
        status, primary, secondary = CoverageStatus.NOT_COVERED, None, None
        if medi_cal_rx is not None:
            notes.append(
                Note(
                    "part_d_exception",
                    "A Part D drug not on the plan's formulary: ask the plan for a coverage "
                    "(formulary) exception; Medi-Cal Rx does not pay Part D drugs for duals.",
                )
            )
        elif not excluded_class:
            notes.append(
                Note("not_on_formulary", "Not on the plan's Part D formulary or the Medi-Cal Rx list.")
            )
    if entry is not None and entry.source == PartDSource.SUPPLEMENTAL:
        notes.append(
            Note("part_d_supplemental", "Covered by the plan as a supplemental (Part D-excluded) drug.")
        )
    if drug.may_be_physician_administered:
        notes.append(
            Note(
                "medical_benefit_possible",
                "When a doctor gives this drug (office, infusion), the plan's medical benefit pays.",
            )
        )
    return CoverageDecision(
        status=status,
        primary_payer=primary,
        secondary_payer=secondary,
        part_d=entry,
        medi_cal_rx=medi_cal_rx,
        is_part_d_excluded=excluded_class,
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------- member cost

CENTS = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class CostQuote:
    days_supply: int
    pharmacy: Pharmacy
    payer: Payer
    amount: Decimal | None  # what the member pays, when a fixed amount is known
    coinsurance_rate: Decimal | None = None  # fraction of the drug price
    maximum: Decimal | None = None  # the member never pays more than this
    basis: str = "plan_copay"  # plan_copay | lis_copay | coinsurance | coinsurance_capped_by_lis |
    #                            insulin_cap | medi_cal_rx | not_offered


TierCosts = Mapping[tuple[int, Pharmacy], CostShare]  # (days supply, pharmacy) -> plan cost share


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENTS, rounding=ROUND_HALF_UP)


def _min(*values: Decimal | None) -> Decimal | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def member_costs(
    *,
    decision: CoverageDecision,
    drug: DrugFacts,
    tier_costs: TierCosts,
    lis: LisCopay | None,
    insulin_monthly_cap: Decimal | None = None,
    medi_cal_rx_copay: Decimal = Decimal("0"),
    supplies: Sequence[int] = (30, 90),
) -> list[CostQuote]:
    """The member's cost for each supply at preferred and standard retail pharmacies.

    Part D: the plan's copay or coinsurance for the drug's tier, lowered to the member's LIS
    copay (the member pays the lower of the two, DOMAIN.md §10.4) and to the insulin cap.
    Medi-Cal Rx: ``medi_cal_rx_copay`` ($0). Not covered: no quotes.
    """
    quotes: list[CostQuote] = []
    if decision.primary_payer is None:
        return quotes
    for days in supplies:
        for pharmacy in (Pharmacy.PREFERRED, Pharmacy.STANDARD):
            if decision.primary_payer == Payer.MEDI_CAL_RX:
                quotes.append(
                    CostQuote(
                        days, pharmacy, Payer.MEDI_CAL_RX, _money(medi_cal_rx_copay), basis="medi_cal_rx"
                    )
                )
                continue
            quotes.append(
                _part_d_quote(
                    days, pharmacy, drug, tier_costs.get((days, pharmacy)), lis, insulin_monthly_cap
                )
            )
    return quotes


def _part_d_quote(
    days: int,
    pharmacy: Pharmacy,
    drug: DrugFacts,
    share: CostShare | None,
    lis: LisCopay | None,
    insulin_monthly_cap: Decimal | None,
) -> CostQuote:
    lis_cap = None if lis is None else (lis.brand if drug.is_brand else lis.generic)
    insulin_cap = None
    if drug.is_insulin and insulin_monthly_cap is not None:
        months = max(1, -(-days // 30))
        insulin_cap = insulin_monthly_cap * months
    if share is None or share.kind == CostKind.NOT_OFFERED:
        return CostQuote(days, pharmacy, Payer.PART_D, None, basis="not_offered")
    if share.kind == CostKind.COPAY:
        plan = share.amount if share.amount is not None else Decimal("0")
        amount = min(v for v in (plan, lis_cap, insulin_cap) if v is not None)
        basis = "plan_copay"
        if amount < plan:
            basis = "lis_copay" if amount == lis_cap else "insulin_cap"
        return CostQuote(days, pharmacy, Payer.PART_D, _money(amount), basis=basis)
    rate = share.amount
    maximum = _min(share.maximum, lis_cap, insulin_cap)
    basis = "coinsurance"
    if lis_cap is not None and maximum == lis_cap:
        basis = "coinsurance_capped_by_lis"
    elif insulin_cap is not None and maximum == insulin_cap:
        basis = "insulin_cap"
    if rate is not None and rate == 0:
        return CostQuote(
            days, pharmacy, Payer.PART_D, Decimal("0.00"), coinsurance_rate=rate, basis="coinsurance"
        )
    return CostQuote(
        days,
        pharmacy,
        Payer.PART_D,
        None,
        coinsurance_rate=rate,
        maximum=None if maximum is None else _money(maximum),
        basis=basis,
    )


# --------------------------------------------------------------------------- routing


@dataclass(frozen=True, slots=True)
class PharmacyRouting:
    payer: Payer
    numbers: RoutingNumbers | None
    cardholder_id: str  # which identifier goes in the cardholder field: "member_id" | "cin"


def pharmacy_routing(
    decision: CoverageDecision,
    *,
    part_d_numbers: RoutingNumbers | None,
    medi_cal_rx_numbers: RoutingNumbers | None,
) -> PharmacyRouting | None:
    """The BIN/PCN/Group the pharmacy bills first for this drug (None when nothing pays)."""
    if decision.primary_payer == Payer.PART_D:
        return PharmacyRouting(Payer.PART_D, part_d_numbers, "member_id")
    if decision.primary_payer == Payer.MEDI_CAL_RX:
        return PharmacyRouting(Payer.MEDI_CAL_RX, medi_cal_rx_numbers, "cin")
    return None


# --------------------------------------------------------------------------- alternatives


class AlternativeReason(StrEnum):
    GENERIC = "generic"
    LOWER_TIER = "lower_tier"
    COVERED = "covered"


@dataclass(frozen=True, slots=True)
class Candidate:
    rxcui: str
    name: str
    ingredient_key: str
    strength: str | None
    is_brand: bool
    tier: int | None  # Part D tier; None when only Medi-Cal Rx covers it
    status: CoverageStatus


@dataclass(frozen=True, slots=True)
class Alternative:
    rxcui: str
    name: str
    reason: AlternativeReason
    tier: int | None
    status: CoverageStatus
    same_strength: bool


_REASON_ORDER = {AlternativeReason.GENERIC: 0, AlternativeReason.LOWER_TIER: 1, AlternativeReason.COVERED: 2}


def find_alternatives(
    *,
    drug: DrugFacts,
    decision: CoverageDecision,
    candidates: Iterable[Candidate],
    limit: int = 10,
) -> list[Alternative]:
    """Covered drugs with the same ingredient(s): the generic for a brand, a lower tier, or any
    covered one when the drug itself is not covered. Same strength first, then cheaper tiers."""
    own_tier = decision.part_d.tier if decision.part_d is not None else None
    found: list[Alternative] = []
    for cand in candidates:
        if cand.rxcui == drug.rxcui or cand.ingredient_key != drug.ingredient_key:
            continue
        if cand.status == CoverageStatus.NOT_COVERED:
            continue
        reason: AlternativeReason | None = None
        if drug.is_brand and not cand.is_brand:
            reason = AlternativeReason.GENERIC
        elif own_tier is not None and cand.tier is not None and cand.tier < own_tier:
            reason = AlternativeReason.LOWER_TIER
        elif not decision.is_covered:
            reason = AlternativeReason.COVERED
        if reason is None:
            continue
        found.append(
            Alternative(
                rxcui=cand.rxcui,
                name=cand.name,
                reason=reason,
                tier=cand.tier,
                status=cand.status,
                same_strength=cand.strength == drug.strength,
            )
        )
    found.sort(
        key=lambda a: (
            not a.same_strength,
            _REASON_ORDER[a.reason],
            a.tier if a.tier is not None else 0,
            a.name.lower(),
            a.rxcui,
        )
    )
    return found[:limit]


def restriction_summary(decision: CoverageDecision) -> dict[str, object]:
    """PA / ST / QL of the paying party, plus the Medi-Cal Rx restrictions, as plain values."""
    entry = decision.part_d
    ql = entry.quantity_limit if entry is not None else None
    mc = decision.medi_cal_rx
    mc_ql = mc.quantity_limit if mc is not None else None
    return {
        "prior_authorization": bool(entry and entry.has_prior_authorization),
        "step_therapy": bool(entry and entry.has_step_therapy),
        "quantity_limit": None if ql is None else {"amount": ql.amount, "days": ql.days},
        "medi_cal_rx": None
        if mc is None
        else {
            "code_1": mc.is_code_1,
            "restriction_text": mc.restriction_text,
            "age_min": mc.age_min,
            "age_max": mc.age_max,
            "quantity_limit": None if mc_ql is None else {"amount": mc_ql.amount, "days": mc_ql.days},
            "labeler_codes": list(mc.labeler_codes),
            "diagnosis": mc.diagnosis_restriction,
            "step_therapy": mc.has_step_therapy,
            "prior_authorization": mc.has_prior_authorization,
            "part_d_excluded_category": mc.part_d_excluded_category,
        },
    }
