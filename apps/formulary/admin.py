"""Admin: read-only views of snapshots and reference data (imports go through import_formulary)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.formulary.models import Drug, FormularySnapshot, MediCalRxDrug, PartDFormularyEntry, UnifiedCoverage
from apps.formulary.services import formulary_snapshot_make_current


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FormularySnapshot)
class FormularySnapshotAdmin(ReadOnlyAdmin):
    list_display = (
        "source",
        "contract_year",
        "release_date",
        "effective_from",
        "is_current",
        "source_name",
        "created_at",
    )
    list_filter = ("source", "contract_year", "is_current")
    search_fields = ("source_name", "source_sha256")
    actions = ["make_current"]

    @admin.action(description="Make the selected snapshot current (one per source and year)")
    def make_current(self, request: HttpRequest, queryset: Any) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one snapshot.", level="error")
            return
        formulary_snapshot_make_current(snapshot=queryset.get())
        self.message_user(
            request, "Snapshot is now current; coverage rebuilds on the next import or rebuild."
        )


@admin.register(Drug)
class DrugAdmin(ReadOnlyAdmin):
    list_display = ("rxcui", "name", "tty", "is_brand", "is_placeholder")
    list_filter = ("tty", "is_brand", "is_placeholder")
    search_fields = ("rxcui", "name")


@admin.register(PartDFormularyEntry)
class PartDFormularyEntryAdmin(ReadOnlyAdmin):
    list_display = (
        "formulary_id",
        "rxcui",
        "ndc",
        "tier",
        "has_prior_authorization",
        "has_step_therapy",
        "snapshot",
    )
    list_filter = ("tier", "has_prior_authorization", "has_step_therapy")
    search_fields = ("rxcui", "ndc", "formulary_id")
    list_select_related = ("snapshot",)


@admin.register(MediCalRxDrug)
class MediCalRxDrugAdmin(ReadOnlyAdmin):
    list_display = ("drug_name", "strength", "dosage_form", "rxcui", "match_method", "cdl_part", "is_code_1")
    list_filter = ("cdl_part", "is_code_1", "match_method")
    search_fields = ("drug_name", "rxcui", "ndc")


@admin.register(UnifiedCoverage)
class UnifiedCoverageAdmin(ReadOnlyAdmin):
    list_display = ("pair", "drug", "status", "primary_payer", "tier")
    list_filter = ("status", "pair")
    search_fields = ("drug__rxcui", "drug__name")
    list_select_related = ("pair", "drug")
