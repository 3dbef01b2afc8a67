"""Reusable page panels (rendering only; the figures come from ``models``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from geo import hexes
from models.counts import cell_profile


def view_bounds(districts: gpd.GeoDataFrame, focus: Sequence[str]) -> tuple[float, float, float, float]:
    """Return the (min_lon, min_lat, max_lon, max_lat) to show: the chosen districts, or all."""
    chosen = districts[districts["district"].isin(focus)] if focus else districts
    if not len(chosen):
        chosen = districts
    minx, miny, maxx, maxy = (float(v) for v in chosen.total_bounds)
    return minx, miny, maxx, maxy


def cell_details(incidents: pd.DataFrame, resolution: int, click: Mapping[str, float] | None) -> None:
    """Show what is in the hexagon under a map click (or how to get there)."""
    st.subheader("Hexagon details")
    if not click or "lat" not in click or "lng" not in click:
        st.info("Click a hexagon on the map to see its crime types, streets and LSOAs.")
        return
    cell = int(hexes.latlng_to_cells(np.array([click["lat"]]), np.array([click["lng"]]), resolution)[0])
    profile = cell_profile(incidents, cell, resolution)
    st.caption(f"H3 cell `{hexes.cell_to_str(cell)}` (resolution {resolution})")
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
