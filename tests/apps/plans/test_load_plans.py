from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from apps.plans.models import AlignedPlanPair, ParentOrganization, Plan
from apps.plans.services import plans_load_file

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[3] / "config" / "plans" / "demo.yaml"


def _write(tmp_path, data) -> Path:
    path = tmp_path / "plans.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _minimal():
    return {
        "parent_organizations": [{"code": "acme", "name": "Acme Health"}],
        "plans": [
            {
                "code": "H1234-001-000",
                "kind": "medicare_dsnp",
                "parent": "acme",
                "name": "Acme D-SNP",
                "contract_id": "H1234",
                "pbp_id": "001",
                "segment_id": "000",
                "rx_bin": "610011",
                "rx_pcn": "ACME",
                "rx_group": "G1",
                "formulary_id": "00026408",
                "phones": {"member_services": "1-800-555-0101", "tty": "711"},
            },
            {
                "code": "MC-ACME-LA",
                "kind": "medi_cal",
                "parent": "acme",
                "name": "Acme Medi-Cal",
                "dhcs_plan_code": "305",
                "phones": {"member_services": "1-800-555-0111"},
            },
        ],
        "aligned_pairs": [
            {
                "code": "acme-la-2026",
                "medicare": "H1234-001-000",
                "medi_cal": "MC-ACME-LA",
                "plan_year": 2026,
                "counties": ["06037"],
            },
        ],
    }


def test_load_plans_creates_everything_and_is_idempotent():
    first = plans_load_file(path=DEMO)
    snapshot = list(Plan.objects.order_by("code").values())
    second = plans_load_file(path=DEMO)
    assert (
        first.created
        == ParentOrganization.objects.count() + Plan.objects.count() + AlignedPlanPair.objects.count()
    )
    assert (second.created, second.updated) == (0, 0)
    assert list(Plan.objects.order_by("code").values()) == snapshot


def test_load_plans_updates_changed_entry_in_place(tmp_path):
    data = _minimal()
    plans_load_file(path=_write(tmp_path, data))
    plan_pk = Plan.objects.get(code="H1234-001-000").pk
    data["plans"][0]["phones"]["member_services"] = "1-800-555-9999"
    result = plans_load_file(path=_write(tmp_path, data))
    plan = Plan.objects.get(code="H1234-001-000")
    assert (result.created, result.updated) == (0, 1)
    assert plan.pk == plan_pk
    assert plan.phone_member_services == "1-800-555-9999"


def test_load_plans_keeps_leading_zeros_and_pair_links(tmp_path):
    plans_load_file(path=_write(tmp_path, _minimal()))
    pair = AlignedPlanPair.objects.select_related("medicare_plan", "medi_cal_plan").get(code="acme-la-2026")
    assert pair.medicare_plan.formulary_id == "00026408"
    assert pair.medicare_plan.pbp_id == "001"
    assert pair.medi_cal_plan.code == "MC-ACME-LA"
    assert pair.counties == ["06037"]
    assert pair.medicare_plan.display_key == "H1234-001"


@pytest.mark.parametrize(
    ("_case", "mutate", "message"),
    [
        (
            "unknown parent",
            lambda d: d["plans"][1].update(parent="nobody"),
            "plan MC-ACME-LA: unknown parent organization 'nobody'",
        ),
        (
            "pair of two parents",
            lambda d: (
                d["parent_organizations"].append({"code": "beta", "name": "Beta"}),
                d["plans"][1].update(parent="beta"),
            ),
            "pair acme-la-2026: plans of two parents (acme, beta)",
        ),
        (
            "two D-SNPs in a pair",
            lambda d: d["aligned_pairs"][0].update(medi_cal="H1234-001-000"),
            "pair acme-la-2026: medi_cal plan H1234-001-000 is not a Medi-Cal plan",
        ),
        (
            "invalid contract id",
            lambda d: d["plans"][0].update(contract_id="X12"),
            "plan H1234-001-000: Invalid Medicare contract: 'X12' must be H, R, S or E followed by 4 digits",
        ),
        (
            "bad county",
            lambda d: d["aligned_pairs"][0].update(counties=["6037"]),
            "county '6037' must be a California FIPS",
        ),
        ("missing plan year", lambda d: d["aligned_pairs"][0].pop("plan_year"), "plan_year must be a year"),
    ],
)
def test_load_plans_refuses_whole_file_naming_entry(tmp_path, _case, mutate, message):
    data = _minimal()
    data["plans"].append(
        {"code": "MC-OTHER", "kind": "medi_cal", "parent": "acme", "name": "Other", "dhcs_plan_code": "999"}
    )
    mutate(data)
    with pytest.raises(CommandError) as excinfo:
        call_command("load_plans", str(_write(tmp_path, data)))
    assert message in str(excinfo.value)
    # Nothing half-applied: not even the valid entries.
    assert Plan.objects.count() == 0
    assert ParentOrganization.objects.count() == 0


def test_load_plans_reports_yaml_syntax_position(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("plans:\n  - {code: [unclosed\n")
    with pytest.raises(CommandError, match="line"):
        call_command("load_plans", str(path))


def test_load_plans_command_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("load_plans", str(tmp_path / "nope.yaml"))
