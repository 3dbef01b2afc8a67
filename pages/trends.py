"""Trends: monthly counts and rates by district and crime type, changes and their significance."""

from __future__ import annotations

import streamlit as st

from models.trends import comparable_periods, compare_counts, describe_change, movers
from ui import cache, charts, context

ctx = context.analysis_page("Trends")
loaded = cache.store().months()
series = cache.trend_series(ctx.token, ctx.filters)

measure = st.radio("Measure", ["Incidents", "Per 1,000 residents"], horizontal=True)
value = "count" if measure == "Incidents" else "rate"
chart = charts.monthly_lines(series, value, charts.TREND_TITLES[value])
charts.show(chart, charts.monthly_summary(series, value, charts.TREND_TITLES[value]))
c = st.columns(2)
c[0].download_button("Chart (PNG)", cache.trend_png(ctx.token, ctx.filters, value), "precision_trends.png", "image/png")
c[1].download_button(
    "Monthly figures (CSV)", series.to_csv(index=False).encode("utf-8-sig"), "precision_trends.csv", "text/csv"
)

st.subheader("Change on the same months a year earlier")
latest = st.multiselect("Later period", loaded, default=loaded[-1:], key="trend_latest")
earlier, later, problem = comparable_periods(latest, loaded)
if not latest:
    st.info("Choose the months of the later period.")
elif problem:
    st.info(problem)
else:
    table = cache.period_comparison(ctx.token, ctx.filters, tuple(earlier), tuple(later))
    for row in table.head(5).itertuples():
        change = compare_counts(row.before, row.after, len(earlier), len(later))
        st.markdown("- " + describe_change(row.crime_type, row.district, change))
    st.dataframe(table, hide_index=True, width="stretch")
    for level, heading in (("lsoa", "LSOAs"), ("community", "Hotspot communities")):
        st.subheader(f"{heading} rising and falling most")
        rising, falling = movers(cache.period_comparison(ctx.token, ctx.filters, tuple(earlier), tuple(later), level))
        left, right = st.columns(2)
        left.caption("Rising")
        left.dataframe(rising, hide_index=True, width="stretch")
        right.caption("Falling")
        right.dataframe(falling, hide_index=True, width="stretch")
