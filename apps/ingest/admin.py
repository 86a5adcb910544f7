from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from apps.ingest.enrollment.services import import_834_create, import_834_enqueue, import_834_retry
from apps.ingest.models import EnrollmentWorkItem, ImportAcknowledgment, ImportRun
from apps.plans.models import Plan


class Import834Form(forms.Form):
    plan = forms.ModelChoiceField(queryset=Plan.objects.all(), to_field_name="code")
    file = forms.FileField(help_text="X12 834 (005010X220A1)")
    skip_invalid = forms.BooleanField(
        required=False, help_text="Apply the valid records, list the rejected ones"
    )
    terminate_absent = forms.BooleanField(
        required=False, help_text="Full file: end the enrollments of members absent from it"
    )


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "plan", "source_name", "status", "progress_done", "progress_total")
    list_filter = ("kind", "status", "plan")
    search_fields = ("source_name", "source_sha256", "source_key")
    readonly_fields = tuple(f.name for f in ImportRun._meta.fields)
    change_list_template = "admin/ingest/importrun/change_list.html"
    actions = ("retry_failed_834",)

    @admin.action(description="Retry the selected failed 834 imports")
    def retry_failed_834(self, request: HttpRequest, queryset: Any) -> None:
        retried = 0
        for run in queryset.filter(kind="834", status="failed"):
            with transaction.atomic():
                import_834_enqueue(run=import_834_retry(run=run))
            retried += 1
        messages.success(request, f"{retried} import run(s) queued again.")

    def get_urls(self) -> list[URLPattern]:
        custom = [
            path(
                "upload-834/",
                self.admin_site.admin_view(self.upload_834_view),
                name="ingest_importrun_upload_834",
            )
        ]
        return custom + super().get_urls()

    def upload_834_view(self, request: HttpRequest) -> HttpResponse:
        """Start an 834 import from the admin: the run executes on the `ingest` queue."""
        if not self.has_add_permission(request) and not getattr(request.user, "is_superuser", False):
            return redirect("admin:index")
        form = Import834Form(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            with transaction.atomic():
                run = import_834_create(
                    plan=form.cleaned_data["plan"],
                    source=upload,
                    name=upload.name,
                    created_by=request.user,
                    skip_invalid=form.cleaned_data["skip_invalid"],
                    terminate_absent=form.cleaned_data["terminate_absent"],
                )
                import_834_enqueue(run=run)
            messages.success(request, f"Import run {run.pk} queued.")
            return redirect(reverse("admin:ingest_importrun_change", args=[run.pk]))
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "title": "Upload an 834 enrollment file",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/ingest/importrun/upload_834.html", context)


@admin.register(ImportAcknowledgment)
class ImportAcknowledgmentAdmin(admin.ModelAdmin):
    list_display = ("created_at", "control_number", "status", "run")
    readonly_fields = tuple(f.name for f in ImportAcknowledgment._meta.fields)


@admin.register(EnrollmentWorkItem)
class EnrollmentWorkItemAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "status", "parent_organization", "member")
    list_filter = ("kind", "status", "parent_organization")
    raw_id_fields = ("member", "run", "resolved_by")
