import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from apps.ingest.enrollment.services import import_834_create, import_834_enqueue, import_834_execute
from apps.ingest.models import EnrollmentWorkItem, ImportRun, ImportStatus
from apps.members.models import Enrollment, Member
from tests.factories import identifiers
from tests.factories.accounts import AdminUserFactory
from tests.factories.members import aligned_member
from tests.fixtures.enrollment import Member834, build_834


def test_import_834_command_applies_and_writes_the_999(pair, tmp_path):
    path = tmp_path / "dsnp.834"
    path.write_bytes(build_834([Member834("S1", mbi=identifiers.mbi())]))
    ack = tmp_path / "dsnp.999"
    out = io.StringIO()

    call_command("import_834", str(path), plan=pair.medicare_plan.code, ack_out=str(ack), stdout=out)

    assert "succeeded" in out.getvalue()
    assert "members_added: 1" in out.getvalue()
    assert Member.objects.count() == 1
    assert ack.read_text().startswith("ISA*00*")


def test_import_834_command_reports_refusals_and_fails(pair, tmp_path, x12_data):
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was applied"):
        call_command(
            "import_834", str(x12_data / "bad_records.834"), plan=pair.medicare_plan.code, stdout=out
        )
    assert "ERROR bad_records.834 line 35 DMG DMG02" in out.getvalue()
    assert Member.objects.count() == 0


def test_import_834_command_skip_invalid(pair, x12_data):
    out = io.StringIO()
    call_command(
        "import_834",
        str(x12_data / "bad_records.834"),
        plan=pair.medicare_plan.code,
        skip_invalid=True,
        stdout=out,
    )
    assert "succeeded_with_errors" in out.getvalue()
    assert Member.objects.count() == 1


def test_import_834_command_unknown_plan(db, tmp_path):
    path = tmp_path / "x.834"
    path.write_bytes(b"x")
    with pytest.raises(CommandError, match="Unknown plan"):
        call_command("import_834", str(path), plan="NOPE")


def test_task_is_enqueued_after_commit_and_runs_on_the_ingest_queue(pair, django_capture_on_commit_callbacks):
    run = import_834_create(
        plan=pair.medicare_plan,
        source=io.BytesIO(build_834([Member834("S1", mbi=identifiers.mbi())])),
        name="a.834",
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_834_enqueue(run=run)
    assert ImportRun.objects.get(pk=run.pk).status == ImportStatus.PENDING
    assert len(callbacks) == 1

    callbacks[0]()  # eager in tests: the task runs the stored file

    run.refresh_from_db()
    assert run.status == ImportStatus.SUCCEEDED
    assert run.progress_done == run.progress_total > 0
    from celery import current_app

    assert current_app.amqp.router.route({}, "ingest.import_834")["queue"].name == "ingest"


def test_execute_is_idempotent(pair):
    run = import_834_create(
        plan=pair.medicare_plan,
        source=io.BytesIO(build_834([Member834("S1", mbi=identifiers.mbi())])),
        name="a.834",
    )
    import_834_execute(run_id=run.pk, today=dt.date(2026, 6, 1))

    again = import_834_execute(run_id=run.pk, today=dt.date(2026, 6, 1))

    assert again.status == ImportStatus.SUCCEEDED
    assert Member.objects.count() == 1
    assert Enrollment.objects.count() == 1


# ---- API -------------------------------------------------------------------------------------------


def _upload(client, plan, data, **extra):
    return client.post(
        reverse("v1:imports-list"),
        {"plan": plan.code, "file": SimpleUploadedFile("dsnp.834", data), **extra},
        format="multipart",
    )


def test_api_admin_uploads_and_reads_the_run(
    pair, admin_user, client_for, django_capture_on_commit_callbacks
):
    client = client_for(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, pair.medicare_plan, build_834([Member834("S1", mbi=identifiers.mbi())]))

    assert response.status_code == 202, response.json()
    body = response.json()
    # eager Celery in tests: the task ran after commit
    detail = client.get(reverse("v1:imports-detail", args=[body["id"]])).json()
    assert detail["status"] == "succeeded"
    assert detail["counts"]["members_added"] == 1
    assert detail["acknowledgment"]["status"] == "A"
    assert detail["plan"] == pair.medicare_plan.code
    ack = client.get(reverse("v1:imports-acknowledgment", args=[body["id"]])).json()
    assert ack["text"].startswith("ISA*")
    listing = client.get(reverse("v1:imports-list")).json()
    assert [r["id"] for r in listing["results"]] == [body["id"]]


def test_api_reports_errors_with_positions(
    pair, admin_user, client_for, x12_data, django_capture_on_commit_callbacks
):
    client = client_for(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        body = _upload(client, pair.medicare_plan, (x12_data / "broken_se_count.834").read_bytes()).json()

    detail = client.get(reverse("v1:imports-detail", args=[body["id"]])).json()
    assert detail["status"] == "failed"
    [error] = detail["errors"]
    assert (error["segment"], error["code"], error["line"]) == ("SE", "x12.count_mismatch", 17)
    assert detail["acknowledgment"]["status"] == "R"


def test_api_validates_input(pair, admin_user, client_for):
    response = client_for(admin_user).post(reverse("v1:imports-list"), {"plan": "NOPE"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["code"]


@pytest.mark.parametrize("who", ["anonymous", "member", "rep", "vendor"])
def test_api_is_admin_only(pair, client_for, who, request):
    user = None if who == "anonymous" else request.getfixturevalue(f"{who}_user")
    client = client_for(user)
    run = import_834_create(plan=pair.medicare_plan, source=io.BytesIO(b"ISA"), name="x.834")

    responses = [
        _upload(client, pair.medicare_plan, build_834([Member834("S1", mbi=identifiers.mbi())])),
        client.get(reverse("v1:imports-list")),
        client.get(reverse("v1:imports-detail", args=[run.pk])),
        client.get(reverse("v1:imports-acknowledgment", args=[run.pk])),
    ]

    assert {r.status_code for r in responses} == ({401} if who == "anonymous" else {403})
    assert ImportRun.objects.count() == 1


# ---- console and admin ----------------------------------------------------------------------------


@pytest.fixture
def lost_coverage_item(pair, import_834):
    member = aligned_member(pair, first_name="Rosa", last_name="Martinez")
    data = build_834(
        [
            Member834(
                "X", cin=member.medi_cal_cin, maintenance="024", end="20260331", last="MARTINEZ", first="ROSA"
            )
        ]
    )
    import_834(pair.medi_cal_plan, data)
    return EnrollmentWorkItem.objects.get(member=member)


def test_console_work_queue_lists_and_resolves_items(lost_coverage_item, rep_user, other_rep_user):
    client = Client()
    client.force_login(rep_user)

    page = client.get(reverse("console:enrollment-queue"))

    assert page.status_code == 200
    assert "MARTINEZ" in page.content.decode()
    response = client.post(
        reverse("console:enrollment-item-resolve", args=[lost_coverage_item.pk]), {"note": "called DHCS"}
    )
    assert response.status_code == 302
    lost_coverage_item.refresh_from_db()
    assert (
        lost_coverage_item.status,
        lost_coverage_item.resolved_by,
        lost_coverage_item.resolution_note,
    ) == (
        "resolved",
        rep_user,
        "called DHCS",
    )

    other = Client()
    other.force_login(other_rep_user)
    assert "MARTINEZ" not in other.get(reverse("console:enrollment-queue")).content.decode()


def test_console_other_org_rep_cannot_resolve(lost_coverage_item, other_rep_user):
    client = Client()
    client.force_login(other_rep_user)
    response = client.post(reverse("console:enrollment-item-resolve", args=[lost_coverage_item.pk]))
    assert response.status_code == 404
    lost_coverage_item.refresh_from_db()
    assert lost_coverage_item.status == "open"


def test_console_work_queues_and_member_panel(lost_coverage_item, rep_user):
    from django.test import RequestFactory

    from apps.console.enrollment_views import member_panel, work_queues

    request = RequestFactory().get("/console/queues/")
    request.user = rep_user
    queues = {q.key: q for q in work_queues(request)}
    assert queues["enrollment-alignment"].count == 1
    assert queues["enrollment-alignment"].items[0].member_pk == lost_coverage_item.member_id
    html = member_panel(request, lost_coverage_item.member)
    assert 'id="panel-enrollment"' in html
    assert "Lost Medi-Cal plan coverage" in html
    assert "2026-03-31" in html


def test_console_import_page_lists_alignment_changes(lost_coverage_item, admin_user):
    client = Client()
    client.force_login(admin_user)

    page = client.get(reverse("console:enrollment-import", args=[lost_coverage_item.run_id])).content.decode()

    assert lost_coverage_item.member.member_id in page
    assert "lost_medi_cal" in page


def test_console_as_of_answers_which_plans_on_a_date(lost_coverage_item, rep_user, pair):
    client = Client()
    client.force_login(rep_user)
    url = reverse("console:enrollment-member-as-of", args=[lost_coverage_item.member_id])

    march = client.get(url, {"on": "2026-03-03"}, HTTP_HX_REQUEST="true").content.decode()
    june = client.get(url, {"on": "2026-06-01"}, HTTP_HX_REQUEST="true").content.decode()

    assert pair.medicare_plan.name in march
    assert pair.medi_cal_plan.name in march
    assert pair.medicare_plan.name in june
    assert pair.medi_cal_plan.name not in june


def test_console_import_pages(pair, import_834, x12_data, admin_user):
    run = import_834(pair.medicare_plan, x12_data / "bad_records.834")
    client = Client()
    client.force_login(admin_user)

    listing = client.get(reverse("console:enrollment-imports")).content.decode()
    detail = client.get(reverse("console:enrollment-import", args=[run.pk])).content.decode()

    assert "bad_records.834" in listing
    assert "DMG02" in detail
    assert "IK5*R*5~" in detail


def test_admin_upload_starts_an_import(pair, db, django_capture_on_commit_callbacks):
    admin = AdminUserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    url = reverse("admin:ingest_importrun_upload_834")

    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "plan": pair.medicare_plan.code,
                "file": SimpleUploadedFile("a.834", build_834([Member834("S1", mbi=identifiers.mbi())])),
            },
        )

    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.SUCCEEDED
    assert Member.objects.count() == 1


def test_console_member_page_and_work_queues_page_show_enrollment(lost_coverage_item, rep_user):
    client = Client()
    client.force_login(rep_user)

    member_page = client.get(
        reverse("console:member-detail", args=[lost_coverage_item.member_id])
    ).content.decode()
    queues_page = client.get(reverse("console:work-queues")).content.decode()

    assert 'id="panel-enrollment"' in member_page
    assert 'data-panel-error="enrollment"' not in member_page
    assert "Enrollment follow-up" in queues_page
    assert "834 imports with errors" in queues_page


def test_unexpected_error_fails_the_run_without_applying_and_it_can_be_retried(pair, monkeypatch):
    from apps.ingest.enrollment import apply as apply_module
    from apps.ingest.enrollment.services import import_834_retry

    run = import_834_create(
        plan=pair.medicare_plan,
        source=io.BytesIO(build_834([Member834("S1", mbi=identifiers.mbi())])),
        name="a.834",
    )
    original = apply_module.Applier._pcp

    def broken(self, cursor):
        raise RuntimeError("database went away")

    monkeypatch.setattr(apply_module.Applier, "_pcp", broken)
    with pytest.raises(RuntimeError):
        import_834_execute(run_id=run.pk, today=dt.date(2026, 6, 1))
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert [e["code"] for e in run.errors] == ["enrollment.internal_error"]
    assert Member.objects.count() == 0

    monkeypatch.setattr(apply_module.Applier, "_pcp", original)
    retried = import_834_retry(run=run)
    assert retried.status == ImportStatus.PENDING
    done = import_834_execute(run_id=run.pk, today=dt.date(2026, 6, 1))

    assert done.status == ImportStatus.SUCCEEDED
    assert Member.objects.count() == 1


def test_only_failed_runs_can_be_retried(pair, import_834):
    from apps.ingest.enrollment.services import import_834_retry
    from memberhub.errors import ValidationFailed

    run = import_834(pair.medicare_plan, build_834([Member834("S1", mbi=identifiers.mbi())]))
    with pytest.raises(ValidationFailed):
        import_834_retry(run=run)


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_while_the_import_transaction_is_open(settings):
    from django.db import transaction

    from apps.ingest.enrollment.services import _Progress
    from tests.factories.plans import DsnpPlanFactory

    run = import_834_create(plan=DsnpPlanFactory(), source=io.BytesIO(b"ISA"), name="x.834")
    progress = _Progress(run.pk, 1000)
    with transaction.atomic():
        progress(5000, 400)  # written through a second connection, committed on its own
        transaction.set_rollback(True)  # the import transaction fails: the progress stays
    progress.close()

    assert ImportRun.objects.filter(pk=run.pk).values_list("progress_done", "progress_total").get() == (
        400,
        1000,
    )
