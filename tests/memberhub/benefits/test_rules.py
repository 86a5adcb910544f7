from decimal import Decimal

import pytest

from memberhub.benefits.catalog import ArrangedBy, CarveOutProgram, LimitKind, Unit
from memberhub.benefits.categories import ServiceCategory
from memberhub.benefits.rules import (
    CostReason,
    CoverageStatus,
    DualStatusRule,
    PairCatalogMismatch,
    PayerKind,
    cost_sharing_policy_from_config,
    unified_benefit_answer,
    unified_benefit_answers,
)
from memberhub.errors import ConfigurationError
from tests.memberhub.benefits.conftest import FULL_DUAL, QMB_ONLY, SLMB_ONLY


def answer(dsnp, medi_cal, category, rule):
    return unified_benefit_answer(category=category, medicare=dsnp, medi_cal=medi_cal, rule=rule)


def payer_kinds(result):
    return [p.kind for p in result.payers]


# --- Medicare-covered services: who pays first, what the member pays ------------------------------------


@pytest.mark.parametrize(
    ("_case", "rule", "expected_cost", "expected_reason", "expected_payers"),
    [
        (
            "full dual: Medi-Cal pays the 20% and covers beyond Medicare",
            FULL_DUAL,
            (Decimal(0), None),
            CostReason.MEDI_CAL_PAYS_MEDICARE_COST_SHARING,
            [PayerKind.DSNP_MEDICARE, PayerKind.MEDI_CAL_COST_SHARING, PayerKind.MEDI_CAL_PLAN],
        ),
        (
            "QMB only: Medi-Cal pays the 20%, no Medi-Cal plan benefits",
            QMB_ONLY,
            (Decimal(0), None),
            CostReason.MEDI_CAL_PAYS_MEDICARE_COST_SHARING,
            [PayerKind.DSNP_MEDICARE, PayerKind.MEDI_CAL_COST_SHARING],
        ),
        (
            "SLMB only (partial dual): member pays the plan's 20%",
            SLMB_ONLY,
            (None, Decimal(20)),
            CostReason.PLAN_COST_SHARING,
            [PayerKind.DSNP_MEDICARE],
        ),
    ],
)
def test_durable_medical_equipment_by_dual_status(
    dsnp_2026, medi_cal_2026, _case, rule, expected_cost, expected_reason, expected_payers
):
    result = answer(dsnp_2026, medi_cal_2026, "durable_medical_equipment", rule)
    assert result.status is CoverageStatus.COVERED
    assert result.pays_first is not None
    assert result.pays_first.kind is PayerKind.DSNP_MEDICARE
    assert result.pays_first.plan_code == "H9001-001"
    assert (result.member_cost.copay, result.member_cost.coinsurance_percent) == expected_cost
    assert result.member_cost.reason is expected_reason
    assert payer_kinds(result) == expected_payers
    assert result.prior_authorization is True


def test_partial_dual_pays_inpatient_deductible_per_stay(dsnp_2026, medi_cal_2026):
    result = answer(dsnp_2026, medi_cal_2026, "inpatient_hospital", SLMB_ONLY)
    assert result.member_cost.copay == Decimal(1676)
    assert result.member_cost.per is Unit.STAY
    assert [(s.payer, s.limit.kind, s.limit.amount) for s in result.limits] == [
        (PayerKind.DSNP_MEDICARE, LimitKind.DAYS, Decimal(90))
    ]


@pytest.mark.parametrize("category", ["inpatient_hospital", "skilled_nursing", "specialist", "emergency_care", "ambulance", "dialysis", "lab_and_imaging", "outpatient_mental_health"])  # fmt: skip
@pytest.mark.parametrize("rule", [FULL_DUAL, QMB_ONLY], ids=["full", "qmb"])
def test_full_duals_and_qmbs_pay_zero_for_every_medicare_service(dsnp_2026, medi_cal_2026, category, rule):
    result = answer(dsnp_2026, medi_cal_2026, category, rule)
    assert result.status is CoverageStatus.COVERED
    assert result.member_cost.is_zero


def test_zero_cost_medicare_service_needs_no_medi_cal_cost_sharing_step(dsnp_2026, medi_cal_2026):
    result = answer(dsnp_2026, medi_cal_2026, "primary_care", FULL_DUAL)
    assert payer_kinds(result) == [PayerKind.DSNP_MEDICARE, PayerKind.MEDI_CAL_PLAN]
    assert result.member_cost.reason is CostReason.PLAN_COST_SHARING
    assert result.arranged_by is ArrangedBy.PROVIDER


def test_the_rule_is_configuration_not_a_constant(dsnp_2026, medi_cal_2026):
    # given a configuration where QMB-only members are NOT protected, the same catalog gives a different answer
    unprotected = DualStatusRule(
        "qmb_only", "QMB only", full_medi_cal=False, medicare_cost_sharing_paid=False
    )
    result = answer(dsnp_2026, medi_cal_2026, "specialist", unprotected)
    assert result.member_cost.coinsurance_percent == Decimal(20)
    assert result.member_cost.reason is CostReason.PLAN_COST_SHARING


def test_referral_and_prior_authorization_from_either_side(dsnp_2026, medi_cal_2026):
    result = answer(dsnp_2026, medi_cal_2026, "specialist", FULL_DUAL)
    assert result.referral_required_by == (PayerKind.DSNP_MEDICARE, PayerKind.MEDI_CAL_PLAN)
    hearing = answer(dsnp_2026, medi_cal_2026, "hearing", FULL_DUAL)
    assert hearing.prior_authorization_by == (PayerKind.MEDI_CAL_PLAN,)  # only the Medi-Cal side asks
    assert [(s.payer, s.limit.amount) for s in hearing.limits] == [
        (PayerKind.DSNP_SUPPLEMENTAL, Decimal(1500)),
        (PayerKind.MEDI_CAL_PLAN, Decimal(1510)),
    ]
    assert answer(dsnp_2026, medi_cal_2026, "hearing", QMB_ONLY).prior_authorization is False


# --- supplemental benefits ----------------------------------------------------------------------------


def test_supplemental_dental_pays_first_then_medi_cal_dental_for_full_duals(dsnp_2026, medi_cal_2026):
    result = answer(dsnp_2026, medi_cal_2026, "dental", FULL_DUAL)
    assert result.status is CoverageStatus.COVERED
    assert payer_kinds(result) == [PayerKind.DSNP_SUPPLEMENTAL]
    assert result.supplemental is not None
    assert result.supplemental.description.en.startswith("Cleanings")
    assert [c.program for c in result.carve_outs] == [CarveOutProgram.MEDI_CAL_DENTAL]
    assert result.contact.phone == "1-800-555-0155"
    assert result.arranged_by is ArrangedBy.VENDOR
    assert result.member_cost.is_zero


def test_qmb_only_gets_supplemental_dental_but_not_medi_cal_dental(dsnp_2026, medi_cal_2026):
    result = answer(dsnp_2026, medi_cal_2026, "dental", QMB_ONLY)
    assert result.status is CoverageStatus.COVERED
    assert result.carve_outs == ()
    assert [c.program for c in result.unavailable_carve_outs] == [CarveOutProgram.MEDI_CAL_DENTAL]


def test_supplemental_rides_then_medi_cal_rides(dsnp_2026, medi_cal_2026):
    full = answer(dsnp_2026, medi_cal_2026, "transportation", FULL_DUAL)
    assert payer_kinds(full) == [PayerKind.DSNP_SUPPLEMENTAL, PayerKind.MEDI_CAL_PLAN]
    assert full.limits[0].limit.amount == Decimal(24)
    partial = answer(dsnp_2026, medi_cal_2026, "transportation", SLMB_ONLY)
    assert payer_kinds(partial) == [PayerKind.DSNP_SUPPLEMENTAL]


def test_vision_adds_supplemental_to_the_medicare_benefit(dsnp_2026, medi_cal_2026):
    result = answer(dsnp_2026, medi_cal_2026, "vision", FULL_DUAL)
    assert payer_kinds(result) == [
        PayerKind.DSNP_MEDICARE,
        PayerKind.DSNP_SUPPLEMENTAL,
        PayerKind.MEDI_CAL_PLAN,
    ]
    assert result.supplemental is not None
    assert result.supplemental.limits[0].amount == Decimal(250)


def test_supplemental_cost_sharing_paid_only_when_configured_and_medi_cal_covers(dsnp_2026, medi_cal_2026):
    from dataclasses import replace

    from memberhub.benefits.catalog import CostSharing, EntryKind

    rides = dsnp_2026.entry("transportation", EntryKind.SUPPLEMENTAL)
    priced = replace(rides, cost_sharing=CostSharing(copay=Decimal(5), per=Unit.TRIP))
    catalog = replace(dsnp_2026, entries=(priced,), _index={})
    assert answer(catalog, medi_cal_2026, "transportation", FULL_DUAL).member_cost.copay == Decimal(5)
    paying = replace(FULL_DUAL, supplemental_cost_sharing_paid=True)
    result = answer(catalog, medi_cal_2026, "transportation", paying)
    assert result.member_cost.is_zero
    assert result.member_cost.reason is CostReason.MEDI_CAL_PAYS_SUPPLEMENTAL_COST_SHARING


# --- carve-outs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "program", "phone"),
    [
        ("in_home_supportive_services", CarveOutProgram.IHSS, "1-888-944-4477"),
        ("specialty_mental_health", CarveOutProgram.COUNTY_MENTAL_HEALTH, "1-800-854-7771"),
    ],
)
def test_medi_cal_carve_out_for_full_duals(dsnp_2026, medi_cal_2026, category, program, phone):
    result = answer(dsnp_2026, medi_cal_2026, category, FULL_DUAL)
    assert result.status is CoverageStatus.CARVED_OUT
    assert result.pays_first is not None
    assert result.pays_first.kind is PayerKind.CARVE_OUT
    assert result.pays_first.carve_out_program is program
    assert result.contact.phone == phone
    assert result.member_cost.is_zero


@pytest.mark.parametrize("rule", [QMB_ONLY, SLMB_ONLY], ids=["qmb", "slmb"])
def test_medi_cal_carve_out_not_available_without_full_medi_cal(dsnp_2026, medi_cal_2026, rule):
    result = answer(dsnp_2026, medi_cal_2026, "in_home_supportive_services", rule)
    assert result.status is CoverageStatus.NOT_COVERED
    assert result.covered is False
    assert result.payers == ()
    assert [c.program for c in result.unavailable_carve_outs] == [CarveOutProgram.IHSS]
    assert result.contact.phone == "1-800-555-0101"  # the D-SNP's member services


@pytest.mark.parametrize("rule", [FULL_DUAL, QMB_ONLY, SLMB_ONLY], ids=["full", "qmb", "slmb"])
def test_hospice_is_original_medicare_for_everyone(dsnp_2026, medi_cal_2026, rule):
    result = answer(dsnp_2026, medi_cal_2026, "hospice", rule)
    assert result.status is CoverageStatus.CARVED_OUT
    assert result.pays_first is not None
    assert result.pays_first.carve_out_program is CarveOutProgram.ORIGINAL_MEDICARE
    assert result.arranged_by is ArrangedBy.ORIGINAL_MEDICARE


def test_drugs_part_d_first_and_medi_cal_rx_for_excluded_drugs(dsnp_2026, medi_cal_2026):
    result = answer(dsnp_2026, medi_cal_2026, "prescription_drugs", FULL_DUAL)
    assert payer_kinds(result) == [PayerKind.DSNP_PART_D]
    assert result.member_cost.reason is CostReason.PART_D_COST_SHARING
    assert [c.program for c in result.carve_outs] == [CarveOutProgram.MEDI_CAL_RX]
    assert result.carve_outs[0].contact.phone == "1-800-977-2273"


def test_partial_carve_out_on_a_covered_service(dsnp_2026, medi_cal_2026):
    result = answer(dsnp_2026, medi_cal_2026, "outpatient_mental_health", FULL_DUAL)
    assert result.status is CoverageStatus.COVERED
    assert [c.program for c in result.carve_outs] == [CarveOutProgram.COUNTY_MENTAL_HEALTH]


def test_medi_cal_only_service_for_full_dual_and_not_for_qmb(dsnp_2026, medi_cal_2026):
    full = answer(dsnp_2026, medi_cal_2026, "community_adult_services", FULL_DUAL)
    assert payer_kinds(full) == [PayerKind.MEDI_CAL_PLAN]
    assert full.member_cost.reason is CostReason.MEDI_CAL_BENEFIT
    assert full.contact.phone == "1-800-555-0202"  # the Medi-Cal plan's member services
    qmb = answer(dsnp_2026, medi_cal_2026, "community_adult_services", QMB_ONLY)
    assert qmb.status is CoverageStatus.NOT_COVERED
    ltc = answer(dsnp_2026, medi_cal_2026, "long_term_services", FULL_DUAL)
    assert payer_kinds(ltc) == [PayerKind.MEDI_CAL_PLAN]


def test_sources_name_plan_year_and_line(dsnp_2026, medi_cal_2026):
    result = answer(dsnp_2026, medi_cal_2026, "durable_medical_equipment", FULL_DUAL)
    assert [(s.plan_code, s.plan_year, s.kind.value) for s in result.sources] == [
        ("H9001-001", 2026, "medicare"),
        ("MC-SUN-LA", 2026, "medi_cal"),
    ]
    assert all(s.line for s in result.sources)


def test_answers_for_every_mentioned_category_in_code_list_order(dsnp_2026, medi_cal_2026):
    answers = unified_benefit_answers(medicare=dsnp_2026, medi_cal=medi_cal_2026, rule=FULL_DUAL)
    categories = [a.category for a in answers]
    assert categories == sorted(categories, key=list(ServiceCategory).index)
    assert ServiceCategory.IN_HOME_SUPPORTIVE_SERVICES in categories
    assert ServiceCategory.PREVENTIVE in categories
    assert len(categories) == len(set(categories))


def test_missing_side_still_answers_and_swapped_catalogs_are_refused(dsnp_2026, medi_cal_2026):
    only_dsnp = answer(dsnp_2026, None, "dental", FULL_DUAL)
    assert only_dsnp.carve_outs == ()
    with pytest.raises(PairCatalogMismatch):
        answer(medi_cal_2026, dsnp_2026, "dental", FULL_DUAL)
    with pytest.raises(PairCatalogMismatch):
        answer(None, None, "dental", FULL_DUAL)


# --- configuration ------------------------------------------------------------------------------------

CONFIG = {
    "dual_status_rules": {
        "qmb_only": {"label": "QMB only", "full_medi_cal": False, "medicare_cost_sharing_paid": True},
        "full_benefit": {"label": "Full", "full_medi_cal": True, "medicare_cost_sharing_paid": True},
    },
    "unknown_status_rule": {"label": "Unknown", "full_medi_cal": False, "medicare_cost_sharing_paid": False},
    "public_dual_status": "full_benefit",
}


def test_policy_from_config_and_unknown_status_falls_back():
    policy = cost_sharing_policy_from_config(CONFIG)
    assert policy.rule_for("qmb_only").medicare_cost_sharing_paid is True
    assert policy.rule_for("martian").status == "unknown"
    assert policy.rule_for(None).full_medi_cal is False
    assert policy.public_rule.status == "full_benefit"


@pytest.mark.parametrize(
    ("_case", "change", "message"),
    [
        ("no rules", {"dual_status_rules": {}}, "non-empty"),
        ("flag not bool", {"dual_status_rules": {"full_benefit": {"full_medi_cal": "yes"}}}, "true or false"),
        ("typo key", {"dual_status_rules": {"full_benefit": {"full_medical": True}}}, "unknown keys"),
        ("public unknown", {"public_dual_status": "nope"}, "public_dual_status"),
        ("generous unknown", {"unknown_status_rule": {"full_medi_cal": True}}, "must not promise"),
    ],
)
def test_bad_configuration_is_refused(_case, change, message):
    with pytest.raises(ConfigurationError, match=message):
        cost_sharing_policy_from_config({**CONFIG, **change})


def test_answer_as_plain_data_round_trips_through_json(dsnp_2027, medi_cal_2027):
    import json

    from memberhub.benefits.serialize import answer_to_dict

    data = answer_to_dict(answer(dsnp_2027, medi_cal_2027, "transportation", FULL_DUAL))
    assert json.loads(json.dumps(data)) == data
    assert data["other_contacts"][0]["contact"]["phone"] == "1-800-555-0177"
    assert data["payers"][0] == {
        "order": 1,
        "kind": "dsnp_supplemental",
        "name": {
            "en": "Sunrise Medi-Medi Plan (extra benefit)",
            "es": "Sunrise Medi-Medi Plan (beneficio adicional)",
        },
        "plan_code": "H9001-001",
        "carve_out_program": None,
    }
    assert data["limits"][0]["text"] == {"en": "30 one-way trips a year", "es": "30 viajes de ida al año"}


def test_carve_out_cost_unknown_unless_configured_free(dsnp_2026, medi_cal_2026):
    from dataclasses import replace

    cautious = replace(FULL_DUAL, medi_cal_services_free=False)
    result = answer(dsnp_2026, medi_cal_2026, "in_home_supportive_services", cautious)
    assert result.member_cost.known is False
    hospice = answer(dsnp_2026, medi_cal_2026, "hospice", cautious)  # the catalog states $0
    assert hospice.member_cost.is_zero
