"""Compliance view of the audit log (admins only)."""

from django.urls import path

from apps.console import audit_views as views

urlpatterns = [
    path("audit/", views.audit_compliance, name="audit-compliance"),
    path("audit/export.csv", views.audit_export, name="audit-export"),
]
