from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.formulary.models import FormularySnapshot, UnifiedCoverage
from apps.formulary.services import formulary_import_run, formulary_import_start
from apps.formulary.tasks import import_formulary_task, rebuild_pair_coverage_task
from apps.ingest.models import ImportRun
from tests.fixtures.formulary import CDL_CSV, SEED_NDJSON, SPUF_DIR, build_release_zip

pytestmark = pytest.mark.django_db


def test_import_start_enqueues_only_after_commit(formulary_pair, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = formulary_import_start(source="medi_cal_rx", path=str(CDL_CSV))
    assert run.status == "pending"
    assert len(callbacks) == 1
    assert FormularySnapshot.objects.count() == 0


def test_task_runs_the_import_once(formulary_pair, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = formulary_import_start(source="medi_cal_rx", path=str(CDL_CSV))
    run.refresh_from_db()
    assert run.status == "succeeded"
    assert run.options["path"] == str(CDL_CSV)
    assert FormularySnapshot.objects.filter(source="medi_cal_rx").count() == 1
    # a redelivered message finds the run already claimed: nothing happens
    import_formulary_task(str(run.pk))
    assert formulary_import_run(run_id=run.pk) is None
    assert FormularySnapshot.objects.count() == 1


def test_rebuild_task_is_idempotent(formulary_loaded) -> None:
    before = UnifiedCoverage.objects.count()
    rebuild_pair_coverage_task(str(formulary_loaded.pk))
    rebuild_pair_coverage_task(str(formulary_loaded.pk))
    assert UnifiedCoverage.objects.count() == before


def test_command_imports_with_progress_then_no_ops(formulary_pair, tmp_path) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_formulary", "--source", "rxnorm", str(SEED_NDJSON), stdout=out, stderr=err)
    zip_path = build_release_zip(tmp_path / "SPUF_2026_20260115.zip")
    call_command("import_formulary", "--source", "partd", str(zip_path), stdout=out, stderr=err)
    assert "imported: snapshot" in out.getvalue()
    assert "rows" in err.getvalue()  # the progress bar
    out2 = io.StringIO()
    call_command("import_formulary", "--source", "partd", str(zip_path), stdout=out2, stderr=io.StringIO())
    assert "already imported (no-op)" in out2.getvalue()
    assert ImportRun.objects.filter(status="duplicate").count() == 1


def test_command_refuses_a_bad_file_naming_where(formulary_pair, tmp_path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    for txt in SPUF_DIR.glob("*.txt"):
        data = txt.read_bytes()
        if "basic" in txt.name:
            data = data.replace(b"RXCUI", b"RX_CUI")
        (folder / txt.name).write_bytes(data)
    with pytest.raises(CommandError) as exc:
        call_command(
            "import_formulary", "--source", "partd", str(folder), stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert "line 1, column RXCUI" in str(exc.value)
    assert FormularySnapshot.objects.count() == 0


def test_command_async_queues_a_run(formulary_pair, django_capture_on_commit_callbacks) -> None:
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        call_command("import_formulary", "--source", "medi-cal-rx", str(CDL_CSV), "--async", stdout=out)
    assert "queued import run" in out.getvalue()
    assert len(callbacks) == 1


def test_pharmacy_routing_for_pair(formulary_pair, settings) -> None:
    from apps.formulary.selectors import pharmacy_routing_for_pair

    assert pharmacy_routing_for_pair(pair=formulary_pair) == {
        "partd": {"bin": "610014", "pcn": "MEDDPRIME", "group": "SMHP001"},
        "medi_cal_rx": {"bin": "022659", "pcn": "6334225", "group": "MEDICALRX"},
    }
    # no Medi-Cal Rx numbers configured for the date: fall back to the Medi-Cal plan's own rx fields
    settings.FORMULARY_SCHEDULES = {**settings.FORMULARY_SCHEDULES, "medi_cal_rx_routing": []}
    plan = formulary_pair.medi_cal_plan
    plan.rx_bin, plan.rx_pcn, plan.rx_group = "999999", "MCPCN", "MCGRP"
    plan.save()
    assert pharmacy_routing_for_pair(pair=formulary_pair)["medi_cal_rx"] == {
        "bin": "999999", "pcn": "MCPCN", "group": "MCGRP",
    }  # fmt: skip
