"""Value objects of a benefit catalog: what one plan's Summary of Benefits says for one plan year."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from memberhub.benefits.categories import ServiceCategory


class Program(StrEnum):
    """Which side of the aligned pair a catalog describes."""

    MEDICARE = "medicare"  # the D-SNP (Medicare Advantage + Part D)
    MEDI_CAL = "medi_cal"  # the aligned Medi-Cal managed care plan


class EntryKind(StrEnum):
    """What kind of benefit an entry describes. A catalog holds at most one entry per (category, kind)."""

    MEDICARE = "medicare"  # a Medicare Part A/B benefit the D-SNP covers
    PART_D = "part_d"  # the D-SNP's Part D drug benefit (prescription_drugs only)
    SUPPLEMENTAL = "supplemental"  # an extra benefit the D-SNP adds beyond Original Medicare
    MEDI_CAL = "medi_cal"  # a Medi-Cal benefit the Medi-Cal plan covers


KINDS_BY_PROGRAM: dict[Program, tuple[EntryKind, ...]] = {
    Program.MEDICARE: (EntryKind.MEDICARE, EntryKind.PART_D, EntryKind.SUPPLEMENTAL),
    Program.MEDI_CAL: (EntryKind.MEDI_CAL,),
}
DEFAULT_KIND: dict[Program, EntryKind] = {
    Program.MEDICARE: EntryKind.MEDICARE,
    Program.MEDI_CAL: EntryKind.MEDI_CAL,
}


class Unit(StrEnum):
    """What one copay or coinsurance is charged for."""

    VISIT = "visit"
    STAY = "stay"
    DAY = "day"
    TRIP = "trip"
    ITEM = "item"
    PRESCRIPTION = "prescription"
    SERVICE = "service"
    MONTH = "month"
    YEAR = "year"


class LimitKind(StrEnum):
    VISITS = "visits"
    TRIPS = "trips"
    DAYS = "days"
    HOURS = "hours"
    ITEMS = "items"
    DOLLARS = "dollars"


class Period(StrEnum):
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    TWO_YEARS = "two_years"
    STAY = "stay"
    BENEFIT_PERIOD = "benefit_period"
    LIFETIME = "lifetime"


class ArrangedBy(StrEnum):
    """Who arranges the service for the member (whom the member contacts)."""

    PLAN = "plan"  # the plan's member services or care coordinator
    VENDOR = "vendor"  # a vendor the plan contracts (ride company, dental or vision network)
    PROVIDER = "provider"  # the member goes straight to an in-network provider
    COUNTY = "county"
    STATE = "state"
    ORIGINAL_MEDICARE = "original_medicare"


class CarveOutProgram(StrEnum):
    """Programs that cover a service instead of either plan."""

    MEDI_CAL_DENTAL = "medi_cal_dental"
    COUNTY_MENTAL_HEALTH = "county_mental_health"
    COUNTY_SUBSTANCE_USE = "county_substance_use"
    IHSS = "ihss"
    MEDI_CAL_RX = "medi_cal_rx"
    REGIONAL_CENTER = "regional_center"
    ORIGINAL_MEDICARE = "original_medicare"


@dataclass(frozen=True)
class CarveOutProgramInfo:
    code: CarveOutProgram
    name_en: str
    name_es: str
    requires_medi_cal: bool  # a Medi-Cal program: only members with full Medi-Cal benefits can use it

    def name(self, language: str) -> str:
        return self.name_es if language == "es" else self.name_en


CARVE_OUT_PROGRAMS: dict[CarveOutProgram, CarveOutProgramInfo] = {
    p.code: p
    for p in (
        CarveOutProgramInfo(CarveOutProgram.MEDI_CAL_DENTAL, "Medi-Cal Dental", "Medi-Cal Dental", True),
        CarveOutProgramInfo(
            CarveOutProgram.COUNTY_MENTAL_HEALTH,
            "your county mental health plan",
            "el plan de salud mental de su condado",
            True,
        ),
        CarveOutProgramInfo(
            CarveOutProgram.COUNTY_SUBSTANCE_USE,
            "your county drug and alcohol program",
            "el programa de drogas y alcohol de su condado",
            True,
        ),
        CarveOutProgramInfo(
            CarveOutProgram.IHSS,
            "In-Home Supportive Services (IHSS) at your county",
            "Servicios de Apoyo en el Hogar (IHSS) de su condado",
            True,
        ),
        CarveOutProgramInfo(CarveOutProgram.MEDI_CAL_RX, "Medi-Cal Rx", "Medi-Cal Rx", True),
        CarveOutProgramInfo(
            CarveOutProgram.REGIONAL_CENTER, "your regional center", "su centro regional", True
        ),
        CarveOutProgramInfo(
            CarveOutProgram.ORIGINAL_MEDICARE, "Original Medicare", "Medicare Original", False
        ),
    )
}


@dataclass(frozen=True)
class LocalizedText:
    en: str
    es: str | None = None

    def get(self, language: str) -> str:
        if language == "es" and self.es:
            return self.es
        return self.en


@dataclass(frozen=True)
class Contact:
    phone: str
    name: str | None = None
    tty: str | None = None
    hours: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class CostSharing:
    """What the plan charges for the service. A $0 copay is written copay 0."""

    copay: Decimal | None = None
    coinsurance_percent: Decimal | None = None
    per: Unit = Unit.SERVICE

    @property
    def is_zero(self) -> bool:
        return not self.copay and not self.coinsurance_percent


ZERO_COST = CostSharing(copay=Decimal(0))


@dataclass(frozen=True)
class Limit:
    kind: LimitKind
    amount: Decimal
    per: Period
    note: LocalizedText | None = None


@dataclass(frozen=True)
class Access:
    arranged_by: ArrangedBy
    contact: Contact | None = None


@dataclass(frozen=True)
class CarveOut:
    program: CarveOutProgram
    contact: Contact
    cost_sharing: CostSharing | None = None
    notes: LocalizedText | None = None

    @property
    def info(self) -> CarveOutProgramInfo:
        return CARVE_OUT_PROGRAMS[self.program]

    def name(self, language: str) -> str:
        """The contact's own name ("Los Angeles County IHSS"), else the program's name in the language."""
        if self.contact.name and self.contact.name not in (self.info.name_en, self.info.name_es):
            return self.contact.name
        return self.info.name(language)


@dataclass(frozen=True)
class BenefitEntry:
    category: ServiceCategory
    kind: EntryKind
    covered: bool
    cost_sharing: CostSharing | None = None
    prior_authorization: bool = False
    referral_required: bool = False
    limits: tuple[Limit, ...] = ()
    access: Access | None = None
    carve_out: CarveOut | None = None
    description: LocalizedText | None = None
    notes: LocalizedText | None = None
    line: int | None = None  # line in the catalog file, for messages


@dataclass(frozen=True)
class BenefitCatalog:
    plan_code: str
    program: Program
    plan_year: int
    member_services: Contact
    entries: tuple[BenefitEntry, ...]
    plan_name: str | None = None
    layout_version: int = 1
    source_name: str = "<catalog>"
    _index: dict[tuple[ServiceCategory, EntryKind], BenefitEntry] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._index.update({(e.category, e.kind): e for e in self.entries})

    def entry(self, category: ServiceCategory | str, kind: EntryKind) -> BenefitEntry | None:
        return self._index.get((ServiceCategory(category), kind))

    def display_name(self) -> str:
        return self.plan_name or self.plan_code
