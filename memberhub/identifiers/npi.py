"""National Provider Identifier: 10 digits, Luhn check digit over the 80840 prefix (DOMAIN.md §6.2)."""

import random

from memberhub.errors import InvalidIdentifier

NPI_PREFIX = "80840"


def _luhn_sum(digits: str) -> int:
    total = 0
    # From the right, double every other digit starting with the rightmost (the check digit is not present).
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total


def npi_check_digit(first_nine: str) -> int:
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise InvalidIdentifier("NPI", "length", "check digit needs exactly 9 digits")
    return (10 - _luhn_sum(NPI_PREFIX + first_nine) % 10) % 10


def normalize_npi(value: str) -> str:
    if not isinstance(value, str):
        raise InvalidIdentifier("NPI", "type", "must be a string")
    cleaned = value.strip()
    if len(cleaned) == 15 and cleaned.startswith(NPI_PREFIX):
        cleaned = cleaned[5:]
    if not cleaned.isdigit():
        raise InvalidIdentifier("NPI", "digits", "must contain digits only")
    if len(cleaned) != 10:
        raise InvalidIdentifier("NPI", "length", f"must have 10 digits, got {len(cleaned)}")
    if cleaned[0] not in "12":
        raise InvalidIdentifier("NPI", "first_digit", "must start with 1 or 2")
    if int(cleaned[9]) != npi_check_digit(cleaned[:9]):
        raise InvalidIdentifier("NPI", "check_digit", "check digit does not match (Luhn with prefix 80840)")
    return cleaned


def is_valid_npi(value: str) -> bool:
    try:
        normalize_npi(value)
    except InvalidIdentifier:
        return False
    return True


def card_issuer_id(npi: str) -> str:
    """The 15-digit card issuer identifier: 80840 followed by the NPI."""
    return NPI_PREFIX + normalize_npi(npi)


def generate_npi(rng: random.Random) -> str:
    first_nine = rng.choice("12") + "".join(rng.choice("0123456789") for _ in range(8))
    return first_nine + str(npi_check_digit(first_nine))
