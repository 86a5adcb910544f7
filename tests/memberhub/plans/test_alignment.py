import datetime as dt

import pytest

from memberhub.plans.alignment import AlignmentStatus, EnrollmentFact, PairFact, PlanKind, alignment_on

PAIRS = [
    PairFact("acme-2026", "H1234-001-000", "MC-ACME", 2026),
    PairFact("acme-2027", "H1234-001-000", "MC-ACME", 2027),
    PairFact("beta-2026", "H5678-001-000", "MC-BETA", 2026),
]
D = dt.date


JAN1 = D(2026, 1, 1)


def enr(code, kind, start=JAN1, end=None):
    return EnrollmentFact(code, kind, start, end)


@pytest.mark.parametrize(
    ("_case", "enrollments", "status", "pair"),
    [
        (
            "both plans of a pair",
            [enr("H1234-001-000", PlanKind.MEDICARE_DSNP), enr("MC-ACME", PlanKind.MEDI_CAL)],
            AlignmentStatus.EXCLUSIVELY_ALIGNED,
            "acme-2026",
        ),
        (
            "plans of two pairs",
            [enr("H1234-001-000", PlanKind.MEDICARE_DSNP), enr("MC-BETA", PlanKind.MEDI_CAL)],
            AlignmentStatus.MISALIGNED,
            None,
        ),
        (
            "medicare only",
            [enr("H1234-001-000", PlanKind.MEDICARE_DSNP)],
            AlignmentStatus.MEDICARE_ONLY,
            None,
        ),
        ("medi-cal only", [enr("MC-ACME", PlanKind.MEDI_CAL)], AlignmentStatus.MEDI_CAL_ONLY, None),
        ("nothing", [], AlignmentStatus.NOT_ENROLLED, None),
        (
            "ended yesterday",
            [
                enr("H1234-001-000", PlanKind.MEDICARE_DSNP, end=D(2026, 6, 14)),
                enr("MC-ACME", PlanKind.MEDI_CAL, end=D(2026, 6, 14)),
            ],
            AlignmentStatus.NOT_ENROLLED,
            None,
        ),
    ],
)
def test_alignment_statuses(_case, enrollments, status, pair):
    result = alignment_on(enrollments=enrollments, pairs=PAIRS, on=D(2026, 6, 15))
    assert result.status == status
    assert result.pair_code == pair
    assert result.plain_words


def test_alignment_prefers_the_pair_of_the_plan_year():
    enrollments = [enr("H1234-001-000", PlanKind.MEDICARE_DSNP), enr("MC-ACME", PlanKind.MEDI_CAL)]
    assert alignment_on(enrollments=enrollments, pairs=PAIRS, on=D(2027, 2, 1)).pair_code == "acme-2027"


def test_misaligned_reason_says_which_plans():
    enrollments = [enr("H1234-001-000", PlanKind.MEDICARE_DSNP), enr("MC-BETA", PlanKind.MEDI_CAL)]
    result = alignment_on(enrollments=enrollments, pairs=PAIRS, on=D(2026, 6, 15))
    assert result.expected_partner_code == "MC-ACME"
    assert result.reason == (
        "Medicare plan H1234-001-000 is aligned with Medi-Cal plan MC-ACME, but the member is in Medi-Cal plan MC-BETA."
    )


def test_misaligned_with_unpaired_dsnp():
    enrollments = [enr("H9999-001-000", PlanKind.MEDICARE_DSNP), enr("MC-BETA", PlanKind.MEDI_CAL)]
    result = alignment_on(enrollments=enrollments, pairs=PAIRS, on=D(2026, 6, 15))
    assert result.status == AlignmentStatus.MISALIGNED
    assert result.expected_partner_code is None
    assert "are not an aligned pair" in result.reason


def test_alignment_boundaries_are_inclusive():
    enrollments = [
        enr("H1234-001-000", PlanKind.MEDICARE_DSNP, start=D(2026, 3, 1), end=D(2026, 3, 31)),
        enr("MC-ACME", PlanKind.MEDI_CAL, start=D(2026, 3, 1), end=D(2026, 3, 31)),
    ]
    assert (
        alignment_on(enrollments=enrollments, pairs=PAIRS, on=D(2026, 2, 28)).status
        == AlignmentStatus.NOT_ENROLLED
    )
    assert (
        alignment_on(enrollments=enrollments, pairs=PAIRS, on=D(2026, 3, 1)).status
        == AlignmentStatus.EXCLUSIVELY_ALIGNED
    )
    assert (
        alignment_on(enrollments=enrollments, pairs=PAIRS, on=D(2026, 3, 31)).status
        == AlignmentStatus.EXCLUSIVELY_ALIGNED
    )
    assert (
        alignment_on(enrollments=enrollments, pairs=PAIRS, on=D(2026, 4, 1)).status
        == AlignmentStatus.NOT_ENROLLED
    )
