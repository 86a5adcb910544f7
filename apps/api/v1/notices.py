"""API v1: notices endpoints."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
