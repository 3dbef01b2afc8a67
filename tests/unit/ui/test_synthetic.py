"""The synthetic label is worded from the counts of marked rows and stamps CSV exports once."""

from __future__ import annotations

import streamlit as st

from core.synthetic import SYNTHETIC_MARKER, is_marked_synthetic
from ui import synthetic


def test_words_follow_the_marked_rows() -> None:
    assert synthetic.words(0, 100) == ""
    assert synthetic.words(100, 100).startswith("SYNTHETIC DEMONSTRATION DATA: every incident")
    mixed = synthetic.words(40, 100)
    assert "mixed with real data" in mixed and "40 of 100" in mixed


def test_csv_exports_carry_the_marker_only_when_the_incidents_are_synthetic() -> None:
    content = "\ufeffa,b\n1,2\n".encode()
    synthetic.remember("")
    assert synthetic.csv_bytes(content) == content
    assert synthetic.title("Incidents") == "Incidents"
    synthetic.remember(synthetic.words(5, 5))
    try:
        stamped = synthetic.csv_bytes(content)
        assert is_marked_synthetic(stamped)
        assert stamped.startswith(b"\xef\xbb\xbf" + SYNTHETIC_MARKER.encode())
        assert synthetic.csv_bytes(stamped) == stamped  # never twice
        assert synthetic.title("Incidents") == "Incidents (synthetic demonstration data)"
    finally:
        st.session_state.clear()


def _pdf_text() -> str:
    import io

    from pypdf import PdfReader

    from ui.pdf import MarkedPDF

    pdf = MarkedPDF("OFFICIAL")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 5, "figures")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(bytes(pdf.output()))).pages)


def test_every_pdf_page_carries_the_label_when_the_incidents_are_synthetic() -> None:
    synthetic.remember("")
    assert "SYNTHETIC" not in _pdf_text()
    synthetic.remember(synthetic.words(3, 3))
    try:
        assert "SYNTHETIC DEMONSTRATION DATA" in _pdf_text()
    finally:
        st.session_state.clear()
