"""Alignment status of a dual-eligible member as of a date (pure rule).

* exclusively aligned: enrolled in both plans of one aligned pair (the pair for that plan year);
* misaligned: enrolled in a D-SNP and a Medi-Cal plan that are not a pair (the reason says which);
* Medicare only / Medi-Cal only / not enrolled.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


class PlanKind(StrEnum):
    MEDICARE_DSNP = "medicare_dsnp"
    MEDI_CAL = "medi_cal"


class AlignmentStatus(StrEnum):
    EXCLUSIVELY_ALIGNED = "exclusively_aligned"
    MISALIGNED = "misaligned"
    MEDICARE_ONLY = "medicare_only"
    MEDI_CAL_ONLY = "medi_cal_only"
    NOT_ENROLLED = "not_enrolled"


PLAIN_WORDS = {
    AlignmentStatus.EXCLUSIVELY_ALIGNED: "Your Medicare and Medi-Cal plans are matched: one plan team serves you.",
    AlignmentStatus.MISALIGNED: "Your Medicare and Medi-Cal plans do not match.",
    AlignmentStatus.MEDICARE_ONLY: "You have Medicare coverage with us, but no Medi-Cal plan with us.",
    AlignmentStatus.MEDI_CAL_ONLY: "You have Medi-Cal coverage with us, but no Medicare plan with us.",
    AlignmentStatus.NOT_ENROLLED: "You are not enrolled in a plan with us on this date.",
}


@dataclass(frozen=True)
class EnrollmentFact:
    plan_code: str
    plan_kind: PlanKind
    start_date: dt.date
    end_date: dt.date | None = None  # inclusive last day of coverage; None = open

    def covers(self, on: dt.date) -> bool:
        return self.start_date <= on and (self.end_date is None or on <= self.end_date)


@dataclass(frozen=True)
class PairFact:
    code: str
    medicare_plan_code: str
    medi_cal_plan_code: str
    plan_year: int


@dataclass(frozen=True)
class Alignment:
    status: AlignmentStatus
    on: dt.date
    pair_code: str | None = None
    medicare_plan_code: str | None = None
    medi_cal_plan_code: str | None = None
    expected_partner_code: str | None = None
    reason: str = ""

    @property
    def plain_words(self) -> str:
        return PLAIN_WORDS[self.status]


def _latest(enrollments: Sequence[EnrollmentFact]) -> EnrollmentFact | None:
    # Several active enrollments of one kind (overlap in a file): the most recent start wins, then the code.
    return max(enrollments, key=lambda e: (e.start_date, e.plan_code), default=None)


def alignment_on(
    *, enrollments: Iterable[EnrollmentFact], pairs: Iterable[PairFact], on: dt.date
) -> Alignment:
    active = [e for e in enrollments if e.covers(on)]
    medicare = _latest([e for e in active if e.plan_kind == PlanKind.MEDICARE_DSNP])
    medi_cal = _latest([e for e in active if e.plan_kind == PlanKind.MEDI_CAL])
    pair_list = list(pairs)

    if medicare is None and medi_cal is None:
        return Alignment(AlignmentStatus.NOT_ENROLLED, on, reason="No active enrollment on this date.")
    if medicare is None:
        assert medi_cal is not None
        return Alignment(
            AlignmentStatus.MEDI_CAL_ONLY,
            on,
            medi_cal_plan_code=medi_cal.plan_code,
            reason=f"Enrolled in Medi-Cal plan {medi_cal.plan_code} only.",
        )
    if medi_cal is None:
        return Alignment(
            AlignmentStatus.MEDICARE_ONLY,
            on,
            medicare_plan_code=medicare.plan_code,
            reason=f"Enrolled in Medicare plan {medicare.plan_code} only.",
        )

    def by_year(pair: PairFact) -> tuple[bool, int]:
        return (pair.plan_year == on.year, pair.plan_year)

    for pair in sorted(pair_list, key=by_year, reverse=True):
        if pair.medicare_plan_code == medicare.plan_code and pair.medi_cal_plan_code == medi_cal.plan_code:
            return Alignment(
                AlignmentStatus.EXCLUSIVELY_ALIGNED,
                on,
                pair_code=pair.code,
                medicare_plan_code=medicare.plan_code,
                medi_cal_plan_code=medi_cal.plan_code,
                reason=f"Both plans of aligned pair {pair.code}.",
            )
    partners = sorted({p.medi_cal_plan_code for p in pair_list if p.medicare_plan_code == medicare.plan_code})
    partner = partners[0] if partners else None
    if partner:
        reason = (
            f"Medicare plan {medicare.plan_code} is aligned with Medi-Cal plan {partner}, "
            f"but the member is in Medi-Cal plan {medi_cal.plan_code}."
        )
    else:
        reason = (
            f"Medicare plan {medicare.plan_code} and Medi-Cal plan {medi_cal.plan_code} "
            "are not an aligned pair."
        )
    return Alignment(
        AlignmentStatus.MISALIGNED,
        on,
        medicare_plan_code=medicare.plan_code,
        medi_cal_plan_code=medi_cal.plan_code,
        expected_partner_code=partner,
        reason=reason,
    )
