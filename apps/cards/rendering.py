"""Card and carrier-letter renderers (registered with apps.documents.renderers in CardsConfig.ready).

Both use the variable-data fast path (apps.documents.vdp): WeasyPrint lays out the template once per
(template version, pair's static fields, language, format) and each member's values are stamped over it;
a value that does not fit falls back to a full WeasyPrint render of the same template.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings

from apps.documents import engine
from apps.documents.engine import PdfResult
from apps.documents.vdp import PLACEHOLDER, FieldDoesNotFit, OverlayFonts, TemplateLayer
from memberhub.cards.carrier import CARRIER_MEMBER_FIELDS
from memberhub.cards.content import MEMBER_FIELDS

CARD_TEMPLATE_VERSION = "card-2026.1"
CARRIER_TEMPLATE_VERSION = "carrier-2026.1"
# Full render of a value that does not fit its slot: let the value wrap instead of being clipped.
REFLOW_CSS = ".v, .addr { white-space: normal !important; overflow: visible !important; }"

_LAYER_CACHE_SIZE = 64
_layers: OrderedDict[str, TemplateLayer] = OrderedDict()
_layers_lock = threading.Lock()
_fonts: OverlayFonts | None = None


def overlay_fonts() -> OverlayFonts:
    global _fonts
    if _fonts is None:
        _fonts = OverlayFonts(
            (fam, w, str(engine.FONT_DIR / fn)) for fam, w, fn in engine.FONT_FACES if fam == "MH Sans"
        )
    return _fonts


def card_stylesheet_name(card_format: str) -> str:
    return "cards/id_card_large.css" if card_format == "large_print" else "cards/id_card.css"


def card_context(content: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "c": content,
        "t": content["text"],
        "qr_svg": engine.qr_svg(content["digital_card_url"]),
        "show_mbi": bool(content.get("mbi")),
    }


def carrier_context(content: Mapping[str, Any]) -> dict[str, Any]:
    return {"c": content, "t": content["text"]}


# Content keys the templates never print (kept on the row for the manifest / APIs): not part of the layer.
NOT_IN_TEMPLATE = frozenset({"mailing_name", "address_lines", "template_kind"})


def _layer_key(kind: str, version: str, content: Mapping[str, Any], member_fields: tuple[str, ...]) -> str:
    static = {k: v for k, v in content.items() if k not in member_fields and k not in NOT_IN_TEMPLATE}
    static["__has_mbi"] = bool(content.get("mbi"))
    raw = json.dumps(static, sort_keys=True, default=str).encode()
    return f"{kind}:{version}:{hashlib.sha256(raw).hexdigest()}"


def _layer(
    key: str,
    template: str,
    css_name: str,
    make_context: Callable[[], dict[str, Any]],
    member_fields: tuple[str, ...],
) -> TemplateLayer:
    with _layers_lock:
        layer = _layers.get(key)
        if layer is not None:
            _layers.move_to_end(key)
            return layer
    context = make_context()
    placeholder_content = {**context["c"], **dict.fromkeys(member_fields, PLACEHOLDER)}
    html = engine.render_html(template, {**context, "c": placeholder_content})
    layer = TemplateLayer.build(
        engine.html_document(html),
        stylesheets=[engine.stylesheet(css_name)],
        font_config=engine.font_config(),
        fonts=overlay_fonts(),
    )
    with _layers_lock:
        _layers[key] = layer
        while len(_layers) > _LAYER_CACHE_SIZE:
            _layers.popitem(last=False)
    return layer


def _render(
    *,
    kind: str,
    version: str,
    template: str,
    css_name: str,
    content: Mapping[str, Any],
    context: Callable[[Mapping[str, Any]], dict[str, Any]],
    member_fields: tuple[str, ...],
    fast: bool,
) -> PdfResult:
    if fast:
        key = _layer_key(kind, version, content, member_fields)
        layer = _layer(key, template, css_name, lambda: context(content), member_fields)
        values = {f: str(content.get(f) or "") for f in member_fields if f in layer.slots}
        try:
            pdf = layer.stamp(values, overlay_fonts())
            return PdfResult(pdf=pdf, page_count=len(layer.page_sizes), render_path="fast")
        except FieldDoesNotFit:
            pass
    html = engine.render_html(template, context(content))
    return engine.html_to_pdf(html, stylesheets=[engine.stylesheet(css_name), engine.extra_css(REFLOW_CSS)])


def render_card_content(content: Mapping[str, Any], *, fast: bool | None = None) -> PdfResult:
    return _render(
        kind="id_card",
        version=CARD_TEMPLATE_VERSION,
        template="cards/id_card.html",
        css_name=card_stylesheet_name(content["card_format"]),
        content=content,
        context=card_context,
        member_fields=MEMBER_FIELDS,
        fast=settings.DOCUMENTS_FAST_PATH if fast is None else fast,
    )


def render_carrier_content(content: Mapping[str, Any], *, fast: bool | None = None) -> PdfResult:
    return _render(
        kind="card_carrier",
        version=CARRIER_TEMPLATE_VERSION,
        template="cards/carrier.html",
        css_name="cards/carrier.css",
        content=content,
        context=carrier_context,
        member_fields=CARRIER_MEMBER_FIELDS,
        fast=settings.DOCUMENTS_FAST_PATH if fast is None else fast,
    )


def render_card(document: Any) -> PdfResult:
    return render_card_content(document.content)


def render_carrier(document: Any) -> PdfResult:
    return render_carrier_content(document.content)


def register_renderers() -> None:
    from apps.documents import renderers

    renderers.register(
        "id_card", render_card, template_version=CARD_TEMPLATE_VERSION, hash_exclude={"issued_on"}
    )
    renderers.register(
        "card_carrier",
        render_carrier,
        template_version=CARRIER_TEMPLATE_VERSION,
        previews=False,
        hash_exclude={"issued_on"},
    )
