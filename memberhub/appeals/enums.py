"""Vocabulary of the unified grievance-and-appeal process (DOMAIN.md §9).

Values are stable strings: they are stored in the database and appear in the API.
"""

from __future__ import annotations

from enum import StrEnum


class CaseKind(StrEnum):
    GRIEVANCE = "grievance"  # integrated grievance, 42 CFR 422.630
    ORGANIZATION_DETERMINATION = "organization_determination"  # integrated OD, 422.631
    RECONSIDERATION = "reconsideration"  # integrated reconsideration (appeal), 422.633


class Program(StrEnum):
    """Which program covers the service or drug the case is about."""

    MEDICARE_A_B = "medicare_a_b"
    MEDI_CAL = "medi_cal"
    PART_B_DRUG = "part_b_drug"
    PART_D = "part_d"  # not integrated: routed out to the Part D process (Part 423)


INTEGRATED_PROGRAMS: frozenset[Program] = frozenset(
    {Program.MEDICARE_A_B, Program.MEDI_CAL, Program.PART_B_DRUG}
)
MEDICARE_PROGRAMS: frozenset[Program] = frozenset({Program.MEDICARE_A_B, Program.PART_B_DRUG})


class Priority(StrEnum):
    STANDARD = "standard"
    EXPEDITED = "expedited"


class Channel(StrEnum):
    PHONE = "phone"
    MAIL = "mail"
    FAX = "fax"
    WEB = "web"
    IN_PERSON = "in_person"


WRITTEN_CHANNELS: frozenset[Channel] = frozenset({Channel.MAIL, Channel.FAX, Channel.WEB})


class Filer(StrEnum):
    MEMBER = "member"
    PROVIDER = "provider"
    REPRESENTATIVE = "representative"  # authorized representative, with an AOR on file


class Status(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    IN_REVIEW = "in_review"
    DECIDED = "decided"
    NOTIFIED = "notified"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    ROUTED_OUT = "routed_out"  # Part D: handed to the Part D process, not worked here


OPEN_STATUSES: frozenset[Status] = frozenset({Status.RECEIVED, Status.ACKNOWLEDGED, Status.IN_REVIEW})


class Outcome(StrEnum):
    FAVORABLE = "favorable"
    PARTIALLY_FAVORABLE = "partially_favorable"
    ADVERSE = "adverse"
    RESOLVED = "resolved"  # grievances: resolved and answered (no coverage decision)


ADVERSE_OUTCOMES: frozenset[Outcome] = frozenset({Outcome.ADVERSE, Outcome.PARTIALLY_FAVORABLE})


class ExtensionRequester(StrEnum):
    MEMBER = "member"  # the enrollee (or their representative) asked for more time
    PLAN = "plan"  # the plan justifies the need for more information


class ActionType(StrEnum):
    """What the notice the member appeals from did to the service (for continuation of benefits)."""

    DENIAL = "denial"
    REDUCTION = "reduction"
    SUSPENSION = "suspension"
    TERMINATION = "termination"


CONTINUATION_ACTIONS: frozenset[ActionType] = frozenset(
    {ActionType.REDUCTION, ActionType.SUSPENSION, ActionType.TERMINATION}
)


class ClockState(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"
    STOPPED = "stopped"  # decided, withdrawn, routed out: the clock no longer runs
