"""Reader and validator for benefit catalog files (YAML layout documented in apps/benefits/README.md).

A catalog is read whole or refused whole: every problem found is reported with the file, the line,
the entry (`benefits[3] (dental)`) and the field, and no partial catalog is returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

import yaml

from memberhub.benefits.catalog import (
    DEFAULT_KIND,
    KINDS_BY_PROGRAM,
    Access,
    ArrangedBy,
    BenefitCatalog,
    BenefitEntry,
    CarveOut,
    CarveOutProgram,
    Contact,
    CostSharing,
    EntryKind,
    Limit,
    LimitKind,
    LocalizedText,
    Period,
    Program,
    Unit,
)
from memberhub.benefits.categories import ServiceCategory, is_category
from memberhub.errors import ValidationFailed

LAYOUT_VERSION = 1
MAX_FILE_BYTES = 2_000_000
MIN_PLAN_YEAR = 2006  # first year of Medicare Part D and of SNPs
MAX_PLAN_YEAR = 2100
PLAN_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
_PHONE_RE = re.compile(r"^\s*(?:\+?1[\s.\-]?)?\(?(\d{3})\)?[\s.\-]?(\d{3})[\s.\-]?(\d{4})\s*$")
_SHORT_CODE_RE = re.compile(r"^\s*([2-9]11)\s*$")

TOP_KEYS = {"layout_version", "plan", "program", "plan_year", "plan_name", "contacts", "benefits"}
ENTRY_KEYS = {
    "category",
    "kind",
    "covered",
    "cost_sharing",
    "prior_authorization",
    "referral_required",
    "limits",
    "access",
    "carve_out",
    "description",
    "notes",
}
CONTACT_KEYS = {"name", "phone", "tty", "hours", "url"}
COST_KEYS = {"copay", "coinsurance_percent", "per"}
LIMIT_KEYS = {"kind", "amount", "per", "note"}
ACCESS_KEYS = {"arranged_by", "contact"}
CARVE_OUT_KEYS = {"program", "contact", "cost_sharing", "notes"}
TEXT_KEYS = {"en", "es"}
_E = TypeVar("_E", bound=StrEnum)


@dataclass(frozen=True)
class CatalogProblem:
    source: str
    line: int | None
    entry: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = [self.source]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.entry:
            where.append(self.entry)
        if self.field:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where)}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "line": self.line,
            "entry": self.entry,
            "field": self.field,
            "message": self.message,
        }


class BenefitCatalogInvalid(ValidationFailed):
    """A catalog file was refused; `catalog_problems` lists every problem with its position."""

    code = "benefits.catalog_invalid"

    def __init__(self, source: str, problems: list[CatalogProblem]) -> None:
        first = str(problems[0]) if problems else source
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(
            f"Benefit catalog refused: {first}{more}",
            problems=[str(p) for p in problems],
            source=source,
        )
        self.catalog_problems = problems


# --- YAML loading that keeps line numbers -------------------------------------------------------------


class _LineDict(dict[Any, Any]):
    line: int = 0
    key_lines: dict[Any, int]


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available


class _LineLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    def construct_line_mapping(self, node: yaml.MappingNode) -> Any:
        data = _LineDict()
        data.line = node.start_mark.line + 1
        data.key_lines = {}
        yield data
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError as exc:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                ) from exc
            if key in data:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}'", key_node.start_mark
                )
            data[key] = self.construct_object(value_node, deep=True)
            data.key_lines[key] = key_node.start_mark.line + 1


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_line_mapping)


def _load_yaml(text: str, source: str) -> Any:
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a (C)SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise BenefitCatalogInvalid(
            source, [CatalogProblem(source, line, None, None, f"not valid YAML: {exc.problem or exc}")]
        ) from exc
    except yaml.YAMLError as exc:
        raise BenefitCatalogInvalid(
            source, [CatalogProblem(source, None, None, None, f"not valid YAML: {exc}")]
        ) from exc


# --- field readers --------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[CatalogProblem] = []
        self.contacts: dict[str, Contact] = {}

    def problem(self, line: int | None, entry: str | None, field: str | None, message: str) -> None:
        self.problems.append(CatalogProblem(self.source, line, entry, field, message))

    @staticmethod
    def line_of(mapping: Any, key: str | None = None) -> int | None:
        if isinstance(mapping, _LineDict):
            if key is not None and key in mapping.key_lines:
                return mapping.key_lines[key]
            return mapping.line
        return None

    def check_keys(self, mapping: _LineDict, allowed: set[str], entry: str | None, prefix: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.problem(
                    self.line_of(mapping, key),
                    entry,
                    f"{prefix}{key}",
                    f"unknown field; expected one of: {', '.join(sorted(allowed))}",
                )

    def mapping(self, value: Any, line: int | None, entry: str | None, field: str) -> _LineDict | None:
        if not isinstance(value, _LineDict):
            self.problem(line, entry, field, "must be a mapping of field: value")
            return None
        return value

    def text(
        self, value: Any, line: int | None, entry: str | None, field: str, *, required: bool
    ) -> str | None:
        if value is None:
            if required:
                self.problem(line, entry, field, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(line, entry, field, "must be text")
            return None
        text = str(value).strip()
        if not text:
            if required:
                self.problem(line, entry, field, "must not be empty")
            return None
        if len(text) > 2000:
            self.problem(line, entry, field, "is too long (more than 2000 characters)")
            return None
        return text

    def localized(self, value: Any, line: int | None, entry: str | None, field: str) -> LocalizedText | None:
        if value is None:
            return None
        if isinstance(value, _LineDict):
            self.check_keys(value, TEXT_KEYS, entry, f"{field}.")
            en = self.text(value.get("en"), self.line_of(value, "en"), entry, f"{field}.en", required=True)
            es = self.text(value.get("es"), self.line_of(value, "es"), entry, f"{field}.es", required=False)
            return LocalizedText(en=en, es=es) if en else None
        en = self.text(value, line, entry, field, required=True)
        return LocalizedText(en=en) if en else None

    def boolean(
        self, value: Any, line: int | None, entry: str | None, field: str, *, default: bool | None
    ) -> bool:
        if value is None:
            if default is None:
                self.problem(line, entry, field, "is required (true or false)")
                return False
            return default
        if not isinstance(value, bool):
            self.problem(line, entry, field, f"must be true or false, not {value!r}")
            return False
        return value

    def amount(self, value: Any, line: int | None, entry: str | None, field: str) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.problem(line, entry, field, f"must be a number, not {value!r}")
            return None
        raw = str(value).strip().replace(",", "")
        raw = raw.removeprefix("$").removesuffix("%")
        try:
            number = Decimal(raw)
        except InvalidOperation:
            self.problem(line, entry, field, f"must be a number, not {value!r}")
            return None
        if not number.is_finite():
            self.problem(line, entry, field, f"must be a finite number, not {value!r}")
            return None
        if number < 0:
            self.problem(line, entry, field, f"must not be negative ({value})")
            return None
        if number != number.quantize(Decimal("0.01")):
            self.problem(line, entry, field, f"has more than 2 decimals ({value})")
            return None
        if number > Decimal("1000000"):
            self.problem(line, entry, field, f"is implausibly large ({value})")
            return None
        return number

    def choice(
        self, enum: type[_E], value: Any, line: int | None, entry: str | None, field: str
    ) -> _E | None:
        if value is None:
            self.problem(line, entry, field, "is required")
            return None
        try:
            return enum(str(value))
        except ValueError:
            allowed = ", ".join(m.value for m in enum)
            self.problem(line, entry, field, f"unknown value {value!r}; expected one of: {allowed}")
            return None

    def phone(
        self, value: Any, line: int | None, entry: str | None, field: str, *, required: bool
    ) -> str | None:
        text = self.text(value, line, entry, field, required=required)
        if text is None:
            return None
        short = _SHORT_CODE_RE.match(text)
        if short:
            return short.group(1)
        match = _PHONE_RE.match(text)
        if not match:
            self.problem(
                line, entry, field, f"not a US phone number ({text!r}); write it like 1-800-555-0100"
            )
            return None
        return f"1-{match.group(1)}-{match.group(2)}-{match.group(3)}"

    def contact(self, value: Any, line: int | None, entry: str | None, field: str) -> Contact | None:
        if isinstance(value, str):
            if value in self.contacts:
                return self.contacts[value]
            known = ", ".join(sorted(self.contacts)) or "none"
            self.problem(line, entry, field, f"names unknown contact {value!r} (contacts defined: {known})")
            return None
        mapping = self.mapping(value, line, entry, field)
        if mapping is None:
            return None
        self.check_keys(mapping, CONTACT_KEYS, entry, f"{field}.")
        phone = self.phone(
            mapping.get("phone"), self.line_of(mapping, "phone"), entry, f"{field}.phone", required=True
        )
        tty = self.phone(
            mapping.get("tty"), self.line_of(mapping, "tty"), entry, f"{field}.tty", required=False
        )
        name = self.text(
            mapping.get("name"), self.line_of(mapping, "name"), entry, f"{field}.name", required=False
        )
        hours = self.text(
            mapping.get("hours"), self.line_of(mapping, "hours"), entry, f"{field}.hours", required=False
        )
        url = self.text(
            mapping.get("url"), self.line_of(mapping, "url"), entry, f"{field}.url", required=False
        )
        if url and not url.startswith(("https://", "http://")):
            self.problem(
                self.line_of(mapping, "url"), entry, f"{field}.url", "must start with https:// or http://"
            )
            url = None
        if phone is None:
            return None
        return Contact(phone=phone, name=name, tty=tty, hours=hours, url=url)

    def cost_sharing(self, value: Any, line: int | None, entry: str | None, field: str) -> CostSharing | None:
        mapping = self.mapping(value, line, entry, field)
        if mapping is None:
            return None
        self.check_keys(mapping, COST_KEYS, entry, f"{field}.")
        copay = self.amount(mapping.get("copay"), self.line_of(mapping, "copay"), entry, f"{field}.copay")
        coins = self.amount(
            mapping.get("coinsurance_percent"),
            self.line_of(mapping, "coinsurance_percent"),
            entry,
            f"{field}.coinsurance_percent",
        )
        if coins is not None and coins > 100:
            self.problem(
                self.line_of(mapping, "coinsurance_percent"),
                entry,
                f"{field}.coinsurance_percent",
                f"must be at most 100 ({coins})",
            )
        if "copay" not in mapping and "coinsurance_percent" not in mapping:
            self.problem(
                self.line_of(mapping),
                entry,
                field,
                "needs a copay or a coinsurance_percent (write copay: 0 for $0)",
            )
        per = Unit.SERVICE
        if "per" in mapping:
            per = (
                self.choice(Unit, mapping.get("per"), self.line_of(mapping, "per"), entry, f"{field}.per")
                or Unit.SERVICE
            )
        return CostSharing(copay=copay, coinsurance_percent=coins, per=per)

    def limits(self, value: Any, line: int | None, entry: str | None) -> tuple[Limit, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(line, entry, "limits", "must be a list")
            return ()
        limits: list[Limit] = []
        for position, item in enumerate(value):
            field = f"limits[{position}]"
            mapping = self.mapping(item, line, entry, field)
            if mapping is None:
                continue
            self.check_keys(mapping, LIMIT_KEYS, entry, f"{field}.")
            kind = self.choice(
                LimitKind, mapping.get("kind"), self.line_of(mapping, "kind"), entry, f"{field}.kind"
            )
            if mapping.get("amount") is None:
                self.problem(self.line_of(mapping), entry, f"{field}.amount", "is required")
            amount = self.amount(
                mapping.get("amount"), self.line_of(mapping, "amount"), entry, f"{field}.amount"
            )
            per = self.choice(Period, mapping.get("per"), self.line_of(mapping, "per"), entry, f"{field}.per")
            note = self.localized(mapping.get("note"), self.line_of(mapping, "note"), entry, f"{field}.note")
            if kind is not None and amount is not None and per is not None:
                limits.append(Limit(kind=kind, amount=amount, per=per, note=note))
        return tuple(limits)

    def access(self, value: Any, line: int | None, entry: str | None) -> Access | None:
        if value is None:
            return None
        mapping = self.mapping(value, line, entry, "access")
        if mapping is None:
            return None
        self.check_keys(mapping, ACCESS_KEYS, entry, "access.")
        arranged_by = self.choice(
            ArrangedBy,
            mapping.get("arranged_by"),
            self.line_of(mapping, "arranged_by"),
            entry,
            "access.arranged_by",
        )
        contact = None
        if mapping.get("contact") is not None:
            contact = self.contact(
                mapping["contact"], self.line_of(mapping, "contact"), entry, "access.contact"
            )
        if arranged_by is None:
            return None
        return Access(arranged_by=arranged_by, contact=contact)

    def carve_out(self, value: Any, line: int | None, entry: str | None) -> CarveOut | None:
        if value is None:
            return None
        mapping = self.mapping(value, line, entry, "carve_out")
        if mapping is None:
            return None
        self.check_keys(mapping, CARVE_OUT_KEYS, entry, "carve_out.")
        program = self.choice(
            CarveOutProgram,
            mapping.get("program"),
            self.line_of(mapping, "program"),
            entry,
            "carve_out.program",
        )
        contact = None
        if mapping.get("contact") is None:
            self.problem(
                self.line_of(mapping), entry, "carve_out.contact", "is required: who to call instead"
            )
        else:
            contact = self.contact(
                mapping["contact"], self.line_of(mapping, "contact"), entry, "carve_out.contact"
            )
        cost = None
        if mapping.get("cost_sharing") is not None:
            cost = self.cost_sharing(
                mapping["cost_sharing"],
                self.line_of(mapping, "cost_sharing"),
                entry,
                "carve_out.cost_sharing",
            )
        notes = self.localized(mapping.get("notes"), self.line_of(mapping, "notes"), entry, "carve_out.notes")
        if program is None or contact is None:
            return None
        return CarveOut(program=program, contact=contact, cost_sharing=cost, notes=notes)


def catalog_parse(text: str | bytes, *, source: str = "<catalog>") -> BenefitCatalog:
    """Read and validate one catalog file; raises BenefitCatalogInvalid naming every problem."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise BenefitCatalogInvalid(
                source, [CatalogProblem(source, None, None, None, "file is larger than 2 MB")]
            )
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BenefitCatalogInvalid(
                source, [CatalogProblem(source, None, None, None, f"not UTF-8 text (byte {exc.start})")]
            ) from exc
    elif len(text) > MAX_FILE_BYTES:
        raise BenefitCatalogInvalid(
            source, [CatalogProblem(source, None, None, None, "file is larger than 2 MB")]
        )
    text = text.removeprefix("\ufeff")
    document = _load_yaml(text, source)
    reader = _Reader(source)
    if not isinstance(document, _LineDict):
        raise BenefitCatalogInvalid(
            source,
            [
                CatalogProblem(
                    source, 1, None, None, "the file must be a YAML mapping with plan, plan_year, benefits"
                )
            ],
        )
    catalog = _read_document(reader, document)
    if reader.problems or catalog is None:
        raise BenefitCatalogInvalid(source, reader.problems)
    return catalog


def _read_document(reader: _Reader, doc: _LineDict) -> BenefitCatalog | None:
    line = reader.line_of
    reader.check_keys(doc, TOP_KEYS, None, "")
    version = doc.get("layout_version", LAYOUT_VERSION)
    if version != LAYOUT_VERSION:
        reader.problem(
            line(doc, "layout_version"),
            None,
            "layout_version",
            f"unsupported layout version {version!r}; this reader reads {LAYOUT_VERSION}",
        )
    plan_code = reader.text(doc.get("plan"), line(doc, "plan"), None, "plan", required=True)
    if plan_code and not PLAN_CODE_RE.match(plan_code):
        reader.problem(line(doc, "plan"), None, "plan", f"not a plan code: {plan_code!r}")
    program = reader.choice(Program, doc.get("program"), line(doc, "program"), None, "program")
    plan_year = _read_plan_year(reader, doc)
    plan_name = reader.text(doc.get("plan_name"), line(doc, "plan_name"), None, "plan_name", required=False)

    contacts_raw = doc.get("contacts")
    member_services: Contact | None = None
    contacts = (
        reader.mapping(contacts_raw, line(doc, "contacts"), None, "contacts")
        if contacts_raw is not None
        else None
    )
    if contacts_raw is None:
        reader.problem(line(doc), None, "contacts", "is required and must name member_services")
    if contacts is not None:
        for name, value in contacts.items():
            contact = reader.contact(value, line(contacts, name), None, f"contacts.{name}")
            if contact is not None:
                reader.contacts[str(name)] = contact
        member_services = reader.contacts.get("member_services")
        if "member_services" not in contacts:
            reader.problem(line(contacts), None, "contacts.member_services", "is required")

    benefits = doc.get("benefits")
    entries: list[BenefitEntry] = []
    if not isinstance(benefits, list) or not benefits:
        reader.problem(line(doc, "benefits"), None, "benefits", "must be a non-empty list of entries")
    else:
        seen: dict[tuple[str, str], str] = {}
        for position, raw in enumerate(benefits):
            entry = _read_entry(reader, raw, position, program, line(doc, "benefits"), seen)
            if entry is not None:
                entries.append(entry)
    if (
        reader.problems
        or plan_code is None
        or program is None
        or plan_year is None
        or member_services is None
    ):
        return None
    return BenefitCatalog(
        plan_code=plan_code,
        program=program,
        plan_year=plan_year,
        plan_name=plan_name,
        member_services=member_services,
        entries=tuple(entries),
        layout_version=LAYOUT_VERSION,
        source_name=reader.source,
    )


def _read_plan_year(reader: _Reader, doc: _LineDict) -> int | None:
    raw = doc.get("plan_year")
    where = reader.line_of(doc, "plan_year")
    if raw is None:
        reader.problem(
            where if "plan_year" in doc else reader.line_of(doc),
            None,
            "plan_year",
            "is required (for example plan_year: 2026)",
        )
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        reader.problem(where, None, "plan_year", f"must be a year like 2026, not {raw!r}")
        return None
    try:
        year = int(raw)
    except ValueError:
        reader.problem(where, None, "plan_year", f"must be a year like 2026, not {raw!r}")
        return None
    if not MIN_PLAN_YEAR <= year <= MAX_PLAN_YEAR:
        reader.problem(where, None, "plan_year", f"{year} is out of range {MIN_PLAN_YEAR}-{MAX_PLAN_YEAR}")
        return None
    return year


def _read_entry(
    reader: _Reader,
    raw: Any,
    position: int,
    program: Program | None,
    list_line: int | None,
    seen: dict[tuple[str, str], str],
) -> BenefitEntry | None:
    label = f"benefits[{position}]"
    if not isinstance(raw, _LineDict):
        reader.problem(list_line, label, None, "each entry must be a mapping with category, covered, ...")
        return None
    line = reader.line_of
    category_raw = raw.get("category")
    if category_raw is not None:
        label = f"benefits[{position}] ({category_raw})"
    problems_before = len(reader.problems)
    reader.check_keys(raw, ENTRY_KEYS, label, "")

    category: ServiceCategory | None = None
    if category_raw is None:
        reader.problem(line(raw), label, "category", "is required")
    elif not isinstance(category_raw, str) or not is_category(category_raw):
        reader.problem(line(raw, "category"), label, "category", f"unknown service category {category_raw!r}")
    else:
        category = ServiceCategory(category_raw)

    kind: EntryKind | None = DEFAULT_KIND[program] if program is not None else None
    if "kind" in raw:
        kind = reader.choice(EntryKind, raw.get("kind"), line(raw, "kind"), label, "kind")
    if kind is not None and program is not None and kind not in KINDS_BY_PROGRAM[program]:
        allowed = ", ".join(k.value for k in KINDS_BY_PROGRAM[program])
        reader.problem(
            line(raw, "kind"),
            label,
            "kind",
            f"{kind.value!r} is not allowed in a {program.value} catalog (allowed: {allowed})",
        )
    if (
        kind is EntryKind.PART_D
        and category is not None
        and category is not ServiceCategory.PRESCRIPTION_DRUGS
    ):
        reader.problem(
            line(raw, "kind"), label, "kind", "part_d entries are only for category prescription_drugs"
        )
    if category is not None and kind is not None:
        key = (category.value, kind.value)
        if key in seen:
            reader.problem(
                line(raw),
                label,
                "category",
                f"duplicate entry for {category.value} ({kind.value}); first at {seen[key]}",
            )
        else:
            seen[key] = label

    covered = reader.boolean(
        raw.get("covered"), line(raw, "covered") or line(raw), label, "covered", default=None
    )
    cost = None
    if raw.get("cost_sharing") is not None:
        cost = reader.cost_sharing(raw["cost_sharing"], line(raw, "cost_sharing"), label, "cost_sharing")
        if not covered and "covered" in raw:
            reader.problem(
                line(raw, "cost_sharing"),
                label,
                "cost_sharing",
                "a service that is not covered has no cost sharing",
            )
    elif covered:
        reader.problem(
            line(raw), label, "cost_sharing", "is required for a covered service (write copay: 0 for $0)"
        )
    prior_auth = reader.boolean(
        raw.get("prior_authorization"),
        line(raw, "prior_authorization"),
        label,
        "prior_authorization",
        default=False,
    )
    referral = reader.boolean(
        raw.get("referral_required"),
        line(raw, "referral_required"),
        label,
        "referral_required",
        default=False,
    )
    limits = reader.limits(raw.get("limits"), line(raw, "limits"), label)
    access = reader.access(raw.get("access"), line(raw, "access"), label)
    carve_out = reader.carve_out(raw.get("carve_out"), line(raw, "carve_out"), label)
    description = reader.localized(raw.get("description"), line(raw, "description"), label, "description")
    notes = reader.localized(raw.get("notes"), line(raw, "notes"), label, "notes")
    if not covered and (limits or prior_auth or referral) and "covered" in raw:
        reader.problem(
            line(raw),
            label,
            "covered",
            "a service that is not covered has no limits, prior authorization or referral",
        )
    if kind is EntryKind.SUPPLEMENTAL and covered and description is None:
        reader.problem(
            line(raw), label, "description", "a supplemental benefit needs a description of what it adds"
        )

    if len(reader.problems) > problems_before or category is None or kind is None:
        return None
    return BenefitEntry(
        category=category,
        kind=kind,
        covered=covered,
        cost_sharing=cost,
        prior_authorization=prior_auth,
        referral_required=referral,
        limits=limits,
        access=access,
        carve_out=carve_out,
        description=description,
        notes=notes,
        line=line(raw),
    )
