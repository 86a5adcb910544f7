"""Medicare Beneficiary Identifier (CMS MBI format, DOMAIN.md §6.1)."""

import random
import string

from memberhub.errors import InvalidIdentifier

# A-Z without S, L, O, I, B, Z.
MBI_LETTERS = "".join(ch for ch in string.ascii_uppercase if ch not in "SLOIBZ")
_DIGITS = string.digits
_NONZERO = "123456789"
# Position types: C = 1-9, A = letter, AN = letter or digit, N = digit.
_POSITIONS: tuple[tuple[str, str], ...] = (
    ("C", _NONZERO),
    ("A", MBI_LETTERS),
    ("AN", MBI_LETTERS + _DIGITS),
    ("N", _DIGITS),
    ("A", MBI_LETTERS),
    ("AN", MBI_LETTERS + _DIGITS),
    ("N", _DIGITS),
    ("A", MBI_LETTERS),
    ("A", MBI_LETTERS),
    ("N", _DIGITS),
    ("N", _DIGITS),
)
_TYPE_NAMES = {
    "C": "a digit 1-9",
    "A": "a letter other than S, L, O, I, B, Z",
    "AN": "a digit or a letter other than S, L, O, I, B, Z",
    "N": "a digit",
}


def normalize_mbi(value: str) -> str:
    """Upper-case, drop display dashes and spaces, and check every position; return the 11 characters."""
    if not isinstance(value, str):
        raise InvalidIdentifier("MBI", "type", "must be a string")
    cleaned = value.strip().upper().replace("-", "").replace(" ", "")
    if len(cleaned) != 11:
        raise InvalidIdentifier("MBI", "length", f"must have 11 characters, got {len(cleaned)}")
    for index, (char, (kind, allowed)) in enumerate(zip(cleaned, _POSITIONS, strict=True), start=1):
        if char not in allowed:
            raise InvalidIdentifier("MBI", "position", f"position {index} must be {_TYPE_NAMES[kind]}")
    return cleaned


def is_valid_mbi(value: str) -> bool:
    try:
        normalize_mbi(value)
    except InvalidIdentifier:
        return False
    return True


def format_mbi(value: str) -> str:
    """Display form with dashes: 1EG4-TE5-MK73."""
    mbi = normalize_mbi(value)
    return f"{mbi[:4]}-{mbi[4:7]}-{mbi[7:]}"


def mask_mbi(value: str) -> str:
    """Show only the last four characters: *******MK73."""
    cleaned = value.strip().upper().replace("-", "")
    return "*" * max(len(cleaned) - 4, 0) + cleaned[-4:]


def generate_mbi(rng: random.Random) -> str:
    """A syntactically valid synthetic MBI (for demo data and tests)."""
    return "".join(rng.choice(allowed) for _, allowed in _POSITIONS)
