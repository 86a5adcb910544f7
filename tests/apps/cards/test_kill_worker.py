"""A render worker killed with SIGKILL in the middle of a batch of cards: after a restart every card is
rendered exactly once, no orphan files are left, and the print batch holds each piece exactly once.

Real Celery worker processes (prefork, acks_late) on a real Redis broker, against this test's database.
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

from apps.cards.services import id_card_request
from apps.documents.models import Document, DocumentStatus, MailPiece, PrintBatchStatus
from apps.documents.services import print_batch_close
from apps.documents.storage import documents_storage
from config.celery import app
from tests.factories.accounts import MailingVendorFactory
from tests.factories.members import aligned_member

REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
MEMBERS = 40
# TRUNCATE of the append-only audit table is refused by its trigger: leave it out of the flush.
APPS_WITHOUT_AUDIT = [a for a in settings.INSTALLED_APPS if a != "apps.audit"]

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored"),
    pytest.mark.django_db(transaction=True, available_apps=APPS_WITHOUT_AUDIT),
]


@pytest.fixture(scope="module", autouse=True)
def _restore_migration_seeded_rows(django_db_blocker):  # type: ignore[no-untyped-def]
    """The transactional test's flush also empties rows seeded by data migrations (the OAuth scopes);
    put them back once this module is done, for the tests that run after it."""
    yield
    from apps.accounts.scopes import scopes_seed

    with django_db_blocker.unblock():
        scopes_seed()


def start_worker(queue: str, docs_root: Path, log: Path) -> subprocess.Popen:  # type: ignore[type-arg]
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "TEST_CELERY_BROKER_URL": REDIS,
        "CELERY_VISIBILITY_TIMEOUT": "4",  # an unacked task of a dead worker comes back after 4 s
        "DOCUMENTS_RENDER_LEASE_SECONDS": "4",  # and its claim on the row expires as fast
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
        queue,
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


def stop(proc: subprocess.Popen, sig: int = signal.SIGKILL) -> None:  # type: ignore[type-arg]
    if proc.poll() is None:
        os.killpg(proc.pid, sig)  # the worker and its pool children: this test's own process group only
        proc.wait(timeout=30)


def wait_for(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_render_worker_killed_mid_batch_completes_after_restart(tmp_path):
    docs_root = Path(settings.STORAGES["documents"]["OPTIONS"]["location"])
    queue = f"render-kill-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    from tests.factories.plans import AlignedPlanPairFactory

    pair = AlignedPlanPairFactory()
    vendor = MailingVendorFactory(kinds=["id_card"])
    vendor.pairs.add(pair)
    members = [aligned_member(pair, first_name=f"Kill{i}", zip_code=f"9{i:04d}") for i in range(MEMBERS)]
    # request the cards; the renders go to the real broker, not inline
    with mock.patch("apps.documents.tasks.render_document_task.delay") as delay:
        for m in members:
            id_card_request(member=m, reason="new_enrollment")
    doc_ids = [c.args[0] for c in delay.call_args_list]
    assert len(doc_ids) == 2 * MEMBERS  # card + carrier letter per member
    with app.connection_for_write(REDIS) as conn:
        for doc_id in doc_ids:
            app.send_task("documents.render", args=[doc_id], queue=queue, connection=conn)

    def ready() -> int:
        return Document.objects.filter(pk__in=doc_ids, status=DocumentStatus.READY).count()

    worker = start_worker(queue, docs_root, log)
    try:
        wait_for(lambda: ready() >= 6, 120, "the first renders")
        stop(worker)  # SIGKILL in the middle of the batch
        done_at_kill = ready()
        assert done_at_kill < len(doc_ids), "worker finished before it could be killed"
        in_flight = Document.objects.filter(pk__in=doc_ids, status=DocumentStatus.RENDERING).count()
        assert in_flight <= 1
        worker = start_worker(queue, docs_root, log)
        wait_for(lambda: ready() == len(doc_ids), 240, "all renders after the restart")
    finally:
        stop(worker)
        with app.connection_for_write(REDIS) as conn:
            conn.default_channel.client.delete(queue)

    docs = list(Document.objects.filter(pk__in=doc_ids))
    assert all(d.status == DocumentStatus.READY for d in docs)
    assert len({(d.member_id, d.kind) for d in docs}) == len(docs)  # one document per member and kind
    # no orphan files: the storage holds exactly the ready documents' files
    stored = {str(p.relative_to(docs_root)) for p in docs_root.rglob("*") if p.is_file()}
    assert stored == {d.file_key for d in docs}
    assert all(documents_storage().size(d.file_key) == d.size_bytes for d in docs)
    assert sum(d.attempts for d in docs) >= len(docs)

    batches = print_batch_close(vendor=vendor)  # eager in this process: built right away
    assert len(batches) == 1
    batch = batches[0]
    batch.refresh_from_db()
    assert batch.status == PrintBatchStatus.READY
    assert batch.piece_count == MEMBERS
    pieces = MailPiece.objects.filter(batch=batch)
    assert sorted(p.member_id for p in pieces) == sorted(m.pk for m in members)  # each piece exactly once
    assert len({p.sequence for p in pieces}) == MEMBERS
