"""API v1: directory endpoints."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
