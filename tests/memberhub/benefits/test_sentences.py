from decimal import Decimal

import pytest

from memberhub.benefits.catalog import Limit, LimitKind, LocalizedText, Period, Unit
from memberhub.benefits.rules import unified_benefit_answer
from memberhub.benefits.sentences import benefit_sentence, cost_phrase, limit_phrase, money
from tests.memberhub.benefits.conftest import FULL_DUAL, QMB_ONLY, SLMB_ONLY


def sentence(dsnp, medi_cal, category, rule, language):
    result = unified_benefit_answer(category=category, medicare=dsnp, medi_cal=medi_cal, rule=rule)
    return benefit_sentence(result, language)


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal(0), "$0"),
        (Decimal("4.5"), "$4.50"),
        (Decimal(1676), "$1,676"),
        (Decimal("209.50"), "$209.50"),
    ],
)
def test_money(amount, text):
    assert money(amount) == text


@pytest.mark.parametrize(
    ("_case", "copay", "coinsurance", "per", "language", "text"),
    [
        ("zero", Decimal(0), None, Unit.VISIT, "en", "$0"),
        ("copay", Decimal(4), None, Unit.VISIT, "en", "$4 per visit"),
        ("coinsurance", None, Decimal(20), Unit.ITEM, "en", "20% of the cost per item"),
        ("both", Decimal(50), Decimal(20), Unit.STAY, "en", "$50 per stay plus 20% of the cost"),
        ("copay es", Decimal(4), None, Unit.VISIT, "es", "$4 por visita"),
        ("coinsurance es", None, Decimal(20), Unit.ITEM, "es", "el 20% del costo por artículo"),
    ],
)
def test_cost_phrase(_case, copay, coinsurance, per, language, text):
    assert cost_phrase(copay, coinsurance, per, language) == text


def test_limit_phrase_singular_plural_and_note():
    assert limit_phrase(Limit(LimitKind.TRIPS, Decimal(24), Period.YEAR), "en") == "24 one-way trips a year"
    assert limit_phrase(Limit(LimitKind.TRIPS, Decimal(1), Period.YEAR), "es") == "1 viaje de ida al año"
    note = LocalizedText(en="hearing aids", es="audífonos")
    assert (
        limit_phrase(Limit(LimitKind.DOLLARS, Decimal(1510), Period.YEAR, note), "es")
        == "$1,510 al año (audífonos)"
    )


def test_full_dual_specialist_sentence_in_english(dsnp_2026, medi_cal_2026):
    assert sentence(dsnp_2026, medi_cal_2026, "specialist", FULL_DUAL, "en") == (
        "Covered. You pay $0. Medi-Cal pays your Medicare share. "
        "Sunrise Medi-Medi Plan (Medicare) pays first, then Sunrise Health Medi-Cal (Medi-Cal). "
        "Go to a doctor or place in your plan's network; questions: call 1-800-555-0101 (TTY 711). "
        "You need a referral from your primary care doctor."
    )


def test_full_dual_specialist_sentence_in_spanish(dsnp_2026, medi_cal_2026):
    assert sentence(dsnp_2026, medi_cal_2026, "specialist", FULL_DUAL, "es") == (
        "Cubierto. Usted paga $0. Medi-Cal paga su parte de Medicare. "
        "Sunrise Medi-Medi Plan (Medicare) paga primero y después Sunrise Health Medi-Cal (Medi-Cal). "
        "Vaya a un médico o lugar de la red de su plan; si tiene preguntas, llame al 1-800-555-0101 (TTY 711). "
        "Necesita una remisión de su médico de atención primaria."
    )


def test_partial_dual_sentence_states_the_share(dsnp_2026, medi_cal_2026):
    text = sentence(dsnp_2026, medi_cal_2026, "durable_medical_equipment", SLMB_ONLY, "en")
    assert text.startswith(
        "Covered. You pay 20% of the cost per item. Your plan arranges it: call 1-800-555-0101"
    )
    assert "You need approval from your plan first (prior authorization)." in text
    es = sentence(dsnp_2026, medi_cal_2026, "durable_medical_equipment", SLMB_ONLY, "es")
    assert es.startswith(
        "Cubierto. Usted paga el 20% del costo por artículo. Su plan lo coordina: llame al 1-800-555-0101"
    )


def test_ride_sentence_names_the_vendor_and_limit(dsnp_2026, medi_cal_2026):
    text = sentence(dsnp_2026, medi_cal_2026, "transportation", QMB_ONLY, "en")
    assert text == (
        "Covered. You pay $0. GoRide Transportation arranges it for your plan: call 1-800-555-0144 (TTY 711). "
        "Limit: 24 one-way trips a year. Rides to medical appointments and the pharmacy."
    )
    es = sentence(dsnp_2026, medi_cal_2026, "transportation", QMB_ONLY, "es")
    assert "Límite: 24 viajes de ida al año. Traslados a citas médicas y a la farmacia." in es


def test_carve_out_sentences(dsnp_2026, medi_cal_2026):
    assert sentence(dsnp_2026, medi_cal_2026, "in_home_supportive_services", FULL_DUAL, "en") == (
        "Covered by Los Angeles County IHSS, not by your plans. You pay $0. "
        "Los Angeles County IHSS arranges it: call 1-888-944-4477."
    )
    dental = sentence(dsnp_2026, medi_cal_2026, "dental", FULL_DUAL, "es")
    assert (
        "Medi-Cal Dental también cubre parte de esto: llame al 1-800-322-6384 (TTY 1-800-735-2922)." in dental
    )
    hospice = sentence(dsnp_2026, medi_cal_2026, "hospice", FULL_DUAL, "es")
    assert hospice.startswith("Lo cubre Medicare Original, no sus planes.")


def test_not_covered_sentence_explains_the_missing_medi_cal(dsnp_2026, medi_cal_2026):
    assert sentence(dsnp_2026, medi_cal_2026, "in_home_supportive_services", QMB_ONLY, "en") == (
        "Not covered by your plans. Los Angeles County IHSS covers it only for members with full Medi-Cal "
        "benefits. For other options, call Sunrise Medi-Medi Plan Member Services at 1-800-555-0101 (TTY 711)."
    )
    es = sentence(dsnp_2026, medi_cal_2026, "in_home_supportive_services", QMB_ONLY, "es")
    assert es.startswith("Sus planes no cubren este servicio.")
    assert "llame a Servicios al Miembro de Sunrise Medi-Medi Plan al 1-800-555-0101 (TTY 711)." in es


def test_vision_sentence_mentions_the_extra_benefit(dsnp_2026, medi_cal_2026):
    text = sentence(dsnp_2026, medi_cal_2026, "vision", FULL_DUAL, "en")
    assert (
        "Extra benefit from your Medicare plan: A routine eye exam every year and up to $250 a year" in text
    )
    es = sentence(dsnp_2026, medi_cal_2026, "vision", FULL_DUAL, "es")
    assert "Beneficio adicional de su plan de Medicare: Un examen de la vista de rutina" in es


def test_unsupported_language_is_refused(dsnp_2026, medi_cal_2026):
    with pytest.raises(ValueError, match="unsupported language"):
        sentence(dsnp_2026, medi_cal_2026, "dental", FULL_DUAL, "fr")


def test_emergency_sentence_says_call_911(dsnp_2026, medi_cal_2026):
    text = sentence(dsnp_2026, medi_cal_2026, "emergency_care", FULL_DUAL, "en")
    assert "In an emergency, call 911 or go to the nearest emergency room; no approval is needed." in text
    es = sentence(dsnp_2026, medi_cal_2026, "emergency_care", FULL_DUAL, "es")
    assert "En una emergencia, llame al 911" in es


def test_limits_from_both_sides_are_tagged(dsnp_2026, medi_cal_2026):
    text = sentence(dsnp_2026, medi_cal_2026, "hearing", FULL_DUAL, "en")
    assert (
        "Limit: $1,500 every 2 years, Medicare plan extra benefit; $1,510 a year (hearing aids), Medi-Cal."
        in text
    )


def test_second_payer_with_its_own_vendor_is_named(dsnp_2027, medi_cal_2027):
    # 2027: the Medi-Cal plan's rides moved to another vendor than the D-SNP's supplemental rides
    text = sentence(dsnp_2027, medi_cal_2027, "transportation", FULL_DUAL, "en")
    assert "Sunrise Health Medi-Cal (Medi-Cal) also covers it: call CareLift Rides at 1-800-555-0177." in text
    es = sentence(dsnp_2027, medi_cal_2027, "transportation", FULL_DUAL, "es")
    assert (
        "Sunrise Health Medi-Cal (Medi-Cal) también lo cubre: llame a CareLift Rides al 1-800-555-0177." in es
    )
    assert "CareLift" not in sentence(dsnp_2027, medi_cal_2027, "transportation", QMB_ONLY, "en")


def test_extra_benefit_vendor_is_named_when_medicare_pays_first(dsnp_2026, medi_cal_2026):
    text = sentence(dsnp_2026, medi_cal_2026, "vision", FULL_DUAL, "en")
    assert "For the extra benefit, call ClearView Vision at 1-800-555-0166." in text


def test_unknown_carve_out_cost_sentence(dsnp_2026, medi_cal_2026):
    from dataclasses import replace

    cautious = replace(FULL_DUAL, medi_cal_services_free=False)
    text = sentence(dsnp_2026, medi_cal_2026, "in_home_supportive_services", cautious, "en")
    assert "Ask Los Angeles County IHSS what you pay." in text
    es = sentence(dsnp_2026, medi_cal_2026, "in_home_supportive_services", cautious, "es")
    assert "Pregunte a Los Angeles County IHSS cuánto paga." in es
