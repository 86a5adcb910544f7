from django.contrib import admin

from apps.documents.models import MailingVendor


@admin.register(MailingVendor)
class MailingVendorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "is_active")
    search_fields = ("code", "name")
    filter_horizontal = ("pairs",)
