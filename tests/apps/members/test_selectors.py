import datetime as dt

import pytest
from django.http import Http404

from apps.members.selectors import member_alignment, member_get_for_user, members_alignment
from memberhub.plans.alignment import AlignmentStatus
from tests.factories.members import EnrollmentFactory, MemberFactory, aligned_member
from tests.factories.plans import AlignedPlanPairFactory

pytestmark = pytest.mark.django_db


def test_member_alignment_exclusively_aligned(pair):
    member = aligned_member(pair)
    result = member_alignment(member=member, on=dt.date(2026, 3, 3))
    assert result.status == AlignmentStatus.EXCLUSIVELY_ALIGNED
    assert result.pair_code == pair.code


def test_member_alignment_misaligned_names_expected_partner(pair, other_pair):
    member = MemberFactory()
    EnrollmentFactory(member=member, plan=pair.medicare_plan)
    EnrollmentFactory(member=member, plan=other_pair.medi_cal_plan)
    result = member_alignment(member=member, on=dt.date(2026, 3, 3))
    assert result.status == AlignmentStatus.MISALIGNED
    assert result.expected_partner_code == pair.medi_cal_plan.code
    assert other_pair.medi_cal_plan.code in result.reason


def test_member_alignment_medicare_only_after_medi_cal_ends(pair):
    member = MemberFactory()
    EnrollmentFactory(member=member, plan=pair.medicare_plan)
    EnrollmentFactory(member=member, plan=pair.medi_cal_plan, end_date=dt.date(2026, 2, 28))
    assert (
        member_alignment(member=member, on=dt.date(2026, 2, 28)).status == AlignmentStatus.EXCLUSIVELY_ALIGNED
    )
    assert member_alignment(member=member, on=dt.date(2026, 3, 1)).status == AlignmentStatus.MEDICARE_ONLY


def test_member_alignment_medi_cal_only_and_not_enrolled(pair):
    member = MemberFactory()
    EnrollmentFactory(member=member, plan=pair.medi_cal_plan, start_date=dt.date(2026, 2, 1))
    assert member_alignment(member=member, on=dt.date(2026, 1, 31)).status == AlignmentStatus.NOT_ENROLLED
    assert member_alignment(member=member, on=dt.date(2026, 2, 1)).status == AlignmentStatus.MEDI_CAL_ONLY


def test_members_alignment_matches_single_member_rule(pair, other_pair):
    aligned = aligned_member(pair)
    lonely = MemberFactory()
    results = members_alignment(member_ids=[aligned.pk, lonely.pk], on=dt.date(2026, 5, 1))
    assert results[aligned.pk].status == AlignmentStatus.EXCLUSIVELY_ALIGNED
    assert results[lonely.pk].status == AlignmentStatus.NOT_ENROLLED


@pytest.mark.parametrize(
    ("_case", "who", "expected_visible"),
    [
        ("the member", "member_user", True),
        ("another member", "other_member_user", False),
        ("rep of the plan", "rep_user", True),
        ("rep of another plan", "other_rep_user", False),
        ("vendor", "vendor_user", False),
        ("admin", "admin_user", True),
    ],
)
def test_member_get_for_user_scopes_by_caller(request, member, _case, who, expected_visible):
    user = request.getfixturevalue(who)
    if expected_visible:
        assert member_get_for_user(user=user, member_pk=member.pk) == member
    else:
        with pytest.raises(Http404):
            member_get_for_user(user=user, member_pk=member.pk)


def test_pair_factory_builds_same_parent_pair():
    pair = AlignedPlanPairFactory()
    assert pair.medicare_plan.parent_id == pair.medi_cal_plan.parent_id == pair.parent_id
