"""Accuracy: how much of a later period's crime each ranking's top hexagons caught."""

from __future__ import annotations

import streamlit as st

from core.settings import get_settings
from ui import cache, charts, context

settings = get_settings()
token = st.session_state["store_token"]
months = cache.store().months()

st.title("Accuracy")
context.freshness_line(token)
st.markdown(
    "Rank the hexagons on the **training** months, then count how much of the **test** "
    "months' crime falls in the top 1, 2, 5 and 10 % of the five districts' area. "
    "Hit rate = share of test incidents caught; PAI (Predictive Accuracy Index) = hit rate "
    "÷ area share. *Hindsight* ranks by the test months themselves: the most any ranking "
    "could catch."
)
if len(months) < 2:
    st.info(f"Backtesting needs at least two loaded months; {len(months)} loaded.")
    st.stop()
c = st.columns(3)
train = c[0].multiselect("Training months", months, default=months[-2:-1])  # the month before the test
test = c[1].multiselect("Test months", months, default=months[-1:])
resolution = c[2].select_slider(
    "H3 resolution", options=list(settings.h3_resolutions), value=settings.h3_default_resolution
)
if not train or not test:
    st.warning("Choose at least one training month and one test month.")
    st.stop()
if set(train) & set(test):
    st.warning("Training and test months overlap: the test would see its own answers.")
result = cache.backtest(token, resolution, tuple(sorted(train)), tuple(sorted(test)))
st.caption(f"{result.n_cells:,} hexagons; {result.test_incidents:,.0f} test incidents on the grid.")
left, right = st.columns(2)
for column, measure, title in ((left, "hit_rate", "Hit rate"), (right, "pai", "PAI")):
    curve = charts.accuracy_curve(result.table, measure, title)
    charts.show(curve, charts.accuracy_summary(result.table, measure, title), column)
coinciding = charts.coinciding_note(result.table)
if coinciding:
    st.caption(coinciding)
st.dataframe(charts.accuracy_table(result.table), hide_index=True, width="stretch")
