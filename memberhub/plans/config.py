"""Plans-and-pairs configuration: validate a parsed YAML document into typed records (pure).

Every problem is collected (entry named, problem stated) and the whole document is refused at once.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from memberhub.errors import InvalidIdentifier, ValidationFailed
from memberhub.identifiers.medicare import validate_contract_id, validate_pbp_id, validate_segment_id

PHONE_KEYS = ("member_services", "tty", "nurse_line", "behavioral_health", "pharmacy_help")
PLAN_KINDS = ("medicare_dsnp", "medi_cal")


@dataclass(frozen=True)
class ParentSpec:
    code: str
    name: str


@dataclass(frozen=True)
class PlanSpec:
    code: str
    kind: str
    parent: str
    name: str
    contract_id: str = ""
    pbp_id: str = ""
    segment_id: str = ""
    rx_bin: str = ""
    rx_pcn: str = ""
    rx_group: str = ""
    formulary_id: str = ""
    dhcs_plan_code: str = ""
    website: str = ""
    phones: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PairSpec:
    code: str
    name: str
    medicare: str
    medi_cal: str
    plan_year: int
    counties: tuple[str, ...]


@dataclass(frozen=True)
class PlansDocument:
    parents: tuple[ParentSpec, ...]
    plans: tuple[PlanSpec, ...]
    pairs: tuple[PairSpec, ...]


def _text(entry: Mapping[str, Any], key: str) -> str:
    value = entry.get(key)
    return "" if value is None else str(value).strip()


def parse_plans_document(data: Any, *, source: str = "plans file") -> PlansDocument:
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise ValidationFailed(
            f"{source}: the top level must be a mapping", problems=["top level is not a mapping"]
        )
    unknown_keys = set(data) - {"parent_organizations", "plans", "aligned_pairs"}
    if unknown_keys:
        problems.append(f"unknown top-level keys: {', '.join(sorted(unknown_keys))}")

    parents: dict[str, ParentSpec] = {}
    for index, entry in enumerate(data.get("parent_organizations") or []):
        where = f"parent_organizations[{index}]"
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: must be a mapping")
            continue
        code, name = _text(entry, "code"), _text(entry, "name")
        if not code or not name:
            problems.append(f"{where}: code and name are required")
            continue
        if code in parents:
            problems.append(f"{where} ({code}): duplicate parent code")
        parents[code] = ParentSpec(code, name)

    plans: dict[str, PlanSpec] = {}
    for index, entry in enumerate(data.get("plans") or []):
        where = f"plans[{index}]"
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: must be a mapping")
            continue
        code = _text(entry, "code")
        where = f"plan {code or where}"
        kind, parent = _text(entry, "kind"), _text(entry, "parent")
        if not code:
            problems.append(f"{where}: code is required")
            continue
        if code in plans:
            problems.append(f"{where}: duplicate plan code")
        if kind not in PLAN_KINDS:
            problems.append(f"{where}: kind must be one of {', '.join(PLAN_KINDS)}, got {kind!r}")
        if parent not in parents:
            problems.append(f"{where}: unknown parent organization {parent!r}")
        if not _text(entry, "name"):
            problems.append(f"{where}: name is required")
        phones_raw = entry.get("phones") or {}
        if not isinstance(phones_raw, Mapping):
            problems.append(f"{where}: phones must be a mapping")
            phones_raw = {}
        bad_phone_keys = set(phones_raw) - set(PHONE_KEYS)
        if bad_phone_keys:
            problems.append(f"{where}: unknown phone keys {', '.join(sorted(bad_phone_keys))}")
        contract = pbp = segment = ""
        if kind == "medicare_dsnp":
            try:
                contract = validate_contract_id(_text(entry, "contract_id"))
                pbp = validate_pbp_id(_text(entry, "pbp_id"))
                segment = validate_segment_id(_text(entry, "segment_id") or "000")
            except InvalidIdentifier as exc:
                problems.append(f"{where}: {exc.message}")
            formulary_id = _text(entry, "formulary_id")
            if formulary_id and not (formulary_id.isdigit() and len(formulary_id) == 8):
                problems.append(f"{where}: formulary_id must be 8 digits (zero-padded), got {formulary_id!r}")
        if kind == "medi_cal" and not _text(entry, "dhcs_plan_code"):
            problems.append(f"{where}: dhcs_plan_code is required for a Medi-Cal plan")
        plans[code] = PlanSpec(
            code=code,
            kind=kind,
            parent=parent,
            name=_text(entry, "name"),
            contract_id=contract,
            pbp_id=pbp,
            segment_id=segment,
            rx_bin=_text(entry, "rx_bin"),
            rx_pcn=_text(entry, "rx_pcn"),
            rx_group=_text(entry, "rx_group"),
            formulary_id=_text(entry, "formulary_id"),
            dhcs_plan_code=_text(entry, "dhcs_plan_code"),
            website=_text(entry, "website"),
            phones={k: str(v) for k, v in phones_raw.items() if k in PHONE_KEYS},
        )

    pairs: dict[str, PairSpec] = {}
    for index, entry in enumerate(data.get("aligned_pairs") or []):
        where = f"aligned_pairs[{index}]"
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: must be a mapping")
            continue
        code = _text(entry, "code")
        where = f"pair {code or where}"
        medicare, medi_cal = plans.get(_text(entry, "medicare")), plans.get(_text(entry, "medi_cal"))
        if not code:
            problems.append(f"{where}: code is required")
        if code in pairs:
            problems.append(f"{where}: duplicate pair code")
        if medicare is None:
            problems.append(f"{where}: unknown medicare plan {_text(entry, 'medicare')!r}")
        elif medicare.kind != "medicare_dsnp":
            problems.append(f"{where}: medicare plan {medicare.code} is not a Medicare D-SNP")
        if medi_cal is None:
            problems.append(f"{where}: unknown medi_cal plan {_text(entry, 'medi_cal')!r}")
        elif medi_cal.kind != "medi_cal":
            problems.append(
                f"{where}: medi_cal plan {medi_cal.code} is not a Medi-Cal plan (two D-SNPs in a pair?)"
            )
        if medicare and medi_cal and medicare.parent != medi_cal.parent:
            problems.append(
                f"{where}: plans of two parents ({medicare.parent}, {medi_cal.parent}); an aligned pair has one parent"
            )
        year_raw = entry.get("plan_year")
        if not isinstance(year_raw, int) or not 2006 <= year_raw <= 2100:
            problems.append(f"{where}: plan_year must be a year like 2026, got {year_raw!r}")
            year_raw = 0
        counties = tuple(str(c).strip() for c in entry.get("counties") or [])
        for county in counties:
            if not (county.isdigit() and len(county) == 5 and county.startswith("06")):
                problems.append(f"{where}: county {county!r} must be a California FIPS code like 06037")
        if medicare and medi_cal and code:
            pairs[code] = PairSpec(
                code=code,
                name=_text(entry, "name") or code,
                medicare=medicare.code,
                medi_cal=medi_cal.code,
                plan_year=year_raw,
                counties=counties,
            )
    seen: dict[tuple[str, int], str] = {}
    for pair in pairs.values():
        key = (pair.medicare, pair.plan_year)
        if key in seen:
            problems.append(
                f"pair {pair.code}: D-SNP {pair.medicare} is already paired in {pair.plan_year} by {seen[key]}"
            )
        seen[key] = pair.code

    if problems:
        raise ValidationFailed(f"{source} refused: {len(problems)} problem(s)", problems=problems)
    return PlansDocument(tuple(parents.values()), tuple(plans.values()), tuple(pairs.values()))
