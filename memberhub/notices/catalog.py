"""Translation catalogs: one per written language, message keys to text with ``{placeholders}``."""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from memberhub.notices.errors import NoticeTemplateError

ENGLISH = "en"

#: ISO 639-2/3 codes (and a few names) of California's threshold languages -> the codes catalogs use.
_LANGUAGE_ALIASES = {
    "eng": "en",
    "english": "en",
    "spa": "es",
    "spanish": "es",
    "chi": "zh",
    "zho": "zh",
    "yue": "zh",
    "cmn": "zh",
    "chinese": "zh",
    "vie": "vi",
    "tgl": "tl",
    "fil": "tl",
    "kor": "ko",
    "arm": "hy",
    "hye": "hy",
    "rus": "ru",
    "per": "fa",
    "fas": "fa",
    "pes": "fa",
    "ara": "ar",
    "khm": "km",
    "hmn": "hmn",
    "pan": "pa",
    "hin": "hi",
    "lao": "lo",
    "ium": "mien",
    "ukr": "uk",
}


def language_code_normalize(code: str | None) -> str:
    """A member's language value (ISO 639-1/-2/-3 code, BCP 47 tag such as ``es-MX``, or an English name)
    as the code catalogs and languages.yaml use; empty means English."""
    if not code:
        return ENGLISH
    base = code.strip().lower().replace("_", "-")
    if base in _LANGUAGE_ALIASES:
        return _LANGUAGE_ALIASES[base]
    base = base.split("-")[0]
    return _LANGUAGE_ALIASES.get(base, base)


@dataclass(frozen=True)
class Catalog:
    """Messages of one language. ``messages`` may be partial for the non-complete languages."""

    language: str
    name: str
    months: tuple[str, ...] = ()
    date_format: str = "{month} {day}, {year}"
    messages: Mapping[str, str] = field(default_factory=dict)

    def missing(self, keys: Iterable[str]) -> list[str]:
        return sorted({k for k in keys if k not in self.messages})

    def covers(self, keys: Iterable[str]) -> bool:
        return not self.missing(keys)

    def can_format_dates(self) -> bool:
        return len(self.months) == 12

    def format_date(self, value: date) -> str:
        if not self.can_format_dates():
            raise NoticeTemplateError(
                f"Catalog {self.language!r} has no month names", extra={"language": self.language}
            )
        return self.date_format.format(month=self.months[value.month - 1], day=value.day, year=value.year)

    def text(self, key: str, values: Mapping[str, object] | None = None) -> str:
        try:
            template = self.messages[key]
        except KeyError:
            raise NoticeTemplateError(
                f"Message {key!r} is missing from the {self.language!r} catalog",
                extra={"language": self.language, "key": key},
            ) from None
        return format_message(template, values or {}, key=key, language=self.language)


def message_placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def format_message(template: str, values: Mapping[str, object], *, key: str, language: str) -> str:
    """Fill ``{name}`` placeholders; an unknown placeholder is a template error naming the key."""
    missing = sorted(message_placeholders(template) - set(values))
    if missing:
        raise NoticeTemplateError(
            f"Message {key!r} ({language}) uses values that were not provided: {', '.join(missing)}",
            extra={"language": language, "key": key, "missing": missing},
        )
    try:
        return template.format_map(dict(values))
    except (ValueError, IndexError, AttributeError) as exc:
        raise NoticeTemplateError(
            f"Message {key!r} ({language}) is malformed: {exc}", extra={"language": language, "key": key}
        ) from exc
