from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only; looking at the audit log here is itself audited (like the console's compliance view)."""

    list_display = (
        "occurred_at",
        "actor_username",
        "actor_role",
        "action",
        "resource",
        "member_id",
        "channel",
    )
    list_filter = ("action", "actor_role", "channel")
    ordering = ("-id",)  # ids grow with time; the pk index serves the newest-first list
    show_full_result_count = False  # no COUNT(*) over the whole log
    search_fields = ("=member_id", "actor_username", "resource", "request_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        response = super().changelist_view(request, extra_context)
        if getattr(response, "status_code", 500) == 200:
            audit_record(
                actor=request.user,
                action="view",
                resource="audit.events",
                request=request,
                channel="admin",
                query=bool(request.GET.get("q")),
            )
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        if getattr(response, "status_code", 500) == 200:
            audit_record(
                actor=request.user,
                action="view",
                resource="audit.events",
                resource_id=object_id,
                request=request,
                channel="admin",
            )
        return response
