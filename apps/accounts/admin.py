from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from apps.accounts.models import OAuthScope, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "role", "parent_organization", "vendor", "is_active", "last_login")
    list_filter = ("role", "is_active", "parent_organization", "vendor")
    search_fields = ("username", "email", "first_name", "last_name", "member__member_id")
    raw_id_fields = ("member",)
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("memberhub role", {"fields": ("role", "member", "parent_organization", "vendor")}),
    )


@admin.register(OAuthScope)
class OAuthScopeAdmin(admin.ModelAdmin):
    list_display = ("name", "description", "is_default")
    search_fields = ("name",)
