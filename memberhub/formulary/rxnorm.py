"""RxNorm: RRF readers (RXNCONSO for names/term types, RXNSAT for NDC -> RxCUI), a parser for
RxNorm normalized drug names (ingredients, strength, dose form, brand) and a reader for FHIR
MedicationKnowledge seed files (the US Drug Formulary reference implementation's 329 drugs).

RRF files have no header: their layout is fixed by the RxNorm technical documentation, so these
readers are positional by specification and check the field count of every line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import IO

from memberhub.formulary.errors import FormularyFileError
from memberhub.formulary.matching import normalize_name
from memberhub.formulary.tabular import buffered
from memberhub.formulary.values import NDC11_RE, RXCUI_RE

# RXNCONSO.RRF: RXCUI|LAT|TS|LUI|STT|SUI|ISPREF|RXAUI|SAUI|SCUI|SDUI|SAB|TTY|CODE|STR|SRL|SUPPRESS|CVF|
RXNCONSO_COLUMNS = (
    "RXCUI",
    "LAT",
    "TS",
    "LUI",
    "STT",
    "SUI",
    "ISPREF",
    "RXAUI",
    "SAUI",
    "SCUI",
    "SDUI",
    "SAB",
    "TTY",
    "CODE",
    "STR",
    "SRL",
    "SUPPRESS",
    "CVF",
)
# RXNSAT.RRF: RXCUI|LUI|SUI|RXAUI|STYPE|CODE|ATUI|SATUI|ATN|SAB|ATV|SUPPRESS|CVF|
RXNSAT_COLUMNS = (
    "RXCUI",
    "LUI",
    "SUI",
    "RXAUI",
    "STYPE",
    "CODE",
    "ATUI",
    "SATUI",
    "ATN",
    "SAB",
    "ATV",
    "SUPPRESS",
    "CVF",
)

# Term types a member needs, best first when one RxCUI carries several.
TTY_PRIORITY = ("SCD", "SBD", "GPCK", "BPCK", "IN", "PIN", "MIN", "BN")
DRUG_TTYS = frozenset({"SCD", "SBD", "GPCK", "BPCK"})
BRAND_TTYS = frozenset({"SBD", "BPCK", "BN"})


@dataclass(frozen=True, slots=True)
class RxNormConcept:
    rxcui: str
    tty: str
    name: str
    line: int


@dataclass(frozen=True, slots=True)
class NdcLink:
    rxcui: str
    ndc: str
    line: int


def _rrf_lines(stream: IO[bytes], *, file: str, width: int) -> Iterator[tuple[int, list[bytes]]]:
    line = 0
    for raw in buffered(stream):
        line += 1
        raw = raw.rstrip(b"\r\n")
        if not raw:
            continue
        parts = raw.split(b"|")
        if parts and parts[-1] == b"":
            parts.pop()
        if len(parts) != width:
            raise FormularyFileError(f"expected {width} fields, found {len(parts)}", file=file, line=line)
        yield line, parts


def _check_rxcui(value: str, *, file: str, line: int) -> str:
    if not RXCUI_RE.match(value):
        raise FormularyFileError(f"RXCUI {value!r} is not 1-8 digits", file=file, line=line, column="RXCUI")
    return value


def read_rxnconso(
    stream: IO[bytes], *, file: str, ttys: Collection[str] = TTY_PRIORITY
) -> Iterator[RxNormConcept]:
    """SAB=RXNORM, English, not suppressed atoms of the wanted term types (UTF-8 text)."""
    wanted = frozenset(t.encode() for t in ttys)
    for line, parts in _rrf_lines(stream, file=file, width=len(RXNCONSO_COLUMNS)):
        if parts[11] != b"RXNORM" or parts[12] not in wanted:
            continue
        if parts[16] not in (b"N", b""):
            continue
        try:
            name = parts[14].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FormularyFileError(
                f"STR is not UTF-8: {exc.reason}", file=file, line=line, column="STR"
            ) from None
        rxcui = _check_rxcui(parts[0].decode("ascii", "replace"), file=file, line=line)
        yield RxNormConcept(rxcui=rxcui, tty=parts[12].decode("ascii"), name=name, line=line)


def read_rxnsat_ndcs(
    stream: IO[bytes], *, file: str, rxcuis: Collection[str] | None = None
) -> Iterator[NdcLink]:
    """NDC attributes normalized by RxNorm (SAB=RXNORM, ATN=NDC, 11 digits)."""
    keep = None if rxcuis is None else frozenset(r.encode() for r in rxcuis)
    for line, parts in _rrf_lines(stream, file=file, width=len(RXNSAT_COLUMNS)):
        if parts[8] != b"NDC" or parts[9] != b"RXNORM" or parts[11] not in (b"N", b""):
            continue
        if keep is not None and parts[0] not in keep:
            continue
        rxcui = _check_rxcui(parts[0].decode("ascii", "replace"), file=file, line=line)
        ndc = parts[10].decode("ascii", "replace").strip()
        if not NDC11_RE.match(ndc):
            raise FormularyFileError(f"NDC {ndc!r} is not 11 digits", file=file, line=line, column="ATV")
        yield NdcLink(rxcui=rxcui, ndc=ndc, line=line)


def best_concepts(concepts: Iterator[RxNormConcept]) -> dict[str, RxNormConcept]:
    """One concept per RxCUI, by :data:`TTY_PRIORITY`."""
    rank = {tty: i for i, tty in enumerate(TTY_PRIORITY)}
    best: dict[str, RxNormConcept] = {}
    for concept in concepts:
        current = best.get(concept.rxcui)
        if current is None or rank.get(concept.tty, 99) < rank.get(current.tty, 99):
            best[concept.rxcui] = concept
    return best


# --------------------------------------------------------------------------- name parsing

_STRENGTH = r"\d+(?:\.\d+)?(?:,\d{3})*\s(?:[A-Z]+|%)(?:/(?:\d+(?:\.\d+)?\s)?[A-Z]+)?"
_COMPONENT_RE = re.compile(rf"^(?P<ing>.+?)\s(?P<strength>{_STRENGTH})(?:\s(?P<rest>.+))?$")
_QUANTITY_PREFIX_RE = re.compile(r"^\d+(?:\.\d+)?\s[A-Z]+\s(?=[a-z0-9])")
_BRAND_RE = re.compile(r"\s*\[(?P<brand>[^\[\]]+)\]\s*$")
_INERT = "inert ingredients"


@dataclass(frozen=True, slots=True)
class DrugName:
    """What an RxNorm normalized name says."""

    ingredients: tuple[str, ...]
    strength: str | None
    dose_form: str | None
    brand_name: str | None
    is_pack: bool

    @property
    def ingredient_key(self) -> str:
        return " / ".join(sorted(self.ingredients))


def _parse_clinical(body: str) -> tuple[list[str], list[str], str | None] | None:
    body = _QUANTITY_PREFIX_RE.sub("", body.strip())
    ingredients: list[str] = []
    strengths: list[str] = []
    dose_form: str | None = None
    parts = body.split(" / ")
    for idx, part in enumerate(parts):
        match = _COMPONENT_RE.match(part.strip())
        if not match:
            return None
        rest = match.group("rest")
        if rest and idx != len(parts) - 1:
            return None
        ingredients.append(match.group("ing").strip())
        strengths.append(match.group("strength"))
        if rest:
            dose_form = rest.strip()
    return ingredients, strengths, dose_form


def _paren_groups(text: str) -> list[str]:
    groups: list[str] = []
    depth = 0
    start = 0
    for idx, char in enumerate(text):
        if char == "(":
            if depth == 0:
                start = idx + 1
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                groups.append(text[start:idx])
    return groups


def parse_drug_name(name: str, tty: str | None = None) -> DrugName:
    """Split an RxNorm SCD/SBD/GPCK/BPCK/IN/BN name into its parts.

    ``atorvastatin 10 MG Oral Tablet [Lipitor]`` -> ingredients ('atorvastatin',), strength
    '10 MG', dose form 'Oral Tablet', brand 'Lipitor'. Packs (``{...} Pack``) list the
    ingredients of every component. Names that are not drug forms (IN, BN) are the ingredient or
    the brand themselves.
    """
    text = name.strip()
    brand: str | None = None
    match = _BRAND_RE.search(text)
    if match:
        brand = match.group("brand").strip()
        text = text[: match.start()].rstrip()
    if tty in ("IN", "PIN", "MIN"):
        return DrugName(tuple(p.strip() for p in text.split(" / ")), None, None, None, False)
    if tty == "BN":
        return DrugName((), None, None, text, False)
    if text.startswith("{"):
        ingredients: list[str] = []
        forms: list[str] = []
        for group in _paren_groups(text):
            parsed = _parse_clinical(group)
            if parsed is None:
                continue
            for ingredient in parsed[0]:
                if ingredient.lower() != _INERT and ingredient not in ingredients:
                    ingredients.append(ingredient)
            if parsed[2] and parsed[2] not in forms:
                forms.append(parsed[2])
        return DrugName(tuple(ingredients), None, forms[0] if forms else None, brand, True)
    parsed = _parse_clinical(text)
    if parsed is None:
        return DrugName((text,), None, None, brand, False)
    ingredients_, strengths, dose_form = parsed
    return DrugName(tuple(ingredients_), " / ".join(strengths), dose_form, brand, False)


def infer_tty(name: str) -> str:
    """Term type of a normalized drug name when the source does not say (seed files)."""
    is_pack = name.lstrip().startswith("{")
    has_brand = bool(_BRAND_RE.search(name))
    if is_pack:
        return "BPCK" if has_brand else "GPCK"
    return "SBD" if has_brand else "SCD"


# --------------------------------------------------------------------------- FHIR seed


@dataclass(frozen=True, slots=True)
class SeedDrug:
    rxcui: str
    name: str
    dose_form: str | None
    line: int


RXNORM_SYSTEM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def read_medication_knowledge_ndjson(stream: IO[bytes], *, file: str) -> Iterator[SeedDrug]:
    """FHIR MedicationKnowledge resources, one per line, coded in RxNorm."""
    line = 0
    for raw in buffered(stream):
        line += 1
        if not raw.strip():
            continue
        try:
            resource = json.loads(raw)
        except ValueError as exc:
            raise FormularyFileError(f"not JSON: {exc}", file=file, line=line) from None
        if not isinstance(resource, dict) or resource.get("resourceType") != "MedicationKnowledge":
            raise FormularyFileError("not a MedicationKnowledge resource", file=file, line=line)
        codings = (resource.get("code") or {}).get("coding") or []
        coding = next((c for c in codings if c.get("system") == RXNORM_SYSTEM), None)
        if coding is None or not coding.get("code"):
            raise FormularyFileError("no RxNorm coding", file=file, line=line, column="code.coding")
        rxcui = _check_rxcui(str(coding["code"]), file=file, line=line)
        form_codings = ((resource.get("doseForm") or {}).get("coding")) or [{}]
        yield SeedDrug(
            rxcui=rxcui,
            name=str(coding.get("display") or "").strip(),
            dose_form=form_codings[0].get("display"),
            line=line,
        )


# --------------------------------------------------------------------------- drug records


@dataclass(frozen=True, slots=True)
class DrugRecord:
    """Everything the drug table keeps for one RxCUI, derived deterministically from its name."""

    rxcui: str
    name: str
    tty: str
    ingredient_key: str
    strength: str
    dose_form: str
    brand_name: str
    is_brand: bool
    is_pack: bool
    search_text: str


def drug_record(*, rxcui: str, tty: str, name: str) -> DrugRecord:
    parsed = parse_drug_name(name, tty)
    ingredient_key = normalize_name(parsed.ingredient_key) if parsed.ingredients else ""
    return DrugRecord(
        rxcui=rxcui,
        name=name,
        tty=tty,
        ingredient_key=ingredient_key,
        strength=parsed.strength or "",
        dose_form=parsed.dose_form or "",
        brand_name=parsed.brand_name or "",
        is_brand=tty in BRAND_TTYS,
        is_pack=parsed.is_pack,
        search_text=normalize_name(name),
    )


def placeholder_record(rxcui: str) -> DrugRecord:
    """A drug seen in a formulary before its RxNorm name is known."""
    return DrugRecord(rxcui, f"RxCUI {rxcui}", "", "", "", "", "", False, False, f"rxcui {rxcui}")
