"""FHIR R4 Plan-Net endpoint (read-only, public) over the unified directory."""

from django.urls import path

from apps.fhir import views

app_name = "fhir"
urlpatterns = [
    path("metadata", views.metadata, name="metadata"),
    path("<str:resource_type>", views.search, name="search"),
    path("<str:resource_type>/<str:resource_id>", views.read, name="read"),
    path("<str:resource_type>/<str:resource_id>/_history/<str:version_id>", views.vread, name="vread"),
]
