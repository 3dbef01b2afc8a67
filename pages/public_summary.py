"""Public summary: disruptions by quarter, level and 4P strand, campaigns delivered and the
Crimestoppers trend, under the disclosure rules; printable PDF and one self-contained HTML
page for the partnership's website (silver, opcc, comms)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from models.public_summary import SYNTHETIC_LABEL, check_summary, public_summary
from records import delivery_log
from ui import cache, download, ocg_gate, public_exports
from ui import outcomes as outcome_ui

st.title("Public summary")
st.caption("What the partnership can publish: counts under 10 hidden, others rounded to 5, no group and no place.")
disruptions, disruptions_synthetic, withheld = ocg_gate.public_disruptions()
summary = check_summary(
    public_summary(
        disruptions,
        disruptions_synthetic,
        cache.deliveries(delivery_log.token()),
        outcome_ui.current().crimestoppers,
        dt.date.today(),
    )
)
for note in summary.notes:
    if note.startswith(SYNTHETIC_LABEL):
        st.error(note, icon=":material/science:")
if withheld:
    st.warning(withheld, icon=":material/lock:")
for heading, table in summary.tables().items():
    st.subheader(heading)
    if heading.startswith("Reports to Crimestoppers") and len(summary.crimestoppers):
        st.html(public_exports.trend_svg(summary.crimestoppers))
    if table.empty:
        st.caption("Nothing to show yet.")
    else:
        st.dataframe(table, hide_index=True, width="stretch")
for note in summary.notes:
    if not note.startswith(SYNTHETIC_LABEL):
        st.caption(note)

c = st.columns(2)
files = (
    download.ExportFile(
        "Summary (PDF)", public_exports.summary_pdf(summary), "precision_public_summary.pdf", "Public summary (PDF)"
    ),
    download.ExportFile(
        "Web page (HTML)",
        public_exports.summary_html(summary),
        "precision_public_summary.html",
        "Public summary (web page)",
    ),
)
for column, file in zip(c, files):
    download.download(file, {"page": "public"}, where=column)
