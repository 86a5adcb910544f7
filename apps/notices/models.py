"""Notices: every letter a member was sent, memberhub's own and the plans' (external), with its deliveries."""

from django.conf import settings
from django.db import models

from apps.core.models import BaseModel
from memberhub.notices.kinds import NoticeKind


class NoticeSource(models.TextChoices):
    MEMBERHUB = "memberhub", "memberhub (integrated)"
    EXTERNAL = "external", "Plan system (imported)"


class NoticeKindChoices(models.TextChoices):
    WELCOME = NoticeKind.WELCOME.value, "Welcome to your aligned plan"
    ANNUAL_NOTICE_OF_CHANGES = NoticeKind.ANNUAL_NOTICE_OF_CHANGES.value, "Annual notice of changes"
    COVERAGE_DECISION = NoticeKind.COVERAGE_DECISION.value, "Coverage decision letter"
    APPEAL_ACKNOWLEDGMENT = NoticeKind.APPEAL_ACKNOWLEDGMENT.value, "Appeal/grievance acknowledgment"
    APPEAL_DECISION = NoticeKind.APPEAL_DECISION.value, "Appeal decision letter"
    GRIEVANCE_RESOLUTION = NoticeKind.GRIEVANCE_RESOLUTION.value, "Grievance resolution letter"
    EXTENSION = NoticeKind.EXTENSION.value, "Extension notice"
    PCP_CHANGE_CONFIRMATION = NoticeKind.PCP_CHANGE_CONFIRMATION.value, "PCP change confirmation"
    CARD_MAILED = NoticeKind.CARD_MAILED.value, "Card mailed"
    MISALIGNMENT_OUTREACH = NoticeKind.MISALIGNMENT_OUTREACH.value, "Misalignment outreach"
    EXPEDITE_REFUSED = NoticeKind.EXPEDITE_REFUSED.value, "Right to make a fast complaint (expedite refused)"
    PART_D_ROUTED_OUT = NoticeKind.PART_D_ROUTED_OUT.value, "Part D request sent to the Part D process"


class Notice(BaseModel):
    """One notice for one member. memberhub's own notices are unique per (member, kind, context_key):
    the same context never produces two notices. External notices are unique on their file checksum."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="notices")
    source = models.CharField(max_length=20, choices=NoticeSource.choices, default=NoticeSource.MEMBERHUB)
    kind = models.CharField(max_length=60, help_text="A notice kind, or an external kind code")
    context_key = models.CharField(
        max_length=200, help_text="Identity within member+kind (ids, dates; no PHI)"
    )
    context = models.JSONField(default=dict, blank=True, help_text="The caller's context (to render again)")
    plan = models.ForeignKey(
        "plans.Plan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Issuing plan",
    )
    pair = models.ForeignKey(
        "plans.AlignedPlanPair", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    issued_on = models.DateField()
    due_on = models.DateField(null=True, blank=True, db_index=True)
    language = models.CharField(max_length=8, default="en")
    requested_language = models.CharField(max_length=8, default="en")
    format = models.CharField(max_length=20, default="standard")
    alternate_format = models.CharField(max_length=20, blank=True)
    template_version = models.PositiveIntegerField(null=True, blank=True)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="notices"
    )
    vendor_export_key = models.CharField(
        max_length=300, blank=True, help_text="Data export for braille/audio vendors (storage key)"
    )
    by_mail = models.BooleanField(default=True)
    electronic = models.BooleanField(default=False)
    route_reason = models.CharField(max_length=40, blank=True)
    must_mail = models.BooleanField(default=False, help_text="External: the plan says it must be mailed")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    import_run_id = models.UUIDField(null=True, blank=True)
    member_viewed_at = models.DateTimeField(null=True, blank=True, help_text="First opened in the app")

    class Meta:
        ordering = ["-issued_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind", "context_key"], name="notices_notice_one_per_context"
            ),
            models.UniqueConstraint(
                fields=["context_key"],
                condition=models.Q(source="external"),
                name="notices_notice_external_unique_checksum",
            ),
            models.CheckConstraint(
                condition=models.Q(by_mail=True) | models.Q(electronic=True),
                name="notices_notice_has_channel",
            ),
        ]
        indexes = [models.Index(fields=["member", "-issued_on"], name="notices_member_issued")]
        permissions = [
            ("resend_notice", "Can re-send a member's notice"),
            ("view_late_risk", "Can view the notices late-risk report"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class DeliveryChannelChoices(models.TextChoices):
    MAIL = "mail", "Mail"
    ELECTRONIC = "electronic", "Electronic"


class DeliveryReason(models.TextChoices):
    INITIAL = "initial", "Initial"
    RESEND = "resend", "Re-sent by a rep"


class NoticeDelivery(BaseModel):
    """One sending of a notice through one channel (the first one, and each re-send)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=20, choices=DeliveryChannelChoices.choices)
    reason = models.CharField(max_length=20, choices=DeliveryReason.choices, default=DeliveryReason.INITIAL)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mail_piece = models.ForeignKey(
        "documents.MailPiece",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notice_deliveries",
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(channel="mail") | models.Q(mail_piece__isnull=False),
                name="notices_delivery_mail_has_piece",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.reason} {self.pk}"
