"""API v1: appeals endpoints."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
