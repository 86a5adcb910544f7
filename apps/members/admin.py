from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from apps.audit.services import audit_record
from apps.members.models import CareCoordinatorAssignment, Enrollment, Member, PcpAssignment


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    fields = ("plan", "start_date", "end_date", "subscriber_id", "source")
    autocomplete_fields = ("plan",)


class PcpInline(admin.TabularInline):
    model = PcpAssignment
    extra = 0


class CoordinatorInline(admin.TabularInline):
    model = CareCoordinatorAssignment
    extra = 0


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = (
        "member_id",
        "last_name",
        "first_name",
        "date_of_birth",
        "county_fips",
        "written_language",
    )
    search_fields = (
        "member_id",
        "last_name",
        "first_name",
        "=mbi",
        "=medi_cal_cin",
        "enrollments__subscriber_id",
    )
    list_filter = ("dual_status", "written_language", "alternate_format", "needs_address_check")
    inlines = (EnrollmentInline, PcpInline, CoordinatorInline)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        if getattr(response, "status_code", 500) == 200:
            audit_record(
                actor=request.user,
                action="view",
                resource="member.admin",
                member_id=object_id,
                request=request,
                channel="admin",
            )
        return response

    def save_model(self, request: HttpRequest, obj: Member, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="update" if change else "create",
            resource="member.admin",
            member_id=obj.pk,
            request=request,
            channel="admin",
        )


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ("member", "plan", "start_date", "end_date", "source")
    list_filter = ("source", "plan")
    search_fields = ("member__member_id", "member__last_name", "subscriber_id", "plan__code")
    raw_id_fields = ("member",)


@admin.register(PcpAssignment)
class PcpAssignmentAdmin(admin.ModelAdmin):
    list_display = ("member", "name", "npi", "medical_group", "start_date", "end_date")
    search_fields = ("member__member_id", "member__last_name", "=npi", "name", "medical_group")
    raw_id_fields = ("member",)


@admin.register(CareCoordinatorAssignment)
class CareCoordinatorAssignmentAdmin(admin.ModelAdmin):
    list_display = ("member", "name", "phone", "start_date", "end_date")
    search_fields = ("member__member_id", "member__last_name", "name")
    raw_id_fields = ("member",)
