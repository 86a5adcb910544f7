from dataclasses import replace
from datetime import date

import pytest

from memberhub.cards.carrier import build_carrier_content
from memberhub.cards.content import (
    MEMBER_FIELDS,
    PAIR_STATIC_FIELDS,
    CardContentError,
    CardMember,
    CardOptions,
    CardPair,
    CardPcp,
    CardPhones,
    build_id_card_content,
)
from memberhub.cards.translations import LANGUAGE_TAGLINES, TRANSLATIONS, normalize_language
from memberhub.documents.address import MailingAddress

PAIR = CardPair(
    product_name="Golden Valley Medi-Medi Plan",
    organization_name="Golden Valley Health",
    medicare_plan_name="Golden Valley Dual Complete",
    contract_id="H1234",
    pbp_id="001",
    medi_cal_plan_name="Golden Valley Medi-Cal",
    issuer_number="1234567893",
    part_d_bin="610014",
    part_d_pcn="MEDDPRIME",
    part_d_group="GVDSNP",
    medi_cal_rx_bin="022659",
    medi_cal_rx_pcn="6334225",
    medi_cal_rx_group="MEDICALRX",
    phones=CardPhones(
        member_services="1-800-555-0143",
        nurse_line="1-800-555-0177",
        behavioral_health="1-800-555-0199",
        pharmacy_help="1-800-555-0188",
        member_services_hours="8am-8pm, 7 days",
    ),
    website="www.goldenvalley.example",
    digital_card_url="https://app.goldenvalley.example/card",
    plan_year=2027,
)
MEMBER = CardMember(
    member_id="GV100000001",
    first_name="Maria",
    middle_initial="elena",
    last_name="Garcia",
    medi_cal_cin="91234567A",
    mbi="1EG4TE5MK73",
    effective_date=date(2027, 1, 1),
    preferred_language="en",
)
PCP = CardPcp(name="Dr. Wei Chen, MD", phone="(559) 555-0101", medical_group="Valley Medical Group")


def build(**kw):
    args = {"member": MEMBER, "pair": PAIR, "pcp": PCP, "issued_on": date(2026, 11, 29)}
    args.update(kw)
    return build_id_card_content(**args)


def test_every_card_field_is_filled_from_member_pair_and_pcp():
    c = build()
    assert c.product_name == "Golden Valley Medi-Medi Plan"
    assert c.member_name == "Maria E. Garcia"
    assert c.member_id == "GV100000001"
    assert c.medicare_plan == "Golden Valley Dual Complete (H1234-001)"
    assert c.medicare_contract_pbp == "H1234-001"
    assert c.medi_cal_plan == "Golden Valley Medi-Cal"
    assert c.medi_cal_cin == "91234567A"
    assert c.effective_date == "01/01/2027"
    assert c.issued_on == "11/29/2026"
    assert (c.pcp_name, c.pcp_phone, c.pcp_medical_group) == (
        "Dr. Wei Chen, MD",
        "(559) 555-0101",
        "Valley Medical Group",
    )
    assert (c.part_d_bin, c.part_d_pcn, c.part_d_group, c.part_d_rx_id) == (
        "610014",
        "MEDDPRIME",
        "GVDSNP",
        "GV100000001",
    )
    assert (c.medi_cal_rx_bin, c.medi_cal_rx_pcn, c.medi_cal_rx_group) == ("022659", "6334225", "MEDICALRX")
    assert c.issuer_id == "(80840) 1234567893"
    assert c.member_services == "1-800-555-0143"
    assert c.tty == "711"
    assert c.nurse_line == "1-800-555-0177"
    assert c.behavioral_health == "1-800-555-0199"
    assert c.pharmacy_help == "1-800-555-0188"
    assert c.medi_cal_rx_help == "1-800-977-2273"
    assert c.digital_card_url == "https://app.goldenvalley.example/card"
    assert "Medi-Cal Rx" in c.text["rx_routing"]
    assert "911" in c.text["emergency"]
    assert c.card_format == "standard"
    assert c.min_font_pt is None
    assert set(MEMBER_FIELDS) | set(PAIR_STATIC_FIELDS) <= set(c.canonical())


def test_no_mbi_unless_configured_and_never_an_ssn():
    c = build()
    assert c.mbi == ""
    assert "1EG4TE5MK73" not in repr(c.canonical())
    shown = build(options=CardOptions(show_mbi=True))
    assert shown.mbi == "1EG4TE5MK73"
    assert not hasattr(c, "ssn")
    with pytest.raises(CardContentError) as err:
        build(member=replace(MEMBER, member_id="123-45-6789"))
    assert err.value.code == "cards.ssn_refused"
    assert err.value.field == "member_id"


def test_pcp_is_optional_and_blank_when_unassigned():
    c = build(pcp=None)
    assert (c.pcp_name, c.pcp_phone, c.pcp_medical_group) == ("", "", "")


@pytest.mark.parametrize(
    ("pref", "expected"),
    [("es", "es"), ("spa", "es"), ("Spanish", "es"), ("es-MX", "es"), ("en", "en"), ("vi", "en"), ("", "en")],
)
def test_back_of_card_language_follows_preference_with_english_fallback(pref, expected):
    c = build(member=replace(MEMBER, preferred_language=pref))
    assert c.language == expected
    assert c.text == TRANSLATIONS[expected]
    assert normalize_language(pref) == expected


def test_spanish_card_has_spanish_back_text():
    c = build(member=replace(MEMBER, preferred_language="es"))
    assert c.text["emergency"].startswith("En una emergencia")
    assert c.text["member_services"] == "Servicios al Miembro"


def test_translations_cover_the_same_keys():
    assert set(TRANSLATIONS["en"]) == set(TRANSLATIONS["es"])


def test_large_print_card_when_member_asked_for_it():
    c = build(
        member=replace(MEMBER, alternate_format="large_print"), options=CardOptions(large_print_min_pt=20)
    )
    assert c.card_format == "large_print"
    assert c.is_large_print
    assert c.min_font_pt == 20
    braille = build(member=replace(MEMBER, alternate_format="braille"))
    assert braille.card_format == "standard"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"contract_id": "X1234"}, "cards.invalid_contract"),
        ({"pbp_id": "1"}, "cards.invalid_pbp"),
        ({"issuer_number": "1234567890"}, "cards.invalid_issuer"),
        ({"issuer_number": "12345"}, "cards.invalid_issuer"),
        ({"part_d_bin": " "}, "cards.missing_field"),
    ],
)
def test_bad_pair_configuration_is_refused_with_a_code(change, code):
    with pytest.raises(CardContentError) as err:
        build(pair=replace(PAIR, **change))
    assert err.value.code == code


def test_same_inputs_give_identical_canonical_content():
    assert build().canonical() == build().canonical()
    assert build().canonical() != build(pcp=replace(PCP, phone="(559) 555-0102")).canonical()


def test_member_fields_and_pair_static_split_the_printed_values():
    c = build()
    member = c.member_fields()
    static = c.pair_static()
    assert member["member_name"] == "Maria E. Garcia"
    assert "member_name" not in static
    assert static["part_d_bin"] == "610014"


def test_carrier_letter_uses_card_language_and_standardized_window_address():
    c = build(member=replace(MEMBER, preferred_language="es"))
    addr = MailingAddress.standardized(
        name="Maria E. Garcia",
        line1="123 Main Street",
        line2="Apartment 4",
        city="Fresno",
        state="ca",
        zip_code="937011234",
    )
    carrier = build_carrier_content(card=c, address=addr)
    assert carrier.language == "es"
    assert carrier.address_lines == ("MARIA E GARCIA", "123 MAIN ST", "APT 4", "FRESNO CA  93701-1234")
    assert "Golden Valley Medi-Medi Plan" in carrier.text["carrier_body"]
    assert "1-800-555-0143" in carrier.text["carrier_lost"]
    assert carrier.taglines == LANGUAGE_TAGLINES
    canonical = carrier.canonical()
    assert canonical["address_lines"][0] == "MARIA E GARCIA"
    assert canonical["address_4"] == "FRESNO CA  93701-1234"
    assert carrier.greeting_name == "Maria E. Garcia"
