import datetime as dt
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.utils import timezone

from apps.documents import renderers, services
from apps.documents.engine import PdfResult, TemplateError, html_to_pdf
from apps.documents.models import Document, DocumentStatus
from apps.documents.storage import documents_storage
from apps.documents.tasks import render_document_task
from memberhub.documents.hashing import storage_key

pytestmark = pytest.mark.django_db

CALLS: list[str] = []


def _ok(document):  # type: ignore[no-untyped-def]
    CALLS.append(str(document.pk))
    return html_to_pdf(f"<p>hello {document.content['n']}</p>", stylesheets=[])


def _template_error(document):  # type: ignore[no-untyped-def]
    raise TemplateError("unknown variable in template")


def _data_error(document):  # type: ignore[no-untyped-def]
    return PdfResult(pdf=b"", page_count=int(document.content["pages"]), render_path="full")


@pytest.fixture(autouse=True)
def _kinds():  # type: ignore[no-untyped-def]
    renderers.register("test_ok", _ok, template_version="t1", previews=True)
    renderers.register("test_template_error", _template_error, template_version="t1")
    renderers.register("test_data_error", _data_error, template_version="t1")
    CALLS.clear()


def make(member, kind="test_ok", n=1, status=DocumentStatus.PENDING, **fields):  # type: ignore[no-untyped-def]
    content = {"n": n, "pages": "x"}
    return Document.objects.create(
        member=member,
        kind=kind,
        template_version="t1",
        content=content,
        status=status,
        content_hash=services.document_content_hash(kind=kind, content=content),
        **fields,
    )


def test_render_claims_renders_and_stores_under_the_deterministic_key(member):
    doc = make(member)
    assert services.document_render(document_id=doc.pk) is True
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.READY
    assert doc.file_key == storage_key(kind="test_ok", content_hash=doc.content_hash)
    assert documents_storage().exists(doc.file_key)
    assert doc.page_count == 1
    assert len(doc.sha256) == 64
    assert doc.attempts == 1
    assert services.document_preview(document=doc, page=1).startswith(b"\x89PNG")
    assert documents_storage().exists(doc.preview_keys[0])


def test_render_is_idempotent_ready_rows_are_not_rendered_again(member):
    doc = make(member)
    render_document_task.delay(str(doc.pk))
    render_document_task.delay(str(doc.pk))
    assert [str(doc.pk)] == CALLS


def test_a_live_claim_is_respected_and_an_expired_lease_is_taken_over(member, settings):
    doc = make(member, status=DocumentStatus.RENDERING, claimed_at=timezone.now())
    assert services.document_render(document_id=doc.pk) is False
    assert CALLS == []
    Document.objects.filter(pk=doc.pk).update(
        claimed_at=timezone.now() - dt.timedelta(seconds=settings.DOCUMENTS_RENDER_LEASE_SECONDS + 1)
    )
    assert services.document_render(document_id=doc.pk) is True
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.READY


def test_template_error_fails_fast_with_a_readable_code(member):
    doc = make(member, kind="test_template_error")
    render_document_task.delay(str(doc.pk))
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.FAILED
    assert doc.error_code == "documents.template_error"
    assert "unknown variable" in doc.error_message
    assert doc.attempts == 1
    assert doc.file_key == ""


def test_data_error_fails_fast(member):
    doc = make(member, kind="test_data_error")
    services.document_render(document_id=doc.pk)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.FAILED
    assert doc.error_code == "documents.data_error"


def test_storage_error_releases_the_claim_for_a_retry_and_the_retry_succeeds(member):
    doc = make(member)
    with (
        mock.patch("apps.documents.services.storage_put", side_effect=OSError("disk full")),
        pytest.raises(OSError),
    ):
        services.document_render(document_id=doc.pk)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.PENDING
    assert doc.claimed_at is None
    assert services.document_render(document_id=doc.pk) is True
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.READY
    assert doc.attempts == 2


def test_task_retries_transient_errors_then_marks_failed(member):
    doc = make(member)
    assert OSError in render_document_task.autoretry_for
    with (
        mock.patch("apps.documents.services.storage_put", side_effect=OSError("s3 down")),
        pytest.raises(Retry),
    ):
        render_document_task.apply(args=[str(doc.pk)], throw=True)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.PENDING  # claim released for the retry
    # retries exhausted: the task's failure hook marks the row
    render_document_task.on_failure(OSError("s3 down"), "task-id", [str(doc.pk)], {}, None)
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.FAILED
    assert doc.error_code == "documents.storage_unavailable"


def test_requeue_stale_re_enqueues_lost_renders(member, settings, django_capture_on_commit_callbacks):
    doc = make(member)
    Document.objects.filter(pk=doc.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.documents_requeue_stale() == 1  # eager: rendered once the sweep commits
    assert len(callbacks) == 1
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.READY
    assert services.documents_requeue_stale() == 0


def test_failed_document_is_retried_when_requested_again(member, django_capture_on_commit_callbacks):
    content = {"n": 7, "pages": "x"}
    renderers.register("test_flaky", _template_error, template_version="t1")
    with django_capture_on_commit_callbacks(execute=True):
        doc, created = services.document_request(member=member, kind="test_flaky", content=content)
    assert created
    doc.refresh_from_db()
    assert doc.status == DocumentStatus.FAILED
    renderers.register("test_flaky", _ok, template_version="t1")
    with django_capture_on_commit_callbacks(execute=True):
        again, created = services.document_request(member=member, kind="test_flaky", content=content)
    assert not created
    assert again.pk == doc.pk
    again.refresh_from_db()
    assert again.status == DocumentStatus.READY


def test_requeue_leaves_recent_pending_rows_alone_but_takes_expired_claims(
    member, settings, django_capture_on_commit_callbacks
):
    recent = make(member, n=11)
    crashed = make(member, n=12, status=DocumentStatus.RENDERING, claimed_at=timezone.now())
    assert services.documents_requeue_stale() == 0  # queued a moment ago / live claim: not lost
    Document.objects.filter(pk=crashed.pk).update(
        claimed_at=timezone.now() - dt.timedelta(seconds=settings.DOCUMENTS_RENDER_LEASE_SECONDS + 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.documents_requeue_stale() == 1
    crashed.refresh_from_db()
    recent.refresh_from_db()
    assert crashed.status == DocumentStatus.READY
    assert recent.status == DocumentStatus.PENDING


def test_render_tasks_are_routed_to_the_render_queue():
    from config.celery import app

    for name in ("documents.render", "documents.build_print_batch"):
        assert app.amqp.router.route({}, name)["queue"].name == "render"
