"""Logging filter that masks PHI-shaped values (MBI, CIN, SSN, dates of birth) in every log record."""

import logging
import re

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # MBI (11 chars, CMS alphabet), with or without display dashes.
    (
        re.compile(
            r"\b[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9]-?[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9][0-9]-?[AC-HJKMNP-RT-Y]{2}[0-9]{2}\b",
            re.IGNORECASE,
        ),
        "[MBI]",
    ),
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "[SSN]"),
    (re.compile(r"\b\d{8}[A-Z]\b"), "[CIN]"),
    (re.compile(r"\b(19|20)\d{2}-\d{2}-\d{2}\b"), "[DATE]"),
    (re.compile(r"\b\d{1,2}/\d{1,2}/(19|20)\d{2}\b"), "[DATE]"),
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
            return True
        masked = mask_phi(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True
