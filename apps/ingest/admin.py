from django.contrib import admin

from apps.ingest.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "plan", "source_name", "status", "progress_done", "progress_total")
    list_filter = ("kind", "status", "plan")
    search_fields = ("source_name", "source_sha256", "source_key")
    readonly_fields = tuple(f.name for f in ImportRun._meta.fields)
