"""Where California DHCS packs Medi-Cal values in an 834 (DOMAIN.md §5.4).

The positions come from a DHCS-style example and are tagged [U] there: they must be confirmed
against the DHCS 5010 834 companion guide, so they are configuration (the apply layer builds a
``PackedLayout`` from the ``ENROLLMENT_834`` settings component), not constants in the reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from memberhub.errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class PackedLayout:
    separator: str = ";"
    # 2000 REF qualifier carrying the CIN (the DHCS example sends it as the subscriber id REF*0F).
    cin_qualifier: str = "0F"
    # 2000 REF*3H: county (2) + aid code (2) + case number, e.g. ``343N7777777122;B``.
    case_qualifier: str = "3H"
    case_county: tuple[int, int] = (0, 2)
    case_aid_code: tuple[int, int] = (2, 4)
    case_number_from: int = 4
    # 2300 REF*CE ``3N;101`` (aid code first) and REF*ZX ``34`` (county code).
    coverage_aid_code_qualifier: str = "CE"
    coverage_county_qualifier: str = "ZX"

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> PackedLayout:
        known = set(cls.__dataclass_fields__)
        unknown = set(values) - known
        if unknown:
            raise ConfigurationError(f"Unknown 834 packed-layout keys: {', '.join(sorted(unknown))}")
        converted: dict[str, Any] = {}
        for key, value in values.items():
            if key in {"case_county", "case_aid_code"}:
                start, end = value
                converted[key] = (int(start), int(end))
            elif key == "case_number_from":
                converted[key] = int(value)
            else:
                converted[key] = str(value)
        return cls(**converted)


DEFAULT_LAYOUT = PackedLayout()
