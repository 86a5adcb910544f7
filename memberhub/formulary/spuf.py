"""Reader for the CMS Part D formulary public files (SPUF), DOMAIN.md §3.1.

Accepts the monthly/quarterly release zip (one nested zip per table, irregular inner names), a
folder of extracted files, or single ``.txt``/``.zip`` table files. Tables are recognised by a
case-insensitive match on their names, columns by their header (never by position). Plan
Information is Windows-1252; the other tables are ASCII, read as Windows-1252 (a superset).
Blanks and the SAS ``.`` are missing values; identifiers stay strings with their leading zeros.

The national Basic Drugs Formulary has over a million rows: :func:`read_basic_formulary` filters
on the raw FORMULARY_ID bytes before decoding, so only the configured plans' rows are built.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import IO

from memberhub.formulary.errors import FormularyFileError, MissingTableError
from memberhub.formulary.tabular import Row, read_delimited
from memberhub.formulary.values import (
    CONTRACT_ID_RE,
    FORMULARY_ID_RE,
    NDC11_RE,
    PLAN_ID_RE,
    RXCUI_RE,
    SEGMENT_ID_RE,
    FieldError,
    check_identifier,
    clean,
    parse_decimal,
    parse_flag,
    parse_int,
)

# CMS builds some release zips with Deflate64, which the standard library cannot inflate;
# zipfile-deflate64 patches zipfile to read them.
with contextlib.suppress(ImportError):
    import zipfile_deflate64  # noqa: F401

ENCODING = "cp1252"
_SPOOL_BYTES = 64 << 20


class SpufTable(StrEnum):
    PLAN_INFORMATION = "plan_information"
    GEOGRAPHIC_LOCATOR = "geographic_locator"
    BASIC_FORMULARY = "basic_formulary"
    EXCLUDED_DRUGS = "excluded_drugs"
    INDICATION_BASED_COVERAGE = "indication_based_coverage"
    BENEFICIARY_COST = "beneficiary_cost"
    INSULIN_BENEFICIARY_COST = "insulin_beneficiary_cost"
    PHARMACY_NETWORK = "pharmacy_network"
    PRICING = "pricing"


# Order matters: the first pattern that matches wins ("insulin beneficiary cost" before
# "beneficiary cost").
_TABLE_PATTERNS: tuple[tuple[str, SpufTable], ...] = (
    (r"insulin\s*beneficiary\s*cost", SpufTable.INSULIN_BENEFICIARY_COST),
    (r"beneficiary\s*cost", SpufTable.BENEFICIARY_COST),
    (r"basic\s*(drugs?\s*)?formulary", SpufTable.BASIC_FORMULARY),
    (r"excluded\s*drugs?", SpufTable.EXCLUDED_DRUGS),
    (r"indication\s*based\s*coverage", SpufTable.INDICATION_BASED_COVERAGE),
    (r"plan\s*info(rmation)?", SpufTable.PLAN_INFORMATION),
    (r"geographic\s*locator", SpufTable.GEOGRAPHIC_LOCATOR),
    (r"pharmacy\s*networks?", SpufTable.PHARMACY_NETWORK),
    (r"pricing", SpufTable.PRICING),
)


def classify_table_name(name: str) -> SpufTable | None:
    """Which SPUF table a file (or nested zip) name holds; None for anything else."""
    base = re.sub(r"[\s_\-]+", " ", Path(name.replace("\\", "/")).name.lower())
    if re.search(r"record\s*layout|readme|sample", base):
        return None
    for pattern, table in _TABLE_PATTERNS:
        if re.search(pattern, base):
            return table
    return None


@dataclass(frozen=True)
class ReleaseInfo:
    contract_year: int | None
    release_date: date | None
    kind: str  # "quarterly" | "monthly" | "unknown"


def release_from_name(name: str) -> ReleaseInfo:
    """``SPUF_2026_20260115.zip`` (quarterly) or ``2026_20260115.zip`` (monthly)."""
    base = Path(name).name
    match = re.search(r"(?i)(SPUF_)?(\d{4})_(\d{8})", base)
    if not match:
        bare = re.search(r"(?<!\d)(20\d{6})(?!\d)", base)  # inner files: "... file  20260115.txt"
        return ReleaseInfo(None, _yyyymmdd(bare.group(1)) if bare else None, "unknown")
    return ReleaseInfo(
        int(match.group(2)), _yyyymmdd(match.group(3)), "quarterly" if match.group(1) else "monthly"
    )


def _yyyymmdd(raw: str) -> date | None:
    try:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        return None


@dataclass(frozen=True)
class TableFile:
    """A table found in a release; ``open()`` yields a binary stream of the text file."""

    table: SpufTable
    name: str
    opener: Callable[[], contextlib.AbstractContextManager[IO[bytes]]]

    def open(self) -> contextlib.AbstractContextManager[IO[bytes]]:
        return self.opener()


def _is_zip_name(name: str) -> bool:
    return name.lower().endswith(".zip")


def _is_text_name(name: str) -> bool:
    return name.lower().endswith((".txt", ".csv", ".dat"))


@contextlib.contextmanager
def _open_nested(outer_path: Path, chain: tuple[str, ...]) -> Iterator[IO[bytes]]:
    """Open member ``chain[-1]`` reached through the nested zips ``chain[:-1]``.

    Inner zips are spooled to a temporary file (a zip needs a seekable file to read its
    central directory); the text member itself is streamed.
    """
    with contextlib.ExitStack() as stack:
        archive = stack.enter_context(zipfile.ZipFile(outer_path))
        for inner in chain[:-1]:
            spool = stack.enter_context(tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES))
            with archive.open(inner) as src:
                shutil.copyfileobj(src, spool, 1 << 20)
            spool.seek(0)
            archive = stack.enter_context(zipfile.ZipFile(spool))
        yield stack.enter_context(archive.open(chain[-1]))


def _zip_tables(path: Path) -> Iterator[TableFile]:
    def walk(archive: zipfile.ZipFile, chain: tuple[str, ...], label: str) -> Iterator[TableFile]:
        for info in archive.infolist():
            if info.is_dir():
                continue
            member = info.filename
            if _is_zip_name(member):
                if classify_table_name(member) in (SpufTable.PHARMACY_NETWORK, SpufTable.PRICING):
                    continue  # tens of GB we never need; do not even spool them
                with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
                    with archive.open(info) as src:
                        shutil.copyfileobj(src, spool, 1 << 20)
                    spool.seek(0)
                    with zipfile.ZipFile(spool) as inner:
                        yield from walk(inner, (*chain, member), f"{label}!{member}")
            elif _is_text_name(member):
                table = classify_table_name(member)
                if table is None:
                    continue
                full_chain = (*chain, member)
                yield TableFile(
                    table=table,
                    name=f"{label}!{member}",
                    opener=lambda c=full_chain: _open_nested(path, c),  # type: ignore[misc]
                )

    try:
        with zipfile.ZipFile(path) as archive:
            yield from walk(archive, (), path.name)
    except zipfile.BadZipFile as exc:
        raise FormularyFileError(f"not a readable zip archive ({exc})", file=path.name) from None


def find_tables(path: Path) -> dict[SpufTable, TableFile]:
    """Locate the SPUF tables in a release zip, a folder, or a single table file."""
    if not path.exists():
        raise FormularyFileError("no such file or folder", file=str(path))
    candidates: list[TableFile] = []
    if path.is_dir():
        for child in sorted(path.iterdir()):
            if child.is_file() and (_is_zip_name(child.name) or _is_text_name(child.name)):
                candidates.extend(_file_tables(child))
    else:
        candidates.extend(_file_tables(path))
    found: dict[SpufTable, TableFile] = {}
    for table_file in candidates:
        if table_file.table in (SpufTable.PHARMACY_NETWORK, SpufTable.PRICING):
            continue
        if table_file.table in found:
            raise FormularyFileError(
                f"two files hold the {table_file.table.value} table "
                f"({found[table_file.table].name} and {table_file.name})",
                file=str(path.name),
            )
        found[table_file.table] = table_file
    return found


def _file_tables(path: Path) -> list[TableFile]:
    if _is_zip_name(path.name):
        return list(_zip_tables(path))
    table = classify_table_name(path.name)
    if table is None:
        return []

    @contextlib.contextmanager
    def opener() -> Iterator[IO[bytes]]:
        with path.open("rb") as fh:
            yield fh

    return [TableFile(table=table, name=path.name, opener=opener)]


def require_table(tables: dict[SpufTable, TableFile], table: SpufTable, *, source: str) -> TableFile:
    try:
        return tables[table]
    except KeyError:
        raise MissingTableError(f"the release has no {table.value} table", file=source) from None


# --------------------------------------------------------------------------- records


class CostKind(IntEnum):
    NOT_OFFERED = 0
    COPAY = 1
    COINSURANCE = 2


DAYS_SUPPLY_BY_CODE: dict[int, int | None] = {1: 30, 2: 90, 3: None, 4: 60}


@dataclass(frozen=True, slots=True)
class PlanInformationRow:
    contract_id: str
    plan_id: str
    segment_id: str
    contract_name: str | None
    plan_name: str | None
    formulary_id: str
    premium: Decimal | None
    deductible: Decimal | None
    state: str | None
    county_code: str | None
    snp_type: int | None
    is_suppressed: bool
    line: int


@dataclass(frozen=True, slots=True)
class QuantityLimit:
    amount: Decimal | None
    days: int | None


@dataclass(frozen=True, slots=True)
class BasicFormularyRow:
    formulary_id: str
    formulary_version: int | None
    contract_year: int | None
    rxcui: str
    ndc: str
    tier: int
    has_quantity_limit: bool
    quantity_limit: QuantityLimit | None
    has_prior_authorization: bool
    has_step_therapy: bool
    is_selected_drug: bool
    line: int


@dataclass(frozen=True, slots=True)
class ExcludedDrugRow:
    contract_id: str
    plan_id: str
    rxcui: str
    tier: int | None
    has_quantity_limit: bool
    quantity_limit: QuantityLimit | None
    has_prior_authorization: bool
    has_step_therapy: bool
    is_capped_benefit: bool
    line: int


@dataclass(frozen=True, slots=True)
class CostShare:
    kind: CostKind
    amount: Decimal | None  # dollars for a copay, a fraction (0.25) for coinsurance
    minimum: Decimal | None = None
    maximum: Decimal | None = None


@dataclass(frozen=True, slots=True)
class BeneficiaryCostRow:
    contract_id: str
    plan_id: str
    segment_id: str
    coverage_level: int
    tier: int
    days_supply_code: int
    preferred_retail: CostShare
    standard_retail: CostShare
    preferred_mail: CostShare
    standard_mail: CostShare
    is_specialty_tier: bool
    deductible_applies: bool
    line: int

    @property
    def days_supply(self) -> int | None:
        return DAYS_SUPPLY_BY_CODE.get(self.days_supply_code)


@dataclass(frozen=True, slots=True)
class InsulinCostRow:
    contract_id: str
    plan_id: str
    segment_id: str
    tier: int | None  # None = every tier ('.' in the file)
    days_supply_code: int
    copay_preferred_retail: Decimal | None
    copay_standard_retail: Decimal | None
    copay_preferred_mail: Decimal | None
    copay_standard_mail: Decimal | None
    coinsurance_preferred_retail: Decimal | None
    coinsurance_standard_retail: Decimal | None
    coinsurance_preferred_mail: Decimal | None
    coinsurance_standard_mail: Decimal | None
    line: int


# --------------------------------------------------------------------------- field parsers


def _id(pattern: re.Pattern[str], what: str) -> Callable[[str | None], str]:
    def parse(value: str | None) -> str:
        return check_identifier(value, pattern, what)

    return parse


_contract = _id(CONTRACT_ID_RE, "CONTRACT_ID")
_plan = _id(PLAN_ID_RE, "PLAN_ID")
_segment = _id(SEGMENT_ID_RE, "SEGMENT_ID")
_formulary = _id(FORMULARY_ID_RE, "FORMULARY_ID")
_rxcui = _id(RXCUI_RE, "RXCUI")
_ndc = _id(NDC11_RE, "NDC")


def _text(value: str | None) -> str | None:
    return clean(value)


def _flag_default_false(value: str | None) -> bool:
    return bool(parse_flag(value))


def _required_int(lo: int, hi: int, what: str) -> Callable[[str | None], int]:
    def parse(value: str | None) -> int:
        number = parse_int(value)
        if number is None:
            raise FieldError(f"{what} is required")
        if not lo <= number <= hi:
            raise FieldError(f"{what} {number} is outside {lo}..{hi}")
        return number

    return parse


def _optional_int(lo: int, hi: int, what: str) -> Callable[[str | None], int | None]:
    def parse(value: str | None) -> int | None:
        number = parse_int(value)
        if number is not None and not lo <= number <= hi:
            raise FieldError(f"{what} {number} is outside {lo}..{hi}")
        return number

    return parse


_tier = _required_int(1, 7, "tier")


def _quantity_limit(row: Row, flag: bool, amount_col: str, days_col: str) -> QuantityLimit | None:
    amount = row.parse(amount_col, parse_decimal)
    days = row.parse(days_col, parse_int)
    if not flag and amount is None and days is None:
        return None
    if amount is not None and amount < 0:
        raise FormularyFileError(
            "quantity limit must not be negative", file=row.header.file, line=row.line, column=amount_col
        )
    if days is not None and days <= 0:
        raise FormularyFileError(
            "quantity limit days must be positive", file=row.header.file, line=row.line, column=days_col
        )
    return QuantityLimit(amount=amount, days=days)


def _key_filter(keys: Collection[str] | None) -> Callable[[bytes], bool] | None:
    if keys is None:
        return None
    wanted = frozenset(k.encode("ascii") for k in keys)

    def predicate(raw: bytes) -> bool:
        return raw.strip() in wanted

    return predicate


# --------------------------------------------------------------------------- table readers

PLAN_INFORMATION_REQUIRED = ("CONTRACT_ID", "PLAN_ID", "SEGMENT_ID", "FORMULARY_ID")
BASIC_FORMULARY_REQUIRED = (
    "FORMULARY_ID",
    "CONTRACT_YEAR",
    "RXCUI",
    "NDC",
    "TIER_LEVEL_VALUE",
    "QUANTITY_LIMIT_YN",
    "QUANTITY_LIMIT_AMOUNT",
    "QUANTITY_LIMIT_DAYS",
    "PRIOR_AUTHORIZATION_YN",
    "STEP_THERAPY_YN",
)
EXCLUDED_DRUGS_REQUIRED = ("CONTRACT_ID", "PLAN_ID", "RXCUI", "TIER")
BENEFICIARY_COST_REQUIRED = (
    "CONTRACT_ID",
    "PLAN_ID",
    "SEGMENT_ID",
    "COVERAGE_LEVEL",
    "TIER",
    "DAYS_SUPPLY",
    "COST_TYPE_PREF",
    "COST_AMT_PREF",
    "COST_TYPE_NONPREF",
    "COST_AMT_NONPREF",
)
INSULIN_COST_REQUIRED = ("CONTRACT_ID", "PLAN_ID", "SEGMENT_ID", "TIER", "DAYS_SUPPLY")


def read_plan_information(
    stream: IO[bytes], *, file: str, contracts: Collection[str] | None = None
) -> Iterator[PlanInformationRow]:
    """Plan Information rows; ``contracts`` keeps only those CONTRACT_IDs (filter early)."""
    _, rows = read_delimited(
        stream,
        file=file,
        required=PLAN_INFORMATION_REQUIRED,
        encoding=ENCODING,
        raw_filter=("CONTRACT_ID", pred) if (pred := _key_filter(contracts)) else None,
    )
    for row in rows:
        yield PlanInformationRow(
            contract_id=row.parse("CONTRACT_ID", _contract),
            plan_id=row.parse("PLAN_ID", _plan),
            segment_id=row.parse("SEGMENT_ID", _segment),
            contract_name=row.parse("CONTRACT_NAME", _text),
            plan_name=row.parse("PLAN_NAME", _text),
            formulary_id=row.parse("FORMULARY_ID", _formulary),
            premium=row.parse("PREMIUM", parse_decimal),
            deductible=row.parse("DEDUCTIBLE", parse_decimal),
            state=row.parse("STATE", _text),
            county_code=row.parse("COUNTY_CODE", _text),
            snp_type=row.parse("SNP", _optional_int(0, 3, "SNP")),
            is_suppressed=row.parse("PLAN_SUPPRESSED_YN", _flag_default_false),
            line=row.line,
        )


def read_basic_formulary(
    stream: IO[bytes], *, file: str, formulary_ids: Collection[str] | None = None
) -> Iterator[BasicFormularyRow]:
    """Basic Drugs Formulary rows of ``formulary_ids`` (all when None).

    Every line's field count is checked; only kept lines are decoded and validated.
    """
    pred = _key_filter(formulary_ids)
    _, rows = read_delimited(
        stream,
        file=file,
        required=BASIC_FORMULARY_REQUIRED,
        encoding=ENCODING,
        raw_filter=("FORMULARY_ID", pred) if pred else None,
    )
    for row in rows:
        has_ql = row.parse("QUANTITY_LIMIT_YN", _flag_default_false)
        yield BasicFormularyRow(
            formulary_id=row.parse("FORMULARY_ID", _formulary),
            formulary_version=row.parse("FORMULARY_VERSION", parse_int),
            contract_year=row.parse("CONTRACT_YEAR", _optional_int(2006, 2100, "CONTRACT_YEAR")),
            rxcui=row.parse("RXCUI", _rxcui),
            ndc=row.parse("NDC", _ndc),
            tier=row.parse("TIER_LEVEL_VALUE", _tier),
            has_quantity_limit=has_ql,
            quantity_limit=_quantity_limit(row, has_ql, "QUANTITY_LIMIT_AMOUNT", "QUANTITY_LIMIT_DAYS"),
            has_prior_authorization=row.parse("PRIOR_AUTHORIZATION_YN", _flag_default_false),
            has_step_therapy=row.parse("STEP_THERAPY_YN", _flag_default_false),
            is_selected_drug=row.parse("SELECTED_DRUG_YN", _flag_default_false),
            line=row.line,
        )


def read_excluded_drugs(
    stream: IO[bytes], *, file: str, contracts: Collection[str] | None = None
) -> Iterator[ExcludedDrugRow]:
    """Excluded Drugs Formulary (plan supplemental coverage of Part D-excluded drugs)."""
    pred = _key_filter(contracts)
    _, rows = read_delimited(
        stream,
        file=file,
        required=EXCLUDED_DRUGS_REQUIRED,
        encoding=ENCODING,
        raw_filter=("CONTRACT_ID", pred) if pred else None,
    )
    for row in rows:
        has_ql = row.parse("QUANTITY_LIMIT_YN", _flag_default_false)
        yield ExcludedDrugRow(
            contract_id=row.parse("CONTRACT_ID", _contract),
            plan_id=row.parse("PLAN_ID", _plan),
            rxcui=row.parse("RXCUI", _rxcui),
            tier=row.parse("TIER", _optional_int(1, 7, "TIER")),
            has_quantity_limit=has_ql,
            quantity_limit=_quantity_limit(row, has_ql, "QUANTITY_LIMIT_AMOUNT", "QUANTITY_LIMIT_DAYS"),
            has_prior_authorization=row.parse("PRIOR_AUTH_YN", _flag_default_false),
            has_step_therapy=row.parse("STEP_THERAPY_YN", _flag_default_false),
            is_capped_benefit=row.parse("CAPPED_BENEFIT_YN", _flag_default_false),
            line=row.line,
        )


def _cost_share(row: Row, kind_col: str, amount_col: str, min_col: str, max_col: str) -> CostShare:
    code = row.parse(kind_col, _optional_int(0, 2, kind_col))
    kind = CostKind(code) if code is not None else CostKind.NOT_OFFERED
    return CostShare(
        kind=kind,
        amount=row.parse(amount_col, parse_decimal) if kind != CostKind.NOT_OFFERED else None,
        minimum=row.parse(min_col, parse_decimal),
        maximum=row.parse(max_col, parse_decimal),
    )


def read_beneficiary_cost(
    stream: IO[bytes], *, file: str, contracts: Collection[str] | None = None
) -> Iterator[BeneficiaryCostRow]:
    pred = _key_filter(contracts)
    _, rows = read_delimited(
        stream,
        file=file,
        required=BENEFICIARY_COST_REQUIRED,
        encoding=ENCODING,
        raw_filter=("CONTRACT_ID", pred) if pred else None,
    )
    for row in rows:
        yield BeneficiaryCostRow(
            contract_id=row.parse("CONTRACT_ID", _contract),
            plan_id=row.parse("PLAN_ID", _plan),
            segment_id=row.parse("SEGMENT_ID", _segment),
            coverage_level=row.parse("COVERAGE_LEVEL", _required_int(0, 3, "COVERAGE_LEVEL")),
            tier=row.parse("TIER", _tier),
            days_supply_code=row.parse("DAYS_SUPPLY", _required_int(1, 4, "DAYS_SUPPLY")),
            preferred_retail=_cost_share(
                row, "COST_TYPE_PREF", "COST_AMT_PREF", "COST_MIN_AMT_PREF", "COST_MAX_AMT_PREF"
            ),
            standard_retail=_cost_share(
                row, "COST_TYPE_NONPREF", "COST_AMT_NONPREF", "COST_MIN_AMT_NONPREF", "COST_MAX_AMT_NONPREF"
            ),
            preferred_mail=_cost_share(
                row,
                "COST_TYPE_MAIL_PREF",
                "COST_AMT_MAIL_PREF",
                "COST_MIN_AMT_MAIL_PREF",
                "COST_MAX_AMT_MAIL_PREF",
            ),
            standard_mail=_cost_share(
                row,
                "COST_TYPE_MAIL_NONPREF",
                "COST_AMT_MAIL_NONPREF",
                "COST_MIN_AMT_MAIL_NONPREF",
                "COST_MAX_AMT_MAIL_NONPREF",
            ),
            is_specialty_tier=row.parse("TIER_SPECIALTY_YN", _flag_default_false),
            deductible_applies=row.parse("DED_APPLIES_YN", _flag_default_false),
            line=row.line,
        )


def read_insulin_cost(
    stream: IO[bytes], *, file: str, contracts: Collection[str] | None = None
) -> Iterator[InsulinCostRow]:
    pred = _key_filter(contracts)
    _, rows = read_delimited(
        stream,
        file=file,
        required=INSULIN_COST_REQUIRED,
        encoding=ENCODING,
        raw_filter=("CONTRACT_ID", pred) if pred else None,
    )
    for row in rows:
        yield InsulinCostRow(
            contract_id=row.parse("CONTRACT_ID", _contract),
            plan_id=row.parse("PLAN_ID", _plan),
            segment_id=row.parse("SEGMENT_ID", _segment),
            tier=row.parse("TIER", _optional_int(1, 7, "TIER")),
            days_supply_code=row.parse("DAYS_SUPPLY", _required_int(1, 4, "DAYS_SUPPLY")),
            copay_preferred_retail=row.parse("COPAY_AMT_PREF_INSLN", parse_decimal),
            copay_standard_retail=row.parse("COPAY_AMT_NONPREF_INSLN", parse_decimal),
            copay_preferred_mail=row.parse("COPAY_AMT_MAIL_PREF_INSLN", parse_decimal),
            copay_standard_mail=row.parse("COPAY_AMT_MAIL_NONPREF_INSLN", parse_decimal),
            coinsurance_preferred_retail=row.parse("COIN_AMT_PREF_INSLN", parse_decimal),
            coinsurance_standard_retail=row.parse("COIN_AMT_NONPREF_INSLN", parse_decimal),
            coinsurance_preferred_mail=row.parse("COIN_AMT_MAIL_PREF_INSLN", parse_decimal),
            coinsurance_standard_mail=row.parse("COIN_AMT_MAIL_NONPREF_INSLN", parse_decimal),
            line=row.line,
        )


# --------------------------------------------------------------------------- whole release


@dataclass(frozen=True, slots=True)
class PlanKey:
    contract_id: str
    plan_id: str
    segment_id: str = "000"

    def __str__(self) -> str:
        return f"{self.contract_id}-{self.plan_id}-{self.segment_id}"


@dataclass(frozen=True)
class PartDRelease:
    """What a release says about the configured plans, read in full (nothing is stored yet)."""

    source: str
    info: ReleaseInfo
    contract_year: int
    formulary_by_plan: dict[PlanKey, str]
    plan_rows: tuple[PlanInformationRow, ...]
    basic_rows: tuple[BasicFormularyRow, ...]
    excluded_rows: tuple[ExcludedDrugRow, ...]
    cost_rows: tuple[BeneficiaryCostRow, ...]
    insulin_rows: tuple[InsulinCostRow, ...]


def read_part_d_release(
    path: Path,
    *,
    plans: Collection[PlanKey],
    configured_formularies: dict[PlanKey, str] | None = None,
    contract_year: int | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> PartDRelease:
    """Read a release for the configured D-SNP ``plans``.

    The plan's formulary comes from Plan Information when the release has that table, else from
    ``configured_formularies``. A plan found in neither, or a formulary id with no Basic Drugs
    Formulary rows, refuses the release (``formulary.unknown_formulary``).
    """
    tables = find_tables(path)
    source = path.name
    wanted = {PlanKey(p.contract_id, p.plan_id, p.segment_id) for p in plans}
    contracts = {p.contract_id for p in wanted}
    configured = dict(configured_formularies or {})
    notify = progress or (lambda _table, _count: None)

    plan_rows: list[PlanInformationRow] = []
    formulary_by_plan: dict[PlanKey, str] = {}
    if SpufTable.PLAN_INFORMATION in tables:
        tf = tables[SpufTable.PLAN_INFORMATION]
        with tf.open() as fh:
            for plan_row in read_plan_information(fh, file=tf.name, contracts=contracts):
                key = PlanKey(plan_row.contract_id, plan_row.plan_id, plan_row.segment_id)
                if key not in wanted:
                    continue
                plan_rows.append(plan_row)
                previous = formulary_by_plan.setdefault(key, plan_row.formulary_id)
                if previous != plan_row.formulary_id:
                    raise FormularyFileError(
                        f"plan {key} lists two formularies ({previous}, {plan_row.formulary_id})",
                        file=tf.name,
                        line=plan_row.line,
                        column="FORMULARY_ID",
                    )
        notify(SpufTable.PLAN_INFORMATION.value, len(plan_rows))
    for key in sorted(wanted, key=str):
        if key not in formulary_by_plan:
            if key in configured:
                formulary_by_plan[key] = configured[key]
            else:
                raise FormularyFileError(
                    f"plan {key} is not in the release's Plan Information and has no configured formulary id",
                    file=source,
                    code="formulary.unknown_formulary",
                )
    formulary_ids = set(formulary_by_plan.values())

    basic_tf = require_table(tables, SpufTable.BASIC_FORMULARY, source=source)
    basic_rows: list[BasicFormularyRow] = []
    seen: set[tuple[str, str]] = set()
    years: set[int] = set()
    with basic_tf.open() as fh:
        for basic_row in read_basic_formulary(fh, file=basic_tf.name, formulary_ids=formulary_ids):
            key2 = (basic_row.formulary_id, basic_row.ndc)
            if key2 in seen:
                raise FormularyFileError(
                    f"duplicate row for formulary {basic_row.formulary_id} and NDC {basic_row.ndc}",
                    file=basic_tf.name,
                    line=basic_row.line,
                    column="NDC",
                )
            seen.add(key2)
            if basic_row.contract_year is not None:
                years.add(basic_row.contract_year)
            basic_rows.append(basic_row)
            if len(basic_rows) % 5000 == 0:
                notify(SpufTable.BASIC_FORMULARY.value, len(basic_rows))
    notify(SpufTable.BASIC_FORMULARY.value, len(basic_rows))
    present = {r.formulary_id for r in basic_rows}
    for key, formulary_id in sorted(formulary_by_plan.items(), key=lambda kv: str(kv[0])):
        if formulary_id not in present:
            raise FormularyFileError(
                f"formulary {formulary_id} of plan {key} has no rows in the Basic Drugs Formulary",
                file=basic_tf.name,
                column="FORMULARY_ID",
                code="formulary.unknown_formulary",
            )

    plan_pairs = {(k.contract_id, k.plan_id) for k in wanted}
    excluded_rows: list[ExcludedDrugRow] = []
    if SpufTable.EXCLUDED_DRUGS in tables:
        tf = tables[SpufTable.EXCLUDED_DRUGS]
        with tf.open() as fh:
            excluded_rows = [
                r
                for r in read_excluded_drugs(fh, file=tf.name, contracts=contracts)
                if (r.contract_id, r.plan_id) in plan_pairs
            ]
        notify(SpufTable.EXCLUDED_DRUGS.value, len(excluded_rows))
    cost_rows: list[BeneficiaryCostRow] = []
    if SpufTable.BENEFICIARY_COST in tables:
        tf = tables[SpufTable.BENEFICIARY_COST]
        with tf.open() as fh:
            cost_rows = [
                r
                for r in read_beneficiary_cost(fh, file=tf.name, contracts=contracts)
                if PlanKey(r.contract_id, r.plan_id, r.segment_id) in wanted
            ]
        notify(SpufTable.BENEFICIARY_COST.value, len(cost_rows))
    insulin_rows: list[InsulinCostRow] = []
    if SpufTable.INSULIN_BENEFICIARY_COST in tables:
        tf = tables[SpufTable.INSULIN_BENEFICIARY_COST]
        with tf.open() as fh:
            insulin_rows = [
                r
                for r in read_insulin_cost(fh, file=tf.name, contracts=contracts)
                if PlanKey(r.contract_id, r.plan_id, r.segment_id) in wanted
            ]
        notify(SpufTable.INSULIN_BENEFICIARY_COST.value, len(insulin_rows))

    info = release_from_name(path.name)
    if info.contract_year is None:
        for tf in tables.values():
            candidate = release_from_name(tf.name.rsplit("!", 1)[-1])
            if candidate.contract_year is not None or candidate.release_date is not None:
                info = ReleaseInfo(candidate.contract_year, candidate.release_date, info.kind)
                break
    year = contract_year or (max(years) if len(years) == 1 else None) or info.contract_year
    if len(years) > 1 and contract_year is None:
        raise FormularyFileError(
            f"the Basic Drugs Formulary mixes contract years {sorted(years)}",
            file=basic_tf.name,
            column="CONTRACT_YEAR",
        )
    if year is None:
        raise FormularyFileError(
            "cannot tell the contract year (no CONTRACT_YEAR values and none in the file name)",
            file=source,
        )
    return PartDRelease(
        source=source,
        info=info,
        contract_year=year,
        formulary_by_plan=formulary_by_plan,
        plan_rows=tuple(plan_rows),
        basic_rows=tuple(basic_rows),
        excluded_rows=tuple(excluded_rows),
        cost_rows=tuple(cost_rows),
        insulin_rows=tuple(insulin_rows),
    )
