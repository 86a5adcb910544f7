"""OAuth app registration (admins only)."""

from django.urls import path

from apps.console import accounts_views as views

urlpatterns = [
    path("oauth-apps/", views.oauth_apps, name="accounts-oauth-apps"),
]
