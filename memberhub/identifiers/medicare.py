"""Medicare plan keys: contract (H/R/S + 4 digits), PBP (3 digits), segment (3 digits) (DOMAIN.md §6.4)."""

import re
from dataclasses import dataclass

from memberhub.errors import InvalidIdentifier

_CONTRACT = re.compile(r"^[HRSE][0-9]{4}$")
_THREE = re.compile(r"^[0-9]{3}$")
_KEY = re.compile(r"^([A-Z][0-9]{4})-?([0-9]{3})(?:-?([0-9]{3}))?$")


def validate_contract_id(value: str) -> str:
    cleaned = value.strip().upper()
    if not _CONTRACT.match(cleaned):
        raise InvalidIdentifier(
            "Medicare contract",
            "pattern",
            f"{value!r} must be H, R, S or E followed by 4 digits (e.g. H1234)",
        )
    return cleaned


def validate_pbp_id(value: str) -> str:
    cleaned = value.strip()
    if not _THREE.match(cleaned):
        raise InvalidIdentifier("PBP", "pattern", f"{value!r} must be 3 digits (e.g. 001)")
    return cleaned


def validate_segment_id(value: str) -> str:
    cleaned = value.strip()
    if not _THREE.match(cleaned):
        raise InvalidIdentifier("segment", "pattern", f"{value!r} must be 3 digits (e.g. 000)")
    return cleaned


@dataclass(frozen=True)
class PlanKey:
    contract_id: str
    pbp_id: str
    segment_id: str = "000"

    @property
    def code(self) -> str:
        return f"{self.contract_id}-{self.pbp_id}-{self.segment_id}"

    @property
    def display(self) -> str:
        """H1234-001, with the segment only when it is not 000."""
        base = f"{self.contract_id}-{self.pbp_id}"
        return base if self.segment_id == "000" else f"{base}-{self.segment_id}"


def parse_plan_key(value: str) -> PlanKey:
    match = _KEY.match(value.strip().upper())
    if not match:
        raise InvalidIdentifier(
            "Medicare plan key", "pattern", f"{value!r} must look like H1234-001 or H1234-001-000"
        )
    contract, pbp, segment = match.groups()
    return PlanKey(
        validate_contract_id(contract), validate_pbp_id(pbp), validate_segment_id(segment or "000")
    )
