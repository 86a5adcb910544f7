"""Plug-in points: member-page panels and work queues contributed by each area (see README.md)."""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe

from apps.console.queues import WorkQueue
from apps.members.models import Member

logger = logging.getLogger("apps.console.panels")

PANEL_AREAS = ("enrollment", "benefits", "cards", "directory", "formulary", "notices", "appeals")
QUEUE_AREAS = ("core", "enrollment", "cards", "directory", "formulary", "benefits", "notices", "appeals")


@dataclass(frozen=True)
class RenderedPanel:
    area: str
    html: SafeString
    failed: bool = False


def _area_module(area: str) -> ModuleType | None:
    name = f"apps.console.{area}_views"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise


def _error_box(area: str, what: str) -> SafeString:
    return render_to_string("console/core/panel_error.html", {"area": area, "what": what})


def member_panels(request: HttpRequest, member: Member) -> list[RenderedPanel]:
    """Each area's panel for `member`, in PANEL_AREAS order. A failing panel becomes an error box."""
    panels: list[RenderedPanel] = []
    for area in PANEL_AREAS:
        try:
            module = _area_module(area)
            provider = getattr(module, "member_panel", None) if module is not None else None
            if provider is not None:
                html = provider(request, member)
            else:
                template = f"console/{area}/member_panel.html"
                try:
                    get_template(template)
                except TemplateDoesNotExist:
                    continue
                html = render_to_string(
                    template, {"member": member, "request": request, "user": request.user}, request=request
                )
        except Exception:  # one area's bug must not take the member page down; it is logged and shown
            logger.exception("console panel %s failed for member %s", area, member.pk)
            panels.append(RenderedPanel(area=area, html=_error_box(area, "panel"), failed=True))
            continue
        if html:
            panels.append(RenderedPanel(area=area, html=mark_safe(str(html))))  # noqa: S308 (rendered templates)
    return panels


def work_queues(request: HttpRequest) -> tuple[list[WorkQueue], list[str]]:
    """All areas' work queues for the caller, and the areas whose provider failed."""
    queues: list[WorkQueue] = []
    failed: list[str] = []
    for area in QUEUE_AREAS:
        try:
            module = _area_module(area)
            provider: Any = getattr(module, "work_queues", None) if module is not None else None
            if provider is None:
                continue
            for queue in provider(request):
                queues.append(queue)
        except Exception:  # same rule as panels: log, show the failure, keep the page
            logger.exception("console work queues of %s failed", area)
            failed.append(area)
    return queues, failed
