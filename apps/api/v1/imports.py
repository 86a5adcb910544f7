"""API v1: imports endpoints."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
