"""API v1: print_batches endpoints."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
