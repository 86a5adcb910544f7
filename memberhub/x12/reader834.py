"""005010X220A1 834 Benefit Enrollment and Maintenance reader (DOMAIN.md §5).

Streams events from an X12 byte stream: envelope headers, one ``TransactionHeader`` per ST, one
``MemberRecord`` per 2000 loop, and the trailers after their control numbers and counts were checked.

Two kinds of problems:

* **Structural** (bad envelope, counts or control numbers, wrong segment order at envelope/header
  level, truncated file): ``X12StructureError`` / ``X12SyntaxError`` is raised. Nothing in the file
  may be applied.
* **Record-level** (bad code value, impossible date, missing REF*0F, segment out of order inside a
  member loop): kept on ``MemberRecord.issues``; reading continues. Unknown segments are kept on the
  record (``unknown_segments``) and reported as warnings, never fatal.

Everything the 999 needs is collected on ``Reader834.ack``. Messages about member records never quote the
bad value (a birth or death date is PHI); they name the segment, element and position instead.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from memberhub.x12.errors import X12Error, X12StructureError, X12SyntaxError
from memberhub.x12.layout import DEFAULT_LAYOUT, PackedLayout
from memberhub.x12.records import (
    COVERAGE_MAINTENANCE_TYPES,
    MAINTENANCE_ADD,
    MAINTENANCE_TERMINATE,
    MEMBER_MAINTENANCE_TYPES,
    AckState,
    Address,
    Contact,
    Coverage,
    DateValue,
    Event,
    GroupAck,
    GroupEnd,
    GroupHeader,
    InterchangeEnd,
    InterchangeHeader,
    Issue,
    Language,
    MediCalFields,
    MemberRecord,
    Party,
    PersonName,
    Provider,
    Reference,
    ReportingCategory,
    SegmentNote,
    SetAck,
    TransactionEnd,
    TransactionHeader,
)
from memberhub.x12.tokenizer import DEFAULT_CHUNK_SIZE, Position, Segment, Tokenizer

IMPLEMENTATION_834 = "005010X220A1"
INTERCHANGE_VERSION = "00501"

_HEADER_TAGS = frozenset({"REF", "DTP", "QTY", "N1", "N2", "N3", "N4", "PER", "ACT"})
# Segment ids the 834 defines inside the 2000 loop; any other id is "unknown".
_MEMBER_TAGS = frozenset(
    {"REF", "DTP", "NM1", "PER", "N3", "N4", "DMG", "EC", "ICM", "AMT", "HLH", "LUI", "DSB", "HD", "IDC"}
    | {"LX", "PLA", "COB", "LS", "LE", "N1"}
)
_LOOP_RANK = {
    "2000": 0,
    "2100A": 1,
    "2100B": 2,
    "2100C": 3,
    "2100D": 4,
    "2100E": 5,
    "2100F": 6,
    "2100G": 7,
    "2100H": 8,
    "2200": 9,
    "2300": 10,
    "2310": 10,
    "2320": 10,
    "2330": 10,
    "2700": 11,
    "2750": 11,
}
_MEMBER_NAME_LOOPS = {
    "IL": "2100A",
    "74": "2100A",
    "70": "2100B",
    "31": "2100C",
    "36": "2100D",
    "M8": "2100E",
    "S3": "2100F",
    "45": "2100H",
}
_RESPONSIBLE_PERSON_CODES = frozenset(
    {"6Y", "9K", "E1", "EI", "EXS", "GB", "GD", "J6", "LR", "QD", "S1", "TZ", "X4"}
)
_PROVIDER_ROLES = frozenset({"P3", "1X", "3D", "80", "FA", "OD", "QA", "QN", "Y2"})
_COB_PARTY_CODES = frozenset({"36", "GW", "IN"})
_REPEATABLE_LOOPS = frozenset({"2100D", "2100E", "2100G", "2200", "2300", "2310", "2320", "2330", "2750"})
_BENEFIT_STATUS = frozenset({"A", "C", "S", "T"})


def parse_d8(value: str) -> date | None:
    """A CCYYMMDD date, or ``None`` if it is not a real calendar date."""
    if len(value) != 8 or not value.isdigit():
        return None
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


@dataclass(slots=True)
class _CoverageBuilder:
    maintenance_type: str
    insurance_line: str
    plan_coverage: str
    plan_code: str
    plan_sub_code: str
    coverage_level: str
    position: Position
    begin: date | None = None
    end: date | None = None
    dates: list[DateValue] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    amounts: list[tuple[str, Decimal]] = field(default_factory=list)
    providers: list[Provider] = field(default_factory=list)
    has_dates: bool = False

    def build(self, layout: PackedLayout) -> Coverage:
        references = tuple(self.references)
        aid_code = county = ""
        for ref in references:
            if ref.qualifier == layout.coverage_aid_code_qualifier and not aid_code:
                aid_code = ref.part(0)
            elif ref.qualifier == layout.coverage_county_qualifier and not county:
                county = ref.part(0)
        return Coverage(
            maintenance_type=self.maintenance_type,
            insurance_line=self.insurance_line,
            plan_coverage=self.plan_coverage,
            plan_code=self.plan_code,
            plan_sub_code=self.plan_sub_code,
            coverage_level=self.coverage_level,
            begin=self.begin,
            end=self.end,
            dates=tuple(self.dates),
            references=references,
            amounts=tuple(self.amounts),
            providers=tuple(self.providers),
            aid_code=aid_code,
            county_code=county,
            position=self.position,
        )


@dataclass(slots=True)
class _ProviderBuilder:
    position: Position
    role: str = ""
    entity_type: str = ""
    last_or_organization: str = ""
    first: str = ""
    id_qualifier: str = ""
    identifier: str = ""
    relationship: str = ""
    change_reason: str = ""
    change_effective: date | None = None
    has_name: bool = False

    def build(self) -> Provider:
        return Provider(
            role=self.role,
            entity_type=self.entity_type,
            last_or_organization=self.last_or_organization,
            first=self.first,
            id_qualifier=self.id_qualifier,
            identifier=self.identifier,
            relationship=self.relationship,
            change_reason=self.change_reason,
            change_effective=self.change_effective,
            position=self.position,
        )


class Reader834:
    """Iterate ``Event`` objects from one 834 file. Use once; ``ack`` holds what the 999 needs."""

    def __init__(
        self,
        stream: BinaryIO,
        *,
        name: str = "<stream>",
        layout: PackedLayout = DEFAULT_LAYOUT,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> None:
        self.name = name
        self.layout = layout
        self.tokenizer = Tokenizer(stream, name=name, chunk_size=chunk_size)
        self.ack = AckState()
        self.notes: list[SegmentNote] = []
        self.member_count = 0
        self._segments: Iterator[Segment] = iter(())
        self._last: Segment | None = None
        self._group: GroupAck | None = None
        self._set: SetAck | None = None
        self._set_start = 0
        self._started = False
        self._component = ":"
        self._repetition = ""

    # ---- plumbing ---------------------------------------------------------------------------------

    def _next(self) -> Segment | None:
        segment = next(self._segments, None)
        if segment is not None:
            self._last = segment
        return segment

    def _pos(self, segment: Segment) -> Position:
        set_position = segment.number - self._set_start + 1 if self._set is not None else 0
        return Position(segment.number, segment.offset, segment.line, set_position)

    def _fail(
        self,
        message: str,
        *,
        code: str,
        segment: Segment | None,
        expected: str = "",
        set_code: str = "",
        group_code: str = "",
        interchange_code: str = "",
    ) -> X12StructureError:
        if segment is None:
            # The file ended: point just past the last segment read.
            last = self._last
            tag, number = "", last.number + 1 if last else 1
            offset, line = self.tokenizer.bytes_read, last.line if last else 1
        else:
            tag, number, offset, line = segment.tag, segment.number, segment.offset, segment.line
        error = X12StructureError(
            message,
            code=code,
            file=self.name,
            segment=tag,
            segment_number=number,
            offset=offset,
            line=line,
            expected=expected,
        )
        if set_code and self._set is not None:
            self._set.syntax_codes.append(set_code)
            if segment is not None:
                self._set.issues.append(
                    Issue(
                        code=code,
                        message=message,
                        segment_id=segment.tag,
                        position=self._pos(segment),
                        segment_syntax_code="2" if code == "x12.unexpected_segment" else "8",
                    )
                )
        if group_code and self._group is not None:
            self._group.syntax_codes.append(group_code)
        if interchange_code:
            self.ack.interchange_codes.append(interchange_code)
        return error

    def _end_of_file(self, expected: str) -> X12StructureError:
        return self._fail(
            f"The file ended where {expected} was expected: it is truncated or its trailers are missing.",
            code="x12.unexpected_end",
            segment=None,
            expected=expected,
            set_code="2",
            group_code="3",
            interchange_code="023",
        )

    def _check_control_number(
        self, trailer: Segment, *, header_element: str, control: str, **ack: str
    ) -> None:
        """A trailer (IEA, GE, SE) must repeat its header's control number in its second element.

        ``ack`` is the one ``set_code``, ``group_code`` or ``interchange_code`` a mismatch adds (see _fail).
        """
        if trailer.get(2) != control:
            raise self._fail(
                f"{trailer.tag}02 {trailer.get(2)!r} does not match {header_element} {control!r}.",
                code="x12.control_number_mismatch",
                segment=trailer,
                expected=f"{trailer.tag}02 = {control}",
                **ack,
            )

    def _check_count(self, trailer: Segment, *, count: int, counted: str, container: str, **ack: str) -> None:
        """A trailer (IEA, GE, SE) must count what its envelope holds in its first element.

        ``ack``: as for :meth:`_check_control_number`.
        """
        if trailer.get(1) != str(count):
            raise self._fail(
                f"{trailer.tag}01 says {trailer.get(1)!r} {counted}, the {container} has {count}.",
                code="x12.count_mismatch",
                segment=trailer,
                expected=f"{trailer.tag}01 = {count}",
                **ack,
            )

    # ---- envelopes --------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[Event]:
        if self._started:
            raise RuntimeError("A Reader834 can be iterated only once.")
        self._started = True
        self._segments = iter(self.tokenizer)
        try:
            yield from self._read()
        except X12Error as error:
            if isinstance(error, X12SyntaxError):
                if self._set is not None:
                    self._set.syntax_codes.append("2")
                if self._group is not None:
                    self._group.syntax_codes.append("3")
            self.ack.fatal = error.describe()
            raise

    def _read(self) -> Generator[Event, None, None]:
        segment = self._next()
        while segment is not None:
            if segment.tag != "ISA":
                raise self._fail(
                    f"Expected an ISA interchange header, found {segment.tag}.",
                    code="x12.unexpected_segment",
                    segment=segment,
                    expected="ISA",
                )
            header = self._interchange(segment)
            yield header
            segment = self._next()
            group_count = 0
            while segment is not None and segment.tag == "GS":
                group_count += 1
                segment = yield from self._functional_group(segment)
            if segment is None:
                raise self._end_of_file("IEA")
            if segment.tag != "IEA":
                raise self._fail(
                    f"Expected GS or IEA, found {segment.tag}.",
                    code="x12.unexpected_segment",
                    segment=segment,
                    expected="GS or IEA",
                    interchange_code="024",
                )
            if group_count == 0:
                raise self._fail(
                    "The interchange contains no functional group.",
                    code="x12.empty_interchange",
                    segment=segment,
                    expected="GS",
                    interchange_code="024",
                )
            self._check_control_number(
                segment, header_element="ISA13", control=header.control_number, interchange_code="001"
            )
            self._check_count(
                segment,
                count=group_count,
                counted="functional groups",
                container="interchange",
                interchange_code="021",
            )
            yield InterchangeEnd(header.control_number, group_count, self._pos(segment))
            segment = self._next()

    def _interchange(self, isa: Segment) -> InterchangeHeader:
        delimiters = self.tokenizer.delimiters
        assert delimiters is not None
        if len(isa.elements) != 17:
            raise self._fail(
                f"ISA has {len(isa.elements) - 1} elements, 16 expected.",
                code="x12.isa_elements",
                segment=isa,
                expected="16 ISA elements",
            )
        version = isa.get(12)
        if version != INTERCHANGE_VERSION:
            raise self._fail(
                f"ISA12 version {version!r} is not supported; only {INTERCHANGE_VERSION} (5010).",
                code="x12.unsupported_version",
                segment=isa,
                expected=f"ISA12 = {INTERCHANGE_VERSION}",
                interchange_code="017",
            )
        control = isa.get(13)
        if not (len(control) == 9 and control.isdigit()):
            raise self._fail(
                f"ISA13 control number {control!r} must be 9 digits.",
                code="x12.bad_control_number",
                segment=isa,
                expected="ISA13 = 9 digits",
                interchange_code="018",
            )
        self._component = delimiters.component
        self._repetition = delimiters.repetition
        header = InterchangeHeader(
            sender_qualifier=isa.get(5),
            sender_id=isa.get(6),
            receiver_qualifier=isa.get(7),
            receiver_id=isa.get(8),
            date=isa.get(9),
            time=isa.get(10),
            control_number=control,
            version=version,
            ack_requested=isa.get(14) == "1",
            usage=isa.get(15),
            delimiters=delimiters,
            position=self._pos(isa),
        )
        if self.ack.interchange is None:
            self.ack.interchange = header
        return header

    def _functional_group(self, gs: Segment) -> Generator[Event, None, Segment | None]:
        functional_id = gs.get(1)
        control = gs.get(6)
        version = gs.get(8)
        group = GroupAck(functional_id=functional_id, control_number=control, version=version)
        self.ack.groups.append(group)
        self._group = group
        if functional_id != "BE":
            raise self._fail(
                f"GS01 {functional_id!r} is not a benefit enrollment group (BE).",
                code="x12.unsupported_group",
                segment=gs,
                expected="GS01 = BE",
                group_code="1",
            )
        if version != IMPLEMENTATION_834:
            raise self._fail(
                f"GS08 {version!r} is not {IMPLEMENTATION_834}.",
                code="x12.unsupported_version",
                segment=gs,
                expected=f"GS08 = {IMPLEMENTATION_834}",
                group_code="2",
            )
        if not control:
            raise self._fail(
                "GS06 group control number is missing.",
                code="x12.bad_control_number",
                segment=gs,
                expected="GS06",
                group_code="6",
            )
        yield GroupHeader(
            functional_id=functional_id,
            sender=gs.get(2),
            receiver=gs.get(3),
            date=gs.get(4),
            time=gs.get(5),
            control_number=control,
            version=version,
            position=self._pos(gs),
        )
        segment = self._next()
        count = 0
        seen: set[str] = set()
        while segment is not None and segment.tag == "ST":
            count += 1
            set_control = segment.get(2)
            if set_control in seen:
                raise self._fail(
                    f"Transaction set control number {set_control!r} is used twice in group {control}.",
                    code="x12.duplicate_control_number",
                    segment=segment,
                    expected="a unique ST02",
                    group_code="6",
                )
            seen.add(set_control)
            segment = yield from self._transaction(segment, group)
        if segment is None:
            raise self._end_of_file("GE")
        if segment.tag != "GE":
            raise self._fail(
                f"Expected ST or GE, found {segment.tag}.",
                code="x12.unexpected_segment",
                segment=segment,
                expected="ST or GE",
                group_code="3",
            )
        group.declared_set_count = int(segment.get(1)) if segment.get(1).isdigit() else None
        self._check_control_number(segment, header_element="GS06", control=control, group_code="4")
        self._check_count(segment, count=count, counted="transaction sets", container="group", group_code="5")
        yield GroupEnd(control, count, self._pos(segment))
        self._group = None
        return self._next()

    # ---- transaction set ----------------------------------------------------------------------------

    def _transaction(self, st: Segment, group: GroupAck) -> Generator[Event, None, Segment | None]:
        control = st.get(2)
        reference = st.get(3)
        set_ack = SetAck(control_number=control, implementation_reference=reference)
        group.sets.append(set_ack)
        self._set = set_ack
        self._set_start = st.number
        if st.get(1) != "834":
            raise self._fail(
                f"ST01 {st.get(1)!r} is not 834.",
                code="x12.unsupported_transaction",
                segment=st,
                expected="ST01 = 834",
                set_code="1",
                group_code="1",
            )
        if not control:
            raise self._fail(
                "ST02 transaction set control number is missing.",
                code="x12.bad_control_number",
                segment=st,
                expected="ST02",
                set_code="7",
            )
        if reference and reference != IMPLEMENTATION_834:
            raise self._fail(
                f"ST03 {reference!r} is not {IMPLEMENTATION_834}.",
                code="x12.unsupported_version",
                segment=st,
                expected=f"ST03 = {IMPLEMENTATION_834}",
                set_code="I6",
            )
        bgn = self._next()
        if bgn is None:
            raise self._end_of_file("BGN")
        if bgn.tag != "BGN":
            raise self._fail(
                f"Expected BGN after ST, found {bgn.tag}.",
                code="x12.unexpected_segment",
                segment=bgn,
                expected="BGN",
                set_code="5",
            )
        created = parse_d8(bgn.get(3))
        if created is None:
            raise self._fail(
                f"BGN03 {bgn.get(3)!r} is not a CCYYMMDD date.",
                code="x12.invalid_date",
                segment=bgn,
                expected="BGN03 = CCYYMMDD",
                set_code="5",
            )
        policy_number = ""
        dates: list[DateValue] = []
        totals: list[tuple[str, Decimal]] = []
        sponsor: Party | None = None
        payer: Party | None = None
        brokers: list[Party] = []
        notes: list[SegmentNote] = []
        segment = self._next()
        while segment is not None and segment.tag in _HEADER_TAGS:
            tag = segment.tag
            if tag == "REF" and segment.get(1) == "38":
                policy_number = segment.get(2)
            elif tag == "DTP":
                value, problem = self._date_value(segment)
                if value is None:
                    raise self._fail(
                        f"Header DTP: {problem}", code="x12.invalid_date", segment=segment, set_code="5"
                    )
                dates.append(value)
            elif tag == "QTY":
                try:
                    totals.append((segment.get(1), Decimal(segment.get(2))))
                except InvalidOperation:
                    raise self._fail(
                        f"QTY02 {segment.get(2)!r} is not a number.",
                        code="x12.invalid_number",
                        segment=segment,
                        set_code="5",
                    ) from None
            elif tag == "N1":
                party = Party(segment.get(1), segment.get(2), segment.get(3), segment.get(4))
                if party.entity_code == "P5":
                    sponsor = party
                elif party.entity_code == "IN":
                    payer = party
                else:
                    brokers.append(party)
            elif tag in {"N2", "N3", "N4", "PER", "ACT"} and (sponsor or payer or brokers):
                pass  # addresses/contacts of the 1000 parties: read, not modelled
            else:
                note = SegmentNote(tag, "HEADER", self._pos(segment), self._note_text(segment))
                notes.append(note)
                self.notes.append(note)
            segment = self._next()
        if sponsor is None or payer is None:
            missing = "N1*P5 (sponsor, loop 1000A)" if sponsor is None else "N1*IN (payer, loop 1000B)"
            out_of_order = segment is not None and segment.tag not in {"INS", "SE"}
            raise self._fail(
                f"Segment {segment.tag} is out of order in the 834 header: expected {missing} before it."
                if out_of_order and segment is not None
                else f"The 834 header has no {missing}.",
                code="x12.segment_out_of_order" if out_of_order else "x12.missing_segment",
                segment=segment,
                expected=missing,
                set_code="5",
            )
        header = TransactionHeader(
            control_number=control,
            implementation_reference=reference,
            group_control_number=group.control_number,
            purpose=bgn.get(1),
            reference=bgn.get(2),
            created=created,
            time=bgn.get(4),
            action=bgn.get(8),
            policy_number=policy_number,
            dates=tuple(dates),
            control_totals=tuple(totals),
            sponsor=sponsor,
            payer=payer,
            brokers=tuple(brokers),
            position=self._pos(st),
            unknown_segments=tuple(notes),
        )
        yield header
        members = 0
        while segment is not None and segment.tag == "INS":
            members += 1
            self.member_count += 1
            segment = yield from self._member(segment, header)
        if segment is None:
            raise self._end_of_file("SE")
        if segment.tag != "SE":
            raise self._fail(
                f"Segment {segment.tag} is not allowed here: expected INS (a member loop) or SE.",
                code="x12.unexpected_segment",
                segment=segment,
                expected="INS or SE",
                set_code="5",
            )
        actual = segment.number - st.number + 1
        self._check_count(
            segment, count=actual, counted="segments", container="transaction set", set_code="4"
        )
        self._check_control_number(segment, header_element="ST02", control=control, set_code="3")
        yield TransactionEnd(control, actual, members, self._pos(segment))
        self._set = None
        return self._next()

    # ---- helpers ------------------------------------------------------------------------------------

    def _note_text(self, segment: Segment) -> str:
        delimiters = self.tokenizer.delimiters
        separator = delimiters.element if delimiters else "*"
        return separator.join(segment.elements)

    def _date_value(self, segment: Segment) -> tuple[DateValue | None, str]:
        qualifier = segment.get(1)
        form = segment.get(2)
        raw = segment.get(3)
        if form == "D8" or (form == "DT" and len(raw) >= 8):
            value = parse_d8(raw[:8])
            if value is None:
                return None, f"DTP*{qualifier} date (DTP03) is not a valid CCYYMMDD date."
            return DateValue(qualifier, value), ""
        if form == "RD8":
            start_text, _, end_text = raw.partition("-")
            start = parse_d8(start_text)
            end = parse_d8(end_text)
            if start is None or end is None:
                return None, f"DTP*{qualifier} range (DTP03) is not a valid CCYYMMDD-CCYYMMDD range."
            if end < start:
                return None, f"DTP*{qualifier} range (DTP03) ends before it starts."
            return DateValue(qualifier, start, end), ""
        return None, f"DTP02 date format {form!r} is not D8 or RD8."

    # ---- the 2000 member loop -----------------------------------------------------------------------

    def _member(self, ins: Segment, header: TransactionHeader) -> Generator[Event, None, Segment | None]:
        pos = self._pos
        next_segment = self._next
        issues: list[Issue] = []
        positions: dict[str, Position] = {"INS": pos(ins)}
        unknown: list[SegmentNote] = []
        component = self._component

        def issue(
            segment: Segment,
            message: str,
            *,
            code: str,
            loop: str,
            element: int = 0,
            reference: str = "",
            element_code: str = "",
            segment_code: str = "8",
            is_error: bool = True,
        ) -> None:
            issues.append(
                Issue(
                    code=code,
                    message=message,
                    segment_id=segment.tag,
                    position=pos(segment),
                    loop_id=loop,
                    element=element,
                    element_reference=reference,
                    segment_syntax_code=segment_code,
                    element_syntax_code=element_code,
                    is_error=is_error,
                )
            )

        def invalid_code(segment: Segment, message: str, *, loop: str, element: int, reference: str) -> None:
            # A coded element outside its code list ("7"), or empty ("1": mandatory element missing).
            issue(
                segment,
                message,
                code="x12.invalid_code",
                loop=loop,
                element=element,
                reference=reference,
                element_code="7" if segment.get(element) else "1",
            )

        def missing_element(
            segment: Segment, message: str, *, loop: str, element: int, reference: str
        ) -> None:
            issue(
                segment,
                message,
                code="x12.missing_element",
                loop=loop,
                element=element,
                reference=reference,
                element_code="1",
            )

        def invalid_date(segment: Segment, message: str, *, loop: str, element: int) -> None:
            issue(
                segment,
                message,
                code="x12.invalid_date",
                loop=loop,
                element=element,
                reference="1251",
                element_code="8",
            )

        def not_allowed(segment: Segment) -> None:
            # Reads the current ``loop`` (assigned below, before the first segment of the loop body).
            issue(
                segment,
                f"{segment.tag} is not allowed in loop {loop}.",
                code="x12.segment_out_of_order",
                loop=loop,
                segment_code="7",
            )

        def loop_issue(message: str, *, segment_id: str, position: Position, loop_id: str, code: str) -> None:
            # A rule about a whole loop (a required segment or date it lacks), reported at the loop's start.
            issues.append(Issue(code, message, segment_id, position, loop_id, segment_syntax_code="3"))

        # INS
        subscriber_flag = ins.get(1)
        if subscriber_flag not in {"Y", "N"}:
            invalid_code(
                ins, f"INS01 {subscriber_flag!r} must be Y or N.", loop="2000", element=1, reference="1073"
            )
        relationship = ins.get(2)
        if not relationship:
            missing_element(
                ins, "INS02 relationship code is missing.", loop="2000", element=2, reference="1069"
            )
        maintenance_type = ins.get(3)
        if maintenance_type not in MEMBER_MAINTENANCE_TYPES:
            invalid_code(
                ins,
                f"INS03 maintenance type {maintenance_type!r} must be one of 001, 021, 024, 025, 030.",
                loop="2000",
                element=3,
                reference="875",
            )
        benefit_status = ins.get(5)
        if benefit_status not in _BENEFIT_STATUS:
            invalid_code(
                ins,
                f"INS05 benefit status {benefit_status!r} must be A, C, S or T.",
                loop="2000",
                element=5,
                reference="1216",
            )
        medicare = ins.components(6, component)
        death_date: date | None = None
        if ins.get(12):
            death_date = parse_d8(ins.get(12))
            if death_date is None or ins.get(11) not in {"D8", ""}:
                invalid_date(ins, "INS12 death date is not a valid CCYYMMDD date.", loop="2000", element=12)

        references: list[Reference] = []
        dates: list[DateValue] = []
        name: PersonName | None = None
        incorrect_name: PersonName | None = None
        contacts: list[Contact] = []
        residence: Address | None = None
        mailing: Address | None = None
        birth_date: date | None = None
        sex = marital = ""
        race: list[str] = []
        languages: list[Language] = []
        related: list[PersonName] = []
        coverages: list[_CoverageBuilder] = []
        categories: list[ReportingCategory] = []
        coverage: _CoverageBuilder | None = None
        provider: _ProviderBuilder | None = None
        category: dict[str, str] | None = None
        category_date: date | None = None
        address_target = ""  # which loop the N3/N4 belong to
        loop = "2000"
        subscriber_ids = 0
        separator = self.layout.separator

        def enter(segment: Segment, target: str) -> None:
            nonlocal loop
            if _LOOP_RANK[target] < _LOOP_RANK[loop] or (target == loop and target not in _REPEATABLE_LOOPS):
                issue(
                    segment,
                    f"{segment.tag} starting loop {target} is out of order: it comes after loop {loop}.",
                    code="x12.segment_out_of_order",
                    loop=target,
                    segment_code="7",
                )
            loop = target

        def finish_provider() -> None:
            nonlocal provider
            if provider is not None and coverage is not None:
                if not provider.has_name:
                    issue_at = provider.position
                    loop_issue(
                        "2310 provider loop has LX but no NM1.",
                        segment_id="NM1",
                        position=issue_at,
                        loop_id="2310",
                        code="x12.missing_segment",
                    )
                coverage.providers.append(provider.build())
            provider = None

        def finish_category() -> None:
            nonlocal category, category_date
            if category is not None:
                categories.append(
                    ReportingCategory(
                        category.get("name", ""),
                        category.get("qualifier", ""),
                        category.get("value", ""),
                        category_date,
                    )
                )
            category = None
            category_date = None

        segment = next_segment()
        while segment is not None:
            tag = segment.tag
            if tag in {"INS", "SE", "GE", "IEA", "ST", "GS", "ISA"}:
                break
            if tag not in _MEMBER_TAGS:
                note = SegmentNote(tag, loop, pos(segment), self._note_text(segment))
                unknown.append(note)
                self.notes.append(note)
                issue(
                    segment,
                    f"Unknown segment {tag} in loop {loop} was kept and ignored.",
                    code="x12.unknown_segment",
                    loop=loop,
                    segment_code="1",
                    is_error=False,
                )
                segment = next_segment()
                continue
            if tag == "REF":
                ref = Reference(
                    segment.get(1), segment.get(2), tuple(segment.get(2).split(separator)), pos(segment)
                )
                if not ref.value:
                    missing_element(
                        segment,
                        f"REF02 value is missing for REF*{ref.qualifier}.",
                        loop=loop,
                        element=2,
                        reference="127",
                    )
                if loop == "2000":
                    references.append(ref)
                    positions.setdefault(f"REF*{ref.qualifier}", ref.position)
                    if ref.qualifier == "0F":
                        subscriber_ids += 1
                        if subscriber_ids > 1:
                            issue(
                                segment,
                                "A member loop may carry only one REF*0F subscriber identifier.",
                                code="x12.repeated_segment",
                                loop=loop,
                                segment_code="5",
                            )
                elif loop in {"2300", "2310"} and coverage is not None:
                    finish_provider()
                    loop = "2300"
                    coverage.references.append(ref)
                elif loop == "2750" and category is not None:
                    category["qualifier"] = ref.qualifier
                    category["value"] = ref.value
                elif loop in {"2320", "2330"}:
                    pass
                else:
                    not_allowed(segment)
            elif tag == "DTP":
                value, problem = self._date_value(segment)
                if value is None:
                    invalid_date(segment, problem, loop=loop, element=3)
                elif loop == "2000":
                    dates.append(value)
                    positions.setdefault(f"DTP*{value.qualifier}", pos(segment))
                elif loop in {"2300", "2310"} and coverage is not None:
                    finish_provider()
                    loop = "2300"
                    coverage.has_dates = True
                    coverage.dates.append(value)
                    if value.qualifier == "348":
                        coverage.begin = value.start
                    elif value.qualifier == "349":
                        coverage.end = value.start
                elif loop == "2750" and category is not None:
                    category_date = value.start
                elif loop in {"2200", "2320", "2330"}:
                    pass
                else:
                    not_allowed(segment)
                if value is None and loop in {"2300", "2310"} and coverage is not None:
                    coverage.has_dates = True
            elif tag == "NM1":
                entity = segment.get(1)
                person = PersonName(
                    entity_code=entity,
                    entity_type=segment.get(2),
                    last=segment.get(3),
                    first=segment.get(4),
                    middle=segment.get(5),
                    prefix=segment.get(6),
                    suffix=segment.get(7),
                    id_qualifier=segment.get(8),
                    identifier=segment.get(9),
                )
                if loop in {"2300", "2310"} and entity in _PROVIDER_ROLES and coverage is not None:
                    if provider is None or provider.has_name:
                        finish_provider()
                        provider = _ProviderBuilder(position=pos(segment))
                    loop = "2310"
                    provider.has_name = True
                    provider.role = entity
                    provider.entity_type = segment.get(2)
                    provider.last_or_organization = segment.get(3)
                    provider.first = segment.get(4)
                    provider.id_qualifier = segment.get(8)
                    provider.identifier = segment.get(9)
                    provider.relationship = segment.get(10)
                    address_target = ""
                elif loop in {"2320", "2330"} and entity in _COB_PARTY_CODES:
                    loop = "2330"
                    address_target = ""
                elif entity in _MEMBER_NAME_LOOPS or entity in _RESPONSIBLE_PERSON_CODES:
                    target = _MEMBER_NAME_LOOPS.get(entity, "2100G")
                    if target == "2100A" and name is not None:
                        issue(
                            segment,
                            "A member loop may carry only one member name (NM1*IL).",
                            code="x12.repeated_segment",
                            loop=target,
                            segment_code="5",
                        )
                    enter(segment, target)
                    address_target = target
                    if target == "2100A":
                        name = person
                        positions.setdefault("NM1", pos(segment))
                    elif target == "2100B":
                        incorrect_name = person
                    elif target != "2100C":
                        related.append(person)
                else:
                    issue(
                        segment,
                        f"NM1 entity code {entity!r} is not valid in loop {loop}.",
                        code="x12.invalid_code",
                        loop=loop,
                        element=1,
                        reference="98",
                        element_code="7",
                    )
            elif tag in {"N3", "N4"}:
                if address_target in {"2100A", "2100C"}:
                    current = (residence if address_target == "2100A" else mailing) or Address()
                    if tag == "N3":
                        current = Address(
                            segment.get(1),
                            segment.get(2),
                            current.city,
                            current.state,
                            current.postal_code,
                            current.country,
                            current.county_code,
                        )
                    else:
                        county = segment.get(6) if segment.get(5) == "CY" else current.county_code
                        current = Address(
                            current.line1,
                            current.line2,
                            segment.get(1),
                            segment.get(2),
                            segment.get(3),
                            segment.get(4),
                            county,
                        )
                        positions.setdefault(f"N4@{address_target}", pos(segment))
                    if address_target == "2100A":
                        residence = current
                    else:
                        mailing = current
                elif loop == "2000" or loop in {"2200", "2300"}:
                    not_allowed(segment)
            elif tag == "PER":
                if loop == "2100A":
                    for index in (3, 5, 7):
                        qualifier, value_text = segment.get(index), segment.get(index + 1)
                        if qualifier and value_text:
                            contacts.append(Contact(qualifier, value_text))
                elif loop in {"2000", "2200", "2300"}:
                    not_allowed(segment)
            elif tag == "DMG":
                if loop == "2100A":
                    positions.setdefault("DMG", pos(segment))
                    if segment.get(2):
                        birth_date = parse_d8(segment.get(2))
                        if birth_date is None:
                            invalid_date(
                                segment,
                                "DMG02 birth date is not a valid CCYYMMDD date.",
                                loop=loop,
                                element=2,
                            )
                    sex = segment.get(3)
                    if sex and sex not in {"F", "M", "U"}:
                        invalid_code(
                            segment,
                            f"DMG03 sex {sex!r} must be F, M or U.",
                            loop=loop,
                            element=3,
                            reference="1068",
                        )
                    marital = segment.get(4)
                    raw_race = segment.get(5)
                    if raw_race:
                        repeats = raw_race.split(self._repetition) if self._repetition else [raw_race]
                        for repeat in repeats:
                            parts = [p for p in repeat.split(component) if p]
                            if parts:
                                race.append(parts[-1])
                elif loop != "2100B":
                    not_allowed(segment)
            elif tag == "LUI":
                if loop == "2100A":
                    languages.append(Language(segment.get(1), segment.get(2), segment.get(3), segment.get(4)))
                else:
                    not_allowed(segment)
            elif tag in {"EC", "ICM", "HLH"}:
                if loop != "2100A":
                    not_allowed(segment)
            elif tag == "AMT":
                if loop in {"2300", "2310"} and coverage is not None:
                    finish_provider()
                    loop = "2300"
                    try:
                        amount = Decimal(segment.get(2))
                    except InvalidOperation:
                        issue(
                            segment,
                            f"AMT02 {segment.get(2)!r} is not a number.",
                            code="x12.invalid_number",
                            loop=loop,
                            element=2,
                            reference="782",
                            element_code="6",
                        )
                    else:
                        coverage.amounts.append((segment.get(1), amount))
                elif loop != "2100A":
                    not_allowed(segment)
            elif tag == "DSB":
                enter(segment, "2200")
                address_target = ""
            elif tag == "HD":
                finish_provider()
                enter(segment, "2300")
                address_target = ""
                hd_type = segment.get(1)
                if hd_type not in COVERAGE_MAINTENANCE_TYPES:
                    invalid_code(
                        segment,
                        f"HD01 maintenance type {hd_type!r} is not a valid code.",
                        loop="2300",
                        element=1,
                        reference="875",
                    )
                line = segment.get(3)
                if not line:
                    missing_element(
                        segment,
                        "HD03 insurance line code is missing.",
                        loop="2300",
                        element=3,
                        reference="1205",
                    )
                plan = segment.get(4)
                plan_parts = plan.split(separator)
                coverage = _CoverageBuilder(
                    maintenance_type=hd_type,
                    insurance_line=line,
                    plan_coverage=plan,
                    plan_code=plan_parts[0].strip(),
                    plan_sub_code=plan_parts[1].strip() if len(plan_parts) > 1 else "",
                    coverage_level=segment.get(5),
                    position=pos(segment),
                )
                coverages.append(coverage)
                positions.setdefault("HD", pos(segment))
            elif tag == "IDC":
                if loop not in {"2300", "2310"}:
                    not_allowed(segment)
            elif tag == "LX":
                if loop in {"2300", "2310"} and coverage is not None:
                    finish_provider()
                    provider = _ProviderBuilder(position=pos(segment))
                    loop = "2310"
                    address_target = ""
                elif loop in {"2700", "2750"}:
                    finish_category()
                    category = {}
                    loop = "2750"
                else:
                    not_allowed(segment)
            elif tag == "PLA":
                if loop == "2310" and provider is not None:
                    provider.change_reason = segment.get(5)
                    provider.change_effective = parse_d8(segment.get(3))
                else:
                    not_allowed(segment)
            elif tag == "COB":
                if loop in {"2300", "2310", "2320", "2330"} and coverage is not None:
                    finish_provider()
                    loop = "2320"
                else:
                    not_allowed(segment)
            elif tag == "LS":
                finish_provider()
                enter(segment, "2700")
                address_target = ""
            elif tag == "N1":
                if loop == "2750" and category is not None:
                    category["name"] = segment.get(2)
                else:
                    not_allowed(segment)
            elif tag == "LE":
                if loop in {"2700", "2750"}:
                    finish_category()
                    loop = "2750"
                else:
                    not_allowed(segment)
            segment = next_segment()
        finish_provider()
        finish_category()

        # Loop-level rules (DOMAIN.md §5.5).
        if subscriber_ids == 0:
            loop_issue(
                "The member loop has no REF*0F subscriber identifier.",
                segment_id="REF",
                position=pos(ins),
                loop_id="2000",
                code="x12.missing_segment",
            )
        if name is None:
            loop_issue(
                "The member loop has no NM1*IL member name (loop 2100A).",
                segment_id="NM1",
                position=pos(ins),
                loop_id="2100A",
                code="x12.missing_segment",
            )
        built = tuple(item.build(self.layout) for item in coverages)
        for item, builder in zip(built, coverages, strict=True):
            if not builder.has_dates:
                loop_issue(
                    "The HD coverage loop has no DTP coverage date.",
                    segment_id="DTP",
                    position=item.position,
                    loop_id="2300",
                    code="x12.missing_segment",
                )
            elif item.maintenance_type == MAINTENANCE_ADD and item.begin is None:
                loop_issue(
                    "An added coverage (HD01 021) needs its DTP*348 benefit begin date.",
                    segment_id="DTP",
                    position=item.position,
                    loop_id="2300",
                    code="x12.missing_segment",
                )
        member_dates = {value.qualifier for value in dates}
        if (
            maintenance_type == MAINTENANCE_TERMINATE
            and "357" not in member_dates
            and not any(c.end for c in built)
        ):
            loop_issue(
                "A termination (INS03 024) needs an end date: DTP*357 or DTP*349.",
                segment_id="DTP",
                position=pos(ins),
                loop_id="2000",
                code="x12.missing_end_date",
            )
        if (
            maintenance_type == MAINTENANCE_ADD
            and "356" not in member_dates
            and not any(c.begin for c in built)
        ):
            loop_issue(
                "An addition (INS03 021) needs a begin date: DTP*356 or DTP*348.",
                segment_id="DTP",
                position=pos(ins),
                loop_id="2000",
                code="x12.missing_begin_date",
            )

        subscriber_id = ""
        policy_number = ""
        for ref in references:
            if ref.qualifier == "0F" and not subscriber_id:
                subscriber_id = ref.value
            elif ref.qualifier == "1L" and not policy_number:
                policy_number = ref.value
        medi_cal = self._medi_cal(references, built, residence)
        record = MemberRecord(
            position=pos(ins),
            loop_id="2000",
            group_control_number=header.group_control_number,
            transaction_control_number=header.control_number,
            is_subscriber=subscriber_flag == "Y",
            relationship_code=relationship,
            maintenance_type=maintenance_type,
            maintenance_reason=ins.get(4),
            benefit_status=benefit_status,
            medicare_plan_code=medicare[0] if medicare else "",
            medicare_eligibility_reason=medicare[1] if len(medicare) > 1 else "",
            employment_status=ins.get(8),
            death_date=death_date,
            subscriber_id=subscriber_id,
            policy_number=policy_number,
            references=tuple(references),
            dates=tuple(dates),
            name=name,
            incorrect_name=incorrect_name,
            contacts=tuple(contacts),
            residence_address=residence,
            mailing_address=mailing,
            birth_date=birth_date,
            sex=sex,
            marital_status=marital,
            race_ethnicity=tuple(race),
            languages=tuple(languages),
            related_parties=tuple(related),
            coverages=built,
            reporting_categories=tuple(categories),
            medi_cal=medi_cal,
            positions=positions,
            unknown_segments=tuple(unknown),
            issues=tuple(issues),
        )
        if issues and self._set is not None:
            self._set.issues.extend(issues)
        yield record
        return segment

    def _medi_cal(
        self, references: list[Reference], coverages: tuple[Coverage, ...], residence: Address | None
    ) -> MediCalFields:
        layout = self.layout
        cin = county = aid = case = ""
        for ref in references:
            if ref.qualifier == layout.cin_qualifier and not cin:
                cin = ref.part(0).strip()
            elif ref.qualifier == layout.case_qualifier and not case:
                packed = ref.part(0)
                county = packed[slice(*layout.case_county)]
                aid = packed[slice(*layout.case_aid_code)]
                case = packed[layout.case_number_from :]
        for item in coverages:
            if item.aid_code:
                aid = item.aid_code
                break
        for item in coverages:
            if item.county_code:
                county = item.county_code
                break
        if not county and residence is not None:
            county = residence.county_code
        return MediCalFields(cin=cin, county_code=county, aid_code=aid, case_number=case)


@dataclass(frozen=True, slots=True)
class Parsed834:
    """Everything in one (small) 834 file, for tests and tools; large files should stream ``Reader834``."""

    interchange: InterchangeHeader
    groups: tuple[GroupHeader, ...]
    transactions: tuple[TransactionHeader, ...]
    members: tuple[MemberRecord, ...]
    notes: tuple[SegmentNote, ...]
    ack: AckState


def read_834(stream: BinaryIO, *, name: str = "<stream>", layout: PackedLayout = DEFAULT_LAYOUT) -> Parsed834:
    """Read a whole 834 into memory (raises ``X12Error`` for structural problems)."""
    reader = Reader834(stream, name=name, layout=layout)
    interchange: InterchangeHeader | None = None
    groups: list[GroupHeader] = []
    transactions: list[TransactionHeader] = []
    members: list[MemberRecord] = []
    for event in reader:
        if isinstance(event, MemberRecord):
            members.append(event)
        elif isinstance(event, TransactionHeader):
            transactions.append(event)
        elif isinstance(event, GroupHeader):
            groups.append(event)
        elif isinstance(event, InterchangeHeader) and interchange is None:
            interchange = event
    assert interchange is not None
    return Parsed834(
        interchange, tuple(groups), tuple(transactions), tuple(members), tuple(reader.notes), reader.ack
    )
