"""Notice renderer for the documents pipeline: NoticeContent (the document's `content`) -> tagged PDF.

Every notice PDF is written as PDF/UA-1 (tagged, with language and title), so the same file serves
mail and electronic delivery accessibly. Font sizes come from the content's format: standard 12 pt,
large print 20 pt (never below 18 pt), in an Arial-metric font (Liberation Sans) with the project's
Noto faces as per-script fallbacks for the language insert.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from apps.documents import engine

if TYPE_CHECKING:
    from apps.documents.models import Document

NOTICE_TEMPLATE = "notices/letter.html"
NOTICE_STYLESHEET = "notices/letter.css"
RENDERER_VERSION = "notice-html-1"
_REQUIRED = ("title", "language", "blocks", "insert", "font_size_pt", "heading_size_pt", "font_family")
_SAFE_FAMILY = re.compile(r"^[A-Za-z0-9 \-]+$")


def notice_format_css(content: dict[str, Any]) -> str:
    size = float(content["font_size_pt"])
    heading = float(content["heading_size_pt"])
    families = [f for f in content["font_family"] if isinstance(f, str) and _SAFE_FAMILY.match(f)]
    stack = ", ".join([*(f'"{f}"' for f in families), engine.FONT_STACK])
    return (
        f"html {{ font-family: {stack}; font-size: {size:g}pt; }}\n"
        f"h1 {{ font-size: {heading:g}pt; }}\n"
        f"h2 {{ font-size: {max(size, heading - 2):g}pt; }}\n"
        f"@page {{ @bottom-right {{ font-size: {size:g}pt; }} }}\n"
    )


def notice_html(content: dict[str, Any]) -> str:
    return engine.render_html(NOTICE_TEMPLATE, {"c": content})


def notice_pdf(content: dict[str, Any]) -> engine.PdfResult:
    missing = [k for k in _REQUIRED if k not in content]
    if missing:
        raise engine.TemplateError(f"notice content is missing {', '.join(missing)}")
    html = notice_html(content)
    stylesheets = [engine.stylesheet(NOTICE_STYLESHEET), engine.extra_css(notice_format_css(content))]
    document = engine.html_document(html).render(font_config=engine.font_config(), stylesheets=stylesheets)
    pdf = document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
    return engine.PdfResult(pdf=pdf, page_count=len(document.pages), render_path="full")


def render_notice(document: Document) -> engine.PdfResult:
    """Renderer registered for every notice document kind (``notice_<kind>``)."""
    return notice_pdf(document.content)
