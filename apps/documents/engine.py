"""WeasyPrint engine shared by every renderer in a worker process.

One `FontConfiguration` and pre-parsed `CSS` objects per process (PERFORMANCE.md: +39 % per document and no
per-document memory growth), the project fonts from static/fonts/ declared once, and a restricted URL
fetcher: templates may load only the shipped fonts and `data:` URIs, never the network or other files.
"""

from __future__ import annotations

import atexit
import io
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"

# (css family, weight, file): "MH Sans" first; the script faces are fallbacks Pango picks per glyph.
FONT_FACES: tuple[tuple[str, int, str], ...] = (
    ("MH Sans", 400, "NotoSans-Regular.ttf"),
    ("MH Sans", 700, "NotoSans-Bold.ttf"),
    ("MH Arabic", 400, "NotoSansArabic-Regular.ttf"),
    ("MH Armenian", 400, "NotoSansArmenian-Regular.ttf"),
    ("MH Devanagari", 400, "NotoSansDevanagari-Regular.ttf"),
    ("MH Gurmukhi", 400, "NotoSansGurmukhi-Regular.ttf"),
    ("MH Khmer", 400, "NotoSansKhmer-Regular.ttf"),
    ("MH Lao", 400, "NotoSansLao-Regular.ttf"),
    ("MH Thai", 400, "NotoSansThai-Regular.ttf"),
    ("MH CJK TC", 400, "NotoSansCJKtc-Subset.otf"),
    ("MH CJK KR", 400, "NotoSansCJKkr-Subset.otf"),
)
FONT_STACK = ", ".join(f'"{f}"' for f in dict.fromkeys(face[0] for face in FONT_FACES))


class TemplateError(Exception):
    """The template or its data cannot be rendered (terminal: retrying will not help)."""

    code = "documents.template_error"


def font_face_css() -> str:
    rules = [
        f'@font-face {{ font-family: "{fam}"; src: url("{(FONT_DIR / fn).as_uri()}"); font-weight: {w}; }}'
        for fam, w, fn in FONT_FACES
    ]
    return "\n".join(rules) + f"\nhtml {{ font-family: {FONT_STACK}; }}\n"


def _fetcher_class() -> Any:
    from weasyprint.urls import URLFetcher

    class RestrictedURLFetcher(URLFetcher):  # type: ignore[misc]
        """Only `data:` URIs and the shipped font files; anything else is refused (and not loaded)."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("file://"):
                path = Path(url[len("file://") :].split("?")[0]).resolve()
                if path.parent != FONT_DIR.resolve() or not path.is_file():
                    raise ValueError(f"blocked resource in template: {url[:80]}")
            elif not url.startswith("data:"):
                raise ValueError(f"blocked resource in template: {url[:80]}")
            return super().fetch(url, headers)

    return RestrictedURLFetcher


@lru_cache(maxsize=1)
def restricted_url_fetcher() -> Any:
    return _fetcher_class()(allowed_protocols={"file", "data"}, allow_redirects=False)


_lock = threading.Lock()


@lru_cache(maxsize=1)
def font_config() -> Any:
    from weasyprint.text.fonts import FontConfiguration

    # drop it before interpreter teardown (its __del__ needs modules that are gone by then)
    atexit.register(_release_fonts)
    return FontConfiguration()


def _release_fonts() -> None:
    stylesheet.cache_clear()
    extra_css.cache_clear()
    font_config.cache_clear()


@lru_cache(maxsize=32)
def stylesheet(template_name: str) -> Any:
    """A pre-parsed CSS (project fonts + the template's stylesheet) bound to the shared FontConfiguration."""
    from django.template.loader import get_template
    from weasyprint import CSS

    source = get_template(template_name).template.source  # type: ignore[attr-defined]
    with _lock:
        return CSS(
            string=font_face_css() + source,
            font_config=font_config(),
            url_fetcher=restricted_url_fetcher(),
            base_url=FONT_DIR.as_uri() + "/",
        )


@lru_cache(maxsize=8)
def extra_css(source: str) -> Any:
    from weasyprint import CSS

    return CSS(string=source, font_config=font_config(), url_fetcher=restricted_url_fetcher())


def html_document(html: str) -> Any:
    from weasyprint import HTML

    return HTML(string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=restricted_url_fetcher())


def render_html(template_name: str, context: dict[str, Any]) -> str:
    return render_to_string(template_name, context)


@dataclass(frozen=True)
class PdfResult:
    pdf: bytes
    page_count: int
    render_path: str  # "full" | "fast"


def html_to_pdf(html: str, *, stylesheets: Iterable[Any]) -> PdfResult:
    doc = html_document(html).render(font_config=font_config(), stylesheets=list(stylesheets))
    pdf = doc.write_pdf()
    return PdfResult(pdf=pdf, page_count=len(doc.pages), render_path="full")


def pdf_page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


# PDFium (pypdfium2) is not thread-safe: concurrent calls from a threaded server abort the process.
# Every pypdfium2 call in this module runs under this lock.
_pdfium_lock = threading.Lock()


def pdf_previews(pdf: bytes, *, dpi: int = 150) -> list[bytes]:
    """One PNG per page, rasterized with PDFium (pypdfium2), one call at a time per process."""
    import pypdfium2 as pdfium

    out: list[bytes] = []
    with _pdfium_lock:
        doc = pdfium.PdfDocument(pdf)
        try:
            for i in range(len(doc)):
                page = doc[i]
                bitmap = page.render(scale=dpi / 72)
                buf = io.BytesIO()
                bitmap.to_pil().save(buf, format="PNG", compress_level=6)
                out.append(buf.getvalue())
                bitmap.close()
                page.close()
        finally:
            doc.close()
    return out


@lru_cache(maxsize=64)
def qr_svg(data: str) -> str:
    """Inline SVG (vector) QR code; error correction M, 1-module quiet zone."""
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=10,
        border=1,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg: str = img.to_string(encoding="unicode")
    return svg[svg.index("<svg") :]
