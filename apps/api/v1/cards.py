"""API v1: cards endpoints."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
