"""API v1: me endpoints."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
