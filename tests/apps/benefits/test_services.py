from decimal import Decimal

import pytest

from apps.benefits.models import BenefitCatalog, BenefitEntry
from apps.benefits.services import UnknownPlan, benefit_catalog_load
from apps.ingest.models import ImportKind, ImportRun, ImportStatus
from tests.fixtures.benefits import catalog_bytes

pytestmark = pytest.mark.django_db


def load(plan, content, name="catalog.yaml"):
    return benefit_catalog_load(plan_code=plan.code, content=content, source_name=name)


def test_load_creates_catalog_and_entries_with_an_import_run(pair):
    # when the sample D-SNP catalog is loaded for the pair's D-SNP
    result = load(pair.medicare_plan, catalog_bytes("dsnp_2026", pair.medicare_plan.code))
    # then one catalog for (plan, 2026) with every entry, and a succeeded run that says so
    catalog = BenefitCatalog.objects.get(plan=pair.medicare_plan, plan_year=2026)
    assert result.catalog == catalog
    assert catalog.program == "medicare"
    assert catalog.entries.count() == 26
    snf = BenefitEntry.objects.get(catalog=catalog, category="skilled_nursing", kind="medicare")
    assert (snf.copay, snf.cost_per, snf.prior_authorization) == (Decimal("209.50"), "day", True)
    assert snf.limits == [{"kind": "days", "amount": "100", "per": "benefit_period", "note": None}]
    run = ImportRun.objects.get(pk=result.run.pk)
    assert (run.kind, run.status, run.plan_id) == (
        ImportKind.BENEFITS,
        ImportStatus.SUCCEEDED,
        pair.medicare_plan.pk,
    )
    assert run.counts == {"entries": 26}
    assert run.result["action"] == "created"


def test_same_file_again_is_a_no_op(pair):
    content = catalog_bytes("dsnp_2026", pair.medicare_plan.code)
    first = load(pair.medicare_plan, content)
    entry_ids = set(BenefitEntry.objects.values_list("id", flat=True))
    second = load(pair.medicare_plan, content)
    assert second.run.status == ImportStatus.DUPLICATE
    assert second.catalog == first.catalog
    assert set(BenefitEntry.objects.values_list("id", flat=True)) == entry_ids


def test_changed_file_replaces_only_that_plan_year(pair):
    load(pair.medicare_plan, catalog_bytes("dsnp_2026", pair.medicare_plan.code))
    load(pair.medicare_plan, catalog_bytes("dsnp_2027", pair.medicare_plan.code))
    # when a corrected 2026 file is loaded
    corrected = catalog_bytes("dsnp_2026", pair.medicare_plan.code, **{"copay: 110": "copay: 100"})
    result = load(pair.medicare_plan, corrected)
    # then 2026 is replaced and 2027 is untouched
    assert result.run.result["action"] == "replaced"
    assert BenefitCatalog.objects.filter(plan=pair.medicare_plan).count() == 2
    er = {
        c.plan_year: c.entries.get(category="emergency_care").copay
        for c in BenefitCatalog.objects.filter(plan=pair.medicare_plan)
    }
    assert er == {2026: Decimal(100), 2027: Decimal(115)}


@pytest.mark.parametrize(
    ("_case", "replacements", "field", "line"),
    [
        ("unknown category", {"category: dialysis": "category: dialisis"}, "category", 93),
        ("negative cost", {"copay: 110": "copay: -110"}, "cost_sharing.copay", 74),
        ("missing plan year", {"plan_year: 2026\n": ""}, "plan_year", None),
    ],
)
def test_bad_file_is_refused_whole_and_changes_nothing(pair, _case, replacements, field, line):
    # given a loaded catalog
    good = load(pair.medicare_plan, catalog_bytes("dsnp_2026", pair.medicare_plan.code))
    before = list(BenefitEntry.objects.order_by("id").values_list("id", "copay", "category"))
    # when a bad file is loaded
    result = load(
        pair.medicare_plan, catalog_bytes("dsnp_2026", pair.medicare_plan.code, **replacements), "bad.yaml"
    )
    # then the run failed naming file, line, entry and field, and the catalog is unchanged
    assert result.run.status == ImportStatus.FAILED
    assert result.catalog is None
    error = next(e for e in result.run.errors if e["field"] == field)
    assert error["file"] == "bad.yaml"
    if line is not None:
        assert error["line"] == line
        assert error["segment"].startswith("benefits[")
    assert list(BenefitEntry.objects.order_by("id").values_list("id", "copay", "category")) == before
    assert BenefitCatalog.objects.get().source_sha256 == good.catalog.source_sha256


def test_file_for_another_plan_or_program_is_refused(pair):
    result = load(pair.medi_cal_plan, catalog_bytes("dsnp_2026", pair.medicare_plan.code))
    assert result.run.status == ImportStatus.FAILED
    assert {e["field"] for e in result.run.errors} == {"plan", "program"}
    assert not BenefitCatalog.objects.exists()


def test_unknown_plan_is_an_error(db):
    with pytest.raises(UnknownPlan):
        benefit_catalog_load(plan_code="H0000-000-000", content=b"", source_name="x.yaml")
    assert not ImportRun.objects.exists()
