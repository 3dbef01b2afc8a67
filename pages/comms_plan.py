"""Comms plan: flyer drops and Facebook Live sessions in hotspot communities, with exports."""

from __future__ import annotations

import streamlit as st

from core.settings import get_settings
from models.targeting import CRIMESTOPPERS_PROMISE
from ui import briefs, cache, comms, context, download, filters, maps, panels

settings = get_settings()
ctx = context.analysis_page("Communications plan", residents=True)
token, chosen, params = ctx.token, ctx.filters, ctx.params
communities = cache.hotspot_analysis(token, chosen, params).communities
if communities.empty:
    st.info("No hotspot community under these filters: widen the districts, months or crime types.")
    st.stop()

# the window starts from today, or from the first day after the newest month when the data are old
constraints, selected, contact = comms.plan_controls(communities, cache.themes(), context.age().plan_day)
if constraints is None:  # plan_controls has shown what is wrong
    st.stop()
plan = cache.plan(token, chosen, params, constraints, tuple(selected))
st.session_state["comms_plan_args"] = (constraints, tuple(selected))  # the plan the Delivery log page delivers
summary = briefs.plan_summary(plan)
m = st.columns(4)
m[0].metric("Communities in the plan", f"{summary['communities']} of {len(selected)}")
m[1].metric("Flyers to print", f"{summary['flyers']:,}", help=f"Budget {constraints.flyer_budget:,}")
m[2].metric("Households covered", f"{summary['households']:,}")
m[3].metric("Facebook Live sessions", f"{summary['sessions']}")
for note in plan.notes:
    st.warning(note)

left, right = st.columns([3, 2])
with left:
    in_plan = communities[
        communities["community_id"].isin(plan.communities.loc[plan.communities["chosen"], "community_id"])
    ]
    bounds = tuple(in_plan.total_bounds) if len(in_plan) else panels.view_bounds(cache.districts(), chosen.districts)
    fmap = maps.hex_map(
        maps.EMPTY_LAYER,
        cache.district_outlines(),
        bounds,
        tiles=settings.map_tiles,
        title="Map of the communities in the plan; the same communities are in the table beside it",
        communities=maps.community_features(in_plan),
    )
    panels.draw_map(fmap, "comms_map", 480)
with right:
    panels.plan_communities(plan)

st.subheader("Facebook Live schedule")
panels.plan_sessions(plan)
st.subheader("Flyer drop zones")
panels.plan_drops(plan)
st.caption(CRIMESTOPPERS_PROMISE)

st.subheader("Exports")
export_context = {
    "filters": filters.describe(chosen),
    "communities": [c for c in selected],
    "flyer_budget": constraints.flyer_budget,
    "window": f"{constraints.start} to {constraints.end}",
}
files = cache.comms_exports(token, chosen, params, constraints, tuple(selected), contact)
for column, file in zip(st.columns(len(files)), files):
    download.download(file, export_context, where=column)
