"""Errors raised by the pure notices core.

Each error carries a dotted ``code``, a human ``message`` and ``extra`` details (never PHI), so the
API layer can answer with the project's one error shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from memberhub.errors import DomainError


class NoticeError(DomainError):
    """Base class for notice domain errors."""

    code = "notices.error"

    def __init__(self, message: str, *, code: str | None = None, extra: Mapping[str, Any] | None = None):
        super().__init__(message, code=code, **dict(extra or {}))


class NoticeConfigError(NoticeError):
    """A configuration file (template, catalog, rules) is missing or malformed: names file and key."""

    code = "notices.config_invalid"


class NoticeContextError(NoticeError):
    """The context given for a notice kind is incomplete or malformed; ``extra['fields']`` names them."""

    code = "notices.context_invalid"
    http_status = 400


class NoticeTemplateError(NoticeError):
    """No template version is in effect, or a template references a value that does not exist."""

    code = "notices.template_invalid"


class UnknownNoticeKind(NoticeError):
    code = "notices.unknown_kind"


class ManifestError(NoticeError):
    """An external notices manifest is unreadable as a whole (not a per-file problem)."""

    code = "notices.manifest_invalid"
