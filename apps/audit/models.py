from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    VIEW = "view", "View"
    SEARCH = "search", "Search"
    CREATE = "create", "Create"
    UPDATE = "update", "Update"
    DELETE = "delete", "Delete"
    EXPORT = "export", "Export"
    DOWNLOAD = "download", "Download"
    LOGIN = "login", "Log in"


class AuditEvent(models.Model):
    """Append-only record of a read or write of member data. The database refuses UPDATE and DELETE."""

    id = models.BigAutoField(primary_key=True)
    # indexed with the member or the actor (the compliance view always filters by one of them), so each
    # insert maintains three indexes: pk, (member_id, occurred_at), (actor_id, occurred_at)
    occurred_at = models.DateTimeField(default=timezone.now)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=10, blank=True)
    # indexed through (member_id, occurred_at) below: one index less to maintain on every insert
    member_id = models.UUIDField(null=True, blank=True, help_text="members.Member pk (not the MBI)")
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    resource = models.CharField(max_length=80, help_text="e.g. member.summary, card.pdf, case")
    resource_id = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=20, blank=True, help_text="api, console, admin, task, command")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    params = models.JSONField(default=dict, blank=True, help_text="Ids and enums only, never PHI")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["member_id", "occurred_at"], name="audit_member_time_idx"),
            models.Index(fields=["actor_id", "occurred_at"], name="audit_actor_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.resource}"
