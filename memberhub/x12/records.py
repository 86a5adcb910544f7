"""Typed records produced by the 834 reader (005010X220A1). Plain frozen dataclasses, no Django."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from memberhub.x12.tokenizer import Delimiters, Position

# INS03 maintenance type codes (DOMAIN.md §5.3).
MAINTENANCE_CHANGE = "001"
MAINTENANCE_ADD = "021"
MAINTENANCE_TERMINATE = "024"
MAINTENANCE_REINSTATE = "025"
MAINTENANCE_AUDIT = "030"
MEMBER_MAINTENANCE_TYPES = frozenset(
    {MAINTENANCE_CHANGE, MAINTENANCE_ADD, MAINTENANCE_TERMINATE, MAINTENANCE_REINSTATE, MAINTENANCE_AUDIT}
)
COVERAGE_MAINTENANCE_TYPES = MEMBER_MAINTENANCE_TYPES | {"002", "026", "032"}
# BGN08 action codes meaning the file is a full snapshot (RX replace, 4 verify), not a delta (2).
FULL_FILE_ACTIONS = frozenset({"RX", "4"})


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem found at one segment; carries what a 999 IK3/IK4 needs to report it."""

    code: str
    message: str
    segment_id: str
    position: Position
    loop_id: str = ""
    element: int = 0
    component: int = 0
    element_reference: str = ""
    segment_syntax_code: str = "8"  # IK304: 8 = segment has data element errors
    element_syntax_code: str = ""  # IK403 when the problem is in one element
    is_error: bool = True

    def describe(self) -> str:
        where = f"segment {self.position.segment_number} {self.segment_id}"
        if self.element:
            where += f"{self.element:02d}"
        return f"{where} (line {self.position.line}): {self.message}"


@dataclass(frozen=True, slots=True)
class SegmentNote:
    """A segment the reader kept without modelling it (unknown or not used by memberhub)."""

    segment_id: str
    loop_id: str
    position: Position
    text: str


@dataclass(frozen=True, slots=True)
class Reference:
    qualifier: str
    value: str
    parts: tuple[str, ...]  # REF02 split on the packed-value separator (DHCS packs with ';')
    position: Position

    def part(self, index: int) -> str:
        return self.parts[index] if index < len(self.parts) else ""


@dataclass(frozen=True, slots=True)
class DateValue:
    qualifier: str
    start: date
    end: date | None = None  # only for RD8 ranges


@dataclass(frozen=True, slots=True)
class Party:
    """A 1000A/B/C N1 loop: sponsor (P5), payer (IN), broker/TPA (BO, TV)."""

    entity_code: str
    name: str
    id_qualifier: str
    identifier: str


@dataclass(frozen=True, slots=True)
class PersonName:
    entity_code: str
    entity_type: str
    last: str
    first: str = ""
    middle: str = ""
    prefix: str = ""
    suffix: str = ""
    id_qualifier: str = ""
    identifier: str = ""


@dataclass(frozen=True, slots=True)
class Address:
    line1: str = ""
    line2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""
    county_code: str = ""


@dataclass(frozen=True, slots=True)
class Contact:
    """One PER communication number: qualifier TE/HP/WP/CP/EM/FX... and its value."""

    qualifier: str
    value: str


@dataclass(frozen=True, slots=True)
class Language:
    qualifier: str  # LD or LE
    code: str
    description: str
    use: str  # 5 reading, 6 writing, 7 speaking, 8 native


@dataclass(frozen=True, slots=True)
class Provider:
    """A 2310 provider loop; role P3 is the primary care provider."""

    role: str
    entity_type: str
    last_or_organization: str
    first: str
    id_qualifier: str
    identifier: str
    relationship: str
    change_reason: str
    change_effective: date | None
    position: Position

    @property
    def npi(self) -> str:
        return self.identifier if self.id_qualifier == "XX" else ""


@dataclass(frozen=True, slots=True)
class Coverage:
    """A 2300 health coverage loop (HD) with its dates, references and providers."""

    maintenance_type: str
    insurance_line: str
    plan_coverage: str
    plan_code: str
    plan_sub_code: str
    coverage_level: str
    begin: date | None
    end: date | None
    dates: tuple[DateValue, ...]
    references: tuple[Reference, ...]
    amounts: tuple[tuple[str, Decimal], ...]
    providers: tuple[Provider, ...]
    aid_code: str
    county_code: str
    position: Position

    @property
    def pcp(self) -> Provider | None:
        for provider in self.providers:
            if provider.role == "P3":
                return provider
        return None

    def reference(self, qualifier: str) -> Reference | None:
        for ref in self.references:
            if ref.qualifier == qualifier:
                return ref
        return None


@dataclass(frozen=True, slots=True)
class ReportingCategory:
    """An LS/2700/2750 reporting category: N102 name with its REF value and DTP date."""

    name: str
    qualifier: str
    value: str
    effective: date | None


@dataclass(frozen=True, slots=True)
class MediCalFields:
    """California DHCS values unpacked per the configured layout (DOMAIN.md §5.4)."""

    cin: str
    county_code: str
    aid_code: str
    case_number: str


@dataclass(frozen=True, slots=True)
class MemberRecord:
    """One 2000 member loop as a typed maintenance record."""

    position: Position
    loop_id: str
    group_control_number: str
    transaction_control_number: str
    is_subscriber: bool
    relationship_code: str
    maintenance_type: str
    maintenance_reason: str
    benefit_status: str
    medicare_plan_code: str
    medicare_eligibility_reason: str
    employment_status: str
    death_date: date | None
    subscriber_id: str
    policy_number: str
    references: tuple[Reference, ...]
    dates: tuple[DateValue, ...]
    name: PersonName | None
    incorrect_name: PersonName | None
    contacts: tuple[Contact, ...]
    residence_address: Address | None
    mailing_address: Address | None
    birth_date: date | None
    sex: str
    marital_status: str
    race_ethnicity: tuple[str, ...]
    languages: tuple[Language, ...]
    related_parties: tuple[PersonName, ...]
    coverages: tuple[Coverage, ...]
    reporting_categories: tuple[ReportingCategory, ...]
    medi_cal: MediCalFields
    positions: Mapping[str, Position]
    unknown_segments: tuple[SegmentNote, ...] = ()
    issues: tuple[Issue, ...] = ()

    @property
    def errors(self) -> tuple[Issue, ...]:
        return tuple(issue for issue in self.issues if issue.is_error)

    @property
    def is_valid(self) -> bool:
        return not any(issue.is_error for issue in self.issues)

    def reference(self, qualifier: str) -> Reference | None:
        for ref in self.references:
            if ref.qualifier == qualifier:
                return ref
        return None

    def date_of(self, qualifier: str) -> date | None:
        for value in self.dates:
            if value.qualifier == qualifier:
                return value.start
        return None

    @property
    def medicare_number(self) -> str:
        """REF*F6 (Health Insurance Claim number, now the MBI)."""
        ref = self.reference("F6")
        return ref.value if ref else ""

    @property
    def eligibility_begin(self) -> date | None:
        return self.date_of("356")

    @property
    def eligibility_end(self) -> date | None:
        return self.date_of("357")


@dataclass(frozen=True, slots=True)
class InterchangeHeader:
    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    date: str  # YYMMDD as sent
    time: str
    control_number: str
    version: str
    ack_requested: bool
    usage: str  # P production, T test
    delimiters: Delimiters
    position: Position


@dataclass(frozen=True, slots=True)
class GroupHeader:
    functional_id: str
    sender: str
    receiver: str
    date: str
    time: str
    control_number: str
    version: str
    position: Position


@dataclass(frozen=True, slots=True)
class TransactionHeader:
    control_number: str
    implementation_reference: str
    group_control_number: str
    purpose: str
    reference: str
    created: date | None
    time: str
    action: str
    policy_number: str
    dates: tuple[DateValue, ...]
    control_totals: tuple[tuple[str, Decimal], ...]
    sponsor: Party | None
    payer: Party | None
    brokers: tuple[Party, ...]
    position: Position
    unknown_segments: tuple[SegmentNote, ...] = ()

    @property
    def is_full_file(self) -> bool:
        return self.action in FULL_FILE_ACTIONS

    @property
    def file_effective_date(self) -> date | None:
        for value in self.dates:
            if value.qualifier == "007":
                return value.start
        return None


@dataclass(frozen=True, slots=True)
class TransactionEnd:
    control_number: str
    segment_count: int
    member_count: int
    position: Position


@dataclass(frozen=True, slots=True)
class GroupEnd:
    control_number: str
    transaction_count: int
    position: Position


@dataclass(frozen=True, slots=True)
class InterchangeEnd:
    control_number: str
    group_count: int
    position: Position


Event = (
    InterchangeHeader
    | GroupHeader
    | TransactionHeader
    | MemberRecord
    | TransactionEnd
    | GroupEnd
    | InterchangeEnd
)


# ---- acknowledgment state, filled by the reader, read by the 999 generator -----------------------------


@dataclass(slots=True)
class SetAck:
    control_number: str
    implementation_reference: str
    issues: list[Issue] = field(default_factory=list)
    syntax_codes: list[str] = field(default_factory=list)  # IK502 codes, e.g. 2 trailer missing, 4 count

    @property
    def is_rejected_structurally(self) -> bool:
        return bool(self.syntax_codes)


@dataclass(slots=True)
class GroupAck:
    functional_id: str
    control_number: str
    version: str
    sets: list[SetAck] = field(default_factory=list)
    declared_set_count: int | None = None
    syntax_codes: list[str] = field(default_factory=list)  # AK905 codes


@dataclass(slots=True)
class AckState:
    """What the reader saw, for the 999: envelopes, transaction sets and their problems."""

    interchange: InterchangeHeader | None = None
    groups: list[GroupAck] = field(default_factory=list)
    interchange_codes: list[str] = field(default_factory=list)  # TA1-style notes, e.g. 001 control mismatch
    fatal: str = ""

    def find_set(self, group_control_number: str, set_control_number: str) -> SetAck | None:
        for group in self.groups:
            if group.control_number != group_control_number:
                continue
            for item in group.sets:
                if item.control_number == set_control_number:
                    return item
        return None


Status = Literal["A", "E", "P", "R"]
