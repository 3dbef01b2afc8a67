"""Hotspot communities: the ranked table, one community's profile, emerging hot spots."""

from __future__ import annotations

import streamlit as st

from core.settings import get_settings
from models.emerging import enough_months
from ui import cache, context, maps, ocg_gate, panels

settings = get_settings()
ctx = context.analysis_page("Hotspot communities", residents=True)
token, chosen, params = ctx.token, ctx.filters, ctx.params
analysis = cache.hotspot_analysis(token, chosen, params)
panels.hotspot_summary(analysis)
communities = analysis.communities
if communities.empty:
    st.info("No significant hot spots under these filters. Widen the districts, months or crime types.")
    st.stop()

st.subheader("Ranked by harm")
picked = panels.community_table(communities)

st.subheader(f"{picked['community_id']} · {picked['name']}")
left, right = st.columns([3, 2])
with left:
    layer = cache.gi_star_layer(token, chosen, params)
    one = communities[communities["community_id"] == picked["community_id"]]
    fmap = maps.hex_map(
        layer,
        cache.district_outlines(),
        tuple(one.total_bounds),
        tiles=settings.map_tiles,
        title=f"Map of {picked['community_id']} and the Gi* hot spots around it; the same figures are in the table below",
        communities=maps.community_features(one),
    )
    panels.draw_map(fmap, f"community_map_{picked['community_id']}", 460)
    panels.map_table(layer, communities)
with right:
    panels.community_profile(picked)
    ocg_view = ocg_gate.visible_ocg("details")
    if ocg_view.data is not None:
        panels.community_ocgs(ocg_view, picked, chosen.resolution)
    elif ocg_view.notice:
        st.caption(ocg_view.notice)

st.subheader("Emerging hot spots")
months = cache.store().months()
ok, why = enough_months(months)
if ok:
    st.caption(
        f"Monthly Gi* over every loaded month ({len(months)}), whatever the period chosen: a trend needs them all."
    )
    panels.emerging_summary(cache.emerging(token, chosen, params.harm_weighted), communities)
else:
    st.info(why)
