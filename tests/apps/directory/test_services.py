import shutil

import pytest

from apps.directory.models import PlanDirectory, SourceEntry, SourceResource, UnifiedEntry, UnifiedSpecialty
from apps.directory.services import directory_import, directory_rebuild_pair
from apps.directory.tasks import rebuild_directory_task
from apps.ingest.models import ImportRun
from tests.fixtures.directory import (
    AS_OF,
    DIRECTORY_DATA,
    MEDI_CAL_BUNDLE,
    MEDI_CAL_NDJSON,
    MEDICARE_DIRECTORY,
    MEDICARE_NETWORK,
)

pytestmark = pytest.mark.django_db


def unified_rows(pair):
    return list(UnifiedEntry.objects.filter(pair=pair).order_by("id").values())


def test_import_stores_what_the_plan_said_with_provenance(pair):
    run = directory_import(
        plan=pair.medicare_plan, paths=[str(MEDICARE_DIRECTORY)], network_id=MEDICARE_NETWORK, as_of=AS_OF
    )
    assert run.status == "succeeded"
    assert run.counts["resources_read"] == 49
    assert run.counts["applied"] == 10
    assert run.counts["invalid_npis"] == 4
    assert run.progress_done == 49
    assert run.errors == []
    assert {w["code"] for w in run.warnings} >= {"directory.invalid_npi"}
    hans = SourceEntry.objects.get(plan=pair.medicare_plan, address_key="123 MAIN ST|ANYTOWN|CT|00014",
                                   provider_type="practitioner")  # fmt: skip
    assert hans.import_run_id == run.pk
    assert hans.npi == "9941339100"
    assert hans.npi_valid is False
    assert "PractitionerRole/HansSoloRole1" in hans.data["resource_refs"]
    assert hans.last_updated is not None
    directory = PlanDirectory.objects.get(plan=pair.medicare_plan)
    assert directory.import_run_id == run.pk
    assert directory.entry_count == 10
    assert SourceResource.objects.filter(plan=pair.medicare_plan, resource_type="Organization").count() == 11


def test_reimporting_the_same_content_is_a_no_op(pair):
    first = directory_import(plan=pair.medi_cal_plan, paths=[str(MEDI_CAL_BUNDLE)], as_of=AS_OF)
    ids = list(SourceEntry.objects.filter(plan=pair.medi_cal_plan).values_list("id", flat=True))
    # the same directory as NDJSON is the same content
    second = directory_import(plan=pair.medi_cal_plan, paths=[str(MEDI_CAL_NDJSON)], as_of=AS_OF)
    assert second.status == "duplicate"
    assert second.counts["duplicate_of"] == str(first.pk)
    assert list(SourceEntry.objects.filter(plan=pair.medi_cal_plan).values_list("id", flat=True)) == ids


def test_newer_directory_replaces_the_plans_rows(pair, tmp_path):
    directory_import(plan=pair.medi_cal_plan, paths=[str(MEDI_CAL_BUNDLE)], as_of=AS_OF)
    assert SourceEntry.objects.filter(plan=pair.medi_cal_plan).count() == 4
    # a newer directory where the Los Angeles doctor left the network
    import json

    bundle = json.loads(MEDI_CAL_BUNDLE.read_text())
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["id"] != "MariaGarciaRole1"]
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(bundle))
    run = directory_import(plan=pair.medi_cal_plan, paths=[str(newer)], as_of=AS_OF)
    assert run.status == "succeeded"
    assert SourceEntry.objects.filter(plan=pair.medi_cal_plan).count() == 3
    assert not SourceEntry.objects.filter(plan=pair.medi_cal_plan, npi="1234567893").exists()
    assert set(SourceEntry.objects.filter(plan=pair.medi_cal_plan).values_list("import_run", flat=True)) == {
        run.pk
    }


def test_run_with_errors_applies_nothing_and_names_where(pair):
    directory_import(plan=pair.medi_cal_plan, paths=[str(MEDI_CAL_BUNDLE)], as_of=AS_OF)
    before = list(SourceEntry.objects.filter(plan=pair.medi_cal_plan).values_list("id", "data"))
    run = directory_import(
        plan=pair.medi_cal_plan, paths=[str(DIRECTORY_DATA / "broken.ndjson")], as_of=AS_OF
    )
    assert run.status == "failed"
    assert {(e["line"], e["segment"], e["field"]) for e in run.errors} >= {
        ("line 5", "PractitionerRole/OrphanRole", "practitioner"),
        ("line 6", "Location/L2", "position"),
    }
    assert all(e["file"].endswith("broken.ndjson") for e in run.errors)
    assert list(SourceEntry.objects.filter(plan=pair.medi_cal_plan).values_list("id", "data")) == before


def test_skip_invalid_applies_the_valid_resources_and_lists_the_rejected(pair):
    run = directory_import(
        plan=pair.medi_cal_plan, paths=[str(DIRECTORY_DATA / "broken.ndjson")], skip_invalid=True, as_of=AS_OF
    )
    assert run.status == "succeeded_with_errors"
    assert run.counts["rejected_resources"] == ["Location/L2", "PractitionerRole/OrphanRole"]
    names = sorted(SourceEntry.objects.filter(plan=pair.medi_cal_plan).values_list("name", "npi_valid"))
    assert names == [("Gina Good", True), ("Tim Typo", False)]


def test_unreadable_file_fails_cleanly(pair, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    run = directory_import(plan=pair.medi_cal_plan, paths=[str(bad)])
    assert run.status == "failed"
    assert run.errors[0]["code"] == "directory.unreadable"
    assert "not JSON" in run.errors[0]["message"]
    assert not SourceEntry.objects.exists()


def test_csv_import(pair):
    run = directory_import(plan=pair.medi_cal_plan, paths=[str(DIRECTORY_DATA / "directory.csv")])
    assert run.status == "succeeded"
    assert SourceEntry.objects.filter(plan=pair.medi_cal_plan).count() == 2


def test_rebuild_merges_both_plans(imported_pair):
    entries = {
        (e.provider_type, e.identity, e.address_key): e
        for e in UnifiedEntry.objects.filter(pair=imported_pair)
    }
    assert len(entries) == 11
    hans = entries[("practitioner", "9941339100", "123 MAIN ST|ANYTOWN|CT|00014")]
    assert hans.network == "both"
    assert hans.needs_review is True
    assert [c["field"] for c in hans.conflicts] == ["accepting_new_patients", "languages", "phone"]
    assert (hans.medicare_accepting, hans.medi_cal_accepting, hans.accepting_new_patients) == (
        "existptonly",
        "newpt",
        False,
    )
    assert [s["side"] for s in hans.sources] == ["medicare", "medi_cal"]
    assert hans.search_name == "hans solo"
    maria = entries[("practitioner", "1234567893", "1200 N ALVARADO ST STE 200|LOS ANGELES|CA|90026")]
    assert (maria.network, maria.geo_source, maria.postal_code) == ("medi_cal", "zip_centroid", "90026")
    assert UnifiedSpecialty.objects.filter(entry=maria).get().taxonomy_code == "207Q00000X"


def test_rebuilding_twice_gives_identical_results(imported_pair):
    first = unified_rows(imported_pair)
    spec_first = sorted(
        UnifiedSpecialty.objects.filter(pair=imported_pair).values_list("entry_id", "taxonomy_code")
    )
    directory_rebuild_pair(pair=imported_pair)
    assert unified_rows(imported_pair) == first
    assert (
        sorted(UnifiedSpecialty.objects.filter(pair=imported_pair).values_list("entry_id", "taxonomy_code"))
        == spec_first
    )


def test_import_schedules_the_rebuild_on_commit(pair, django_capture_on_commit_callbacks):
    directory_import(plan=pair.medicare_plan, paths=[str(MEDICARE_DIRECTORY)], network_id=MEDICARE_NETWORK,
                     as_of=AS_OF)  # fmt: skip
    assert not UnifiedEntry.objects.exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        directory_import(plan=pair.medi_cal_plan, paths=[str(MEDI_CAL_BUNDLE)], as_of=AS_OF)
    assert len(callbacks) == 1
    # the task ran (eager in tests) and built the unified directory of the pair
    assert UnifiedEntry.objects.filter(pair=pair).count() == 11


def test_failed_import_schedules_nothing(pair, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        directory_import(plan=pair.medi_cal_plan, paths=[str(DIRECTORY_DATA / "broken.ndjson")], as_of=AS_OF)
    assert callbacks == []


def test_rebuild_task_ignores_unknown_pair():
    rebuild_directory_task("00000000-0000-0000-0000-000000000000")
    assert not UnifiedEntry.objects.exists()


def test_folder_import_reads_recursively(pair, tmp_path):
    nested = tmp_path / "a" / "b"
    shutil.copytree(MEDICARE_DIRECTORY, nested)
    run = directory_import(
        plan=pair.medicare_plan, paths=[str(tmp_path)], network_id=MEDICARE_NETWORK, as_of=AS_OF
    )
    assert run.status == "succeeded"
    assert ImportRun.objects.filter(plan=pair.medicare_plan).count() == 1


def test_unified_ids_are_derived_from_the_key(imported_pair):
    from apps.directory.models import unified_entry_id, unified_location_id, unified_provider_id

    for entry in UnifiedEntry.objects.filter(pair=imported_pair):
        key = {
            "pair_code": imported_pair.code,
            "provider_type": entry.provider_type,
            "identity": entry.identity,
        }
        assert entry.id == unified_entry_id(**key, address_key=entry.address_key)
        assert entry.provider_id == unified_provider_id(**key)
        if entry.address_key:
            assert entry.location_id == unified_location_id(
                pair_code=imported_pair.code, address_key=entry.address_key
            )
        else:
            assert entry.location_id is None


def test_copy_handles_special_characters(pair, tmp_path):
    import json

    resources = [
        {"resourceType": "Organization", "id": "n", "type": [{"coding": [{"code": "ntwk"}]}], "name": "N",
         "partOf": {"reference": "Organization/n"}},
        {"resourceType": "Practitioner", "id": "p", "name": [{"family": 'O\\Brien "Tab"\there', "given": ["Zoë"]}],
         "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1558598797"}]},
        {"resourceType": "Location", "id": "l", "address": {"line": ['1 "Quoted", St\\e', "Ste {1}"],
                                                            "city": "NULL", "postalCode": "94105"}},
        {"resourceType": "PractitionerRole", "id": "r", "practitioner": {"reference": "Practitioner/p"},
         "location": [{"reference": "Location/l"}], "extension": [
             {"url": "http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/network-reference",
              "valueReference": {"reference": "Organization/n"}}]},
    ]  # fmt: skip
    path = tmp_path / "odd.ndjson"
    path.write_text("\n".join(json.dumps(r) for r in resources))
    run = directory_import(plan=pair.medi_cal_plan, paths=[str(path)], as_of=AS_OF)
    assert run.status == "succeeded", run.errors
    directory_rebuild_pair(pair=pair)
    entry = UnifiedEntry.objects.get(pair=pair)
    assert entry.family_name == 'O\\Brien "Tab"\there'
    assert entry.given_names == ["Zoë"]
    assert entry.address_lines == ['1 "Quoted", St\\e', "Ste {1}"]
    assert entry.city == "NULL"
    assert entry.search_name == "zoe o brien tab here"
