import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from apps.directory.models import SourceEntry, UnifiedEntry
from apps.ingest.models import ImportRun
from tests.fixtures.directory import DIRECTORY_DATA, MEDI_CAL_BUNDLE, MEDICARE_DIRECTORY, MEDICARE_NETWORK

pytestmark = pytest.mark.django_db


def test_import_and_rebuild_commands(pair, capsys):
    call_command("import_directory", str(MEDICARE_DIRECTORY), plan=pair.medicare_plan.code, network=MEDICARE_NETWORK,
                 as_of="2026-06-01", verbosity=0)  # fmt: skip
    call_command("import_directory", str(MEDI_CAL_BUNDLE), plan=pair.medi_cal_plan.code, as_of="2026-06-01",
                 rebuild_now=True, verbosity=0)  # fmt: skip
    out = capsys.readouterr().out
    assert "succeeded" in out
    assert f"rebuilt {pair.code}" in out
    assert UnifiedEntry.objects.filter(pair=pair).count() == 11
    call_command("rebuild_directory", pair=[pair.code])
    assert UnifiedEntry.objects.filter(pair=pair).count() == 11


def test_import_command_refuses_bad_input(pair, capsys):
    with pytest.raises(CommandError, match="nothing applied"):
        call_command("import_directory", str(DIRECTORY_DATA / "broken.ndjson"), plan=pair.medi_cal_plan.code,
                     verbosity=0)  # fmt: skip
    err = capsys.readouterr().err
    assert "broken.ndjson:line 5 PractitionerRole/OrphanRole [practitioner]" in err
    assert not SourceEntry.objects.exists()
    with pytest.raises(CommandError, match="unknown plan"):
        call_command("import_directory", str(MEDI_CAL_BUNDLE), plan="NOPE")
    with pytest.raises(CommandError, match="unknown pair"):
        call_command("rebuild_directory", pair=["nope"])


def test_api_import_runs_on_the_queue_and_reports_progress(
    client_for, admin_user, pair, django_capture_on_commit_callbacks
):
    client = client_for(admin_user)
    upload = SimpleUploadedFile(
        "medi_cal.json", MEDI_CAL_BUNDLE.read_bytes(), content_type="application/json"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/directory/imports", {"plan": pair.medi_cal_plan.code, "files": [upload]},
                               format="multipart")  # fmt: skip
    assert response.status_code == 202, response.json()
    run_id = response.json()["id"]
    detail = client.get(f"/api/v1/directory/imports/{run_id}").json()
    assert detail["status"] == "succeeded"
    assert detail["progress"] == {"resources_read": 17, "applied": 4}
    assert SourceEntry.objects.filter(plan=pair.medi_cal_plan).count() == 4
    # the rebuild ran after the import committed (eager Celery in tests)
    assert UnifiedEntry.objects.filter(pair=pair).count() == 4


@pytest.mark.parametrize(("user_fixture", "expected"), [(None, 401), ("rep_user", 403), ("member_user", 403)])
def test_api_import_is_admin_only(request, client_for, pair, user_fixture, expected):
    user = request.getfixturevalue(user_fixture) if user_fixture else None
    upload = SimpleUploadedFile("x.json", b"{}", content_type="application/json")
    response = client_for(user).post("/api/v1/directory/imports", {"plan": pair.medi_cal_plan.code, "files": [upload]},
                                     format="multipart")  # fmt: skip
    assert response.status_code == expected
    assert not ImportRun.objects.exists()


def test_admin_pages(admin_user, imported_pair):
    client = Client()
    client.force_login(admin_user)
    assert client.get(reverse("admin:directory_unifiedentry_changelist")).status_code == 200
    quality = client.get(reverse("admin:directory_quality"), {"pair": imported_pair.code})
    assert quality.status_code == 200
    assert b"accepting_new_patients" in quality.content
    assert client.get(reverse("admin:directory_sourceentry_changelist")).status_code == 200
    assert client.get(reverse("admin:directory_import")).status_code == 200


def test_admin_import_form_queues_a_run(admin_user, pair, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(admin_user)
    upload = SimpleUploadedFile(
        "medi_cal.json", MEDI_CAL_BUNDLE.read_bytes(), content_type="application/json"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:directory_import"),
                               {"plan": pair.medi_cal_plan.code, "directory_files": [upload]})  # fmt: skip
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == "succeeded"
    assert run.created_by == admin_user
