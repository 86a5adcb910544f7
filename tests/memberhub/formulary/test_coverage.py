from __future__ import annotations

from decimal import Decimal

import pytest

from memberhub.formulary.coverage import (
    AlternativeReason,
    Candidate,
    CoverageStatus,
    DrugFacts,
    MediCalRxEntry,
    PartDEntry,
    PartDSource,
    Payer,
    Pharmacy,
    decide_coverage,
    find_alternatives,
    member_costs,
    pharmacy_routing,
    restriction_summary,
)
from memberhub.formulary.rxnorm import infer_tty, parse_drug_name
from memberhub.formulary.schedules import LisCopay, RoutingNumbers
from memberhub.formulary.spuf import CostKind, CostShare, QuantityLimit


def drug(rxcui: str, name: str) -> DrugFacts:
    tty = infer_tty(name)
    parsed = parse_drug_name(name, tty)
    return DrugFacts(
        rxcui=rxcui,
        name=name,
        ingredient_key=parsed.ingredient_key,
        strength=parsed.strength,
        dose_form=parsed.dose_form,
        is_brand=tty in ("SBD", "BPCK"),
    )


LATUDA = drug("1040036", "lurasidone hydrochloride 40 MG Oral Tablet [Latuda]")
LURASIDONE_40 = drug("1040031", "lurasidone hydrochloride 40 MG Oral Tablet")
LURASIDONE_80 = drug("1040041", "lurasidone hydrochloride 80 MG Oral Tablet")
DOXYLAMINE = drug("1101446", "doxylamine succinate 25 MG Oral Tablet")
PYRIDOXINE = drug("1100457", "pyridoxine hydrochloride 25 MG Oral Tablet")
METHOTREXATE = drug("105585", "methotrexate 2.5 MG Oral Tablet")
HUMULIN = drug(
    "106892",
    "insulin isophane, human 70 UNT/ML / insulin, regular, human 30 UNT/ML Injectable Suspension [Humulin]",
)
NALOXONE = drug("1191222", "naloxone hydrochloride 0.4 MG/ML Injectable Solution")

OTC = MediCalRxEntry(cdl_part=2, part_d_excluded_category="otc")
RX_ONLY = MediCalRxEntry(cdl_part=1)


def formulary(tier: int, **kw: object) -> PartDEntry:
    return PartDEntry(tier=tier, source=PartDSource.FORMULARY, **kw)  # type: ignore[arg-type]


def copay(amount: str) -> CostShare:
    return CostShare(CostKind.COPAY, Decimal(amount))


def coins(rate: str) -> CostShare:
    return CostShare(CostKind.COINSURANCE, Decimal(rate))


def costs(
    p30: CostShare, s30: CostShare, p90: CostShare, s90: CostShare
) -> dict[tuple[int, Pharmacy], CostShare]:
    return {
        (30, Pharmacy.PREFERRED): p30,
        (30, Pharmacy.STANDARD): s30,
        (90, Pharmacy.PREFERRED): p90,
        (90, Pharmacy.STANDARD): s90,
    }


FULL_DUAL = LisCopay("full_dual", Decimal("5.10"), Decimal("12.65"))
FULL_DUAL_LOW = LisCopay("full_dual_low", Decimal("1.60"), Decimal("4.90"))
INSTITUTIONAL = LisCopay("institutional", Decimal("0"), Decimal("0"))
PART_D_NUMBERS = RoutingNumbers("610014", "MEDDPRIME", "SMHP001")
MEDI_CAL_NUMBERS = RoutingNumbers("022659", "6334225", "MEDICALRX")


def test_part_d_formulary_drug_with_restrictions() -> None:
    ql = QuantityLimit(Decimal(30), 30)
    decision = decide_coverage(
        drug=LATUDA,
        part_d=formulary(4, has_prior_authorization=True, has_step_therapy=True, quantity_limit=ql),
    )
    assert (decision.status, decision.primary_payer, decision.secondary_payer) == (
        CoverageStatus.PART_D,
        Payer.PART_D,
        None,
    )
    summary = restriction_summary(decision)
    assert summary["prior_authorization"] is True
    assert summary["step_therapy"] is True
    assert summary["quantity_limit"] == {"amount": Decimal(30), "days": 30}
    assert summary["medi_cal_rx"] is None


def test_part_d_drug_also_on_cdl_is_still_paid_by_part_d() -> None:
    decision = decide_coverage(
        drug=LURASIDONE_40, part_d=formulary(2), medi_cal_rx=MediCalRxEntry(cdl_part=8, has_step_therapy=True)
    )
    assert decision.status == CoverageStatus.PART_D
    assert [n.code for n in decision.notes] == ["medi_cal_rx_not_for_part_d"]


def test_part_d_excluded_drug_on_cdl_is_paid_by_medi_cal_rx() -> None:
    decision = decide_coverage(drug=PYRIDOXINE, part_d=None, medi_cal_rx=OTC)
    assert (decision.status, decision.primary_payer) == (CoverageStatus.MEDI_CAL_RX, Payer.MEDI_CAL_RX)
    assert decision.is_part_d_excluded is True
    quotes = member_costs(decision=decision, drug=PYRIDOXINE, tier_costs={}, lis=None)
    assert [(q.days_supply, q.pharmacy.value, q.amount, q.basis) for q in quotes] == [
        (30, "preferred", Decimal("0.00"), "medi_cal_rx"),
        (30, "standard", Decimal("0.00"), "medi_cal_rx"),
        (90, "preferred", Decimal("0.00"), "medi_cal_rx"),
        (90, "standard", Decimal("0.00"), "medi_cal_rx"),
    ]
    routing = pharmacy_routing(decision, part_d_numbers=PART_D_NUMBERS, medi_cal_rx_numbers=MEDI_CAL_NUMBERS)
    assert routing is not None
    assert (routing.payer, routing.numbers, routing.cardholder_id) == (
        Payer.MEDI_CAL_RX,
        MEDI_CAL_NUMBERS,
        "cin",
    )


def test_supplemental_plan_coverage_pays_before_medi_cal_rx() -> None:
    supplemental = PartDEntry(tier=1, source=PartDSource.SUPPLEMENTAL)
    decision = decide_coverage(drug=DOXYLAMINE, part_d=None, supplemental=supplemental, medi_cal_rx=OTC)
    assert (decision.status, decision.primary_payer, decision.secondary_payer) == (
        CoverageStatus.BOTH,
        Payer.PART_D,
        Payer.MEDI_CAL_RX,
    )
    assert "part_d_supplemental" in [n.code for n in decision.notes]
    routing = pharmacy_routing(decision, part_d_numbers=PART_D_NUMBERS, medi_cal_rx_numbers=MEDI_CAL_NUMBERS)
    assert routing is not None
    assert routing.numbers == PART_D_NUMBERS


def test_off_formulary_part_d_drug_is_not_covered_and_needs_an_exception() -> None:
    decision = decide_coverage(drug=METHOTREXATE, part_d=None, medi_cal_rx=RX_ONLY)
    assert (decision.status, decision.primary_payer) == (CoverageStatus.NOT_COVERED, None)
    assert [n.code for n in decision.notes] == ["part_d_exception"]
    assert member_costs(decision=decision, drug=METHOTREXATE, tier_costs={}, lis=FULL_DUAL) == []
    assert (
        pharmacy_routing(decision, part_d_numbers=PART_D_NUMBERS, medi_cal_rx_numbers=MEDI_CAL_NUMBERS)
        is None
    )


def test_nothing_covers_it() -> None:
    decision = decide_coverage(drug=METHOTREXATE, part_d=None)
    assert decision.status == CoverageStatus.NOT_COVERED
    assert [n.code for n in decision.notes] == ["not_on_formulary"]


def test_injectables_mention_the_medical_benefit() -> None:
    decision = decide_coverage(drug=NALOXONE, part_d=formulary(1))
    assert "medical_benefit_possible" in [n.code for n in decision.notes]


def test_medi_cal_age_limit_is_flagged() -> None:
    entry = MediCalRxEntry(cdl_part=3, age_min=2, part_d_excluded_category="otc")
    assert "medi_cal_rx_age_restriction" in [
        n.code for n in decide_coverage(drug=PYRIDOXINE, part_d=None, medi_cal_rx=entry, member_age=1).notes
    ]
    assert decide_coverage(drug=PYRIDOXINE, part_d=None, medi_cal_rx=entry, member_age=70).notes == ()


TIER2 = costs(copay("5.00"), copay("10.00"), copay("15.00"), copay("30.00"))


@pytest.mark.parametrize(
    ("_case", "lis", "expected"),
    [
        (
            "no_lis",
            None,
            [
                ("5.00", "plan_copay"),
                ("10.00", "plan_copay"),
                ("15.00", "plan_copay"),
                ("30.00", "plan_copay"),
            ],
        ),
        (
            "full_dual",
            FULL_DUAL,
            [("5.00", "plan_copay"), ("5.10", "lis_copay"), ("5.10", "lis_copay"), ("5.10", "lis_copay")],
        ),
        ("full_dual_low", FULL_DUAL_LOW, [("1.60", "lis_copay")] * 4),
        ("institutional", INSTITUTIONAL, [("0.00", "lis_copay")] * 4),
    ],
)
def test_member_pays_the_lower_of_plan_and_lis_copay(
    _case: str, lis: LisCopay | None, expected: list[tuple[str, str]]
) -> None:
    decision = decide_coverage(drug=LURASIDONE_40, part_d=formulary(2))
    quotes = member_costs(decision=decision, drug=LURASIDONE_40, tier_costs=TIER2, lis=lis)
    assert [(str(q.amount), q.basis) for q in quotes] == expected


def test_brand_coinsurance_is_capped_by_the_lis_brand_copay() -> None:
    decision = decide_coverage(drug=LATUDA, part_d=formulary(4))
    tier4 = costs(coins("0.40"), coins("0.40"), coins("0.40"), CostShare(CostKind.NOT_OFFERED, None))
    with_lis = member_costs(decision=decision, drug=LATUDA, tier_costs=tier4, lis=FULL_DUAL)
    assert [(q.coinsurance_rate, q.maximum, q.basis) for q in with_lis] == [
        (Decimal("0.40"), Decimal("12.65"), "coinsurance_capped_by_lis"),
        (Decimal("0.40"), Decimal("12.65"), "coinsurance_capped_by_lis"),
        (Decimal("0.40"), Decimal("12.65"), "coinsurance_capped_by_lis"),
        (None, None, "not_offered"),
    ]
    without = member_costs(decision=decision, drug=LATUDA, tier_costs=tier4, lis=None)
    assert (without[0].amount, without[0].coinsurance_rate, without[0].maximum, without[0].basis) == (
        None,
        Decimal("0.40"),
        None,
        "coinsurance",
    )


def test_insulin_is_capped_per_month() -> None:
    decision = decide_coverage(drug=HUMULIN, part_d=formulary(3))
    tier3 = costs(copay("47.00"), copay("47.00"), copay("141.00"), copay("141.00"))
    quotes = member_costs(
        decision=decision, drug=HUMULIN, tier_costs=tier3, lis=None, insulin_monthly_cap=Decimal("35")
    )
    assert [(str(q.amount), q.basis) for q in quotes] == [("35.00", "insulin_cap")] * 2 + [
        ("105.00", "insulin_cap")
    ] * 2
    with_lis = member_costs(
        decision=decision, drug=HUMULIN, tier_costs=tier3, lis=FULL_DUAL, insulin_monthly_cap=Decimal("35")
    )
    assert {str(q.amount) for q in with_lis} == {"12.65"}


def test_part_d_routing_uses_plan_numbers() -> None:
    decision = decide_coverage(drug=LATUDA, part_d=formulary(4))
    routing = pharmacy_routing(decision, part_d_numbers=PART_D_NUMBERS, medi_cal_rx_numbers=MEDI_CAL_NUMBERS)
    assert routing is not None
    assert (routing.payer, routing.numbers, routing.cardholder_id) == (
        Payer.PART_D,
        PART_D_NUMBERS,
        "member_id",
    )


def cand(d: DrugFacts, tier: int | None, status: CoverageStatus = CoverageStatus.PART_D) -> Candidate:
    return Candidate(d.rxcui, d.name, d.ingredient_key, d.strength, d.is_brand, tier, status)


def test_alternatives_for_a_brand_are_generics_same_strength_first() -> None:
    decision = decide_coverage(drug=LATUDA, part_d=formulary(4))
    found = find_alternatives(
        drug=LATUDA,
        decision=decision,
        candidates=[cand(LURASIDONE_80, 2), cand(LURASIDONE_40, 2), cand(LATUDA, 4), cand(PYRIDOXINE, 1)],
    )
    assert [(a.rxcui, a.reason, a.same_strength) for a in found] == [
        ("1040031", AlternativeReason.GENERIC, True),
        ("1040041", AlternativeReason.GENERIC, False),
    ]


def test_generic_has_no_alternative_in_a_higher_tier() -> None:
    decision = decide_coverage(drug=LURASIDONE_40, part_d=formulary(2))
    assert (
        find_alternatives(
            drug=LURASIDONE_40, decision=decision, candidates=[cand(LATUDA, 4), cand(LURASIDONE_80, 2)]
        )
        == []
    )


def test_lower_tier_same_ingredient_alternative() -> None:
    decision = decide_coverage(drug=LURASIDONE_80, part_d=formulary(3))
    found = find_alternatives(drug=LURASIDONE_80, decision=decision, candidates=[cand(LURASIDONE_40, 2)])
    assert [(a.rxcui, a.reason, a.tier) for a in found] == [("1040031", AlternativeReason.LOWER_TIER, 2)]


def test_not_covered_drug_gets_covered_alternatives() -> None:
    decision = decide_coverage(drug=LURASIDONE_80, part_d=None)
    found = find_alternatives(
        drug=LURASIDONE_80,
        decision=decision,
        candidates=[cand(LURASIDONE_40, 2), cand(LATUDA, None, CoverageStatus.NOT_COVERED)],
    )
    assert [(a.rxcui, a.reason) for a in found] == [("1040031", AlternativeReason.COVERED)]
