from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from apps.core.models import BaseModel


class MailingVendor(BaseModel):
    """A print-and-mail vendor: which pairs and document kinds it prints. Vendor users belong to one."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    pairs = models.ManyToManyField("plans.AlignedPlanPair", related_name="mailing_vendors", blank=True)
    kinds = ArrayField(
        models.CharField(max_length=40), default=list, blank=True, help_text="Document kinds printed"
    )
    is_active = models.BooleanField(default=True)
    max_pieces_per_batch = models.PositiveIntegerField(default=500, help_text="Bound on one batch PDF")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class DocumentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class DocumentFormat(models.TextChoices):
    STANDARD = "standard", "Standard print"
    LARGE_PRINT = "large_print", "Large print"


class Document(BaseModel):
    """One rendered document (an ID card, a carrier letter, a notice letter).

    The row is unique on (member, kind, content_hash): the same content never produces two documents.
    `content` is the canonical, already-built content the renderer needs (the worker never rebuilds it
    from live data, so the bytes always match the hash)."""

    kind = models.CharField(max_length=40, db_index=True)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="documents")
    template_version = models.CharField(max_length=40)
    language = models.CharField(max_length=8, default="en")
    format = models.CharField(max_length=20, choices=DocumentFormat.choices, default=DocumentFormat.STANDARD)
    content_hash = models.CharField(max_length=64)
    content = models.JSONField()
    status = models.CharField(
        max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.PENDING, db_index=True
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error_code = models.CharField(max_length=80, blank=True)
    error_message = models.TextField(blank=True)
    file_key = models.CharField(max_length=300, blank=True)
    preview_keys = ArrayField(models.CharField(max_length=300), default=list, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    size_bytes = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    render_path = models.CharField(max_length=20, blank=True, help_text="fast (stamped) or full (WeasyPrint)")
    rendered_at = models.DateTimeField(null=True, blank=True)
    related = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="companions",
        help_text="For a card carrier letter: the card it carries",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "content_hash"], name="documents_document_unique_content"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ready") | (~models.Q(file_key="") & ~models.Q(sha256="")),
                name="documents_document_ready_has_file",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="failed") | ~models.Q(error_code=""),
                name="documents_document_failed_has_error",
            ),
        ]
        indexes = [models.Index(fields=["member", "kind", "-created_at"], name="documents_doc_member_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class PrintBatchStatus(models.TextChoices):
    BUILDING = "building", "Building"
    READY = "ready", "Ready for the vendor"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    FLAGGED = "flagged", "Count mismatch (flagged)"
    FAILED = "failed", "Failed"


class PrintBatch(BaseModel):
    vendor = models.ForeignKey(MailingVendor, on_delete=models.PROTECT, related_name="batches")
    code = models.CharField(max_length=60, unique=True)
    business_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=PrintBatchStatus.choices, default=PrintBatchStatus.BUILDING, db_index=True
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    file_key = models.CharField(max_length=300, blank=True)
    manifest_json_key = models.CharField(max_length=300, blank=True)
    manifest_csv_key = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    piece_count = models.PositiveIntegerField(default=0)
    page_count = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_count = models.PositiveIntegerField(null=True, blank=True)
    flag_reason = models.TextField(blank=True)
    error_code = models.CharField(max_length=80, blank=True)
    error_message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["ready", "acknowledged", "flagged"]) | ~models.Q(sha256=""),
                name="documents_printbatch_ready_has_sha",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class MailPieceStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    BATCHED = "batched", "In a print batch"
    ACKNOWLEDGED = "acknowledged", "Received by the vendor"
    RETURNED = "returned", "Returned mail"
    NO_VENDOR = "no_vendor", "No vendor prints this"


class MailPiece(BaseModel):
    """What one member receives for one mailing reason: documents printed one after another
    (a card mailing = carrier letter + card). Queued until a print batch takes it."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="mail_pieces")
    kind = models.CharField(max_length=40, help_text="Kind of the primary document")
    primary_document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="mail_pieces")
    document_ids = ArrayField(models.UUIDField(), help_text="Documents in print order")
    vendor = models.ForeignKey(
        MailingVendor, on_delete=models.PROTECT, null=True, blank=True, related_name="pieces"
    )
    status = models.CharField(
        max_length=20, choices=MailPieceStatus.choices, default=MailPieceStatus.QUEUED, db_index=True
    )
    mail_date = models.DateField()
    reason = models.CharField(max_length=40, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    batch = models.ForeignKey(
        PrintBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="pieces"
    )
    sequence = models.PositiveIntegerField(null=True, blank=True)
    piece_code = models.CharField(max_length=80, blank=True, db_index=True)
    envelope_code = models.CharField(max_length=80, blank=True)
    first_page = models.PositiveIntegerField(null=True, blank=True)
    last_page = models.PositiveIntegerField(null=True, blank=True)
    printed_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "sequence"], name="documents_mailpiece_unique_sequence"),
            models.CheckConstraint(
                condition=~models.Q(status__in=["batched", "acknowledged", "returned"])
                | models.Q(batch__isnull=False),
                name="documents_mailpiece_batched_has_batch",
            ),
        ]

    def __str__(self) -> str:
        return self.piece_code or str(self.pk)
