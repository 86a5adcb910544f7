import io
import json

import pytest
from django.core.management import call_command

from apps.accounts.models import User
from apps.members.models import Enrollment, Member
from apps.members.selectors import members_alignment
from memberhub.identifiers import is_valid_cin, is_valid_mbi, is_valid_npi

pytestmark = pytest.mark.django_db


def _snapshot():
    members = list(
        Member.objects.order_by("member_id").values_list(
            "member_id",
            "first_name",
            "last_name",
            "date_of_birth",
            "mbi",
            "medi_cal_cin",
            "zip_code",
            "written_language",
        )
    )
    enrollments = list(
        Enrollment.objects.order_by("member__member_id", "plan__code").values_list(
            "member__member_id", "plan__code", "start_date", "end_date"
        )
    )
    return members, enrollments


def test_seed_demo_is_deterministic_and_idempotent(settings, tmp_path):
    settings.BASE_DIR = tmp_path  # demo-logins.json goes to a temp folder
    (tmp_path / "config").mkdir()
    from pathlib import Path

    plans = Path(__file__).resolve().parents[3] / "config" / "plans" / "demo.yaml"
    call_command("seed_demo", members=150, seed=7, plans=plans, plan_year=2026, stdout=io.StringIO())
    first = _snapshot()
    call_command("seed_demo", members=150, seed=7, plans=plans, plan_year=2026, stdout=io.StringIO())
    assert _snapshot() == first
    assert Member.objects.count() == 150
    logins = json.loads((tmp_path / "var" / "demo-logins.json").read_text())
    assert set(logins) == {"admin", "rep", "rep2", "vendor", "member"}
    assert User.objects.get(username="member").member is not None


def test_seed_demo_data_is_realistic(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    from pathlib import Path

    plans = Path(__file__).resolve().parents[3] / "config" / "plans" / "demo.yaml"
    call_command("seed_demo", members=400, seed=11, plans=plans, plan_year=2026, stdout=io.StringIO())
    members = list(Member.objects.all())
    assert all(is_valid_mbi(m.mbi) and is_valid_cin(m.medi_cal_cin, strict=True) for m in members)
    assert all(is_valid_npi(npi) for npi in Member.objects.values_list("pcp_assignments__npi", flat=True))
    languages = {m.written_language for m in members}
    assert {"en", "es"} <= languages
    assert len(languages) >= 5
    assert all(m.county_fips in {"06037", "06059", "06073", "06065"} for m in members)
    import datetime as dt

    statuses = [
        a.status
        for a in members_alignment(member_ids=[m.pk for m in members], on=dt.date(2026, 12, 15)).values()
    ]
    aligned = statuses.count("exclusively_aligned")
    assert aligned / len(statuses) > 0.85
    assert statuses.count("misaligned") > 0
    assert statuses.count("medicare_only") > 0


def test_seed_demo_other_seed_gives_other_members(settings, tmp_path):
    settings.BASE_DIR = tmp_path
    from pathlib import Path

    plans = Path(__file__).resolve().parents[3] / "config" / "plans" / "demo.yaml"
    call_command("seed_demo", members=20, seed=1, plans=plans, plan_year=2026, stdout=io.StringIO())
    first = _snapshot()
    call_command("seed_demo", members=20, seed=2, plans=plans, plan_year=2026, stdout=io.StringIO())
    assert _snapshot()[0] != first[0]
