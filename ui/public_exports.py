"""The public performance summary as a printable PDF and as one self-contained HTML page.

Both print one checked :class:`models.public_summary.PublicSummary` (the page shows the
same object), so the page, the PDF and the HTML agree. The HTML has its CSS inline and its
chart as inline SVG: no script, no external address, so the partnership's website can host
the file as it is. The PDF uses fpdf2 and the helpers of the comms brief (:mod:`ui.exports`).
"""

from __future__ import annotations

import html

import pandas as pd
from fpdf import FPDF

from models.public_summary import SYNTHETIC_LABEL, PublicSummary, check_summary
from ui.pdf import PRODUCER, heading, latin1, para

_CSS = """
body{font-family:Arial,Helvetica,sans-serif;color:#1a1a1a;max-width:960px;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:1.8rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #999;padding:.3rem .5rem;text-align:right}th:first-child,td:first-child{text-align:left}
th{background:#e8eef4}.synthetic{background:#fff3cd;border:2px solid #b58100;padding:.6rem;font-weight:bold}
.note{font-size:.9rem;color:#333}figure{margin:.5rem 0}
"""


def trend_svg(table: pd.DataFrame, width: int = 640, height: int = 220) -> str:
    """The Crimestoppers quarterly trend as an inline SVG line chart (rounded values only;
    quarters under the threshold are left as gaps)."""
    points = [(str(q), v) for q, v in zip(table["Quarter"], table["value"])]
    values = [float(v) for _, v in points if v is not None and not pd.isna(v)]
    if not values:
        return "<p>No Crimestoppers figures are loaded.</p>"
    top = max(values) * 1.1
    left, bottom, right, up = 60, height - 40, width - 20, 15
    step = (right - left) / max(1, len(points) - 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="Reports to Crimestoppers by quarter">',
        f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#333"/>',
        f'<line x1="{left}" y1="{up}" x2="{left}" y2="{bottom}" stroke="#333"/>',
        f'<text x="{left - 6}" y="{up + 4}" font-size="11" text-anchor="end">{int(top):,}</text>',
        f'<text x="{left - 6}" y="{bottom}" font-size="11" text-anchor="end">0</text>',
    ]
    coords = []
    for i, (quarter, value) in enumerate(points):
        x = left + i * step
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 16}" font-size="10" text-anchor="middle">{html.escape(quarter)}</text>'
        )
        if value is None or pd.isna(value):
            continue
        y = bottom - (float(value) / top) * (bottom - up)
        coords.append(f"{x:.1f},{y:.1f}")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#0072B2"/>')
    parts.append(f'<polyline fill="none" stroke="#0072B2" stroke-width="2" points="{" ".join(coords)}"/>')
    parts.append("</svg>")
    return "".join(parts)


def _table_html(table: pd.DataFrame) -> str:
    if table.empty:
        return "<p>Nothing to show yet.</p>"
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in table.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def summary_html(summary: PublicSummary) -> bytes:
    """One self-contained HTML page (inline CSS and SVG, no script, no external address)."""
    check_summary(summary)
    synthetic = [n for n in summary.notes if n.startswith(SYNTHETIC_LABEL)]
    others = [n for n in summary.notes if not n.startswith(SYNTHETIC_LABEL)]
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(summary.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(summary.title)}</h1><p>{html.escape(summary.made)}</p>",
        *[f'<p class="synthetic">{html.escape(n)}</p>' for n in synthetic],
    ]
    for title, table in summary.tables().items():
        parts.append(f"<h2>{html.escape(title)}</h2>")
        if title.startswith("Reports to Crimestoppers"):
            parts.append(f"<figure>{trend_svg(summary.crimestoppers)}</figure>")
        parts.append(_table_html(table))
    parts.extend(f'<p class="note">{html.escape(n)}</p>' for n in others)
    parts.append(f'<p class="note">{html.escape(PRODUCER)}</p></body></html>')
    return "".join(parts).encode("utf-8")


def summary_pdf(summary: PublicSummary) -> bytes:
    """The summary as a printable A4 PDF (the same tables and notes as the HTML and page)."""
    check_summary(summary)
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title(latin1(summary.title))
    pdf.set_author(PRODUCER)
    pdf.add_page()
    heading(pdf, latin1(summary.title), size=15)
    para(pdf, latin1(summary.made))
    for note in summary.notes:
        if note.startswith(SYNTHETIC_LABEL):
            pdf.set_font("Helvetica", "B", 11)
            para(pdf, latin1(note), 6)
            pdf.set_font("Helvetica", size=10)
    for title, table in summary.tables().items():
        pdf.ln(2)
        heading(pdf, latin1(title), body_size=9)
        if table.empty:
            para(pdf, "Nothing to show yet.")
            continue
        with pdf.table(text_align="RIGHT", first_row_as_headings=True) as t:
            t.row([latin1(str(c)) for c in table.columns])
            for row in table.itertuples(index=False):
                t.row([latin1(str(v)) for v in row])
    pdf.ln(3)
    pdf.set_font("Helvetica", size=9)
    for note in summary.notes:
        if not note.startswith(SYNTHETIC_LABEL):
            para(pdf, latin1(note), 5)
    return bytes(pdf.output())
