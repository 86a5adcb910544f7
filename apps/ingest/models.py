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
