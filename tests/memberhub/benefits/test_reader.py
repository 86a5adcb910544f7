from decimal import Decimal

import pytest

from memberhub.benefits.catalog import (
    ArrangedBy,
    CarveOutProgram,
    EntryKind,
    LimitKind,
    Period,
    Program,
    Unit,
)
from memberhub.benefits.categories import ServiceCategory
from memberhub.benefits.reader import BenefitCatalogInvalid, catalog_parse
from memberhub.errors import ValidationFailed

MINIMAL = """\
plan: H9001-001
program: medicare
plan_year: 2026
contacts:
  member_services: {phone: 1-800-555-0101, tty: "711"}
benefits:
  - category: primary_care
    covered: true
    cost_sharing: {copay: 0, per: visit}
"""


def test_reads_sample_dsnp_catalog_with_every_field(dsnp_2026):
    # given the sample D-SNP catalog, then its header and entries are typed values
    assert dsnp_2026.plan_code == "H9001-001"
    assert dsnp_2026.program is Program.MEDICARE
    assert dsnp_2026.plan_year == 2026
    assert dsnp_2026.member_services.phone == "1-800-555-0101"
    snf = dsnp_2026.entry(ServiceCategory.SKILLED_NURSING, EntryKind.MEDICARE)
    assert snf is not None
    assert snf.cost_sharing is not None
    assert snf.cost_sharing.copay == Decimal("209.50")
    assert snf.cost_sharing.per is Unit.DAY
    assert snf.prior_authorization is True
    assert snf.limits[0].kind is LimitKind.DAYS
    assert snf.limits[0].per is Period.BENEFIT_PERIOD
    assert snf.notes is not None
    assert snf.notes.get("es").startswith("$0 por los días")
    rides = dsnp_2026.entry(ServiceCategory.TRANSPORTATION, EntryKind.SUPPLEMENTAL)
    assert rides is not None
    assert rides.access is not None
    assert rides.access.arranged_by is ArrangedBy.VENDOR
    assert rides.access.contact is not None
    assert rides.access.contact.phone == "1-800-555-0144"  # "(800) 555-0144" normalised
    assert dsnp_2026.entry("prescription_drugs", EntryKind.PART_D) is not None
    hospice = dsnp_2026.entry("hospice", EntryKind.MEDICARE)
    assert hospice is not None
    assert hospice.carve_out is not None
    assert hospice.carve_out.program is CarveOutProgram.ORIGINAL_MEDICARE


def test_reads_sample_medi_cal_catalog_carve_outs(medi_cal_2026):
    assert medi_cal_2026.program is Program.MEDI_CAL
    programs = {e.carve_out.program for e in medi_cal_2026.entries if e.carve_out is not None}
    assert programs == {
        CarveOutProgram.MEDI_CAL_DENTAL,
        CarveOutProgram.COUNTY_MENTAL_HEALTH,
        CarveOutProgram.COUNTY_SUBSTANCE_USE,
        CarveOutProgram.IHSS,
        CarveOutProgram.MEDI_CAL_RX,
    }
    dental = medi_cal_2026.entry("dental", EntryKind.MEDI_CAL)
    assert dental is not None
    assert dental.carve_out is not None
    assert dental.carve_out.contact.phone == "1-800-322-6384"


def test_minimal_catalog_defaults_kind_and_flags():
    catalog = catalog_parse(MINIMAL, source="min.yaml")
    entry = catalog.entries[0]
    assert entry.kind is EntryKind.MEDICARE
    assert entry.prior_authorization is False
    assert entry.referral_required is False
    assert entry.line == 7


def _refusal(text: str) -> BenefitCatalogInvalid:
    with pytest.raises(BenefitCatalogInvalid) as info:
        catalog_parse(text, source="bad.yaml")
    return info.value


def test_unknown_category_is_refused_naming_entry_line_and_field():
    error = _refusal(MINIMAL.replace("category: primary_care", "category: dentl"))
    assert len(error.catalog_problems) == 1
    problem = error.catalog_problems[0]
    assert (problem.line, problem.entry, problem.field) == (7, "benefits[0] (dentl)", "category")
    assert "unknown service category 'dentl'" in problem.message
    assert str(problem).startswith("bad.yaml, line 7, benefits[0] (dentl), field 'category'")
    assert isinstance(error, ValidationFailed)
    assert error.code == "benefits.catalog_invalid"


def test_negative_cost_is_refused():
    error = _refusal(MINIMAL.replace("copay: 0", "copay: -5"))
    problem = error.catalog_problems[0]
    assert (problem.line, problem.entry, problem.field) == (
        9,
        "benefits[0] (primary_care)",
        "cost_sharing.copay",
    )
    assert "must not be negative" in problem.message


def test_missing_plan_year_is_refused():
    error = _refusal(MINIMAL.replace("plan_year: 2026\n", ""))
    assert [p.field for p in error.catalog_problems] == ["plan_year"]
    assert "is required" in error.catalog_problems[0].message


@pytest.mark.parametrize(
    ("_case", "old", "new", "field", "message"),
    [
        (
            "coinsurance over 100",
            "copay: 0",
            "coinsurance_percent: 120",
            "cost_sharing.coinsurance_percent",
            "at most 100",
        ),
        (
            "no cost for covered",
            "    cost_sharing: {copay: 0, per: visit}\n",
            "",
            "cost_sharing",
            "is required for a covered",
        ),
        ("unknown unit", "per: visit", "per: fortnight", "cost_sharing.per", "unknown value 'fortnight'"),
        ("covered not boolean", "covered: true", "covered: maybe", "covered", "true or false"),
        (
            "typo in field",
            "covered: true",
            "covered: true\n    prior_auth: true",
            "prior_auth",
            "unknown field",
        ),
        ("bad phone", "1-800-555-0101", "555-01", "contacts.member_services.phone", "not a US phone number"),
        ("supplemental in medi-cal", "program: medicare", "program: medi_cal\n", "kind", None),
        ("year out of range", "plan_year: 2026", "plan_year: 1999", "plan_year", "out of range"),
        ("year not a number", "plan_year: 2026", "plan_year: next", "plan_year", "must be a year"),
    ],
)
def test_bad_values_are_refused(_case, old, new, field, message):
    text = MINIMAL.replace(old, new)
    if _case == "supplemental in medi-cal":
        text = text.replace("    covered: true", "    kind: supplemental\n    covered: true")
    error = _refusal(text)
    fields = [p.field for p in error.catalog_problems]
    assert field in fields
    if message:
        assert any(message in p.message for p in error.catalog_problems if p.field == field)


def test_duplicate_entry_is_refused():
    text = MINIMAL + "  - category: primary_care\n    covered: false\n"
    error = _refusal(text)
    assert error.catalog_problems[0].entry == "benefits[1] (primary_care)"
    assert "duplicate entry" in error.catalog_problems[0].message


def test_unknown_contact_reference_is_refused():
    text = MINIMAL + "    access: {arranged_by: vendor, contact: rides}\n"
    error = _refusal(text)
    assert error.catalog_problems[0].field == "access.contact"
    assert "unknown contact 'rides'" in error.catalog_problems[0].message


def test_every_problem_is_reported_not_just_the_first():
    text = MINIMAL.replace("category: primary_care", "category: dentl").replace("plan_year: 2026\n", "")
    error = _refusal(text)
    assert {p.field for p in error.catalog_problems} == {"plan_year", "category"}
    assert "and 1 more problems" in error.message


@pytest.mark.parametrize(
    ("_case", "text", "message"),
    [
        ("not yaml", "plan: [unclosed", "not valid YAML"),
        ("not a mapping", "- a\n- b\n", "must be a YAML mapping"),
        (
            "duplicate key",
            MINIMAL.replace("plan_year: 2026", "plan_year: 2026\nplan_year: 2027"),
            "duplicate key",
        ),
        ("empty benefits", MINIMAL.split("benefits:")[0] + "benefits: []\n", "non-empty list"),
    ],
)
def test_structural_problems_are_refused(_case, text, message):
    error = _refusal(text)
    assert message in error.catalog_problems[0].message


def test_non_utf8_bytes_are_refused():
    error = _refusal(MINIMAL.encode("utf-8") + b"\xff\xfe")  # type: ignore[arg-type]
    assert "not UTF-8" in error.catalog_problems[0].message


def test_part_d_kind_only_for_prescription_drugs():
    text = MINIMAL.replace("    covered: true", "    kind: part_d\n    covered: true")
    error = _refusal(text)
    assert any("only for category prescription_drugs" in p.message for p in error.catalog_problems)


def test_byte_order_mark_and_crlf_are_accepted():
    data = b"\xef\xbb\xbf" + MINIMAL.replace("\n", "\r\n").encode()
    assert catalog_parse(data, source="bom.yaml").plan_year == 2026
