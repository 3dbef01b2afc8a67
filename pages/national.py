"""National picture: West Yorkshire's recorded crime rates against the 43 forces and a peer group."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from core.settings import get_settings
from models.national import ALL_OFFENCES, PEER_EXPLANATION, quarterly_table, ranking, sentences, small_base_note
from records import national_table as national
from ui import cache, charts, download, exports, tables

#: The national tables' columns as readers name them.
NATIONAL_LABELS = {
    "rank": "Rank of 43",
    "force": "Force",
    "rate": "Per 1,000 residents",
    "small_base": "Small resident base",
    "quarter": "Quarter",
    "persons": "Residents",
    "count": "Offences",
    "offences": "Offences",
}

settings = get_settings()
today = dt.date.today()
home = settings.home_force_national
st.title("National picture")
table_token = national.table_token()
table, _ = cache.national_tables(table_token)
meta = national.stored_table_meta()
source = f"Home Office police recorded crime by force area ({meta['source'] if meta else table.source.split('/')[-1]})"
caption = st.empty()

c = st.columns([1, 3])
year = c[0].selectbox("Financial year", table.years[::-1], key="national_year")
residents = cache.national_populations(table_token, year)
populations = residents.populations
caption.caption(
    f"{home} among the forces of England and Wales: police recorded crime per 1,000 residents "
    f"(residents: {residents.description}). {source}. Public figures only."
)
if residents.note:
    st.info(residents.note, icon=":material/groups:")
default_peers = cache.national_default_peers(table_token, year)
forces = sorted(populations["force"][populations["force"] != home])
peers = tuple(
    c[1].multiselect(
        "Peer group", forces, default=list(default_peers), key=f"national_peers_{year}", placeholder="Choose forces"
    )
)
st.caption(PEER_EXPLANATION.format(k=len(default_peers), home=home))
adjust = st.toggle(
    "Allow for over-dispersion (Spiegelhalter 2005)",
    value=True,
    help="Forces differ more than chance alone would make them; the limits are widened by the measured excess.",
)
picture = cache.national_picture(table_token, year, peers, adjust)
summary = picture.summary

note = small_base_note(populations, settings.small_base_residents)
if note:
    st.info(note, icon=":material/info:")

st.subheader("Offences serious and organised crime drives")
for sentence in sentences(summary, soc=True):
    st.markdown(f"- {sentence}")
st.subheader("Every offence group")
for sentence in sentences(summary, soc=False):
    st.markdown(f"- {sentence}")
summary_table = exports.national_table(summary)
tables.show(summary_table, formats=tables.decimals(summary_table))

st.subheader("Funnel plot")
measures = summary["measure"].tolist()
measure = st.selectbox(
    "Measure",
    measures,
    index=measures.index("Trafficking in controlled drugs") if "Trafficking in controlled drugs" in measures else 0,
    key="national_measure",
)
funnel_view = cache.FunnelView(table_token, year, peers, adjust, measure, source, today)
chart, points = cache.national_funnel_chart(funnel_view)
st.altair_chart(chart, width="stretch")
row = summary.set_index("measure").loc[measure]
st.caption(
    f"Text alternative of the funnel plot: each force's rate of {measure.lower()} per 1,000 residents against its "
    f"residents; the line is the national rate ({row['national_rate']:,.2f}); the funnels are the 95 % and "
    f"99.8 % control limits, narrower for larger forces (over-dispersion factor {picture.phi[measure]:,.1f}). "
    f"A force beyond the 99.8 % limits differs from the national rate by more than chance would make it. "
    f"{row['sentence']} The figures of the chart:"
)
funnel_table = exports.funnel_table(points)
tables.show(funnel_table, formats=tables.decimals(funnel_table))

st.subheader(f"{home}'s rank and quarters against the peer group")
st.markdown(f"**{home}** ranks **{int(row['rank'])}** of {int(row['forces'])} forces on {measure.lower()}.")
st.markdown(charts.quarterly_heading(measure, year))
st.altair_chart(charts.quarterly_chart(picture.quarterly, measure), width="stretch")
left, right = st.columns(2)
left.caption("Quarter by quarter (text alternative of the chart)")
with left:
    quarters = quarterly_table(picture.quarterly, measure)
    tables.show(
        quarters, labels=NATIONAL_LABELS, formats={**tables.decimals(quarters), "quarter": "Q%d"}
    )  # as the chart
right.caption("Every force, highest rate first (small resident base flagged)")
with right:
    tables.show(ranking(picture.rates, measure), labels=NATIONAL_LABELS, formats={"rate": "%.3f"})

st.subheader("Exports")
context = {"year": year, "measure": measure, "peers": list(peers), "overdispersion": adjust}
e = st.columns(3)
download.download(
    download.ExportFile(
        "Summary (CSV)",
        exports.national_csv(summary),
        "precision_national_summary.csv",
        f"National picture summary, {year}",
        len(summary),
    ),
    context,
    where=e[0],
)
download.download(
    download.ExportFile(
        "Funnel figures (CSV)",
        exports.funnel_csv(points),
        "precision_national_funnel.csv",
        f"National funnel figures: {measure}, {year}",
        len(points),
    ),
    context,
    where=e[1],
)
download.download(
    download.ExportFile(
        "Funnel plot (PNG)",
        cache.national_funnel_png(funnel_view),
        "precision_national_funnel.png",
        f"National funnel plot: {measure}, {year}",
    ),
    context,
    where=e[2],
)
st.caption(
    f"{ALL_OFFENCES} counts every offence a force recorded, negative adjustments included; fraud is recorded "
    "nationally (Action Fraud and the fraud bodies), not by forces, so it has no rate per resident here."
)
