import io

import pytest
from django.core.management import CommandError, call_command

from apps.benefits.demo import demo_catalog_files, load_demo
from apps.benefits.models import BenefitCatalog
from apps.benefits.selectors import benefit_changes_between_years, pair_benefits_get
from apps.plans.models import AlignedPlanPair
from apps.plans.services import plans_load_file
from tests.fixtures.benefits import catalog_bytes

pytestmark = pytest.mark.django_db


def test_load_benefits_command_is_idempotent(pair, tmp_path):
    path = tmp_path / "dsnp.yaml"
    path.write_bytes(catalog_bytes("dsnp_2026", pair.medicare_plan.code))
    out = io.StringIO()
    call_command("load_benefits", "--plan", pair.medicare_plan.code, str(path), stdout=out)
    assert "2026: created, 26 entries" in out.getvalue()
    call_command("load_benefits", "--plan", pair.medicare_plan.code, str(path), stdout=out)
    assert "2026: unchanged, 26 entries" in out.getvalue()
    assert BenefitCatalog.objects.count() == 1


def test_load_benefits_command_names_every_problem(pair, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_bytes(
        catalog_bytes(
            "dsnp_2026",
            pair.medicare_plan.code,
            **{"category: dialysis": "category: dialisis", "copay: 110": "copay: -1"},
        )
    )
    with pytest.raises(CommandError) as info:
        call_command("load_benefits", "--plan", pair.medicare_plan.code, str(path))
    message = str(info.value)
    assert "catalog refused, nothing changed (2 problems" in message
    assert (
        "line 74, benefits[9] (emergency_care), field 'cost_sharing.copay': must not be negative" in message
    )
    assert (
        "line 93, benefits[14] (dialisis), field 'category': unknown service category 'dialisis'" in message
    )
    assert not BenefitCatalog.objects.exists()


def test_load_benefits_command_unknown_plan_and_missing_file(db, tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("plan: X")
    with pytest.raises(CommandError, match="No plan with code"):
        call_command("load_benefits", "--plan", "NOPE", str(path))
    with pytest.raises(CommandError, match="no such file"):
        call_command("load_benefits", "--plan", "NOPE", str(tmp_path / "missing.yaml"))


@pytest.mark.slow
def test_demo_loads_both_plans_and_years_of_every_demo_pair(settings):
    # given the demo plans and pairs
    plans_load_file(path=settings.BASE_DIR / "config" / "plans" / "demo.yaml")
    # when the demo loader runs twice
    out = io.StringIO()
    load_demo(stdout=out)
    load_demo(stdout=out)
    assert "12 catalogs loaded" in out.getvalue()
    assert "0 catalogs loaded, 12 unchanged" in out.getvalue()
    assert len(demo_catalog_files()) == 12
    # then every demo pair has both catalogs, and every 2026 pair has changes for 2027
    for pair in AlignedPlanPair.objects.all():
        view = pair_benefits_get(pair_code=pair.code)
        assert view.missing_catalogs == [], pair.code
        assert len(view.answers) >= 25
        if pair.plan_year == 2026:
            assert benefit_changes_between_years(pair_code=pair.code, from_year=2026, to_year=2027)
