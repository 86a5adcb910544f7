"""Renderer registry keyed by document kind.

An app that owns a document kind registers its renderer once (in its AppConfig.ready()):

    from apps.documents import renderers
    renderers.register("notice_letter", render_notice, template_version="notice-2026.1")

`render_fn(document) -> engine.PdfResult` gets the Document row (its `content` JSON is everything the
renderer may use; never re-read live member data, or the bytes stop matching the content hash) and
returns the PDF bytes and page count. Raise `engine.TemplateError` (or any `memberhub.errors.DomainError`)
for template/data problems: the document fails fast with that code. Other exceptions that are
`OSError`s are treated as transient and retried.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from memberhub.errors import DomainError

if TYPE_CHECKING:
    from apps.documents.engine import PdfResult
    from apps.documents.models import Document

RenderFn = Callable[["Document"], "PdfResult"]


class UnknownDocumentKind(DomainError):
    code = "documents.unknown_kind"


@dataclass(frozen=True)
class Renderer:
    kind: str
    render: RenderFn
    template_version: str
    previews: bool = True
    eager_previews: bool = False  # make PNGs at render time instead of on first view
    # content keys left out of the content hash (e.g. the card's issue date: re-requesting the same
    # card on another day reuses the document instead of printing a new one)
    hash_exclude: frozenset[str] = field(default_factory=frozenset)


_REGISTRY: dict[str, Renderer] = {}


def register(
    kind: str,
    render_fn: RenderFn,
    *,
    template_version: str,
    previews: bool = True,
    eager_previews: bool = False,
    hash_exclude: frozenset[str] | set[str] = frozenset(),
) -> Renderer:
    renderer = Renderer(
        kind=kind,
        render=render_fn,
        template_version=template_version,
        previews=previews,
        eager_previews=eager_previews,
        hash_exclude=frozenset(hash_exclude),
    )
    _REGISTRY[kind] = renderer
    return renderer


def get(kind: str) -> Renderer:
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise UnknownDocumentKind(f"no renderer registered for document kind {kind!r}") from None


def kinds() -> list[str]:
    return sorted(_REGISTRY)
