from django.contrib import admin

from apps.cards.models import CardRequest


@admin.register(CardRequest)
class CardRequestAdmin(admin.ModelAdmin):
    list_display = ("id", "member", "reason", "document", "mail_piece", "created_document", "created_at")
    list_filter = ("reason", "created_document")
    search_fields = ("member__member_id",)
    raw_id_fields = ("member", "document", "carrier", "mail_piece", "requested_by")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
