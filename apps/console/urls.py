"""Rep console: each area contributes apps/console/<area>_urls.py (urlpatterns) for its pages."""

import importlib

from django.urls import URLPattern, URLResolver, include, path

app_name = "console"

AREAS = (
    "core",
    "enrollment",
    "directory",
    "formulary",
    "benefits",
    "cards",
    "notices",
    "appeals",
    "audit",
    "accounts",
)

urlpatterns: list[URLPattern | URLResolver] = []
for _area in AREAS:
    try:
        importlib.import_module(f"apps.console.{_area}_urls")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"apps.console.{_area}_urls":
            raise  # a real import error inside the area's module must not hide its pages
        continue
    urlpatterns.append(path("", include(f"apps.console.{_area}_urls")))
