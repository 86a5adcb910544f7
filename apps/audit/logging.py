"""No PHI in logs: a filter on every handler masks PHI-shaped values (MBI, CIN, SSN, dates of birth) in
the message, its arguments, exception tracebacks and stack info. Request logs carry ids (request id,
user id, UUID paths), never names: see RequestLogMiddleware."""

from __future__ import annotations

import logging
import re
import time
import traceback
from collections.abc import Callable
from typing import Any

_MBI_LETTER = "AC-HJKMNP-RT-Y"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # MBI (11 chars, CMS alphabet), with or without display dashes, any case.
    (
        re.compile(
            rf"(?<![A-Za-z0-9])[1-9][{_MBI_LETTER}][{_MBI_LETTER}0-9][0-9]-?[{_MBI_LETTER}][{_MBI_LETTER}0-9][0-9]-?"
            rf"[{_MBI_LETTER}]{{2}}[0-9]{{2}}(?![A-Za-z0-9])",
            re.IGNORECASE,
        ),
        "[MBI]",
    ),
    # SSN-shaped: 123-45-6789, 123 45 6789
    (re.compile(r"(?<!\d)\d{3}[- ]\d{2}[- ]\d{4}(?!\d)"), "[SSN]"),
    # Medi-Cal BIC id (CIN + check digit + 4-digit issue date) and CIN (8 digits and a letter)
    (re.compile(r"(?<![A-Za-z0-9])\d{8}[A-Za-z]\d{5}(?![A-Za-z0-9])"), "[CIN]"),
    (re.compile(r"(?<![A-Za-z0-9])\d{8}[A-Za-z](?![A-Za-z0-9])"), "[CIN]"),
    # bare 9-digit SSN-like numbers
    (re.compile(r"(?<![\w.-])\d{9}(?![\w.-])"), "[SSN]"),
    # dates that may be a date of birth: 1950-06-15, 06/15/1950, 6-15-1950, 19500615
    (re.compile(r"(?<!\d)(?:18|19|20)\d{2}-\d{1,2}-\d{1,2}(?!\d)"), "[DATE]"),
    (re.compile(r"(?<!\d)\d{1,2}[/-]\d{1,2}[/-](?:18|19|20)\d{2}(?!\d)"), "[DATE]"),
    (re.compile(r"(?<!\d)(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)"), "[DATE]"),
)


def mask_phi(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class MaskPhiFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        masked = mask_phi(message)
        if masked != message or record.args:
            record.msg = masked
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = mask_phi(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_phi(record.stack_info)
        return True


request_logger = logging.getLogger("memberhub.request")


class RequestLogMiddleware:
    """One line per request with ids only: method, path (UUIDs, never names), status, duration, user id and
    role, request id. Query strings are not logged (they may carry search terms)."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        is_user = user is not None and getattr(user, "is_authenticated", False)
        request_logger.info(
            "%s %s %s %.1fms user=%s role=%s",
            request.method,
            request.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
            getattr(user, "pk", "-") if is_user else "-",
            getattr(user, "role", "-") if is_user else "anonymous",
        )
        return response
