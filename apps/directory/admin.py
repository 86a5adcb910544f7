"""Directory admin: source rows (read-only), unified entries with filters, the quality report and an import form."""

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.files.storage import storages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from apps.directory.models import PlanDirectory, SourceEntry, SourceResource, UnifiedEntry
from apps.directory.selectors import directory_quality_report
from apps.directory.services import directory_import_start
from apps.directory.tasks import rebuild_directory_task
from apps.plans.models import AlignedPlanPair, Plan


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        return (
            [single(d, initial) for d in data] if isinstance(data, list | tuple) else [single(data, initial)]
        )


class DirectoryImportForm(forms.Form):
    plan = forms.ModelChoiceField(queryset=Plan.objects.order_by("code"), to_field_name="code")
    network = forms.CharField(required=False, help_text="keep only this Plan-Net network (Organization id)")
    skip_invalid = forms.BooleanField(
        required=False, help_text="apply the valid resources, list the rejected"
    )
    directory_files = MultipleFileField(
        help_text="Bundle JSON, NDJSON, resource JSON files, or the CSV layout"
    )


@admin.register(PlanDirectory)
class PlanDirectoryAdmin(ReadOnlyAdmin):
    list_display = ("plan", "entry_count", "applied_at", "network_id", "import_run")
    actions = ["rebuild_pairs"]

    @admin.action(description="Rebuild the unified directory of the pairs of these plans (ingest queue)")
    def rebuild_pairs(self, request: HttpRequest, queryset: Any) -> None:
        plans = [d.plan_id for d in queryset]
        pairs = AlignedPlanPair.objects.filter(medicare_plan__in=plans) | AlignedPlanPair.objects.filter(
            medi_cal_plan__in=plans
        )
        for pair in pairs.distinct():
            rebuild_directory_task.delay_on_commit(str(pair.pk))
        self.message_user(
            request, f"Rebuild scheduled for {pairs.distinct().count()} pair(s).", messages.SUCCESS
        )

    def get_urls(self) -> list[URLPattern]:
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="directory_import"),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_superuser and getattr(request.user, "role", "") != "admin":
            return HttpResponse(status=403)
        form = DirectoryImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            storage = storages["default"]
            stored = []
            folder = f"directory-imports/{uuid.uuid4()}"
            for upload in form.cleaned_data["directory_files"]:
                stored.append("storage:" + storage.save(f"{folder}/{upload.name.rsplit('/', 1)[-1]}", upload))
            with transaction.atomic():
                run = directory_import_start(
                    plan=form.cleaned_data["plan"],
                    paths=stored,
                    network_id=form.cleaned_data["network"],
                    skip_invalid=form.cleaned_data["skip_invalid"],
                    created_by=request.user,
                    source_name=", ".join(u.name for u in form.cleaned_data["directory_files"])[:500],
                )
            self.message_user(
                request, f"Import {run.pk} queued: follow its progress in Import runs.", messages.SUCCESS
            )
            return HttpResponseRedirect(reverse("admin:ingest_importrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Import a plan's directory",
        }
        return TemplateResponse(request, "admin/directory/import.html", context)


@admin.register(SourceEntry)
class SourceEntryAdmin(ReadOnlyAdmin):
    list_display = ("name", "plan", "provider_type", "npi", "npi_valid", "address_key", "last_updated")
    list_filter = ("plan", "provider_type", "npi_valid")
    search_fields = ("name", "npi", "identity", "address_key")
    list_select_related = ("plan",)
    show_full_result_count = False


@admin.register(SourceResource)
class SourceResourceAdmin(ReadOnlyAdmin):
    list_display = ("resource_type", "resource_id", "plan", "last_updated")
    list_filter = ("plan", "resource_type")
    search_fields = ("resource_id",)


@admin.register(UnifiedEntry)
class UnifiedEntryAdmin(ReadOnlyAdmin):
    list_display = ("name", "pair", "provider_type", "network", "accepting_new_patients", "needs_review",
                    "npi", "npi_valid", "postal_code", "geo_source")  # fmt: skip
    list_filter = ("pair", "provider_type", "needs_review", "npi_valid", "in_medicare", "in_medi_cal", "geo_source",
                   "accepting_new_patients")  # fmt: skip
    search_fields = ("name", "npi", "postal_code")
    list_select_related = ("pair",)
    show_full_result_count = False

    def get_urls(self) -> list[URLPattern]:
        return [
            path("quality/", self.admin_site.admin_view(self.quality_view), name="directory_quality"),
            *super().get_urls(),
        ]

    def quality_view(self, request: HttpRequest) -> HttpResponse:
        pairs = AlignedPlanPair.objects.select_related("medicare_plan", "medi_cal_plan").order_by("code")
        code = request.GET.get("pair") or (pairs[0].code if pairs else "")
        pair = next((p for p in pairs if p.code == code), None)
        context = {
            **self.admin_site.each_context(request),
            "title": "Directory quality report",
            "pairs": pairs,
            "pair": pair,
            "report": directory_quality_report(pair=pair) if pair else None,
        }
        return TemplateResponse(request, "admin/directory/quality.html", context)
