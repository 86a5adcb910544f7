import io

import pytest
from django.core import checks
from django.test import override_settings

from apps.appeals.demo import load_demo
from apps.appeals.models import Case
from apps.appeals.rules import check_rule_table
from apps.appeals.tasks import clock_refresh_task
from tests.factories.members import aligned_member

pytestmark = pytest.mark.django_db


def test_demo_creates_cases_in_various_states_once(pair, rep_user):
    for _ in range(8):
        aligned_member(pair)
    out = io.StringIO()
    load_demo(stdout=out)
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {"received", "in_review", "routed_out", "closed"} <= statuses
    assert Case.objects.filter(forwarded_to_ire_at__isnull=False).exists()
    assert Case.objects.filter(extension_days=14).exists()
    count = Case.objects.count()
    assert count == 8
    load_demo(stdout=out)
    assert Case.objects.count() == count
    assert "0 case(s) created" in out.getvalue()


def test_clock_refresh_task_runs_the_service(make_case):
    make_case()  # received March 2026: overdue by now
    result = clock_refresh_task.delay().get()
    assert result["overdue"] == 1
    assert Case.objects.get().clock_state == "overdue"


def test_beat_schedules_the_clock_refresh(settings):
    assert settings.CELERY_BEAT_SCHEDULE["appeals-clock-refresh"]["task"] == "appeals.clock_refresh"


def test_system_check_reports_a_broken_rule_table(tmp_path):
    broken = tmp_path / "rules.yaml"
    broken.write_text("schema: nope\n", encoding="utf-8")
    with override_settings(APPEALS_RULE_TABLE_PATH=str(broken)):
        errors = check_rule_table()
    assert [e.id for e in errors] == ["appeals.E001"]
    assert isinstance(errors[0], checks.Error)
    assert check_rule_table() == []
