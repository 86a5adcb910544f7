"""Medi-Cal Client Index Number (DOMAIN.md §6.3): 8 digits and a letter; strict mode also wants a leading 9."""

import random
import re
import string

from memberhub.errors import InvalidIdentifier

_CIN = re.compile(r"^[0-9]{8}[A-Z]$")


def normalize_cin(value: str, *, strict: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidIdentifier("CIN", "type", "must be a string")
    cleaned = value.strip().upper()
    if len(cleaned) != 9:
        raise InvalidIdentifier("CIN", "length", f"must have 9 characters, got {len(cleaned)}")
    if not _CIN.match(cleaned):
        raise InvalidIdentifier("CIN", "pattern", "must be 8 digits followed by a letter")
    if strict and not cleaned.startswith("9"):
        raise InvalidIdentifier("CIN", "first_digit", "must start with 9")
    return cleaned


def is_valid_cin(value: str, *, strict: bool = False) -> bool:
    try:
        normalize_cin(value, strict=strict)
    except InvalidIdentifier:
        return False
    return True


def generate_cin(rng: random.Random) -> str:
    return "9" + "".join(rng.choice(string.digits) for _ in range(7)) + rng.choice(string.ascii_uppercase)
