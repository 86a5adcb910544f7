"""Admin: loaded benefit catalogs and their entries, read-only (catalogs change only through load_benefits)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.benefits.models import BenefitCatalog, BenefitEntry


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BenefitEntryInline(ReadOnlyMixin, admin.TabularInline):
    model = BenefitEntry
    extra = 0
    fields = (
        "position", "category", "kind", "covered", "copay", "coinsurance_percent", "cost_per",
        "prior_authorization", "referral_required", "carve_out_program", "source_line",
    )  # fmt: skip
    readonly_fields = fields
    ordering = ["position"]


@admin.register(BenefitCatalog)
class BenefitCatalogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["plan", "plan_year", "program", "plan_name", "source_name", "updated_at"]
    list_filter = ["plan_year", "program"]
    search_fields = ["plan__code", "plan_name"]
    readonly_fields = [
        "plan", "plan_year", "program", "plan_name", "member_services", "layout_version",
        "source_name", "source_sha256", "import_run", "source_text",
    ]  # fmt: skip
    inlines = [BenefitEntryInline]
    list_select_related = ["plan"]
