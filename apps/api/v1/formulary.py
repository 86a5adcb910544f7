"""API v1: formulary endpoints."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
