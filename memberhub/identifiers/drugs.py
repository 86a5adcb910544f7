"""Drug identifiers: NDC (10-digit hyphenated forms to 11-digit 5-4-2) and RxCUI (DOMAIN.md §6.4)."""

import re

from memberhub.errors import InvalidIdentifier

_RXCUI = re.compile(r"^[0-9]{1,8}$")


def ndc_to_11(value: str) -> str:
    """Normalize an NDC to 11 digits without hyphens.

    Hyphenated 10-digit forms are padded by segment: 4-4-2 -> 0xxxx-xxxx-xx, 5-3-2 -> xxxxx-0xxx-xx,
    5-4-1 -> xxxxx-xxxx-0x. An unhyphenated 11-digit value is kept; an unhyphenated 10-digit value is
    ambiguous and refused.
    """
    cleaned = value.strip().replace(" ", "")
    if "-" in cleaned:
        parts = cleaned.split("-")
        if len(parts) != 3 or not all(part.isdigit() for part in parts):
            raise InvalidIdentifier("NDC", "pattern", f"{value!r} must have three numeric segments")
        lengths = tuple(len(part) for part in parts)
        if lengths == (5, 4, 2):
            return "".join(parts)
        if lengths == (4, 4, 2):
            return "0" + "".join(parts)
        if lengths == (5, 3, 2):
            return parts[0] + "0" + parts[1] + parts[2]
        if lengths == (5, 4, 1):
            return parts[0] + parts[1] + "0" + parts[2]
        raise InvalidIdentifier(
            "NDC", "segments", f"{value!r} has segments {lengths}; expected 4-4-2, 5-3-2, 5-4-1 or 5-4-2"
        )
    if not cleaned.isdigit():
        raise InvalidIdentifier("NDC", "digits", f"{value!r} must contain digits and hyphens only")
    if len(cleaned) == 11:
        return cleaned
    if len(cleaned) == 10:
        raise InvalidIdentifier(
            "NDC", "ambiguous", f"{value!r}: a 10-digit NDC needs its hyphens to be converted"
        )
    raise InvalidIdentifier("NDC", "length", f"{value!r} must have 10 (hyphenated) or 11 digits")


def format_ndc(value: str) -> str:
    ndc = ndc_to_11(value)
    return f"{ndc[:5]}-{ndc[5:9]}-{ndc[9:]}"


def normalize_rxcui(value: str | int) -> str:
    cleaned = str(value).strip()
    if not _RXCUI.match(cleaned) or int(cleaned) == 0:
        raise InvalidIdentifier(
            "RxCUI", "pattern", f"{value!r} must be a positive integer of at most 8 digits"
        )
    return str(int(cleaned))
