from django.contrib import admin

from apps.plans.models import AlignedPlanPair, ParentOrganization, Plan


@admin.register(ParentOrganization)
class ParentOrganizationAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "kind",
        "name",
        "parent",
        "contract_id",
        "pbp_id",
        "dhcs_plan_code",
        "formulary_id",
    )
    list_filter = ("kind", "parent")
    search_fields = ("code", "name", "contract_id", "dhcs_plan_code", "formulary_id")


@admin.register(AlignedPlanPair)
class AlignedPlanPairAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "plan_year", "medicare_plan", "medi_cal_plan", "parent")
    list_filter = ("plan_year", "parent")
    search_fields = ("code", "name", "medicare_plan__code", "medi_cal_plan__code")
    autocomplete_fields = ("medicare_plan", "medi_cal_plan")
