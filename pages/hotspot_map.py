"""Hotspot map: incident counts or Gi* hot spots per H3 hexagon; click a hexagon for details."""

from __future__ import annotations

import functools

import streamlit as st

from core.settings import get_settings
from records.ocg_schema import CRIMINALITY
from security import policy
from ui import cache, context, crossborder, maps, ocg_gate, panels, session

settings = get_settings()
ctx = context.analysis_page("Hotspot map")
token, chosen, params = ctx.token, ctx.filters, ctx.params

left_controls, right_controls = st.columns([3, 2])
view = left_controls.radio("Show", ["Incident counts", "Gi* hot spots"], horizontal=True)
show_communities = right_controls.toggle("Community outlines", value=view == "Gi* hot spots")
ocg_view = ocg_gate.visible_ocg("details")
ocg_data = ocg_view.data
overlay = None
if ocg_view.notice:
    right_controls.caption(ocg_view.notice)
if ocg_data is not None:
    picked = right_controls.multiselect(
        "OCG activity by principal criminality", list(CRIMINALITY), key="ocg_layer", placeholder="Off"
    )
    if picked:
        chosen_groups = ocg_data.register[ocg_data.register["principal_criminality"].isin(picked)]
        overlay = maps.ocg_hex_layer(
            ocg_data.activity[ocg_data.activity["ocg_id"].isin(chosen_groups["ocg_id"])],
            chosen_groups,
            chosen.resolution,
            CRIMINALITY,
            ocg_data.synthetic,
        )
user = session.current_user()
across = policy.cross_border_allowed(user.role if user else None) and right_controls.toggle(
    "Across the county border", value=False, help="Neighbouring forces' hexagons near the county, in grey"
)
selected = cache.filtered(token, chosen)
analysis = cache.hotspot_analysis(token, chosen, params) if view == "Gi* hot spots" or show_communities else None

if view == "Incident counts":
    scheme_label = st.radio("Colour classes", list(maps.SCHEMES), horizontal=True)
    layer = cache.hex_layer(token, chosen, maps.SCHEMES[scheme_label])
else:
    layer = cache.gi_star_layer(token, chosen, params)
    panels.hotspot_summary(analysis)

mapped = int(selected["longitude"].notna().sum())
st.markdown(f"**{len(selected):,}** incidents, **{mapped:,}** with coordinates; **{len(layer):,}** hexagons drawn.")
left, right = st.columns([5, 2])
with left:
    fmap = maps.hex_map(
        layer,
        cache.district_outlines(),
        panels.view_bounds(cache.districts(), chosen.districts),
        tiles=settings.map_tiles,
        title=f"Hotspot map: {layer.title.lower()}; the same figures are in the table below the map",
        communities=maps.community_features(analysis.communities) if show_communities and analysis else None,
        overlay=overlay,
    )
    if across:
        crossborder.add_border_layer(fmap, cache.border_cells(token, chosen), settings.map_coordinate_decimals)
    clicked = panels.draw_map(fmap, "hotspot_map", 620, ["last_object_clicked"])
with right:
    panels.cell_details(
        functools.partial(cache.hexagon_profile, token, chosen),
        chosen.resolution,
        clicked.get("last_object_clicked") if clicked else None,
        analysis.result if analysis else None,
    )

panels.map_table(layer, analysis.communities if show_communities and analysis else None)
if overlay is not None:
    panels.map_table(overlay, heading=f"Table of the {overlay.title} layer", key="overlay_table")

if across:
    crossborder.border_panel(cache.border_cells(token, chosen), chosen.resolution, ocg_data)
st.caption(
    "Locations on data.police.uk are anonymised: each crime is placed at the nearest of a "
    "fixed set of map points, so counts pile up at those points. Incidents without "
    "coordinates are counted above but not drawn."
)
