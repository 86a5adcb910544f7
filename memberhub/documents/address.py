"""Mailing address in USPS standardized form (Publication 28 style: upper case, no punctuation,
standard suffix and unit abbreviations, ZIP or ZIP+4) for the envelope window and the manifest."""

from __future__ import annotations

import re
from dataclasses import dataclass

from memberhub.errors import DomainError

_SUFFIXES = {
    "STREET": "ST",
    "AVENUE": "AVE",
    "BOULEVARD": "BLVD",
    "DRIVE": "DR",
    "ROAD": "RD",
    "LANE": "LN",
    "COURT": "CT",
    "PLACE": "PL",
    "CIRCLE": "CIR",
    "HIGHWAY": "HWY",
    "PARKWAY": "PKWY",
    "TERRACE": "TER",
    "WAY": "WAY",
    "APARTMENT": "APT",
    "SUITE": "STE",
    "BUILDING": "BLDG",
    "FLOOR": "FL",
    "UNIT": "UNIT",
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
}
_ZIP_RE = re.compile(r"^(\d{5})(?:-?(\d{4}))?$")
_STATE_RE = re.compile(r"^[A-Z]{2}$")


class AddressError(DomainError):
    code = "documents.invalid_address"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", field=field)
        self.field = field


def _clean_line(line: str) -> str:
    line = re.sub(r"[.,#]", " ", line.upper())
    words = [w for w in line.split() if w]
    return " ".join(_SUFFIXES.get(w, w) for w in words)


@dataclass(frozen=True)
class MailingAddress:
    name: str
    line1: str
    city: str
    state: str
    zip_code: str
    line2: str = ""

    @classmethod
    def standardized(
        cls, *, name: str, line1: str, city: str, state: str, zip_code: str, line2: str = ""
    ) -> MailingAddress:
        name_clean = " ".join(re.sub(r"[.,]", " ", name.upper()).split())
        if not name_clean:
            raise AddressError("name", "mailing name is empty")
        l1 = _clean_line(line1)
        if not l1:
            raise AddressError("line1", "street line is empty")
        city_clean = " ".join(re.sub(r"[.,]", " ", city.upper()).split())
        if not city_clean:
            raise AddressError("city", "city is empty")
        st = state.strip().upper()
        if not _STATE_RE.match(st):
            raise AddressError("state", "state must be a two-letter code")
        m = _ZIP_RE.match(zip_code.strip())
        if not m:
            raise AddressError("zip_code", "ZIP must be 5 digits or ZIP+4")
        zip_norm = m.group(1) + (f"-{m.group(2)}" if m.group(2) else "")
        return cls(
            name=name_clean, line1=l1, line2=_clean_line(line2), city=city_clean, state=st, zip_code=zip_norm
        )

    def window_lines(self) -> tuple[str, ...]:
        lines = [self.name, self.line1]
        if self.line2:
            lines.append(self.line2)
        lines.append(f"{self.city} {self.state}  {self.zip_code}")
        return tuple(lines)

    @property
    def zip5(self) -> str:
        return self.zip_code[:5]
