"""Organised crime groups: the register by district and criminality, activity, disruptions
and the quarterly return. Silver users only (and the demo mode, with synthetic data only)."""

from __future__ import annotations

import datetime as dt

import altair as alt
import streamlit as st

from core.errors import RecordError
from models.ocg import by_district_and_criminality, quarterly_return
from records.ocg_schema import DISRUPTION_LEVELS, STRANDS
from records.ocg_store import record_disruption
from ui import charts, download, exports, ocg_gate, session, tables

view = ocg_gate.visible_ocg("details")
data = view.data
st.title("Organised crime groups")
if view.notice:
    st.warning(view.notice, icon=":material/lock:")
    st.stop()
if data is None:
    st.info(
        "No organised crime group data is loaded. An administrator loads it on the Data page or with "
        "`python -m cli.ocg REGISTER.csv ACTIVITY.csv`."
    )
    st.stop()
if data.synthetic:
    st.error(
        "SYNTHETIC DEMONSTRATION DATA: not real intelligence. Made by a seeded generator "
        "to the published strategy's figures.",
        icon=":material/science:",
    )
st.caption(f"Source: {data.source}. {len(data.register)} OCGs, {len(data.activity):,} activity records.")

st.subheader("OCGs by home district and principal criminality")
st.caption("Every group on the register, active or not (District profiles count active groups only).")
by_district = by_district_and_criminality(data.register)
tables.show(by_district.reset_index(), labels={"home_district": "Home district"})
download.download(
    download.ExportFile(
        "OCGs by district and criminality (CSV)",
        exports.table_csv(by_district.reset_index(), data.synthetic),
        "precision_ocgs_by_district.csv",
        "OCGs by home district and principal criminality",
        len(by_district),
    ),
    {"synthetic": data.synthetic},
)
st.caption(f"Operating across county borders: {int((data.register['cross_border'] == 'yes').sum())}.")

st.subheader("Activity over time")
monthly = (
    data.activity.assign(month=data.activity["date"].str[:7])
    .groupby(["month", "activity_type"])
    .size()
    .rename("records")
    .reset_index()
)
charts.show(
    alt.Chart(monthly)
    .mark_bar()
    .encode(
        x=alt.X("month:O", title="Month"),
        y=alt.Y("records:Q", title="Records"),
        color=alt.Color("activity_type:N", scale=alt.Scale(range=charts.OKABE_ITO), title="Activity"),
        tooltip=["month", "activity_type", "records"],
    )
    .properties(height=300),
    charts.counts_summary(
        monthly.groupby("month", as_index=False)["records"].sum(), "month", "records", "Busiest months (records)"
    ),
)

st.subheader("Disruptions log")
if recorded := st.session_state.pop("ocg_recorded", None):
    st.success(recorded)
disruptions = data.activity[data.activity["activity_type"] == "disruption"].sort_values("date", ascending=False)
tables.show(
    disruptions[["date", "ocg_id", "disruption_level", "strand", "lsoa_code"]],
    labels={"date": "Date", "disruption_level": "Level", "strand": "4P strand"},
    height=260,
)
with st.form("record_disruption", clear_on_submit=True):
    st.markdown("**Record a disruption**")
    c = st.columns(5)
    ocg_id = c[0].selectbox("OCG", data.register["ocg_id"].tolist())
    when = c[1].date_input("Date", value=dt.date.today(), max_value=dt.date.today())
    level = c[2].selectbox("Level", DISRUPTION_LEVELS)
    strand = c[3].selectbox("4P strand", STRANDS)
    lsoa = c[4].text_input("LSOA code", placeholder="E01011365")
    if st.form_submit_button("Record"):
        try:
            record_disruption(data, ocg_id, when, level, strand, lsoa)
        except RecordError as exc:
            st.error(f"Not recorded: {exc.reason}")
        else:
            session.audit_event("disruption", f"{level} {strand} disruption of {ocg_id}", {"date": when, "lsoa": lsoa})
            st.session_state["ocg_recorded"] = f"Recorded a {level} {strand} disruption of {ocg_id}."
            st.rerun()

st.subheader("Quarterly return (disruptions by level and 4P strand)")
ret = quarterly_return(data.activity)
tables.show(ret, labels={"quarter": "Quarter", "total": "Total"})
quarterly = exports.table_csv(ret, data.synthetic)
download.download(
    download.ExportFile(
        "Quarterly return (CSV)", quarterly, "precision_ocg_quarterly_return.csv", "OCG quarterly return", len(ret)
    ),
    {"synthetic": data.synthetic},
)
