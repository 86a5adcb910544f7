import datetime as dt
from decimal import Decimal

import pytest

from apps.benefits.errors import (
    BenefitCatalogMissing,
    BenefitPairNotFound,
    MemberHasNoBenefitPlans,
    UnknownCategory,
)
from apps.benefits.selectors import (
    benefit_changes_between_years,
    benefit_policy,
    member_benefits_get,
    pair_benefits_get,
)
from memberhub.benefits.rules import CostReason, CoverageStatus, PayerKind
from memberhub.benefits.sentences import benefit_sentence
from tests.factories.members import EnrollmentFactory, MemberFactory, aligned_member

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 6, 1)


def by_category(view):
    return {a.category.value: a for a in view.answers}


def test_public_pair_answers_are_for_a_full_benefit_dual(benefits_pair):
    view = pair_benefits_get(pair_code=benefits_pair.code)
    assert view.rule.status == "full_benefit"
    assert view.plan_year == 2026
    answers = by_category(view)
    assert answers["specialist"].member_cost.reason is CostReason.MEDI_CAL_PAYS_MEDICARE_COST_SHARING
    assert answers["dental"].carve_outs[0].program.value == "medi_cal_dental"
    assert answers["in_home_supportive_services"].status is CoverageStatus.CARVED_OUT
    assert view.missing_catalogs == []


def test_public_search_and_single_category(benefits_pair):
    view = pair_benefits_get(pair_code=benefits_pair.code, query="wheelchair")
    assert [a.category.value for a in view.answers] == ["durable_medical_equipment"]
    ride = pair_benefits_get(pair_code=benefits_pair.code, query="ride")
    assert ride.answers[0].category.value == "transportation"
    one = pair_benefits_get(pair_code=benefits_pair.code, category="hospice")
    assert [a.category.value for a in one.answers] == ["hospice"]
    with pytest.raises(UnknownCategory):
        pair_benefits_get(pair_code=benefits_pair.code, category="dentl")


def test_unknown_pair_and_pair_without_catalogs(pair):
    with pytest.raises(BenefitPairNotFound):
        pair_benefits_get(pair_code="nope")
    with pytest.raises(BenefitCatalogMissing) as info:
        pair_benefits_get(pair_code=pair.code)
    assert info.value.extra["plan_year"] == 2026


@pytest.mark.parametrize(
    ("dual_status", "specialist_coinsurance", "ihss_status", "dental_payers"),
    [
        ("full_benefit", None, CoverageStatus.CARVED_OUT, [PayerKind.DSNP_SUPPLEMENTAL]),
        ("qmb_only", None, CoverageStatus.NOT_COVERED, [PayerKind.DSNP_SUPPLEMENTAL]),
        ("slmb_only", "20", CoverageStatus.NOT_COVERED, [PayerKind.DSNP_SUPPLEMENTAL]),
    ],
)
def test_member_answers_follow_the_members_dual_status(
    benefits_pair, dual_status, specialist_coinsurance, ihss_status, dental_payers
):
    member = aligned_member(benefits_pair, dual_status=dual_status)
    view = member_benefits_get(member=member, on=ON)
    assert view.rule.status == dual_status
    assert view.pair_code == benefits_pair.code
    answers = by_category(view)
    coinsurance = answers["specialist"].member_cost.coinsurance_percent
    expected = Decimal(specialist_coinsurance) if specialist_coinsurance is not None else None
    assert coinsurance == expected
    assert answers["in_home_supportive_services"].status is ihss_status
    assert [p.kind for p in answers["dental"].payers] == dental_payers


def test_member_spanish_sentence(benefits_pair):
    member = aligned_member(benefits_pair, dual_status="qmb_only")
    view = member_benefits_get(member=member, category="durable_medical_equipment", on=ON)
    assert benefit_sentence(view.answers[0], "es").startswith(
        "Cubierto. Usted paga $0. Medi-Cal paga su parte de Medicare."
    )


def test_unaligned_member_gets_answers_from_the_plans_they_have(benefits_pair):
    # a member in the D-SNP only (no Medi-Cal plan with us)
    member = MemberFactory(dual_status="qmb_only")
    EnrollmentFactory(member=member, plan=benefits_pair.medicare_plan, start_date=dt.date(2026, 1, 1))
    view = member_benefits_get(member=member, on=ON)
    assert view.pair_code is None
    assert view.medi_cal_plan_code is None
    assert by_category(view)["dental"].carve_outs == ()


def test_member_without_plans_is_an_error(db):
    with pytest.raises(MemberHasNoBenefitPlans):
        member_benefits_get(member=MemberFactory(), on=ON)


def test_changes_between_years_is_plain_data_for_notices(benefits_pair):
    changes = benefit_changes_between_years(pair_code=benefits_pair.code, from_year=2026, to_year=2027)
    assert {(c["category"], c["kind"], c["change"]) for c in changes} >= {
        ("dental", "supplemental", "limits"),
        ("in_home_supportive_services", "supplemental", "added"),
        ("transportation", "medi_cal", "contact"),
    }
    dental = next(c for c in changes if c["category"] == "dental")
    assert dental["sentence"]["es"].startswith("Atención dental (beneficio adicional de su plan de Medicare)")
    assert dental["from_year"] == 2026
    assert dental["to_year"] == 2027


def test_changes_need_both_years(pair, load_pair_catalogs):
    load_pair_catalogs(pair, 2026)
    with pytest.raises(BenefitCatalogMissing, match="plan year 2027"):
        benefit_changes_between_years(pair_code=pair.code, from_year=2026, to_year=2027)


def test_policy_comes_from_settings(settings, benefits_pair):
    # given a configuration that stops treating QMB-only members as protected
    rules = dict(settings.BENEFITS_COST_SHARING["dual_status_rules"])
    rules["qmb_only"] = {**rules["qmb_only"], "medicare_cost_sharing_paid": False}
    settings.BENEFITS_COST_SHARING = {**settings.BENEFITS_COST_SHARING, "dual_status_rules": rules}
    assert benefit_policy().rule_for("qmb_only").medicare_cost_sharing_paid is False
    member = aligned_member(benefits_pair, dual_status="qmb_only")
    answer = member_benefits_get(member=member, category="specialist", on=ON).answers[0]
    assert answer.member_cost.reason is CostReason.PLAN_COST_SHARING


def test_reloaded_catalog_is_never_served_stale(pair, load_pair_catalogs):
    from apps.benefits.services import benefit_catalog_load
    from tests.fixtures.benefits import catalog_bytes

    load_pair_catalogs(pair, 2026)
    first = pair_benefits_get(pair_code=pair.code, category="emergency_care", dual_status="slmb_only")
    assert first.answers[0].member_cost.copay == Decimal(110)
    # when a corrected file replaces the 2026 catalog
    content = catalog_bytes("dsnp_2026", pair.medicare_plan.code, **{"copay: 110": "copay: 95"})
    benefit_catalog_load(plan_code=pair.medicare_plan.code, content=content, source_name="fixed.yaml")
    # then the next read answers from the new catalog
    again = pair_benefits_get(pair_code=pair.code, category="emergency_care", dual_status="slmb_only")
    assert again.answers[0].member_cost.copay == Decimal(95)
