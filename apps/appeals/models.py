"""Unified grievance and appeal cases (42 CFR 422.629-422.634): one case entity for every kind.

The clock fields are computed by memberhub.appeals from the effective-dated rule table; the rule key,
its citation and version are kept on the case so a later table change never rewrites history.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from apps.core.models import BaseModel
from memberhub.appeals import enums


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [(member.value, member.value.replace("_", " ").capitalize()) for member in enum]


class CaseKind(models.TextChoices):
    GRIEVANCE = enums.CaseKind.GRIEVANCE.value, "Grievance (complaint)"
    ORGANIZATION_DETERMINATION = (
        enums.CaseKind.ORGANIZATION_DETERMINATION.value,
        "Coverage request (organization determination)",
    )
    RECONSIDERATION = enums.CaseKind.RECONSIDERATION.value, "Appeal (integrated reconsideration)"


class Program(models.TextChoices):
    MEDICARE_A_B = enums.Program.MEDICARE_A_B.value, "Medicare Part A/B service"
    MEDI_CAL = enums.Program.MEDI_CAL.value, "Medi-Cal service"
    PART_B_DRUG = enums.Program.PART_B_DRUG.value, "Medicare Part B drug"
    PART_D = enums.Program.PART_D.value, "Medicare Part D drug (separate process)"


class Channel(models.TextChoices):
    PHONE = enums.Channel.PHONE.value, "Phone"
    MAIL = enums.Channel.MAIL.value, "Mail"
    FAX = enums.Channel.FAX.value, "Fax"
    WEB = enums.Channel.WEB.value, "Web"
    IN_PERSON = enums.Channel.IN_PERSON.value, "In person"


class Filer(models.TextChoices):
    MEMBER = enums.Filer.MEMBER.value, "Member"
    PROVIDER = enums.Filer.PROVIDER.value, "Provider"
    REPRESENTATIVE = enums.Filer.REPRESENTATIVE.value, "Authorized representative"


class Status(models.TextChoices):
    RECEIVED = enums.Status.RECEIVED.value, "Received"
    ACKNOWLEDGED = enums.Status.ACKNOWLEDGED.value, "Acknowledged"
    IN_REVIEW = enums.Status.IN_REVIEW.value, "In review"
    DECIDED = enums.Status.DECIDED.value, "Decided"
    NOTIFIED = enums.Status.NOTIFIED.value, "Member notified"
    CLOSED = enums.Status.CLOSED.value, "Closed"
    WITHDRAWN = enums.Status.WITHDRAWN.value, "Withdrawn"
    ROUTED_OUT = enums.Status.ROUTED_OUT.value, "Routed to Part D process"


class Priority(models.TextChoices):
    STANDARD = enums.Priority.STANDARD.value, "Standard"
    EXPEDITED = enums.Priority.EXPEDITED.value, "Expedited"


class Outcome(models.TextChoices):
    NONE = "", "Not decided"
    FAVORABLE = enums.Outcome.FAVORABLE.value, "Favorable"
    PARTIALLY_FAVORABLE = enums.Outcome.PARTIALLY_FAVORABLE.value, "Partially favorable"
    ADVERSE = enums.Outcome.ADVERSE.value, "Adverse"
    RESOLVED = enums.Outcome.RESOLVED.value, "Resolved"


class ActionType(models.TextChoices):
    NONE = "", "—"
    DENIAL = enums.ActionType.DENIAL.value, "Denial"
    REDUCTION = enums.ActionType.REDUCTION.value, "Reduction"
    SUSPENSION = enums.ActionType.SUSPENSION.value, "Suspension"
    TERMINATION = enums.ActionType.TERMINATION.value, "Termination"


class ClockState(models.TextChoices):
    ON_TRACK = enums.ClockState.ON_TRACK.value, "On track"
    AT_RISK = enums.ClockState.AT_RISK.value, "At risk"
    OVERDUE = enums.ClockState.OVERDUE.value, "Overdue"
    STOPPED = enums.ClockState.STOPPED.value, "Stopped"


class ExtensionRequester(models.TextChoices):
    MEMBER = enums.ExtensionRequester.MEMBER.value, "Member asked for more time"
    PLAN = enums.ExtensionRequester.PLAN.value, "Plan needs more information"


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.filter(status__in=[s.value for s in enums.OPEN_STATUSES])

    def for_member(self, member_id: uuid.UUID) -> CaseQuerySet:
        return self.filter(member_id=member_id)


class Case(BaseModel):
    number = models.CharField(max_length=24, unique=True, editable=False)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="appeal_cases")
    pair = models.ForeignKey(
        "plans.AlignedPlanPair", on_delete=models.PROTECT, null=True, blank=True, related_name="appeal_cases"
    )
    related_case = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up_cases",
        help_text="The coverage request an appeal is about",
    )
    kind = models.CharField(max_length=32, choices=CaseKind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    received_at = models.DateTimeField(help_text="First receipt anywhere in the organization")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    filer = models.CharField(max_length=16, choices=Filer.choices)
    representative_name = models.CharField(max_length=160, blank=True)
    representative_authorization_received_at = models.DateTimeField(null=True, blank=True)
    provider_npi = models.CharField(max_length=10, blank=True)
    programs = ArrayField(models.CharField(max_length=16, choices=Program.choices))
    routed_out_programs = ArrayField(
        models.CharField(max_length=16, choices=Program.choices), default=list, blank=True
    )
    routing_note = models.TextField(blank=True)
    service_description = models.CharField(max_length=300, help_text="The service, item or drug")
    description = models.TextField()
    is_written_request = models.BooleanField(default=False)

    expedited_requested = models.BooleanField(default=False)
    expedited_granted = models.BooleanField(default=False)
    expedite_refusal_reason = models.TextField(blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.STANDARD)

    # The clock (snapshot of the rule that applied at receipt).
    rule_key = models.CharField(max_length=64, blank=True)
    rule_citation = models.CharField(max_length=300, blank=True)
    rule_effective_from = models.DateField(null=True, blank=True)
    clock_started_at = models.DateTimeField(null=True, blank=True)
    original_due_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    extension_days = models.PositiveSmallIntegerField(default=0)
    acknowledgment_due_at = models.DateTimeField(null=True, blank=True)
    clock_state = models.CharField(
        max_length=10, choices=ClockState.choices, default=ClockState.ON_TRACK, db_index=True
    )
    clock_checked_at = models.DateTimeField(null=True, blank=True)

    # Filing window (reconsiderations): the date on the notice appealed, and a good-cause override.
    notice_date = models.DateField(null=True, blank=True)
    filing_last_day = models.DateField(null=True, blank=True)
    good_cause_reason = models.TextField(blank=True)

    # Continuation of benefits pending appeal.
    continuation_requested = models.BooleanField(default=False)
    action_type = models.CharField(max_length=16, choices=ActionType.choices, blank=True)
    is_previously_authorized = models.BooleanField(default=False)
    action_effective_date = models.DateField(null=True, blank=True)
    authorization_end_date = models.DateField(null=True, blank=True)
    is_ordered_by_authorized_provider = models.BooleanField(default=False)
    aid_paid_pending = models.BooleanField(
        default=False, help_text="Benefits continue while the appeal is pending"
    )
    continuation_refusals = ArrayField(models.CharField(max_length=48), default=list, blank=True)
    continuation_ends_on = models.DateField(null=True, blank=True)
    continuation_end_reason = models.CharField(max_length=32, blank=True)

    # Decision and what follows.
    outcome = models.CharField(max_length=24, choices=Outcome.choices, blank=True)
    decision_summary = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    forwarded_to_ire_at = models.DateTimeField(null=True, blank=True)
    state_hearing_last_day = models.DateField(null=True, blank=True)
    state_hearing_requested_on = models.DateField(null=True, blank=True)
    state_hearing_with_continuation = models.BooleanField(default=False)
    reconsideration_last_day = models.DateField(null=True, blank=True)
    effectuation_due_at = models.DateTimeField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "due_at"], name="appeals_case_status_due_idx")]
        constraints = [
            models.CheckConstraint(
                name="appeals_case_granted_needs_request",
                condition=Q(expedited_granted=False) | Q(expedited_requested=True),
            ),
            models.CheckConstraint(
                name="appeals_case_priority_matches_grant",
                condition=Q(priority="expedited", expedited_granted=True)
                | Q(priority="standard", expedited_granted=False),
            ),
            models.CheckConstraint(
                name="appeals_case_decided_has_outcome",
                condition=Q(decided_at__isnull=True) | ~Q(outcome=""),
            ),
            models.CheckConstraint(
                name="appeals_case_integrated_has_clock",
                condition=Q(status="routed_out") | Q(due_at__isnull=False),
            ),
            models.CheckConstraint(name="appeals_case_programs_not_empty", condition=Q(programs__len__gt=0)),
            models.CheckConstraint(
                name="appeals_case_extension_at_most_90_days",
                condition=Q(extension_days__lte=90),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in {s.value for s in enums.OPEN_STATUSES}

    @property
    def has_medicare_part(self) -> bool:
        return bool({enums.Program(p) for p in self.programs} & enums.MEDICARE_PROGRAMS)


class CaseEventKind(models.TextChoices):
    RECEIVED = "received", "Received"
    ROUTED_OUT = "routed_out", "Routed to Part D process"
    EXPEDITE_REFUSED = "expedite_refused", "Expedited handling refused"
    STATUS_CHANGED = "status_changed", "Status changed"
    EXTENDED = "extended", "Clock extended"
    DECIDED = "decided", "Decided"
    FORWARDED_TO_IRE = "forwarded_to_ire", "Forwarded to the independent review entity"
    STATE_HEARING_RIGHTS = "state_hearing_rights", "State Hearing rights given"
    STATE_HEARING_REQUESTED = "state_hearing_requested", "State Hearing requested"
    CONTINUATION = "continuation", "Continuation of benefits"
    LETTER_ISSUED = "letter_issued", "Letter issued"
    LETTER_FAILED = "letter_failed", "Letter could not be issued"
    ATTACHMENT_ADDED = "attachment_added", "Attachment added"
    AT_RISK = "at_risk", "At risk"
    OVERDUE = "overdue", "Overdue"


class CaseEvent(BaseModel):
    """The case timeline. Append-only by convention; every row is also an audit event."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=CaseEventKind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    note = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "created_at"]


class CaseExtension(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    days = models.PositiveSmallIntegerField()
    requested_by = models.CharField(max_length=8, choices=ExtensionRequester.choices)
    reason = models.TextField()
    previous_due_at = models.DateTimeField()
    new_due_at = models.DateTimeField()
    notice_id = models.UUIDField(null=True, blank=True, help_text="The extension notice (apps.notices)")
    notice_sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(name="appeals_extension_days_positive", condition=Q(days__gte=1))
        ]


class CaseLetter(BaseModel):
    """A letter issued through apps.notices for a step of the case."""

    class Kind(models.TextChoices):
        ACKNOWLEDGMENT = "acknowledgment", "Acknowledgment"
        FAST_COMPLAINT_RIGHTS = "fast_complaint_rights", "Right to make a fast complaint"
        EXTENSION = "extension", "Extension notice"
        DECISION = "decision", "Decision letter"
        ROUTED_OUT = "routed_out", "Part D referral"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    notice_id = models.UUIDField(null=True, blank=True)
    notice_kind = models.CharField(max_length=64, blank=True)
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "notice_id"], name="appeals_letter_unique_notice"
            ),
        ]


def _attachment_key(instance: CaseAttachment, filename: str) -> str:
    return f"appeals/{instance.case_id}/{instance.id}"


def _documents_storage() -> Any:
    from django.core.files.storage import storages

    return storages["documents"]


class CaseAttachment(BaseModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_key, storage=_documents_storage, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
