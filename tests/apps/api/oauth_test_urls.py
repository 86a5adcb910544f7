"""URLconf used by test_oauth_urls.py: the project's OAuth endpoints as apps/api/oauth_urls.py defines them."""

from django.urls import include, path

urlpatterns = [
    path("o/", include("apps.api.oauth_urls", namespace="oauth2_provider")),
    path("console/", include("apps.console.urls", namespace="console")),
]
