"""API v1: benefits endpoints."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
