"""API v1: each area contributes its own module's `urlpatterns`."""

from django.urls import include, path

app_name = "v1"

urlpatterns = [
    path("", include("apps.api.v1.me")),
    path("", include("apps.api.v1.imports")),
    path("", include("apps.api.v1.directory")),
    path("", include("apps.api.v1.formulary")),
    path("", include("apps.api.v1.benefits")),
    path("", include("apps.api.v1.cards")),
    path("", include("apps.api.v1.print_batches")),
    path("", include("apps.api.v1.notices")),
    path("", include("apps.api.v1.appeals")),
]
