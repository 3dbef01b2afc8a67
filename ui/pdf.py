"""The base of every PDF the product writes: a security marking on every page, the producer,
and the small text helpers (headings, paragraphs, text fitted to the PDF core fonts).
"""

from __future__ import annotations

from fpdf import FPDF

from core.synthetic import SYNTHETIC_MARKER
from ui import synthetic

#: Stamped on every export.
PRODUCER = "Precision Hotspots (Programme Precision, West Yorkshire)"


def latin1(text: str) -> str:
    """Text the PDF's core font can print (typographic characters mapped, others replaced)."""
    table = {"–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "·": "-", "²": "2", "≈": "~"}
    return "".join(table.get(ch, ch) for ch in text).encode("latin-1", "replace").decode("latin-1")


#: Government Security Classification markings printed on every page of a PDF.
OFFICIAL = "OFFICIAL"


OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE"


def marking_for(has_ocg: bool) -> str:
    """The marking of a document: OFFICIAL-SENSITIVE when it holds any organised crime group
    data, OFFICIAL otherwise."""
    return OFFICIAL_SENSITIVE if has_ocg else OFFICIAL


class MarkedPDF(FPDF):
    """An A4 PDF whose every page carries its security marking at the top and bottom, and
    the page number; and, when the incidents shown are synthetic, the synthetic label."""

    def __init__(self, marking: str) -> None:
        super().__init__(format="A4", unit="mm")
        self.marking = marking
        # the incidents' synthetic label of this session (read from the data), on every page
        self.synthetic = SYNTHETIC_MARKER.removeprefix("# ") if synthetic.label() else ""
        self.set_auto_page_break(auto=True, margin=18)

    def header(self) -> None:
        self.set_font("Helvetica", "B", 10)
        self.cell(0, 6, self.marking, align="C", new_x="LMARGIN", new_y="NEXT")
        if self.synthetic:
            self.cell(
                0,
                6,
                f"{self.synthetic}: invented for demonstration, not real crime",
                align="C",
                new_x="LMARGIN",
                new_y="NEXT",
            )
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("Helvetica", "B", 10)
        self.cell(0, 5, self.marking, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", size=8)
        self.cell(0, 4, f"Page {self.page_no()}", align="C")


def heading(pdf: FPDF, text: str, size: int = 12, body_size: int = 10) -> None:
    """A bold heading, then the body font for what follows."""
    pdf.set_font("Helvetica", "B", size)
    para(pdf, text, size * 0.55)
    pdf.set_font("Helvetica", size=body_size)


def para(pdf: FPDF, text: str, height: float = 5) -> None:
    """A paragraph across the page, the cursor left at the next line's start."""
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")
