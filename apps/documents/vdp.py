"""Variable-data printing (the fast path for documents that share one layout).

WeasyPrint lays out a template ONCE per (template, pair, language, format) with every per-member field
hidden (`visibility: hidden` keeps the layout). That one layout gives both

* the static layer (the PDF pages, with everything that is the same for all members), and
* the slot of every variable field (`data-field="name"` elements): page, x, baseline, width, font, size,
  colour and alignment, read from the laid-out boxes.

Each member's document is then drawn by ReportLab: the static pages are imported once per output as
Form XObjects (pre-serialized, so a card costs only the re-linking of ~40 objects), and the field
values are drawn at their slots with the same font files. A value that does not fit its slot, or that
needs complex-script shaping or a glyph the overlay font lacks, raises `FieldDoesNotFit` and the caller
falls back to a full WeasyPrint render of that document.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject
from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas

# Binary (not ASCII85) streams: ASCII85 only makes files bigger and costs a pure-Python pass per stream.
rl_config.useA85 = 0

PX_TO_PT = 0.75
HIDE_FIELDS_CSS = "[data-field] { visibility: hidden !important; }"
PLACEHOLDER = "X"
FIT_MARGIN_PT = 0.75  # safety margin for kerning differences between Pango and ReportLab


class FieldDoesNotFit(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class FieldSlot:
    name: str
    page: int
    x: float  # pt from the left edge: the field box's content left
    baseline: float  # pt from the bottom of the page
    width: float  # pt
    font: str  # ReportLab font name
    size: float  # pt
    color: tuple[float, float, float]
    align: str  # left | right | center


class OverlayFonts:
    """Fonts the overlay may draw with: (css family, weight) -> TTF file, registered once per process."""

    def __init__(self, faces: Iterable[tuple[str, int, str]]) -> None:
        self.names: dict[tuple[str, int], str] = {}
        self.cmaps: dict[str, frozenset[int]] = {}
        for family, weight, path in faces:
            name = f"vdp-{family.replace(' ', '')}-{weight}"
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, path))
            self.names[(family, weight)] = name
            self.cmaps[name] = frozenset(pdfmetrics.getFont(name).face.charToGlyph)  # type: ignore[attr-defined]

    def resolve(self, families: Iterable[str], weight: int) -> str | None:
        for fam in families:
            candidates = [(abs(w - weight), n) for (f, w), n in self.names.items() if f == fam]
            if candidates:
                return min(candidates)[1]
        return None


class _Raw(pdfdoc.PDFObject):
    def __init__(self, value: Any) -> None:
        self.value = value

    def format(self, document: Any) -> bytes:
        return pdfdoc.format(self.value, document)  # type: ignore[no-any-return]


def _rgb(color: Any) -> tuple[float, float, float]:
    r, g, b = color.to("srgb").coordinates
    return (float(r), float(g), float(b))


def _needs_shaping(ch: str) -> bool:
    o = ord(ch)
    # Hebrew/Arabic/Syriac/Thaana/N'Ko ... Indic, Thai, Lao, Khmer, Myanmar, Hangul Jamo: shaping or RTL
    return 0x0590 <= o <= 0x1CFF or 0xA8E0 <= o <= 0xABFF or 0xFB1D <= o <= 0xFEFF


class TemplateLayer:
    """The static layer of one template instance plus its field slots."""

    def __init__(
        self, pdf: bytes, slots: dict[str, FieldSlot], page_sizes: list[tuple[float, float]]
    ) -> None:
        self.pdf = pdf
        self.slots = slots
        self.page_sizes = page_sizes
        self._objects: dict[int, Any] = {}
        self._forms: list[Any] = []
        self._freeze(PdfReader(io.BytesIO(pdf)))

    @classmethod
    def build(
        cls, weasy_html: Any, *, stylesheets: list[Any], font_config: Any, fonts: OverlayFonts
    ) -> TemplateLayer:
        """`weasy_html` must carry PLACEHOLDER text in every data-field element (so each has a line box)."""
        from weasyprint import CSS

        hide = CSS(string=HIDE_FIELDS_CSS, font_config=font_config)
        doc = weasy_html.render(font_config=font_config, stylesheets=[*stylesheets, hide])
        slots: dict[str, FieldSlot] = {}
        page_sizes: list[tuple[float, float]] = []
        for pno, page in enumerate(doc.pages):
            page_sizes.append((page.width * PX_TO_PT, page.height * PX_TO_PT))
            for box in page._page_box.descendants(placeholders=True):
                element = getattr(box, "element", None)
                if element is None or getattr(box, "element_tag", None) is None:
                    continue
                name = element.get("data-field")
                if not name or name in slots:
                    continue
                text_box = next(
                    (d for d in box.descendants(placeholders=True) if type(d).__name__ == "TextBox"), None
                )
                if text_box is None:
                    raise ValueError(f"field {name} has no placeholder text in the template layout")
                style = text_box.style
                families = list(style["font_family"])
                font = fonts.resolve(families, int(style["font_weight"]))
                if font is None:
                    raise ValueError(f"field {name}: font {families} is not an overlay font")
                align = str(style["text_align_all"])
                align = {"start": "left", "end": "right", "justify": "left"}.get(align, align)
                slots[name] = FieldSlot(
                    name=name,
                    page=pno,
                    x=box.content_box_x() * PX_TO_PT,
                    baseline=(page.height - (text_box.position_y + text_box.baseline)) * PX_TO_PT,
                    width=box.width * PX_TO_PT,
                    font=font,
                    size=style["font_size"] * PX_TO_PT,
                    color=_rgb(style["color"]),
                    align=align,
                )
        return cls(doc.write_pdf(), slots, page_sizes)

    # -- freezing the static layer into a re-linkable object graph ---------------------------------
    def _freeze(self, reader: PdfReader) -> None:
        def has_ref(obj: Any) -> bool:
            if isinstance(obj, IndirectObject):
                return True
            if isinstance(obj, DictionaryObject):
                return any(has_ref(v) for v in obj.values())
            if isinstance(obj, ArrayObject):
                return any(has_ref(v) for v in obj)
            return False

        def raw(obj: Any) -> bytes:
            buf = io.BytesIO()
            obj.write_to_stream(buf)
            return buf.getvalue()

        def spec(obj: Any) -> tuple[Any, ...]:
            if isinstance(obj, IndirectObject):
                key = obj.idnum
                if key not in self._objects:
                    self._objects[key] = None
                    target = obj.get_object()
                    if isinstance(target, StreamObject):
                        entries = [(k[1:], spec(v)) for k, v in target.items() if k != "/Length"]
                        self._objects[key] = ("stream", entries, target._data, "/Filter" in target)
                    else:
                        self._objects[key] = ("obj", spec(target))
                return ("ref", key)
            if not has_ref(obj):
                return ("raw", raw(obj))
            if isinstance(obj, DictionaryObject):
                return ("dict", [(k[1:], spec(v)) for k, v in obj.items()])
            return ("array", [spec(v) for v in obj])

        for pno, page in enumerate(reader.pages):
            contents: Any = page["/Contents"].get_object()
            if isinstance(contents, ArrayObject):
                data, filt = b"\n".join(c.get_object().get_data() for c in contents), None
            else:
                data, filt = contents._data, contents.get("/Filter")
            w, h = self.page_sizes[pno]
            entries: list[tuple[str, Any]] = [
                ("Type", ("raw", b"/XObject")),
                ("Subtype", ("raw", b"/Form")),
                ("FormType", ("raw", b"1")),
                ("BBox", ("raw", f"[0 0 {w:.4f} {h:.4f}]".encode())),
                ("Resources", spec(page["/Resources"])),
            ]
            if "/Group" in page:
                entries.append(("Group", spec(page["/Group"])))
            if filt is not None:
                entries.append(("Filter", spec(filt)))
            self._forms.append(("stream", entries, data, filt is not None))

    def _import(self, doc: Any) -> None:
        memo: dict[int, Any] = {}

        def build(node: tuple[Any, ...]) -> Any:
            kind = node[0]
            if kind == "raw":
                return node[1]
            if kind == "dict":
                return pdfdoc.PDFDictionary({k: build(v) for k, v in node[1]})
            if kind == "array":
                return pdfdoc.PDFArray([build(v) for v in node[1]])
            key = node[1]
            ref = memo.get(key)
            if ref is None:
                ref = memo[key] = make(self._objects[key], None)
            return ref

        def make(entry: tuple[Any, ...], name: str | None) -> Any:
            if entry[0] == "stream":
                d = pdfdoc.PDFDictionary({})
                stream = pdfdoc.PDFStream(d, content=entry[2], filters=None if entry[3] else [])
                ref = doc.Reference(stream, name)
                for k, v in entry[1]:
                    d.dict[k] = build(v)
                return ref
            return doc.Reference(_Raw(build(entry[1])), name)

        for pno, form in enumerate(self._forms):
            make(form, pdfdoc.xObjectName(f"vdp{pno}"))

    # -- per document -----------------------------------------------------------------------------
    def check(self, values: Mapping[str, str], fonts: OverlayFonts) -> None:
        for name, value in values.items():
            slot = self.slots.get(name)
            if slot is None:
                raise FieldDoesNotFit(name, "template has no slot for this field")
            if not value:
                continue
            if "\n" in value:
                raise FieldDoesNotFit(name, "multi-line value")
            cmap = fonts.cmaps[slot.font]
            for ch in value:
                if ord(ch) not in cmap:
                    raise FieldDoesNotFit(name, "character not in the overlay font")
                if _needs_shaping(ch):
                    raise FieldDoesNotFit(name, "script needs shaping")
            if pdfmetrics.stringWidth(value, slot.font, slot.size) > slot.width - FIT_MARGIN_PT:
                raise FieldDoesNotFit(name, "too wide for its slot")

    def stamp(self, values: Mapping[str, str], fonts: OverlayFonts) -> bytes:
        """The document: static pages + every field value at its slot. Raises FieldDoesNotFit."""
        self.check(values, fonts)
        buf = io.BytesIO()
        c = rl_canvas.Canvas(buf, pagesize=self.page_sizes[0], pageCompression=1, invariant=1)
        c.setCreator("memberhub")
        self._import(c._doc)
        by_page: dict[int, list[tuple[FieldSlot, str]]] = {}
        for name, value in values.items():
            if value:
                slot = self.slots[name]
                by_page.setdefault(slot.page, []).append((slot, value))
        for pno, size in enumerate(self.page_sizes):
            c.setPageSize(size)
            c.saveState()  # Do isolates the form's graphics state; some readers need explicit q/Q
            c.doForm(f"vdp{pno}")
            c.restoreState()
            for slot, value in by_page.get(pno, []):
                c.setFont(slot.font, slot.size)
                c.setFillColorRGB(*slot.color)
                if slot.align == "right":
                    c.drawRightString(slot.x + slot.width, slot.baseline, value)
                elif slot.align == "center":
                    c.drawCentredString(slot.x + slot.width / 2, slot.baseline, value)
                else:
                    c.drawString(slot.x, slot.baseline, value)
            c.showPage()
        c.save()
        return buf.getvalue()
