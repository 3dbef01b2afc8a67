"""Hotspot map: incidents per H3 hexagon under the sidebar filters; click a hexagon for details."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from geo.settings import get_settings
from ui import cache, filters, maps, panels

settings = get_settings()
token = st.session_state["store_token"]
chosen = st.session_state["filters"]

st.title("Hotspot map")
st.caption(filters.describe(chosen))

scheme_label = st.radio("Colour classes", list(maps.SCHEMES), horizontal=True)
layer = cache.hex_layer(token, chosen, maps.SCHEMES[scheme_label])
selected = cache.filtered(token, chosen)
bounds = panels.view_bounds(cache.districts(), chosen.districts)

mapped = int(selected["longitude"].notna().sum())
st.markdown(
    f"**{len(selected):,}** incidents, **{mapped:,}** with coordinates, in "
    f"**{len(layer.features['features']):,}** hexagons."
)

left, right = st.columns([5, 2])
with left:
    fmap = maps.hex_count_map(layer, cache.district_outlines(), bounds, tiles=settings.map_tiles)
    clicked = st_folium(
        fmap,
        key="hotspot_map",
        height=620,
        use_container_width=True,
        returned_objects=["last_object_clicked"],
    )
with right:
    panels.cell_details(selected, chosen.resolution, clicked.get("last_object_clicked") if clicked else None)

st.caption(
    "Locations on data.police.uk are anonymised: each crime is placed at the nearest of a "
    "fixed set of map points, so counts pile up at those points. Incidents without "
    "coordinates are counted above but not drawn."
)
