"""The fast path (WeasyPrint static layer + stamped fields) against a full WeasyPrint render of the same card."""

import io
from dataclasses import replace
from datetime import date

import pytest
from pdfminer.high_level import extract_pages, extract_text
from pdfminer.layout import LAParams, LTFigure, LTTextContainer, LTTextLine

from apps.cards.rendering import render_card_content, render_carrier_content
from memberhub.cards.carrier import CARRIER_MEMBER_FIELDS, build_carrier_content
from memberhub.cards.content import (
    MEMBER_FIELDS,
    CardMember,
    CardPair,
    CardPcp,
    CardPhones,
    build_id_card_content,
)
from memberhub.documents.address import MailingAddress

# all_texts: also analyse text inside Form XObjects (the fast path's static layer is one)
LA = LAParams(all_texts=True)

PAIR = CardPair(
    product_name="Sunrise Medi-Medi Plan",
    organization_name="Sunrise Health Plan",
    medicare_plan_name="Sunrise Medi-Medi Plan (HMO D-SNP)",
    contract_id="H5501",
    pbp_id="001",
    medi_cal_plan_name="Sunrise Medi-Cal Los Angeles",
    issuer_number="1234567893",
    part_d_bin="610011",
    part_d_pcn="SUNRISEMD",
    part_d_group="SUNDSNP1",
    medi_cal_rx_bin="022659",
    medi_cal_rx_pcn="6334225",
    medi_cal_rx_group="MEDICALRX",
    phones=CardPhones(
        member_services="1-800-555-0101",
        nurse_line="1-800-555-0102",
        behavioral_health="1-800-555-0103",
        pharmacy_help="1-800-555-0104",
    ),
    website="example.org/sunrise",
    digital_card_url="https://app.memberhub.example/card",
    plan_year=2026,
)
MEMBER = CardMember(
    member_id="MH00000042",
    first_name="Rosa",
    middle_initial="L",
    last_name="Martinez",
    medi_cal_cin="91234567A",
    effective_date=date(2026, 1, 1),
)
PCP = CardPcp(name="Dr. Wei Chen, MD", phone="(213) 555-0101", medical_group="Valley Medical Group")


def card(**member_changes):  # type: ignore[no-untyped-def]
    return build_id_card_content(
        member=replace(MEMBER, **member_changes), pair=PAIR, pcp=PCP, issued_on=date(2026, 11, 29)
    ).canonical()


def lines(pdf: bytes) -> list[tuple[int, str, float, float, float]]:
    """(page, text, x0, baseline-ish y0, x1) of every text line."""
    out = []
    for pno, page in enumerate(extract_pages(io.BytesIO(pdf), laparams=LA)):
        stack = list(page)
        while stack:
            el = stack.pop(0)
            if isinstance(el, LTFigure):
                stack[0:0] = list(el)
            elif isinstance(el, LTTextContainer):
                for line in el:
                    if isinstance(line, LTTextLine) and line.get_text().strip():
                        out.append((pno, line.get_text().strip(), line.x0, line.y0, line.x1))
    return out


def field_chars(pdf: bytes, value: str) -> list[tuple[int, float, float, float]]:
    """Every occurrence of `value` (PDFium text search, which sees into Form XObjects):
    (page, left of first glyph, bottom of first glyph, right of last glyph)."""
    import pypdfium2 as pdfium

    found = []
    doc = pdfium.PdfDocument(pdf)
    for pno in range(len(doc)):
        text = doc[pno].get_textpage()
        searcher = text.search(value, match_case=True)
        while (hit := searcher.get_next()) is not None:
            start, count = hit
            left, bottom, _r, _t = text.get_charbox(start, loose=False)
            _l, _b, right, _t2 = text.get_charbox(start + count - 1, loose=False)
            found.append((pno, left, bottom, right))
    assert found, value
    return found


def test_fast_path_text_and_field_positions_match_a_full_weasyprint_render():
    content = card()
    fast = render_card_content(content, fast=True)
    full = render_card_content(content, fast=False)
    assert fast.render_path == "fast"
    assert full.render_path == "full"
    assert fast.page_count == full.page_count == 2

    # the same words on the same lines (drawing order differs, so compare position-sorted lines)
    def placed(pdf):  # type: ignore[no-untyped-def]
        return sorted((p, round(y0), t) for p, t, _x0, y0, _x1 in lines(pdf))

    assert sorted(extract_text(io.BytesIO(fast.pdf), laparams=LA).split()) == sorted(
        extract_text(io.BytesIO(full.pdf), laparams=LA).split()
    )
    fast_lines, full_lines = placed(fast.pdf), placed(full.pdf)
    assert sorted(" ".join(t for *_, t in fast_lines).split()) == sorted(
        " ".join(t for *_, t in full_lines).split()
    )
    for name in MEMBER_FIELDS:
        value = content[name]
        if not value:
            continue
        a, b = field_chars(fast.pdf, value), field_chars(full.pdf, value)
        assert len(a) == len(b), name
        for (pa, xa, ya, ra), (pb, xb, yb, rb) in zip(sorted(a), sorted(b), strict=True):
            assert pa == pb, name  # same page
            assert xa == pytest.approx(xb, abs=0.3), name  # same start x
            assert ya == pytest.approx(yb, abs=0.3), name  # same glyph bottom (baseline)
            assert ra - xa == pytest.approx(rb - xb, rel=0.03, abs=0.6), name  # kerning differs only slightly


def test_a_value_that_does_not_fit_falls_back_to_the_full_render():
    long = card(first_name="Maximiliano Alejandro Bartholomew", last_name="Fernandez-Villaverde de la Torre")
    result = render_card_content(long, fast=True)
    assert result.render_path == "full"
    text = " ".join(extract_text(io.BytesIO(result.pdf)).split())
    assert "Fernandez-Villaverde de la Torre" in text  # wrapped, not clipped


def test_a_name_needing_shaping_falls_back_to_the_full_render():
    result = render_card_content(card(first_name="Ахмед", last_name="محمد"), fast=True)
    assert result.render_path == "full"


def test_large_print_and_spanish_cards_use_the_fast_path_too():
    result = render_card_content(card(alternate_format="large_print", preferred_language="es"), fast=True)
    assert result.render_path == "fast"
    text = extract_text(io.BytesIO(result.pdf))
    assert "Servicios al Miembro" in text
    assert "Rosa L. Martinez" in text


def test_carrier_letter_fast_path_matches_full_render_and_window_address():
    card_content = build_id_card_content(member=MEMBER, pair=PAIR, pcp=PCP, issued_on=date(2026, 11, 29))
    address = MailingAddress.standardized(
        name="Rosa L Martinez",
        line1="123 Main Street",
        line2="Apt 4",
        city="Los Angeles",
        state="CA",
        zip_code="90012",
    )
    content = build_carrier_content(card=card_content, address=address).canonical()
    fast = render_carrier_content(content, fast=True)
    full = render_carrier_content(content, fast=False)
    assert fast.render_path == "fast"
    assert fast.page_count == full.page_count == 1
    for name in CARRIER_MEMBER_FIELDS:
        if content[name]:
            a, b = sorted(field_chars(fast.pdf, content[name])), sorted(field_chars(full.pdf, content[name]))
            assert a[0][1] == pytest.approx(b[0][1], abs=0.3), name
            assert a[0][2] == pytest.approx(b[0][2], abs=0.3), name
    # window of a #10 double-window envelope: address starts ~0.875 in from the left, ~2 in from the top
    first = field_chars(fast.pdf, "ROSA L MARTINEZ")[0]
    assert first[1] == pytest.approx(0.875 * 72, abs=2)
    assert 792 - first[2] == pytest.approx(2.0 * 72 + 11, abs=6)
    text = extract_text(io.BytesIO(full.pdf), laparams=LA)
    assert "免費語言協助" in text  # threshold-language taglines render with the shipped fonts


@pytest.mark.parametrize("fast", [True, False])
def test_large_print_carrier_letter_has_no_text_under_18pt(fast):
    import pdfplumber

    # given a large-print member's carrier letter (window address, body, card spot, language help lines)
    card_content = build_id_card_content(
        member=replace(MEMBER, alternate_format="large_print"),
        pair=PAIR,
        pcp=PCP,
        issued_on=date(2026, 11, 29),
    )
    address = MailingAddress.standardized(
        name="Rosa L Martinez",
        line1="123 Main Street",
        line2="Apt 4",
        city="Los Angeles",
        state="CA",
        zip_code="90012",
    )
    content = build_carrier_content(card=card_content, address=address).canonical()
    assert content["card_format"] == "large_print"
    result = render_carrier_content(content, fast=fast)
    # then every glyph on every page (the language help lines too) is at least 18 pt
    sizes: dict[float, str] = {}
    with pdfplumber.open(io.BytesIO(result.pdf)) as pdf:
        for page in pdf.pages:
            for ch in page.chars:
                if ch["text"].strip():
                    sizes.setdefault(round(ch["size"], 1), ch["text"])
    assert sizes
    assert min(sizes) >= 18.0, {s: c for s, c in sizes.items() if s < 18.0}
    text = extract_text(io.BytesIO(result.pdf), laparams=LA)
    assert "免費語言協助" in text  # the taglines are all still there
    assert "ROSA L MARTINEZ" in text
