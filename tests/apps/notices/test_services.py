import datetime as dt
import io
import json

import pdfplumber
import pytest
from pypdf import PdfReader

from apps.audit.models import AuditEvent
from apps.documents.models import Document, DocumentStatus, MailPiece, MailPieceStatus
from apps.documents.storage import storage_read
from apps.notices.models import Notice, NoticeDelivery
from apps.notices.services import ResendNotAllowed, notice_issue, notice_resend
from memberhub.notices.errors import NoticeContextError, UnknownNoticeKind

ISSUED = dt.date(2026, 11, 2)


def welcome_context(**extra):
    return {
        "enrollment_id": "enr-1",
        "effective_on": "2026-01-01",
        "enrollment_confirmed_on": "2026-11-01",
        **extra,
    }


@pytest.mark.django_db
def test_notice_issue_creates_notice_document_and_queued_mail_piece(member, notice_vendor):
    notice = notice_issue(kind="welcome", member=member, context=welcome_context(), issued_on=ISSUED)

    assert notice.kind == "welcome"
    assert notice.source == "memberhub"
    assert notice.context_key == "enrollment_id=enr-1"
    assert notice.title.startswith("Welcome to ")
    assert notice.due_on == dt.date(2026, 11, 11)
    assert (notice.by_mail, notice.electronic, notice.route_reason) == (True, False, "preference")
    assert notice.document.kind == "notice"
    assert notice.document.status == DocumentStatus.PENDING
    piece = MailPiece.objects.get(member=member)
    assert piece.vendor == notice_vendor
    assert piece.status == MailPieceStatus.QUEUED
    assert piece.mail_date == ISSUED
    assert list(NoticeDelivery.objects.filter(notice=notice).values_list("channel", "reason")) == [
        ("mail", "initial")
    ]
    assert AuditEvent.objects.filter(resource="notice", resource_id=str(notice.pk), action="create").exists()


@pytest.mark.django_db
def test_same_context_never_produces_two_notices(member, notice_vendor, coverage_decision_context):
    first = notice_issue(
        kind="coverage_decision", member=member, context=coverage_decision_context, issued_on=ISSUED
    )
    # the same case again, even with other details and another day, is the same notice
    again = notice_issue(
        kind="coverage_decision",
        member=member,
        context=coverage_decision_context | {"reason": "Other words."},
        issued_on=ISSUED + dt.timedelta(days=1),
    )
    assert again.pk == first.pk
    assert Notice.objects.filter(member=member).count() == 1
    assert Document.objects.filter(member=member).count() == 1
    assert MailPiece.objects.filter(member=member).count() == 1
    # another case is another notice
    other = notice_issue(
        kind="coverage_decision",
        member=member,
        context=coverage_decision_context | {"case_id": "case-2"},
        issued_on=ISSUED,
    )
    assert other.pk != first.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("_case", "written", "language", "requested"),
    [
        ("english", "en", "en", "en"),
        ("spanish", "es", "es", "es"),
        ("vietnamese falls back", "vi", "en", "vi"),
    ],
)
def test_notice_language_follows_member(_case, written, language, requested, member, notice_vendor):
    member.written_language = written
    member.save()
    notice = notice_issue(kind="welcome", member=member, context=welcome_context(), issued_on=ISSUED)
    assert (notice.language, notice.requested_language) == (language, requested)
    assert notice.document.content["insert"][0]["language"] == (
        "en" if requested in ("en", "es") else requested
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("_case", "kind", "preference", "consent", "mail", "electronic", "pieces"),
    [
        ("electronic with consent: not mailed", "welcome", "electronic", True, False, True, 0),
        ("electronic without consent: mailed", "welcome", "electronic", False, True, False, 1),
        ("both", "welcome", "both", True, True, True, 1),
        ("paper-required decision letter", "coverage_decision", "electronic", True, True, True, 1),
    ],
)
def test_delivery_preference_routing(
    _case,
    kind,
    preference,
    consent,
    mail,
    electronic,
    pieces,
    member,
    notice_vendor,
    coverage_decision_context,
):
    member.delivery_preference = preference
    member.electronic_consent_at = dt.datetime(2026, 1, 5, tzinfo=dt.UTC) if consent else None
    member.save()
    context = welcome_context() if kind == "welcome" else coverage_decision_context
    notice = notice_issue(kind=kind, member=member, context=context, issued_on=ISSUED)
    assert (notice.by_mail, notice.electronic) == (mail, electronic)
    assert MailPiece.objects.filter(member=member).count() == pieces
    assert sorted(notice.deliveries.values_list("channel", flat=True)) == sorted(
        [c for c, on in (("mail", mail), ("electronic", electronic)) if on]
    )


@pytest.mark.django_db
def test_braille_member_gets_large_print_carrier_and_vendor_export(member, notice_vendor):
    member.alternate_format = "braille"
    member.save()
    notice = notice_issue(kind="welcome", member=member, context=welcome_context(), issued_on=ISSUED)
    assert notice.format == "large_print"
    assert notice.alternate_format == "braille"
    assert notice.document.format == "large_print"
    export = json.loads(storage_read(notice.vendor_export_key))
    assert export["alternate_format"] == "braille"
    assert member.full_name in export["text"]
    assert export["document_id"] == str(notice.document.pk)


@pytest.mark.django_db
def test_bad_context_is_refused_and_changes_nothing(member, notice_vendor):
    with pytest.raises(NoticeContextError) as exc:
        notice_issue(kind="coverage_decision", member=member, context={"case_id": "c"}, issued_on=ISSUED)
    assert {"decision_date", "service", "decision", "requested", "reason", "programs"} <= set(
        exc.value.extra["fields"]
    )
    with pytest.raises(UnknownNoticeKind):
        notice_issue(kind="postcard", member=member, context={}, issued_on=ISSUED)
    assert not Notice.objects.exists()
    assert not Document.objects.exists()
    assert not MailPiece.objects.exists()


@pytest.mark.django_db
def test_resend_by_rep_queues_new_piece(member, notice_vendor, rep_user):
    notice = notice_issue(kind="welcome", member=member, context=welcome_context(), issued_on=ISSUED)
    delivery = notice_resend(notice=notice, requested_by=rep_user, channel="mail", note="member lost it")
    assert delivery.reason == "resend"
    assert delivery.mail_piece.primary_document == notice.document
    assert delivery.mail_piece.requested_by == rep_user
    assert MailPiece.objects.filter(member=member).count() == 2
    assert AuditEvent.objects.filter(resource="notice", action="update", resource_id=str(notice.pk)).exists()


@pytest.mark.django_db
def test_electronic_resend_needs_consent(member, notice_vendor, rep_user):
    notice = notice_issue(kind="welcome", member=member, context=welcome_context(), issued_on=ISSUED)
    with pytest.raises(ResendNotAllowed):
        notice_resend(notice=notice, requested_by=rep_user, channel="electronic")
    member.electronic_consent_at = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    member.save()
    notice_resend(notice=notice, requested_by=rep_user, channel="electronic")
    notice.refresh_from_db()
    assert notice.electronic is True
    assert notice.member_viewed_at is None


def _pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


@pytest.mark.slow
@pytest.mark.django_db
def test_real_render_contains_member_both_plans_and_deadlines(
    member, pair, notice_vendor, coverage_decision_context, django_capture_on_commit_callbacks
):
    # when the decision letter is issued and the render task runs after commit
    with django_capture_on_commit_callbacks(execute=True):
        notice = notice_issue(
            kind="coverage_decision", member=member, context=coverage_decision_context, issued_on=ISSUED
        )
    document = Document.objects.get(pk=notice.document_id)
    assert document.status == DocumentStatus.READY
    data = storage_read(document.file_key)
    assert data.startswith(b"%PDF-")
    text = " ".join(_pdf_text(data).split())
    # then the PDF states the member, both plans and the appeal deadlines
    assert member.full_name in text
    assert pair.medicare_plan.name in text
    assert pair.medi_cal_plan.name in text
    assert "January 6, 2027" in text  # 2 Nov 2026 + 5 + 60 days
    assert "November 20, 2026" in text  # continuation: the later of +10 days and the effective date
    assert "OMB Approval 0938-1386" in text
    # and it is a tagged PDF in the letter's language (accessible electronic delivery)
    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"


@pytest.mark.slow
@pytest.mark.django_db
def test_large_print_render_never_below_18_pt(member, notice_vendor, django_capture_on_commit_callbacks):
    member.alternate_format = "large_print"
    member.written_language = "es"
    member.save()
    with django_capture_on_commit_callbacks(execute=True):
        notice = notice_issue(kind="welcome", member=member, context=welcome_context(), issued_on=ISSUED)
    data = storage_read(Document.objects.get(pk=notice.document_id).file_key)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        sizes = [round(ch["size"], 1) for page in pdf.pages for ch in page.chars]
        fonts = {ch["fontname"].split("+")[-1] for page in pdf.pages for ch in page.chars}
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert min(sizes) >= 18
    assert max(set(sizes), key=sizes.count) == 20
    assert "Liberation-Sans" in fonts  # Arial-metric body font
    assert "Bienvenido/a a" in text
