"""The public summary's HTML and PDF: self-contained and agreeing."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from tests.unit.models.test_public_summary import summary_for_tests
from ui import public_exports


def test_public_summary_html_is_self_contained_and_agrees_with_the_pdf():
    summary = summary_for_tests()
    page = public_exports.summary_html(summary).decode()
    assert "<script" not in page.lower()
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page)
    assert not re.search(r"url\(", page)
    assert "<svg" in page and "SYNTHETIC DEMONSTRATION DATA" in page
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(public_exports.summary_pdf(summary))).pages)
    for table in summary.tables().values():
        for value in table.astype(str).to_numpy().ravel():
            assert value in page
            assert value in pdf_text
    for heading in summary.tables():
        assert heading in page and heading in pdf_text
