import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from memberhub.errors import InvalidIdentifier
from memberhub.identifiers import (
    card_issuer_id,
    generate_cin,
    generate_mbi,
    is_valid_cin,
    is_valid_mbi,
    is_valid_npi,
    mask_mbi,
    ndc_to_11,
    normalize_cin,
    normalize_mbi,
    normalize_npi,
    normalize_rxcui,
    npi_check_digit,
    parse_plan_key,
    validate_contract_id,
)
from memberhub.identifiers.drugs import format_ndc
from memberhub.identifiers.mbi import MBI_LETTERS, format_mbi
from memberhub.identifiers.npi import generate_npi

# --- MBI (DOMAIN.md §6.1) -------------------------------------------------------------------------------


def test_mbi_known_vector_with_display_dashes_and_lower_case():
    assert normalize_mbi("1eg4-te5-mk73") == "1EG4TE5MK73"
    assert format_mbi("1EG4TE5MK73") == "1EG4-TE5-MK73"


@pytest.mark.parametrize(
    ("_case", "value", "rule"),
    [
        ("too short", "1EG4TE5MK7", "length"),
        ("too long", "1EG4TE5MK733", "length"),
        ("position 1 zero", "0EG4TE5MK73", "position"),
        ("position 2 digit", "11G4TE5MK73", "position"),
        ("excluded letter S", "1SG4TE5MK73", "position"),
        ("excluded letter L", "1EL4TE5MK73", "position"),
        ("excluded letter O", "1EG4OE5MK73", "position"),
        ("excluded letter I", "1EG4TI5MK73", "position"),
        ("excluded letter B", "1EG4TE5BK73", "position"),
        ("excluded letter Z", "1EG4TE5MZ73", "position"),
        ("position 4 letter", "1EGATE5MK73", "position"),
        ("position 7 letter", "1EG4TEAMK73", "position"),
        ("position 10 letter", "1EG4TE5MKA3", "position"),
    ],
)
def test_mbi_rules_refuse_with_rule_named(_case, value, rule):
    with pytest.raises(InvalidIdentifier) as excinfo:
        normalize_mbi(value)
    assert excinfo.value.rule == rule
    assert excinfo.value.code == f"identifiers.mbi.{rule}"
    assert not is_valid_mbi(value)


def test_mbi_error_message_names_position():
    with pytest.raises(InvalidIdentifier, match="position 2 must be a letter other than S, L, O, I, B, Z"):
        normalize_mbi("1SG4TE5MK73")


@given(st.integers(min_value=0, max_value=2**32))
def test_generated_mbis_are_valid(seed):
    mbi = generate_mbi(random.Random(seed))
    assert normalize_mbi(mbi) == mbi
    assert not set(mbi) & set("SLOIBZ")


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=11, max_size=11))
def test_mbi_validator_agrees_with_cms_regex(value):
    import re

    regex = re.compile(
        r"^[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9][AC-HJKMNP-RT-Y]{2}[0-9]{2}$"
    )
    assert is_valid_mbi(value) == bool(regex.match(value))


def test_mbi_alphabet_has_twenty_letters():
    assert len(MBI_LETTERS) == 20


def test_mask_mbi_shows_last_four_only():
    assert mask_mbi("1EG4-TE5-MK73") == "*******MK73"


# --- NPI (DOMAIN.md §6.2) -------------------------------------------------------------------------------


def test_npi_known_vectors():
    assert npi_check_digit("123456789") == 3
    assert normalize_npi("1234567893") == "1234567893"
    assert is_valid_npi("1558598797")


@pytest.mark.parametrize(
    ("_case", "value", "rule"),
    [
        ("wrong check digit", "1234567890", "check_digit"),
        ("nine digits", "123456789", "length"),
        ("letters", "12345678A3", "digits"),
        ("first digit 3", "3234567893", "first_digit"),
    ],
)
def test_npi_rules_refuse_with_rule_named(_case, value, rule):
    with pytest.raises(InvalidIdentifier) as excinfo:
        normalize_npi(value)
    assert excinfo.value.rule == rule


def test_npi_card_issuer_id_has_80840_prefix_and_round_trips():
    assert card_issuer_id("1234567893") == "808401234567893"
    assert normalize_npi("808401234567893") == "1234567893"


@given(st.integers(min_value=0, max_value=2**32))
def test_generated_npis_pass_luhn_with_prefix(seed):
    npi = generate_npi(random.Random(seed))
    assert is_valid_npi(npi)
    # Shortcut from CMS: Luhn over the 9 digits plus the constant 24 gives the same check digit.
    digits = npi[:9]
    total = 24
    for position, char in enumerate(reversed(digits)):
        d = int(char) * (2 if position % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    assert (10 - total % 10) % 10 == int(npi[9])


@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=1, max_value=9))
def test_changing_any_single_npi_digit_breaks_the_check(seed, delta):
    npi = generate_npi(random.Random(seed))
    index = random.Random(seed).randrange(1, 10)
    altered = npi[:index] + str((int(npi[index]) + delta) % 10) + npi[index + 1 :]
    assert not is_valid_npi(altered)


# --- Medi-Cal CIN (DOMAIN.md §6.3) ----------------------------------------------------------------------


def test_cin_known_vector_and_case():
    assert normalize_cin("91234567s") == "91234567S"


@pytest.mark.parametrize(
    ("_case", "value", "strict", "rule"),
    [
        ("eight chars", "9123456S", False, "length"),
        ("letter inside", "912A4567S", False, "pattern"),
        ("no trailing letter", "912345678", False, "pattern"),
        ("strict wants leading 9", "81234567S", True, "first_digit"),
    ],
)
def test_cin_rules(_case, value, strict, rule):
    with pytest.raises(InvalidIdentifier) as excinfo:
        normalize_cin(value, strict=strict)
    assert excinfo.value.rule == rule


def test_cin_non_strict_accepts_other_leading_digit():
    assert is_valid_cin("81234567S")


@given(st.integers(min_value=0, max_value=2**32))
def test_generated_cins_are_strictly_valid(seed):
    assert is_valid_cin(generate_cin(random.Random(seed)), strict=True)


# --- Medicare contract / PBP / segment (DOMAIN.md §6.4) --------------------------------------------------


def test_plan_key_parses_display_and_full_forms():
    key = parse_plan_key("h1234-001")
    assert (key.contract_id, key.pbp_id, key.segment_id) == ("H1234", "001", "000")
    assert key.code == "H1234-001-000"
    assert key.display == "H1234-001"
    assert parse_plan_key("H1234001002").display == "H1234-001-002"


@pytest.mark.parametrize("value", ["X1234", "H123", "H12345", "1234H"])
def test_contract_id_refused(value):
    with pytest.raises(InvalidIdentifier, match="must be H, R, S or E followed by 4 digits"):
        validate_contract_id(value)


def test_plan_key_refused_with_pattern_rule():
    with pytest.raises(InvalidIdentifier) as excinfo:
        parse_plan_key("H1234-01")
    assert excinfo.value.rule == "pattern"


# --- NDC and RxCUI (DOMAIN.md §6.4) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "value", "expected"),
    [
        ("4-4-2", "1234-5678-90", "01234567890"),
        ("5-3-2", "12345-678-90", "12345067890"),
        ("5-4-1", "12345-6789-0", "12345678900"),
        ("5-4-2", "12345-6789-01", "12345678901"),
        ("11 digits", "12345678901", "12345678901"),
    ],
)
def test_ndc_to_11(_case, value, expected):
    assert ndc_to_11(value) == expected


@pytest.mark.parametrize(
    ("value", "rule"),
    [("1234567890", "ambiguous"), ("123-45-6", "segments"), ("12345", "length"), ("ab-cd-ef", "pattern")],
)
def test_ndc_refused(value, rule):
    with pytest.raises(InvalidIdentifier) as excinfo:
        ndc_to_11(value)
    assert excinfo.value.rule == rule


def test_format_ndc():
    assert format_ndc("01234567890") == "01234-5678-90"


@given(st.integers(min_value=1, max_value=99_999_999))
def test_rxcui_round_trip(value):
    assert normalize_rxcui(str(value)) == str(value)
    assert normalize_rxcui(value) == str(value)


@pytest.mark.parametrize("value", ["0", "123456789", "12a", ""])
def test_rxcui_refused(value):
    with pytest.raises(InvalidIdentifier):
        normalize_rxcui(value)
