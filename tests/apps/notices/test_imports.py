import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from apps.documents.models import Document, MailPiece, PrintBatch
from apps.documents.services import print_batch_close
from apps.documents.storage import storage_read
from apps.ingest.models import ImportRun
from apps.notices.imports import notices_import_run, notices_import_start
from apps.notices.models import Notice
from apps.notices.selectors import notice_history_for_member, print_batch_comail_summary
from apps.notices.services import notice_issue
from tests.factories.members import aligned_member


def write_manifest(drop, rows):
    (drop / "manifest.json").write_text(json.dumps({"notices": rows}), encoding="utf-8")


def run_import(pair, drop):
    run = notices_import_start(plan_code=pair.medi_cal_plan.code, path=drop)
    return notices_import_run(run_id=run.pk)


def eob_drop(notice_drop, member, *, dated):
    """A drop holding one claims EOB for the member (found by CIN), dated ``dated``, to be mailed."""
    drop = notice_drop("eob-2026-03.pdf")
    write_manifest(
        drop,
        [
            {
                "file": "eob-2026-03.pdf",
                "cin": member.medi_cal_cin,
                "kind": "claims_eob",
                "date": dated.isoformat(),
                "must_mail": True,
            }
        ],
    )
    return drop


def issue_welcome(member, *, enrollment_id="e1", issued_on):
    return notice_issue(
        kind="welcome",
        member=member,
        context={"enrollment_id": enrollment_id, "effective_on": "2026-01-01"},
        issued_on=issued_on,
    )


@pytest.mark.django_db
def test_import_drop_takes_good_files_and_refuses_bad_ones_per_file(member, pair, notice_vendor, notice_drop):
    # given a drop with three good files (by CIN, MBI and plan member id) and five bad ones
    drop = notice_drop(
        "eob-2026-03.pdf", "um-determination.pdf", "renewal-reminder.pdf", "corrupt.pdf", "not-a-pdf.pdf"
    )
    subscriber = member.enrollments.get(plan=pair.medi_cal_plan).subscriber_id
    outsider = aligned_member(pair)
    outsider.enrollments.filter(plan=pair.medi_cal_plan).delete()
    write_manifest(
        drop,
        [
            {
                "file": "eob-2026-03.pdf",
                "cin": member.medi_cal_cin,
                "kind": "claims_eob",
                "date": "2026-11-01",
                "language": "en",
                "must_mail": True,
            },
            {
                "file": "um-determination.pdf",
                "mbi": member.mbi,
                "kind": "um_determination",
                "date": "2026-11-02",
                "language": "es",
                "must_mail": False,
                "title": "Decisión de UM",
            },
            {
                "file": "renewal-reminder.pdf",
                "plan_member_id": subscriber,
                "kind": "medi_cal_redetermination",
                "date": "2026-11-03",
            },
            {"file": "corrupt.pdf", "cin": member.medi_cal_cin, "kind": "claims_eob", "date": "2026-11-01"},
            {"file": "not-a-pdf.pdf", "cin": member.medi_cal_cin, "kind": "claims_eob", "date": "2026-11-01"},
            {"file": "eob-2026-03.pdf", "cin": "99999999Z", "kind": "lawsuit", "date": "2026-13-01"},
            {"file": "missing.pdf", "cin": outsider.medi_cal_cin, "kind": "claims_eob", "date": "2026-11-01"},
        ],
    )
    # when it is imported
    run = run_import(pair, drop)
    # then the good files are in, each bad one is refused with its file, position and field
    assert run.status == "succeeded_with_errors"
    assert run.counts == {"files": 7, "imported": 3, "duplicates": 0, "refused": 4, "mailed": 1}
    by_file = {}
    for error in run.errors:
        by_file.setdefault(error["file"], set()).add((error["field"], error["code"]))
    assert by_file["corrupt.pdf"] == {("file", "notices.pdf_unreadable")}
    assert by_file["not-a-pdf.pdf"] == {("file", "notices.pdf_unreadable")}
    assert ("kind", "notices.file_invalid") in by_file["eob-2026-03.pdf"]
    assert ("date", "notices.file_invalid") in by_file["eob-2026-03.pdf"]
    assert by_file["missing.pdf"] == {("file", "notices.file_invalid")}
    assert any(e["line"] == "manifest.json entry 6" for e in run.errors)
    notices = {n.kind: n for n in Notice.objects.filter(member=member, source="external")}
    assert set(notices) == {"claims_eob", "um_determination", "medi_cal_redetermination"}
    eob = notices["claims_eob"]
    assert eob.plan == pair.medi_cal_plan
    assert eob.document.page_count == 2
    assert eob.document.status == "ready"
    assert storage_read(eob.document.file_key).startswith(b"%PDF-")
    assert eob.must_mail
    assert eob.by_mail
    assert MailPiece.objects.filter(primary_document=eob.document).count() == 1
    assert notices["um_determination"].title == "Decisión de UM"
    assert notices["medi_cal_redetermination"].title == "Medi-Cal renewal reminder"


@pytest.mark.django_db
def test_reimport_is_idempotent_on_checksum(member, pair, notice_vendor, notice_drop):
    drop = eob_drop(notice_drop, member, dated=dt.date(2026, 11, 1))
    first = run_import(pair, drop)
    second = run_import(pair, drop)
    assert first.status == "succeeded"
    assert second.status == "duplicate"
    assert second.counts["duplicates"] == 1
    assert Notice.objects.filter(source="external").count() == 1
    assert MailPiece.objects.count() == 1
    assert Document.objects.count() == 1


@pytest.mark.django_db
def test_unusable_manifest_fails_the_run_and_changes_nothing(member, pair, notice_drop):
    drop = notice_drop("eob-2026-03.pdf")
    (drop / "manifest.csv").write_text("file,cin\neob-2026-03.pdf,1\n", encoding="utf-8")
    run = run_import(pair, drop)
    assert run.status == "failed"
    assert run.errors[0]["message"] == "manifest.csv line 1: missing columns: date, kind"
    assert not Notice.objects.exists()


@pytest.mark.django_db
def test_import_notices_command_and_csv_manifest(member, pair, notice_vendor, notice_drop, capsys):
    drop = notice_drop("um-determination.pdf")
    (drop / "manifest.csv").write_text(
        f"file,plan,cin,kind,date,language,must_mail\num-determination.pdf,{pair.medi_cal_plan.code},{member.medi_cal_cin},um_determination,2026-11-02,en,false\n",
        encoding="utf-8",
    )
    call_command("import_notices", "--plan", pair.medi_cal_plan.code, str(drop))
    assert "succeeded" in capsys.readouterr().out
    assert ImportRun.objects.get().counts["imported"] == 1
    with pytest.raises(CommandError, match="Unknown plan"):
        call_command("import_notices", "--plan", "NOPE", str(drop))


@pytest.mark.django_db
def test_history_merges_own_and_external_notices_labeled_by_issuer(member, pair, notice_vendor, notice_drop):
    issue_welcome(member, issued_on=dt.date(2026, 11, 4))
    drop = eob_drop(notice_drop, member, dated=dt.date(2026, 11, 1))
    run_import(pair, drop)
    rows = notice_history_for_member(member=member)
    assert [(r.source, r.issued_on) for r in rows] == [
        ("memberhub", dt.date(2026, 11, 4)),
        ("external", dt.date(2026, 11, 1)),
    ]
    assert rows[0].issuer == f"{pair.name} (integrated)"
    assert rows[1].issuer == pair.medi_cal_plan.name
    assert rows[1].what == "Explanation of benefits"
    assert rows[0].deliveries[0].vendor == notice_vendor.name


@pytest.mark.slow
@pytest.mark.django_db
def test_member_with_two_pieces_on_one_day_gets_one_envelope(
    member, pair, notice_vendor, notice_drop, settings, django_capture_on_commit_callbacks
):
    settings.DOCUMENTS_ENVELOPE_GROUPER = "apps.notices.comailing.notice_envelope_grouper"
    today = timezone.localdate()
    other = aligned_member(pair, zip_code="90013")
    # given a welcome letter and an imported plan letter for the member, both mailing today,
    # and a letter for another member
    with django_capture_on_commit_callbacks(execute=True):
        issue_welcome(member, issued_on=today)
        issue_welcome(other, enrollment_id="e2", issued_on=today)
    drop = eob_drop(notice_drop, member, dated=today)
    run_import(pair, drop)
    # when the vendor's batch is closed and built
    with django_capture_on_commit_callbacks(execute=True):
        (batch,) = print_batch_close(vendor=notice_vendor)
    batch = PrintBatch.objects.get(pk=batch.pk)
    assert batch.status == "ready"
    # then the member's two pieces share one envelope, the other member has their own
    envelopes = {}
    for piece in MailPiece.objects.filter(batch=batch):
        envelopes.setdefault(piece.member_id, set()).add(piece.envelope_code)
    assert len(envelopes[member.pk]) == 1
    assert len(envelopes[other.pk]) == 1
    assert envelopes[member.pk] != envelopes[other.pk]
    manifest = json.loads(storage_read(batch.manifest_json_key))
    shared = [p for p in manifest["pieces"] if p["member_id"] == member.member_id]
    assert len(shared) == 2
    assert shared[0]["envelope_id"] == shared[1]["envelope_id"]
    summary = print_batch_comail_summary(batch=batch)
    assert (summary.piece_count, summary.envelope_count, summary.envelopes_saved) == (3, 2, 1)
    assert summary.postage_saved_cents == 78


@pytest.mark.django_db
def test_notice_envelope_grouper_shares_envelope_for_same_member_and_day(
    member, pair, notice_vendor, notice_drop
):
    from apps.notices.comailing import notice_envelope_grouper
    from memberhub.documents.address import MailingAddress
    from memberhub.documents.batches import PieceInput, PiecePart, layout_batch

    today = timezone.localdate()
    welcome = issue_welcome(member, issued_on=today)
    extension = notice_issue(
        kind="extension",
        member=member,
        issued_on=today,
        context={
            "case_id": "c1",
            "case_kind": "appeal",
            "original_due_on": "2026-12-01",
            "new_due_on": "2026-12-15",
            "reason": "records",
        },
    )
    drop = eob_drop(notice_drop, member, dated=today)
    run_import(pair, drop)
    eob = Notice.objects.get(source="external")
    address = MailingAddress.standardized(
        name="ROSA MARTINEZ", line1="123 Main St", city="Los Angeles", state="CA", zip_code="90012"
    )

    def piece(document_id, kind, pages, day=today):
        return PieceInput(
            member_id=member.member_id,
            address=address,
            parts=(PiecePart(document_id, kind, pages, "0" * 64),),
            primary_document_id=document_id,
            mail_date=day.isoformat(),
        )

    pieces = [
        piece(str(welcome.document_id), "notice", 4),
        piece(str(eob.document_id), "notice", 2),
        piece("card-doc", "id_card", 2),
        piece(str(extension.document_id), "notice", 3),  # extension notices travel alone (comail: false)
        piece(str(welcome.document_id), "notice", 4, day=today + dt.timedelta(days=1)),  # another day
    ]
    layout = layout_batch(batch_code="T-1", pieces=pieces, grouper=notice_envelope_grouper)
    envelopes = {}
    for row in layout.rows:
        envelopes.setdefault(row.envelope_id, []).append(row.parts[0].kind + ":" + row.document_id)
    groups = sorted(envelopes.values(), key=len, reverse=True)
    assert groups[0] == ["id_card:card-doc", f"notice:{welcome.document_id}", f"notice:{eob.document_id}"]
    assert sorted(len(g) for g in groups) == [1, 1, 3]


@pytest.mark.django_db
def test_inbox_task_imports_each_drop_once(member, pair, notice_vendor, notice_drop, settings, tmp_path):
    from apps.notices.tasks import IMPORTED_MARKER, import_inbox_task

    inbox = tmp_path / "inbox"
    plan_dir = inbox / pair.medi_cal_plan.code
    plan_dir.mkdir(parents=True)
    drop = notice_drop("eob-2026-03.pdf")
    write_manifest(
        drop,
        [{"file": "eob-2026-03.pdf", "cin": member.medi_cal_cin, "kind": "claims_eob", "date": "2026-11-01"}],
    )
    drop.rename(plan_dir / "2026-11-01")
    settings.NOTICES_INBOX_DIR = str(inbox)
    import_inbox_task.delay()
    import_inbox_task.delay()
    assert (plan_dir / "2026-11-01" / IMPORTED_MARKER).exists()
    assert ImportRun.objects.filter(kind="notices").count() == 1
    assert Notice.objects.filter(source="external").count() == 1


@pytest.mark.django_db
def test_import_task_runs_the_import(member, pair, notice_vendor, notice_drop):
    from apps.notices.tasks import import_notices_task

    drop = notice_drop("um-determination.pdf")
    write_manifest(
        drop,
        [
            {
                "file": "um-determination.pdf",
                "mbi": member.mbi,
                "kind": "um_determination",
                "date": "2026-11-02",
            }
        ],
    )
    run = notices_import_start(plan_code=pair.medi_cal_plan.code, path=drop)
    import_notices_task.delay(str(run.pk))
    run.refresh_from_db()
    assert run.status == "succeeded"
    # running the same run again is a no-op
    import_notices_task.delay(str(run.pk))
    assert Notice.objects.filter(source="external").count() == 1
