"""Reusable page panels (rendering only; the figures come from ``models``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from geo import hexes
from geo.ocg_store import OcgData
from models.counts import cell_profile
from models.hotspots import BIN_LABELS, HotspotResult
from models.ocg import counts_by_criminality, ocgs_in_cells
from models.pipeline import HotspotAnalysis
from models.targeting import Plan
from ui import auth, charts


def view_bounds(districts: gpd.GeoDataFrame, focus: Sequence[str]) -> tuple[float, float, float, float]:
    """Return the (min_lon, min_lat, max_lon, max_lat) to show: the chosen districts, or all."""
    chosen = districts[districts["district"].isin(focus)] if focus else districts
    if not len(chosen):
        chosen = districts
    minx, miny, maxx, maxy = (float(v) for v in chosen.total_bounds)
    return minx, miny, maxx, maxy


def cell_details(
    incidents: pd.DataFrame,
    resolution: int,
    click: Mapping[str, float] | None,
    gi: HotspotResult | None = None,
) -> None:
    """Show what is in the hexagon under a map click (or how to get there).

    With a Gi* result, the hexagon's z-score, p-values and confidence bin are shown too.
    """
    st.subheader("Hexagon details")
    if not click or "lat" not in click or "lng" not in click:
        st.info("Click a hexagon on the map to see its crime types, streets and LSOAs.")
        return
    cell = int(hexes.latlng_to_cells(np.array([click["lat"]]), np.array([click["lng"]]), resolution)[0])
    profile = cell_profile(incidents, cell, resolution)
    st.caption(f"H3 cell `{hexes.cell_to_str(cell)}` (resolution {resolution})")
    if gi is not None:
        position = np.searchsorted(gi.cells, cell)
        if position < len(gi.cells) and gi.cells[position] == cell:
            p_sim = gi.p_sim[position]
            st.markdown(
                f"**{BIN_LABELS[int(gi.bins[position])]}** · Gi* z = {gi.z[position]:.2f} · "
                f"p = {gi.p_value[position]:.4f}" + ("" if np.isnan(p_sim) else f" · permutation p = {p_sim:.3f}")
            )
        else:
            st.caption("This hexagon's centre is outside the five districts: not on the Gi* grid.")
    if profile.total == 0:
        st.info("No incident under the current filters in this hexagon.")
        return
    st.metric("Incidents", f"{profile.total:,}")
    st.dataframe(
        profile.by_type.rename(columns={"crime_type": "Crime type", "count": "Incidents"}),
        hide_index=True,
        width="stretch",
    )
    st.markdown("**Most frequent locations**")
    st.dataframe(
        profile.streets.rename(columns={"location": "Location", "count": "Incidents"}),
        hide_index=True,
        width="stretch",
    )
    st.markdown("**LSOAs**")
    st.dataframe(
        profile.lsoas.rename(columns={"lsoa_code": "LSOA", "lsoa_name": "Name", "count": "Incidents"}),
        hide_index=True,
        width="stretch",
    )


def hotspot_summary(analysis: HotspotAnalysis) -> None:
    """One line on what the Gi* analysis found and how it was made."""
    r = analysis.result
    hot = int((r.bins > 0).sum())
    cold = int((r.bins < 0).sum())
    p = analysis.params
    st.markdown(
        f"**{hot:,}** hot and **{cold:,}** cold hexagons of {len(r.cells):,}; "
        f"**{len(analysis.communities):,}** hotspot communities. "
        f"Gi* on {'harm-weighted counts' if p.harm_weighted else 'counts'}, neighbours within "
        f"{p.k} ring, {p.permutations:,} permutations (seed {p.seed}), "
        f"FDR-corrected at each confidence level."
    )


def community_table(communities: gpd.GeoDataFrame) -> pd.Series:
    """Show the ranked communities; return the row the user picked (the first by default)."""
    shown = communities[
        [
            "rank",
            "community_id",
            "name",
            "districts",
            "incidents",
            "harm",
            "residents",
            "households",
            "n_cells",
            "area_km2",
            "top_crime_types",
        ]
    ].rename(
        columns={
            "rank": "Rank",
            "community_id": "Id",
            "name": "Name",
            "districts": "Districts",
            "incidents": "Incidents",
            "harm": "Harm score",
            "residents": "Residents",
            "households": "Households",
            "n_cells": "Hexagons",
            "area_km2": "Area (km²)",
            "top_crime_types": "Main crime types",
        }
    )
    event = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="community_table",
        height=320,
    )
    rows = event.selection.rows if event and event.selection else []
    ids = communities["community_id"].tolist()
    default = ids[rows[0]] if rows else ids[0]
    chosen = st.selectbox(
        "Community",
        ids,
        index=ids.index(default),
        format_func=lambda i: f"{i} · {communities.loc[communities['community_id'] == i, 'name'].iat[0]}",
    )
    return communities[communities["community_id"] == chosen].iloc[0]


def community_profile(row: pd.Series) -> None:
    """Crime mix, streets, LSOAs, residents and the monthly trend of one community."""
    c = st.columns(3)
    c[0].metric("Incidents", f"{int(row['incidents']):,}")
    c[1].metric("Residents (census 2011)", f"{int(row['residents']):,}")
    c[2].metric("Households", f"{int(row['households']):,}")
    mix = pd.DataFrame({"Crime type": list(row["by_type"]), "Incidents": list(row["by_type"].values())})
    charts.show(
        charts.bars(mix, "Crime type", "Incidents"), charts.counts_summary(mix, "Crime type", "Incidents", "Crime mix")
    )
    st.markdown("**Most frequent locations:** " + ", ".join(row["streets"]))
    st.markdown(f"**Districts:** {row['districts']} · **MSOAs:** {', '.join(row['msoas'])}")
    st.markdown(f"**LSOAs ({len(row['lsoas'])}):** {', '.join(row['lsoas'])}")
    trend = pd.DataFrame({"Month": list(row["by_month"]), "Incidents": list(row["by_month"].values())})
    if len(trend) > 1:
        listed = "; ".join(f"{m} {n:,}" for m, n in zip(trend["Month"], trend["Incidents"], strict=True))
        charts.show(charts.line(trend, "Month", "Incidents"), f"Incidents a month in this community: {listed}.")
    else:
        st.caption(f"One month loaded ({', '.join(trend['Month'])}): no trend to draw.")


def emerging_summary(categories: pd.DataFrame, communities: gpd.GeoDataFrame) -> None:
    """Counts of emerging hot-spot categories overall and per community."""
    shown = categories[categories["category"] != "no pattern"]
    st.dataframe(shown["category"].value_counts().rename_axis("Category").reset_index(name="Hexagons"), hide_index=True)
    per_cell = dict(zip(categories["cell"], categories["category"]))
    rows = []
    for row in communities.itertuples():
        cats = pd.Series([per_cell.get(c, "no pattern") for c in row.cells]).value_counts()
        rows.append({"Id": row.community_id, "Name": row.name, **cats.to_dict()})
    st.dataframe(pd.DataFrame(rows).fillna(0), hide_index=True, width="stretch")


def plan_communities(plan: Plan) -> None:
    """The communities offered, chosen or not, with flyers and themes."""
    table = plan.communities.assign(
        In=plan.communities["chosen"].map({True: "yes", False: "no"}),
        Themes=plan.communities["themes"].map(", ".join),
    )[["In", "community_id", "name", "districts", "households", "flyers", "Themes"]].rename(
        columns={
            "community_id": "Id",
            "name": "Name",
            "districts": "Districts",
            "households": "Households",
            "flyers": "Flyers",
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", height=460)


def plan_sessions(plan: Plan) -> None:
    """The Facebook Live schedule as a table."""
    if plan.sessions.empty:
        st.info("No session planned: set sessions a month above zero and a window with allowed days.")
        return
    s = plan.sessions
    st.dataframe(
        s.assign(When=[f"{a:%a %d %b %Y, %H:%M}–{b:%H:%M}" for a, b in zip(s["start"], s["end"])])[
            ["When", "district", "community_id", "name", "theme", "spot"]
        ].rename(
            columns={
                "district": "District",
                "community_id": "Id",
                "name": "Community",
                "theme": "Theme",
                "spot": "Suggested spot",
            }
        ),
        hide_index=True,
        width="stretch",
    )


def plan_drops(plan: Plan) -> None:
    """Flyer drop zones by LSOA."""
    st.dataframe(
        plan.drops.rename(
            columns={
                "community_id": "Id",
                "name": "Community",
                "district": "District",
                "lsoa_code": "LSOA",
                "households": "Households",
                "flyers": "Flyers",
                "streets": "Streets",
            }
        ),
        hide_index=True,
        width="stretch",
    )


def community_ocgs(data: OcgData, community: pd.Series, resolution: int) -> None:
    """OCGs with activity inside a community (silver users and the synthetic demo only)."""
    found = ocgs_in_cells(data.activity, data.register, list(community["cells"]), resolution)
    st.markdown(
        "**Organised crime groups active here**" + (" (SYNTHETIC DEMONSTRATION DATA)" if data.synthetic else "")
    )
    if found.empty:
        st.caption("No recorded OCG activity inside this community.")
    else:
        st.dataframe(found, hide_index=True, width="stretch")


def profile_ocg(district: str) -> tuple[pd.DataFrame | None, str]:
    """OCG counts of a district profile and the sentence that goes with them: what the page
    shows and what its PDF prints come from this one call.

    Counts are active groups by home district and principal criminality
    (:func:`models.ocg.counts_by_criminality`), shown only where :func:`ui.auth.visible_ocg`
    allows counts.
    """
    view = auth.visible_ocg("counts")
    if view.data is None:
        if not view.allowed:
            return None, "Not shown for your role."
        return None, view.notice or "No organised crime group data is loaded."
    counts = counts_by_criminality(view.data.register, district)
    if view.data.synthetic:
        return counts, "SYNTHETIC DEMONSTRATION DATA: not real intelligence. Active groups by principal criminality."
    return counts, f"Active groups whose home district is {district}, by principal criminality ({view.data.source})."
