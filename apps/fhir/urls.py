"""FHIR R4 Plan-Net endpoint (read-only, public) over the unified directory."""

from django.urls import URLPattern

app_name = "fhir"
urlpatterns: list[URLPattern] = []
