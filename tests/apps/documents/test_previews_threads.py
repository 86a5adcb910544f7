"""PDFium is not thread-safe: the engine serializes every pypdfium2 call, so previews rendered from
several threads at once (a threaded server answering front and back card pictures) neither crash the
process nor differ from previews rendered one at a time."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pypdfium2 as pdfium
import pytest

from apps.documents import engine

THREADS = 6


@pytest.fixture(scope="module")
def two_page_pdf() -> bytes:
    html = (
        "<style>@page { size: 85.6mm 54mm; margin: 4mm } p { break-after: page }</style>"
        "<p>Front: Lucia Fernandez</p><p>Back: call 1-800-555-0100</p>"
    )
    pdf = engine.html_to_pdf(html, stylesheets=[]).pdf
    assert engine.pdf_page_count(pdf) == 2
    return pdf


def test_previews_from_many_threads_at_once_match_a_single_render(two_page_pdf: bytes) -> None:
    expected = engine.pdf_previews(two_page_pdf, dpi=96)
    assert len(expected) == 2
    assert all(png.startswith(b"\x89PNG\r\n\x1a\n") for png in expected)
    start = threading.Barrier(THREADS)

    def render(_: int) -> list[bytes]:
        start.wait(timeout=30)  # every thread calls PDFium at the same moment
        return engine.pdf_previews(two_page_pdf, dpi=96)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(render, range(THREADS * 3)))
    assert results == [expected] * (THREADS * 3)


def test_every_pdfium_call_runs_under_the_engine_lock(
    two_page_pdf: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    real_document = pdfium.PdfDocument

    class CheckedDocument(real_document):  # type: ignore[misc,valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            seen.append(engine._pdfium_lock.locked())
            super().__init__(*args, **kwargs)

        def __getitem__(self, index: int) -> Any:
            seen.append(engine._pdfium_lock.locked())
            return super().__getitem__(index)

        def close(self) -> None:
            seen.append(engine._pdfium_lock.locked())
            super().close()

    monkeypatch.setattr(pdfium, "PdfDocument", CheckedDocument)
    assert len(engine.pdf_previews(two_page_pdf, dpi=72)) == 2
    assert seen == [True] * 4  # open, page 1, page 2, close
    assert not engine._pdfium_lock.locked()
