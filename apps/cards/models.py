from django.conf import settings
from django.db import models

from apps.core.models import BaseModel


class CardRequestReason(models.TextChoices):
    NEW_ENROLLMENT = "new_enrollment", "New aligned enrollment"
    PCP_CHANGE = "pcp_change", "PCP change"
    PLAN_YEAR = "plan_year", "New plan year"
    PAIR_PHONES = "pair_phones", "Plan phone numbers changed"
    PHARMACY_NUMBERS = "pharmacy_numbers", "Pharmacy numbers changed"
    CONTENT_CHANGE = "content_change", "Card content changed"
    REPLACEMENT_MEMBER = "replacement_member", "Replacement requested by the member"
    REPLACEMENT_REP = "replacement_rep", "Replacement requested by a rep"
    DEMO = "demo", "Demo data"


class CardRequest(BaseModel):
    """One request for a card: which document it resolved to (shared when the content is the same)
    and the mail piece it produced (None when nothing needs mailing, e.g. a repeated request)."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="card_requests")
    reason = models.CharField(max_length=30, choices=CardRequestReason.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="card_requests")
    carrier = models.ForeignKey(
        "documents.Document", on_delete=models.PROTECT, null=True, blank=True, related_name="carrier_requests"
    )
    mail_piece = models.ForeignKey(
        "documents.MailPiece", on_delete=models.PROTECT, null=True, blank=True, related_name="card_requests"
    )
    created_document = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("reissue_card", "Can reissue a member's ID card")]

    def __str__(self) -> str:
        return f"{self.reason} {self.pk}"
