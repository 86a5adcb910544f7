from django.conf import settings
from django.db import models

from apps.core.models import BaseModel


class ImportKind(models.TextChoices):
    ENROLLMENT_834 = "834", "X12 834 enrollment"
    DIRECTORY = "directory", "Provider directory (Plan-Net / CSV)"
    FORMULARY = "formulary", "Formulary (Part D / Medi-Cal Rx / RxNorm)"
    NOTICES = "notices", "External notices"
    BENEFITS = "benefits", "Benefit catalog"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    SUCCEEDED_WITH_ERRORS = "succeeded_with_errors", "Applied, with rejected records"
    FAILED = "failed", "Failed (nothing applied)"
    DUPLICATE = "duplicate", "Already imported (no-op)"


class ImportRun(BaseModel):
    """One import of one file (or drop): status, progress, counts and readable errors with positions."""

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.PROTECT, null=True, blank=True, related_name="import_runs"
    )
    status = models.CharField(max_length=30, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    source_name = models.CharField(max_length=500, help_text="File name or path as given")
    source_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    source_key = models.CharField(max_length=200, blank=True, help_text="e.g. interchange control number")
    options = models.JSONField(default=dict, blank=True)
    progress_done = models.PositiveBigIntegerField(default=0)
    progress_total = models.PositiveBigIntegerField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(
        default=list, blank=True, help_text="[{file, line, segment, field, code, message}]"
    )
    warnings = models.JSONField(default=list, blank=True)
    result = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "plan", "source_sha256"], name="importrun_kind_plan_sha_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_name} [{self.status}]"


class AckStatus(models.TextChoices):
    ACCEPTED = "A", "Accepted"
    ACCEPTED_WITH_ERRORS = "E", "Accepted with errors"
    PARTIALLY_ACCEPTED = "P", "Partially accepted"
    REJECTED = "R", "Rejected"


class ImportAcknowledgment(BaseModel):
    """The X12 999 generated for an 834 import run (one per run), as the trading partner receives it."""

    run = models.OneToOneField(ImportRun, on_delete=models.CASCADE, related_name="acknowledgment")
    control_number = models.CharField(max_length=9, unique=True)
    status = models.CharField(max_length=1, choices=AckStatus.choices)
    text = models.TextField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"999 {self.control_number} [{self.status}]"


class WorkItemKind(models.TextChoices):
    BECAME_MISALIGNED = "became_misaligned", "Became misaligned"
    LOST_MEDICARE = "lost_medicare", "Lost Medicare (D-SNP) coverage"
    LOST_MEDI_CAL = "lost_medi_cal", "Lost Medi-Cal plan coverage"
    LOST_COVERAGE = "lost_coverage", "Lost both coverages"
    ABSENT_FROM_FULL_FILE = "absent_from_full_file", "Missing from a full (audit) file"


class WorkItemStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class EnrollmentWorkItem(BaseModel):
    """A member an enrollment import left misaligned or without one side of coverage: reps follow up."""

    member = models.ForeignKey(
        "members.Member", on_delete=models.CASCADE, related_name="enrollment_work_items"
    )
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="work_items")
    parent_organization = models.ForeignKey(
        "plans.ParentOrganization", on_delete=models.PROTECT, related_name="enrollment_work_items"
    )
    kind = models.CharField(max_length=30, choices=WorkItemKind.choices)
    status = models.CharField(max_length=10, choices=WorkItemStatus.choices, default=WorkItemStatus.OPEN)
    alignment_before = models.CharField(max_length=30, blank=True)
    alignment_after = models.CharField(max_length=30, blank=True)
    reason = models.CharField(max_length=300, blank=True, help_text="Plan codes only, no PHI")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["parent_organization", "status", "kind"], name="workitem_org_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind"],
                condition=models.Q(status="open"),
                name="workitem_one_open_per_member_kind",
            ),
            models.CheckConstraint(
                name="workitem_resolved_has_time",
                condition=~models.Q(status="resolved") | models.Q(resolved_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.member_id} [{self.status}]"
