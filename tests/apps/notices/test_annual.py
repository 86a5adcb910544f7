import datetime as dt
import io

import pytest
from django.core.management import call_command

from apps.notices.annual import NoNextYearPair, annual_notice_context
from apps.notices.models import Notice
from tests.factories.plans import AlignedPlanPairFactory

ISSUED = dt.date(2026, 9, 1)


@pytest.fixture
def next_year_pair(benefits_pair):
    return AlignedPlanPairFactory(
        parent=benefits_pair.parent,
        medicare_plan=benefits_pair.medicare_plan,
        medi_cal_plan=benefits_pair.medi_cal_plan,
        plan_year=2027,
        name=benefits_pair.name + " Plus",
    )


@pytest.mark.django_db
def test_anoc_context_draws_changes_from_both_years(member, benefits_pair, next_year_pair):
    context = annual_notice_context(member=member, plan_year=2027, on=ISSUED)
    assert context["plan_year"] == 2027
    first = context["changes"][0]
    assert first["topic"] == {"en": "Plan name", "es": "Nombre del plan"}
    assert first["next"]["en"] == next_year_pair.name
    benefit_changes = context["changes"][1:]
    assert benefit_changes, "the sample catalogs differ between 2026 and 2027"
    assert all(c["program"] in ("medicare", "medi_cal") for c in benefit_changes)
    assert all(c["current"]["es"] and c["next"]["es"] for c in benefit_changes)


@pytest.mark.django_db
def test_anoc_needs_next_year_pair(member, benefits_pair):
    with pytest.raises(NoNextYearPair):
        annual_notice_context(member=member, plan_year=2027, on=ISSUED)


@pytest.mark.django_db
def test_issue_annual_notices_command_is_idempotent(member, benefits_pair, next_year_pair, notice_vendor):
    out = io.StringIO()
    call_command("issue_annual_notices", "--plan-year", "2027", "--issued-on", "2026-09-01", stdout=out)
    call_command("issue_annual_notices", "--plan-year", "2027", "--issued-on", "2026-09-01", stdout=out)
    notice = Notice.objects.get(member=member, kind="annual_notice_of_changes")
    assert notice.due_on == dt.date(2026, 9, 30)
    assert notice.title.endswith("for 2027")
    table = next(b for b in notice.document.content["blocks"] if b["type"] == "changes")
    assert table["table"][0][1] == "Plan name"
    assert "issued: 1" in out.getvalue()
    assert "existing: 1" in out.getvalue()
