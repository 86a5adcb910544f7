"""A render worker killed with SIGKILL in the middle of a batch of cards: after a restart every card is
rendered exactly once, no orphan files are left, and the print batch holds each piece exactly once.

Real Celery worker processes (prefork, acks_late) on a real Redis broker, against this test's database.
The data is committed (the worker is another process), so the test runs outside a test transaction and
removes its own rows at the end instead of flushing the database (a flush would also empty rows that
data migrations seeded, and the audit table refuses TRUNCATE).
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection

from apps.cards.models import CardRequest
from apps.cards.services import id_card_request
from apps.documents.models import Document, DocumentStatus, MailPiece, PrintBatch, PrintBatchStatus
from apps.documents.services import print_batch_close
from apps.documents.storage import documents_storage
from apps.members.models import CareCoordinatorAssignment, Enrollment, Member, PcpAssignment
from config.celery import app
from tests.factories.accounts import MailingVendorFactory
from tests.factories.members import aligned_member
from tests.factories.plans import AlignedPlanPairFactory

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
MEMBERS = 40

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
]


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Autocommit access to the test database (no wrapping transaction, no flush afterwards)."""
    from django.test.utils import setup_databases

    with django_db_blocker.unblock():
        if not connection.settings_dict["NAME"].startswith("test_"):
            # run on its own, no other test asked pytest-django for a database: set the test one up
            setup_databases(
                verbosity=0, interactive=False, keepdb=True, aliases={"default"}, serialized_aliases=set()
            )
        yield


def start_worker(queues: str, docs_root: Path, log: Path) -> subprocess.Popen:  # type: ignore[type-arg]
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "TEST_CELERY_BROKER_URL": REDIS,
        "CELERY_VISIBILITY_TIMEOUT": "4",
        "DOCUMENTS_RENDER_LEASE_SECONDS": "4",  # a dead worker's claim on a row expires fast
        "DOCUMENTS_REQUEUE_PENDING_AFTER_SECONDS": "3600",  # queued renders are not lost: leave them
        "MEMBERHUB_DOCUMENTS_ROOT": str(docs_root),
    }
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "-Q",
        queues,
        "-P",
        "prefork",
        "-c",
        "1",
        "--max-tasks-per-child",
        "50",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "-l",
        "info",
        "-n",
        f"kill-test-{uuid.uuid4().hex[:6]}@%h",
    ]
    fh = log.open("ab")
    return subprocess.Popen(
        cmd, env=env, cwd=settings.BASE_DIR, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(proc: subprocess.Popen) -> None:  # type: ignore[type-arg]
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)  # the worker and its pool children: this test's own group only
        proc.wait(timeout=30)


def wait_for(predicate, timeout: float, what: str, every=None) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    last_tick = time.monotonic()
    while time.monotonic() < deadline:
        if predicate():
            return
        if every is not None and time.monotonic() - last_tick > 5:
            every()
            last_tick = time.monotonic()
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def cleanup(pair, vendor, members) -> None:  # type: ignore[no-untyped-def]
    CardRequest.objects.filter(member__in=members).delete()
    batch_ids = list(MailPiece.objects.filter(member__in=members).values_list("batch_id", flat=True))
    MailPiece.objects.filter(member__in=members).delete()
    PrintBatch.objects.filter(pk__in=[b for b in batch_ids if b]).delete()
    Document.objects.filter(member__in=members, kind="card_carrier").delete()
    Document.objects.filter(member__in=members).delete()
    for model in (Enrollment, PcpAssignment, CareCoordinatorAssignment):
        model.objects.filter(member__in=members).delete()
    Member.objects.filter(pk__in=[m.pk for m in members]).delete()
    vendor.delete()
    medicare, medi_cal, parent = pair.medicare_plan, pair.medi_cal_plan, pair.parent
    pair.delete()
    medicare.delete()
    medi_cal.delete()
    parent.delete()


def test_render_worker_killed_mid_batch_completes_after_restart(committed_db, tmp_path):
    docs_root = Path(settings.STORAGES["documents"]["OPTIONS"]["location"])
    queue = f"render-kill-{uuid.uuid4().hex[:8]}"
    queues = f"{queue},render"  # `render`: where the requeue job routes renders (Redis db 14 is this test's)
    log = tmp_path / "worker.log"
    pair = AlignedPlanPairFactory()
    vendor = MailingVendorFactory(kinds=["id_card"])
    vendor.pairs.add(pair)
    members = [aligned_member(pair, first_name=f"Kill{i}", zip_code=f"9{i:04d}") for i in range(MEMBERS)]
    worker = None
    try:
        # request the cards; the renders go to the real broker, not inline
        with mock.patch("apps.documents.tasks.render_document_task.delay") as delay:
            for m in members:
                id_card_request(member=m, reason="new_enrollment")
        doc_ids = [c.args[0] for c in delay.call_args_list]
        assert len(doc_ids) == 2 * MEMBERS  # card + carrier letter per member
        with app.connection_for_write(REDIS) as conn:
            conn.default_channel.client.delete(queue, "render")
            for doc_id in doc_ids:
                app.send_task("documents.render", args=[doc_id], queue=queue, connection=conn)

        def ready() -> int:
            return Document.objects.filter(pk__in=doc_ids, status=DocumentStatus.READY).count()

        def beat_requeue() -> None:  # what beat does every 5 minutes: re-enqueue renders of dead workers
            with app.connection_for_write(REDIS) as conn:
                app.send_task("documents.requeue_stale", queue=queue, connection=conn)

        worker = start_worker(queues, docs_root, log)
        wait_for(lambda: ready() >= 6, 180, "the first renders")
        stop(worker)  # SIGKILL in the middle of the batch
        done_at_kill = ready()
        assert done_at_kill < len(doc_ids), "the worker finished before it could be killed"
        assert Document.objects.filter(pk__in=doc_ids, status=DocumentStatus.RENDERING).count() <= 1
        worker = start_worker(queues, docs_root, log)
        wait_for(lambda: ready() == len(doc_ids), 300, "all renders after the restart", every=beat_requeue)
        stop(worker)

        docs = list(Document.objects.filter(pk__in=doc_ids))
        assert all(d.status == DocumentStatus.READY for d in docs)
        assert len({(d.member_id, d.kind) for d in docs}) == len(docs)  # one document per member and kind
        # no orphan files: the storage holds exactly the ready documents' files
        stored = {str(p.relative_to(docs_root)) for p in docs_root.rglob("*") if p.is_file()}
        assert stored == {d.file_key for d in docs}
        assert all(documents_storage().size(d.file_key) == d.size_bytes for d in docs)

        batches = print_batch_close(vendor=vendor)  # eager in this process: built right away
        assert len(batches) == 1
        batch = batches[0]
        batch.refresh_from_db()
        assert batch.status == PrintBatchStatus.READY
        assert batch.piece_count == MEMBERS
        pieces = MailPiece.objects.filter(batch=batch)
        assert sorted(p.member_id for p in pieces) == sorted(m.pk for m in members)  # each piece exactly once
        assert len({p.sequence for p in pieces}) == MEMBERS
    finally:
        if worker is not None:
            stop(worker)
        with app.connection_for_write(REDIS) as conn:
            conn.default_channel.client.delete(queue, "render")
        cleanup(pair, vendor, members)
