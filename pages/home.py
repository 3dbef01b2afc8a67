"""Home: what is loaded, incidents per district, the way to each page."""

from __future__ import annotations

import streamlit as st

from core.settings import get_settings
from geo.police_uk import REJECT_REASONS
from ui import cache, charts, context, tables

PAGE_HELP = {
    "map": "incidents and Gi* hot spots per hexagon, by district, month and crime type",
    "communities": "significant hot spots grouped into named communities, ranked by harm",
    "comms": "flyer drops and Facebook Live sessions in hotspot communities, with exports",
    "trends": "monthly counts and rates by district, changes and whether they are chance",
    "profile": "one printable profile per district: headline figures, crime mix, top communities",
    "ocg": "organised crime groups by district and criminality, disruptions, quarterly return",
    "accuracy": "how well each ranking of hexagons anticipated later crime (hit rate, PAI)",
    "national": "West Yorkshire's rates against the 43 forces and its peers, with a funnel plot",
    "delivery": "record the flyer drops, Facebook Live sessions and media pieces delivered",
    "impact": "what changed after each campaign, against matched areas, and Crimestoppers and survey figures",
    "public": "the public performance summary, as PDF and as a web page",
    "accessibility": "how accessible this service is, and how to report a problem",
    "data": "load data.police.uk months, OCG files, outcome data and the national table",
    "users": "who may sign in, and their roles",
    "audit": "sign-ins, uploads, disruptions, downloads and user changes, filtered and exported",
}

settings = get_settings()
token = st.session_state["store_token"]
stats = cache.month_stats(token)

st.title("Precision Hotspots")
st.markdown(
    "Hotspot dashboard of West Yorkshire's serious and organised crime partnership "
    "(Programme Precision). Street-level incidents from data.police.uk are binned into H3 "
    "hexagons across Bradford, Calderdale, Kirklees, Leeds and Wakefield."
)

context.freshness_line(token)

st.subheader("What is loaded")
context.show_age()
breakdown = cache.stored_breakdown(token)
c = st.columns(5)
c[0].metric("Months", f"{len(stats)}", help=", ".join(stats["month"]))
c[1].metric("Incidents stored", f"{breakdown.stored:,}", help="= in a district + without coordinates + outside.")
c[2].metric("In a district", f"{breakdown.in_districts:,}", help="On the maps and in every analysis.")
c[3].metric("Without coordinates", f"{breakdown.unmapped:,}", help="Counted, not on the map or in a district.")
c[4].metric(
    "Outside West Yorkshire",
    f"{breakdown.outside:,}",
    help="Located in a neighbouring force area: counted, not analysed.",
)
st.caption(
    breakdown.sentence() + f" Rows read: {int(stats['rows_read'].sum()):,}; rejected: {int(stats['rejected'].sum()):,}."
)

with st.expander("Ingest figures by month"):
    tables.show(
        stats[
            [
                "month",
                "rows_read",
                "stored",
                "rejected",
                "unmapped",
                "outside",
                "lsoa_generation",
                "by_code",
                "by_point",
                "ingested_at",
                "files",
            ]
        ],
        labels={
            "lsoa_generation": "LSOAs of",
            "by_code": "Placed by LSOA code",
            "by_point": "Placed by point",
            "rows_read": "Rows read",
            "stored": "Incidents stored",
            "rejected": "Rejected",
            "unmapped": "Without coordinates",
            "outside": "Outside",
            "ingested_at": "Ingested (UTC)",
            "files": "Files",
        },
    )
others = cache.force_stats(token)
others = others[others["force"] != settings.home_force]
if len(others):
    st.caption(
        f"Figures above are {settings.home_force}'s. Also stored, for the national and cross-border "
        "views and never mixed into this force's hotspots, trends or plans: "
        + "; ".join(f"{r.force}: {r.stored:,} incidents ({r.months})" for r in others.itertuples())
        + "."
    )
rejected = cache.store().rejected_by_reason()
if rejected:
    st.caption(
        "Rejected rows by reason: "
        + "; ".join(f"{REJECT_REASONS.get(r, r)}: {n:,}" for r, n in sorted(rejected.items()))
    )

st.subheader("Incidents per district")
st.caption(f"Every loaded month ({len(stats)}); {breakdown.in_districts:,} incidents in a district.")
left, right = st.columns([2, 3])
with left:
    tables.show(
        breakdown.by_district,
        labels={"share": "Share (%)"},
        helps={"share": "Share of West Yorkshire's incidents in the district (%)"},
    )
charts.show_spec(*cache.district_chart(token), container=right)

st.subheader("Pages")
for key, page in st.session_state["pages"].items():
    if key in PAGE_HELP:
        st.page_link(page, label=f"{page.title}: {PAGE_HELP[key]}", icon=page.icon)

st.caption(
    "Source: data.police.uk street-level crime, Open Government Licence v3.0. Locations are "
    "anonymised to map points near the street; ONS LSOA boundaries and census 2011 figures, "
    "contains OS data © Crown copyright and database right."
)
