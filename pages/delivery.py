"""Delivery log: mark the comms plan's flyer drops and Facebook Live sessions delivered, add
unplanned ones and local media pieces, correct records; CSV export (comms, silver, demo)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from models.delivery import with_status
from records import delivery_log
from ui import cache, context, delivery, download, exports

ctx = context.analysis_page("Delivery log")
today = dt.date.today()
communities = cache.hotspot_analysis(ctx.token, ctx.filters, ctx.params).communities
if communities.empty:
    st.info("No hotspot community under these filters: widen the districts, months or crime types.")
    st.stop()
plan_day = context.age().plan_day  # today, or the day after the newest month when the data are old
constraints, selected, from_comms = delivery.plan_args(communities, plan_day)
st.caption(
    ("The plan shown last on the Comms plan page" if from_comms else "The Comms plan page's default plan")
    + f": {len(selected)} communities in play, {constraints.start:%d %b %Y} to {constraints.end:%d %b %Y}."
)
if done := st.session_state.pop("delivery_done", None):
    st.success(done)

log = cache.deliveries(delivery_log.token())
items = with_status(cache.plan_items(ctx.token, ctx.filters, ctx.params, constraints, selected), log)
m = st.columns(4)
m[0].metric("Planned items", len(items))
m[1].metric("Delivered", int(items["delivered"].sum()))
m[2].metric("Unplanned deliveries", int((log["planned_item"] == "").sum()))
m[3].metric("Flyers delivered", f"{int(log['flyers'].sum()):,}")

st.subheader("The plan")
st.dataframe(
    items.assign(kind=items["kind"].map(delivery_log.KINDS))[
        ["planned_date", "kind", "community_id", "community_name", "district", "detail", "delivered", "delivered_on"]
    ].rename(
        columns={
            "planned_date": "Planned",
            "kind": "Kind",
            "community_id": "Community",
            "community_name": "Community name",
            "district": "District",
            "detail": "Detail",
            "delivered": "Delivered",
            "delivered_on": "Delivered on",
        }
    ),
    hide_index=True,
    width="stretch",
    height=260,
)
tabs = st.tabs(["Mark a planned item delivered", "Add an unplanned delivery", "Correct a record"])
with tabs[0]:
    delivery.mark_delivered(items, today)
with tabs[1]:
    delivery.add_unplanned(communities, ctx.filters.resolution, today, plan_day)
with tabs[2]:
    delivery.edit_record(log, today)

st.subheader("Deliveries recorded")
table = delivery.log_table(log)
st.dataframe(table, hide_index=True, width="stretch")
download.download(
    download.ExportFile(
        "Delivery log (CSV)", exports.table_csv(table), "precision_delivery_log.csv", "Delivery log", len(table)
    ),
    {"rows": len(table)},
)
