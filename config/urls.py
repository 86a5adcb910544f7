from django.contrib import admin
from django.urls import include, path

from apps.core.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/", include("apps.api.urls")),
    path("o/", include("apps.api.oauth_urls", namespace="oauth2_provider")),
    path("fhir/", include("apps.fhir.urls", namespace="fhir")),
    path("console/", include("apps.console.urls", namespace="console")),
]
