from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from apps.documents.models import Document, MailingVendor, MailPiece, PrintBatch


@admin.register(MailingVendor)
class MailingVendorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "is_active", "max_pieces_per_batch")
    search_fields = ("code", "name")
    filter_horizontal = ("pairs",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rendered artefacts are written by the pipeline only."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "kind",
        "member",
        "status",
        "format",
        "language",
        "page_count",
        "render_path",
        "rendered_at",
    )
    list_filter = ("kind", "status", "format", "language", "render_path")
    search_fields = ("member__member_id", "id")
    raw_id_fields = ("member", "related")
    readonly_fields = ("preview",)
    exclude = ("content",)

    @admin.display(description="Card picture")
    def preview(self, obj: Document) -> str:
        if obj.kind != "id_card" or obj.status != "ready":
            return "-"
        front = f"/console/members/{obj.member_id}/cards/{obj.pk}/front.png"
        back = f"/console/members/{obj.member_id}/cards/{obj.pk}/back.png"
        return format_html(
            '<img src="{}" width="337" alt="front"> <img src="{}" width="337" alt="back">', front, back
        )


@admin.register(MailPiece)
class MailPieceAdmin(ReadOnlyAdmin):
    list_display = (
        "piece_code",
        "kind",
        "member",
        "vendor",
        "status",
        "mail_date",
        "batch",
        "printed_at",
        "returned_at",
    )
    list_filter = ("status", "kind", "vendor")
    search_fields = ("piece_code", "member__member_id")
    raw_id_fields = ("member", "primary_document", "batch")


@admin.register(PrintBatch)
class PrintBatchAdmin(ReadOnlyAdmin):
    list_display = ("code", "vendor", "business_date", "status", "piece_count", "page_count", "sha256")
    list_filter = ("status", "vendor")
    search_fields = ("code",)
