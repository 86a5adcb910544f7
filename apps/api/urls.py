from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.api.views import api_not_found

urlpatterns = [
    path("v1/", include("apps.api.v1.urls", namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # split view: the Swagger init script is a separate response, so CSP script-src 'self' holds
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # anything else under /api/ answers the one error shape, not Django's HTML 404 page
    re_path(r"^.*$", api_not_found, name="api-not-found"),
]
