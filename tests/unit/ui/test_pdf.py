"""ui.pdf: the marked PDF base (a security marking on every page), the marking rule and the
text fitted to the core fonts."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from ui.pdf import OFFICIAL, OFFICIAL_SENSITIVE, PRODUCER, MarkedPDF, heading, latin1, marking_for, para


@pytest.mark.parametrize(
    ("text", "printable"),
    [
        ("Leeds – Bradford — 2017", "Leeds - Bradford - 2017"),
        ("‘Queens’ Court’ “quoted”…", "'Queens' Court' \"quoted\"..."),
        ("HC-E1 · Briggate", "HC-E1 - Briggate"),
        ("Area (km²) ≈ 3", "Area (km2) ~ 3"),
        ("café £5", "café £5"),  # Latin-1 already
        ("Łódź 漢", "?ód? ?"),  # nothing the font has: a question mark
    ],
)
def test_latin1_maps_typographic_characters_and_replaces_the_rest(text: str, printable: str):
    assert latin1(text) == printable
    latin1(text).encode("latin-1")  # printable by the core fonts


def test_a_document_with_ocg_data_is_official_sensitive():
    assert (
        (marking_for(True), marking_for(False))
        == (OFFICIAL_SENSITIVE, OFFICIAL)
        == (
            "OFFICIAL-SENSITIVE",
            "OFFICIAL",
        )
    )


def test_every_page_carries_the_marking_twice_and_its_number():
    pdf = MarkedPDF(OFFICIAL_SENSITIVE)
    pdf.set_author(PRODUCER)
    pdf.add_page()
    heading(pdf, "Headline figures", size=16)
    for i in range(120):  # enough text to run onto further pages
        para(pdf, f"Paragraph {i}: recorded incidents in the period.")
    reader = PdfReader(io.BytesIO(bytes(pdf.output())))
    assert len(reader.pages) >= 3
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert text.count("OFFICIAL-SENSITIVE") == 2, number
        assert f"Page {number}" in text
    assert "Headline figures" in reader.pages[0].extract_text()
    assert reader.metadata.author == PRODUCER
