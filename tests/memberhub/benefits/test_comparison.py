import json

from memberhub.benefits.catalog import EntryKind
from memberhub.benefits.categories import ServiceCategory
from memberhub.benefits.comparison import ChangeKind, benefit_changes


def changes_between(before, after):
    return benefit_changes(before=before, after=after)


def test_same_catalogs_have_no_changes(dsnp_2026, medi_cal_2026):
    assert changes_between([dsnp_2026, medi_cal_2026], [dsnp_2026, medi_cal_2026]) == []


def test_year_over_year_changes_category_by_category(dsnp_2026, medi_cal_2026, dsnp_2027, medi_cal_2027):
    changes = changes_between([dsnp_2026, medi_cal_2026], [dsnp_2027, medi_cal_2027])
    found = {(c.category, c.kind, c.change) for c in changes}
    assert found == {
        (ServiceCategory.SPECIALIST, EntryKind.MEDICARE, ChangeKind.REFERRAL),
        (ServiceCategory.INPATIENT_HOSPITAL, EntryKind.MEDICARE, ChangeKind.COST_SHARING),
        (ServiceCategory.EMERGENCY_CARE, EntryKind.MEDICARE, ChangeKind.COST_SHARING),
        (ServiceCategory.DENTAL, EntryKind.SUPPLEMENTAL, ChangeKind.LIMITS),
        (ServiceCategory.TRANSPORTATION, EntryKind.SUPPLEMENTAL, ChangeKind.LIMITS),
        (ServiceCategory.TRANSPORTATION, EntryKind.MEDI_CAL, ChangeKind.CONTACT),
        (ServiceCategory.OVER_THE_COUNTER, EntryKind.SUPPLEMENTAL, ChangeKind.LIMITS),
        (ServiceCategory.IN_HOME_SUPPORTIVE_SERVICES, EntryKind.SUPPLEMENTAL, ChangeKind.ADDED),
    }
    categories = [c.category for c in changes]
    assert categories == sorted(categories, key=list(ServiceCategory).index)
    assert {(c.from_year, c.to_year) for c in changes} == {(2026, 2027)}


def test_change_sentences_in_both_languages(dsnp_2026, medi_cal_2026, dsnp_2027, medi_cal_2027):
    changes = {
        (c.category, c.change): c
        for c in changes_between([dsnp_2026, medi_cal_2026], [dsnp_2027, medi_cal_2027])
    }
    dental = changes[(ServiceCategory.DENTAL, ChangeKind.LIMITS)]
    assert dental.sentence_en == (
        "Dental care (extra benefit from your Medicare plan): the limit changes from $2,000 a year to $2,500 a year."
    )
    assert dental.sentence_es == (
        "Atención dental (beneficio adicional de su plan de Medicare): el límite cambia de $2,000 al año a $2,500 al año."
    )
    er = changes[(ServiceCategory.EMERGENCY_CARE, ChangeKind.COST_SHARING)]
    assert (er.before_en, er.after_en) == ("$110 per visit", "$115 per visit")
    added = changes[(ServiceCategory.IN_HOME_SUPPORTIVE_SERVICES, ChangeKind.ADDED)]
    assert added.sentence_en.endswith("now covered; the plan charges $0.")
    assert added.sentence_es.endswith("ahora está cubierto; el plan cobra $0.")
    assert added.plan_code == "H9001-001"


def test_removed_benefit_is_reported(dsnp_2026, medi_cal_2026, dsnp_2027, medi_cal_2027):
    changes = changes_between([dsnp_2027, medi_cal_2027], [dsnp_2026, medi_cal_2026])
    removed = [c for c in changes if c.change is ChangeKind.REMOVED]
    assert [(c.category, c.kind) for c in removed] == [
        (ServiceCategory.IN_HOME_SUPPORTIVE_SERVICES, EntryKind.SUPPLEMENTAL)
    ]
    assert removed[0].sentence_en.endswith("no longer covered.")


def test_as_dict_is_plain_json(dsnp_2026, medi_cal_2026, dsnp_2027, medi_cal_2027):
    changes = changes_between([dsnp_2026, medi_cal_2026], [dsnp_2027, medi_cal_2027])
    data = [c.as_dict() for c in changes]
    assert json.loads(json.dumps(data)) == data
    assert data[0]["category"] == "specialist"
    assert data[0]["category_label"] == {"en": "Specialist visits", "es": "Visitas al especialista"}
