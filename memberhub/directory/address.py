"""Postal address normalization, so that two plans' spellings of one practice address compare equal.

Rules (USPS Publication 28 style, the subset that matters for matching):
- upper case, punctuation removed (except the hyphen in house numbers such as 12-14), spaces collapsed;
- street suffixes, directionals and secondary-unit designators abbreviated (STREET -> ST, NORTH -> N,
  SUITE -> STE, "#" -> STE); "FLOOR 2"/"2ND FLOOR" -> "FL 2";
- ZIP codes cut to their five-digit form;
- the match key is `line|city|state|zip5` with all address lines joined by a space.
"""

import re
from dataclasses import dataclass

SUFFIXES = {
    "ALLEY": "ALY",
    "AVENUE": "AVE",
    "AV": "AVE",
    "BOULEVARD": "BLVD",
    "BOUL": "BLVD",
    "CENTER": "CTR",
    "CENTRE": "CTR",
    "CIRCLE": "CIR",
    "COURT": "CT",
    "CRESCENT": "CRES",
    "DRIVE": "DR",
    "EXPRESSWAY": "EXPY",
    "FREEWAY": "FWY",
    "HIGHWAY": "HWY",
    "LANE": "LN",
    "PARKWAY": "PKWY",
    "PLACE": "PL",
    "PLAZA": "PLZ",
    "ROAD": "RD",
    "ROUTE": "RTE",
    "SQUARE": "SQ",
    "STREET": "ST",
    "STR": "ST",
    "TERRACE": "TER",
    "TRAIL": "TRL",
    "WAY": "WAY",
    "MOUNT": "MT",
    "POINT": "PT",
    "CAMINO": "CAM",
}
DIRECTIONALS = {
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
    "NORTHEAST": "NE",
    "NORTHWEST": "NW",
    "SOUTHEAST": "SE",
    "SOUTHWEST": "SW",
}
UNITS = {
    "SUITE": "STE",
    "STE.": "STE",
    "APARTMENT": "APT",
    "BUILDING": "BLDG",
    "BLDG.": "BLDG",
    "FLOOR": "FL",
    "ROOM": "RM",
    "UNIT": "UNIT",
    "DEPARTMENT": "DEPT",
    "#": "STE",
    "NO": "STE",
    "NUMBER": "STE",
}
ORDINAL_FLOOR = re.compile(r"\b(\d+)(?:ST|ND|RD|TH)\s+FL\b")
_PUNCT = re.compile(r"[^\w\s#-]")
_SPACES = re.compile(r"\s+")
_HASH = re.compile(r"#\s*")


@dataclass(frozen=True, slots=True)
class PostalAddress:
    lines: tuple[str, ...]
    city: str
    state: str
    postal_code: str

    @property
    def zip5(self) -> str:
        return zip5(self.postal_code)


def zip5(postal_code: str | None) -> str:
    """The five-digit ZIP of `12345`, `12345-6789` or `123456789`; '' when there is none."""
    digits = re.sub(r"\D", "", postal_code or "")
    return digits[:5] if len(digits) >= 5 else ""


def _normalize_words(text: str, *, street: bool) -> str:
    text = _HASH.sub("# ", text.upper())
    text = _PUNCT.sub(" ", text)
    words = _SPACES.sub(" ", text).strip().split(" ")
    out: list[str] = []
    for word in words:
        if not word:
            continue
        if street:
            word = DIRECTIONALS.get(word, word)
            word = SUFFIXES.get(word, word)
            word = UNITS.get(word, word)
        out.append(word)
    joined = " ".join(out)
    if street:
        joined = ORDINAL_FLOOR.sub(lambda m: f"FL {m.group(1)}", joined)
    return joined


def normalize_street(lines: tuple[str, ...] | list[str]) -> str:
    return _normalize_words(" ".join(line for line in lines if line), street=True)


def normalize_city(city: str | None) -> str:
    return _normalize_words(city or "", street=False)


def normalize_state(state: str | None) -> str:
    return re.sub(r"[^A-Z]", "", (state or "").upper())


def normalize_address(address: PostalAddress) -> PostalAddress:
    """The normalized form of an address (one line, abbreviations applied, ZIP5)."""
    return PostalAddress(
        lines=(normalize_street(address.lines),),
        city=normalize_city(address.city),
        state=normalize_state(address.state),
        postal_code=address.zip5,
    )


def address_key(address: PostalAddress | None) -> str:
    """The match key of an address; '' for no address (a virtual-only service)."""
    if address is None:
        return ""
    norm = normalize_address(address)
    if not (norm.lines[0] or norm.city or norm.postal_code):
        return ""
    return f"{norm.lines[0]}|{norm.city}|{norm.state}|{norm.postal_code}"
