"""834 member record -> the flat, validated change memberhub applies (DOMAIN.md §5.6). Pure.

The side of the file (Medicare D-SNP or Medi-Cal plan) decides the matching key: the MBI (REF*F6)
for Medicare, the CIN (DHCS layout, REF*0F by default) for Medi-Cal. Identifiers are validated
with ``memberhub.identifiers``; a bad identifier or an impossible date is an ``Issue`` naming the
segment and element that carried it, so the record can be refused and reported in the 999.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Literal

from memberhub.errors import InvalidIdentifier
from memberhub.identifiers import normalize_cin, normalize_mbi, normalize_npi
from memberhub.x12.records import (
    MAINTENANCE_TERMINATE,
    Address,
    Issue,
    MemberRecord,
)
from memberhub.x12.tokenizer import Position

Side = Literal["medicare", "medi_cal"]

# ISO 639-2 (LUI01 LE) / NISO Z39.53 (LD) three-letter codes -> the ISO 639-1 codes memberhub stores.
LANGUAGE_CODES = {
    "eng": "en",
    "spa": "es",
    "chi": "zh",
    "zho": "zh",
    "yue": "zh",
    "cmn": "zh",
    "vie": "vi",
    "tgl": "tl",
    "fil": "tl",
    "kor": "ko",
    "arm": "hy",
    "hye": "hy",
    "rus": "ru",
    "per": "fa",
    "fas": "fa",
    "ara": "ar",
    "khm": "km",
    "hmn": "hmn",
    "lao": "lo",
    "jpn": "ja",
    "pan": "pa",
    "tha": "th",
    "mien": "ium",
}


@dataclass(frozen=True, slots=True)
class MemberChange:
    """What one valid 834 member record asks memberhub to do."""

    sequence: int
    line: int
    maintenance_type: str
    mbi: str
    cin: str
    subscriber_id: str
    first_name: str
    middle_name: str
    last_name: str
    suffix: str
    birth_date: date | None
    sex: str
    death_date: date | None
    address_line1: str
    address_line2: str
    city: str
    state: str
    zip_code: str
    county_fips: str
    phone: str
    email: str
    spoken_language: str
    written_language: str
    aid_code: str
    start_date: date | None
    end_date: date | None
    pcp_npi: str
    pcp_name: str
    pcp_start: date | None


@lru_cache(maxsize=65536)
def _checked_npi(value: str) -> tuple[str, str, str]:
    """(normalized, error code, error message): PCP NPIs repeat across a file, so validate each once."""
    try:
        return normalize_npi(value), "", ""
    except InvalidIdentifier as error:
        return "", error.code, error.message


def california_county_fips(code: str) -> str:
    """A California county code as sent in an 834 (DHCS 01-58, FIPS 3 or 5 digits) -> 5-digit FIPS, or ``""``.

    DHCS numbers the 58 counties alphabetically (19 Los Angeles, 34 Sacramento); the FIPS county
    code of the n-th county alphabetically is 2n-1 (037 Los Angeles, 067 Sacramento).
    """
    code = code.strip()
    if not code.isdigit():
        return ""
    if len(code) == 5 and code.startswith("06"):
        return code
    if len(code) == 3 and int(code) % 2 == 1 and int(code) <= 115:
        return f"06{code}"
    if len(code) <= 2 and 1 <= int(code) <= 58:
        return f"06{2 * int(code) - 1:03d}"
    return ""


def _zip(postal: str) -> str:
    digits = postal.replace("-", "").strip()
    if len(digits) == 9 and digits.isdigit():
        return f"{digits[:5]}-{digits[5:]}"
    return digits[:10]


def _issue(
    record: MemberRecord,
    key: str,
    message: str,
    *,
    code: str,
    segment_id: str,
    element: int,
    element_reference: str,
    element_code: str = "7",
    loop_id: str = "2000",
) -> Issue:
    position: Position = record.positions.get(key, record.position)
    return Issue(
        code=code,
        message=message,
        segment_id=segment_id if key in record.positions else "INS",
        position=position,
        loop_id=loop_id,
        element=element if key in record.positions else 0,
        element_reference=element_reference if key in record.positions else "",
        element_syntax_code=element_code if key in record.positions else "",
        segment_syntax_code="8" if key in record.positions else "3",
    )


def effective_maintenance(record: MemberRecord) -> str:
    """INS03, except that a change (001) whose every coverage line is terminated (HD01 024) is a termination."""
    coverages = record.coverages
    if coverages and all(c.maintenance_type == MAINTENANCE_TERMINATE for c in coverages):
        return MAINTENANCE_TERMINATE
    return record.maintenance_type


def _span(record: MemberRecord) -> tuple[date | None, date | None]:
    coverages = record.coverages
    begins = [c.begin for c in coverages if c.begin is not None]
    ends = [c.end for c in coverages if c.end is not None]
    start = min(begins) if begins else record.date_of("356") or record.date_of("303")
    if effective_maintenance(record) == MAINTENANCE_TERMINATE:
        end = record.date_of("357") or (max(ends) if ends else None)
    elif coverages and len(ends) == len(coverages):
        end = max(ends)
    else:
        end = record.date_of("357")
    return start, end


def member_change_from_record(
    record: MemberRecord, *, side: Side, sequence: int, today: date
) -> tuple[MemberChange | None, list[Issue]]:
    """Validate one record for applying; returns the change, or ``None`` and the problems found."""
    issues = list(record.errors)
    mbi = cin = ""
    medicare_number = record.medicare_number
    if medicare_number:
        try:
            mbi = normalize_mbi(medicare_number)
        except InvalidIdentifier as error:
            issues.append(
                _issue(
                    record,
                    "REF*F6",
                    f"REF*F6 {error.message}",
                    code=error.code,
                    segment_id="REF",
                    element=2,
                    element_reference="127",
                )
            )
    if side == "medi_cal":
        raw_cin = record.medi_cal.cin
        key = "REF*0F" if record.subscriber_id == raw_cin else f"REF*{raw_cin}"
        if not raw_cin:
            issues.append(
                _issue(
                    record,
                    "REF*0F",
                    "The record carries no Medi-Cal CIN.",
                    code="identifiers.cin.missing",
                    segment_id="REF",
                    element=2,
                    element_reference="127",
                    element_code="1",
                )
            )
        else:
            try:
                cin = normalize_cin(raw_cin)
            except InvalidIdentifier as error:
                issues.append(
                    _issue(
                        record,
                        key if key in record.positions else "REF*0F",
                        f"CIN: {error.message}",
                        code=error.code,
                        segment_id="REF",
                        element=2,
                        element_reference="127",
                    )
                )
    start, end = _span(record)
    if start is not None and end is not None and end < start:
        issues.append(
            _issue(
                record,
                "HD" if record.coverages else "DTP*357",
                "The coverage end date is before its start date.",
                code="x12.end_before_start",
                segment_id="DTP",
                element=3,
                element_reference="1251",
                element_code="8",
                loop_id="2300" if record.coverages else "2000",
            )
        )
    birth = record.birth_date
    if birth is not None and birth > today:
        issues.append(
            _issue(
                record,
                "DMG",
                "The birth date is in the future.",
                code="x12.birth_in_future",
                segment_id="DMG",
                element=2,
                element_reference="1251",
                element_code="8",
                loop_id="2100A",
            )
        )
    if birth is not None and record.death_date is not None and record.death_date < birth:
        issues.append(
            _issue(
                record,
                "INS",
                "The death date is before the birth date.",
                code="x12.death_before_birth",
                segment_id="INS",
                element=12,
                element_reference="1251",
                element_code="8",
            )
        )
    pcp_npi = pcp_name = ""
    pcp_start: date | None = None
    for coverage in record.coverages:
        pcp = coverage.pcp
        if pcp is None or pcp.id_qualifier != "XX":
            continue
        pcp_npi, error_code, error_message = _checked_npi(pcp.identifier)
        if error_code:
            issues.append(
                Issue(
                    code=error_code,
                    message=f"PCP NPI: {error_message}",
                    segment_id="NM1",
                    position=pcp.position,
                    loop_id="2310",
                    element=9,
                    element_reference="67",
                    element_syntax_code="7",
                )
            )
            break
        pcp_name = " ".join(p for p in (pcp.first, pcp.last_or_organization) if p).title()
        pcp_start = pcp.change_effective or coverage.begin or start
        break
    if any(issue.is_error for issue in issues):
        return None, issues

    name = record.name
    address: Address | None = record.mailing_address or record.residence_address
    county_source = ""
    for candidate in (record.residence_address, record.mailing_address):
        if candidate is not None and candidate.county_code:
            county_source = candidate.county_code
            break
    county_source = county_source or record.medi_cal.county_code
    phone = email = ""
    for contact in record.contacts:
        if contact.qualifier == "EM" and not email:
            email = contact.value[:254]
        elif contact.qualifier in {"TE", "HP", "CP", "WP"} and not phone:
            phone = "".join(ch for ch in contact.value if ch.isdigit())[:20]
    spoken = written = ""
    for language in record.languages:
        code = LANGUAGE_CODES.get(language.code.lower(), language.code.lower()[:8]) if language.code else ""
        if not code:
            continue
        if language.use in {"5", "6"}:
            written = written or code
        elif language.use == "7":
            spoken = spoken or code
        else:
            spoken = spoken or code
            written = written or code
    change = MemberChange(
        sequence=sequence,
        line=record.position.line,
        maintenance_type=effective_maintenance(record),
        mbi=mbi,
        cin=cin,
        subscriber_id=record.subscriber_id[:40],
        first_name=(name.first if name else "")[:80],
        middle_name=(name.middle if name else "")[:80],
        last_name=(name.last if name else "")[:80],
        suffix=(name.suffix if name else "")[:20],
        birth_date=birth,
        sex=record.sex if record.sex in {"F", "M", "U"} else "",
        death_date=record.death_date,
        address_line1=(address.line1 if address else "")[:120],
        address_line2=(address.line2 if address else "")[:120],
        city=(address.city if address else "")[:80],
        state=(address.state if address else "")[:2],
        zip_code=_zip(address.postal_code) if address else "",
        county_fips=california_county_fips(county_source),
        phone=phone,
        email=email,
        spoken_language=spoken,
        written_language=written,
        aid_code=record.medi_cal.aid_code[:2] if side == "medi_cal" else "",
        start_date=start,
        end_date=end,
        pcp_npi=pcp_npi,
        pcp_name=pcp_name[:200],
        pcp_start=pcp_start,
    )
    return change, issues
