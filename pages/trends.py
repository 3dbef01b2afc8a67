"""Trends: monthly counts and rates by district and crime type, changes and their significance."""

from __future__ import annotations

import datetime as dt
import functools

import streamlit as st

from models.trends import comparable_periods, latest_comparable_month
from ui import cache, charts, context, download, exports, filters, panels, synthetic, tables

ctx = context.analysis_page("Trends", residents=True, nearest=True)
loaded = cache.store().months()
series = cache.trend_series(ctx.token, ctx.filters)

measure = st.radio("Measure", ["Incidents", "Per 1,000 residents"], horizontal=True)
value = "count" if measure == "Incidents" else "rate"
st.caption(
    "The chart shows every loaded month on a calendar axis, whatever the period chosen: a month "
    "not loaded is a gap in the line, not a zero."
)
shown = series[series["loaded"]]
charts.show_spec(*cache.trend_chart(ctx.token, ctx.filters, value))
with st.expander("The chart's figures as a table"):
    tables.show(tables.trend_table(shown), key="trend_table")
c = st.columns(2)
about = {"filters": filters.describe(ctx.filters), "measure": measure}
made = dt.date.today().isoformat()
png = functools.partial(cache.trend_png, ctx.token, ctx.filters, value, made, synthetic.label())  # made on click
download.download(
    download.ExportFile("Chart (PNG)", png, "precision_trends.png", f"Trends chart: {measure}"), about, where=c[0]
)
figures = tables.for_export(tables.trend_table(shown))
monthly = download.ExportFile(
    "Monthly figures (CSV)", exports.table_csv(figures), "precision_trends.csv", "Trends monthly figures", len(figures)
)
download.download(monthly, about, where=c[1])

st.subheader("Change on the same months a year earlier")
comparable = latest_comparable_month(loaded)
latest = st.multiselect(
    "Later period",
    loaded,
    default=[comparable] if comparable else loaded[-1:],
    key="trend_latest",
    help="By default the latest month whose month a year earlier is loaded.",
)
earlier, later, problem = comparable_periods(latest, loaded)
if not latest:
    st.info("Choose the months of the later period.")
elif problem:
    st.info(problem)
else:
    st.caption(f"Comparing {', '.join(later)} with {', '.join(earlier)}.")
    table = cache.period_comparison(ctx.token, ctx.filters, tuple(earlier), tuple(later))
    for sentence in cache.change_sentences(ctx.token, ctx.filters, tuple(earlier), tuple(later)):
        st.markdown("- " + sentence)
    tables.show(tables.change_table(table), key="trend_changes")
    changes = tables.for_export(tables.change_table(table))
    download.download(
        download.ExportFile(
            "Changes by district and crime type (CSV)",
            exports.table_csv(changes),
            "precision_trends_changes.csv",
            f"Trends: {', '.join(later)} against {', '.join(earlier)}",
            len(changes),
        ),
        {"filters": filters.describe(ctx.filters), "later": later, "earlier": earlier},
    )
    for level, heading in (("lsoa", "LSOAs"), ("community", "Hotspot communities")):
        st.subheader(f"{heading} rising and falling most")
        if level == "community" and (note := context.communities_note(ctx.token, later)):
            st.caption(note)
        rising, falling = cache.period_movers(ctx.token, ctx.filters, tuple(earlier), tuple(later), level)
        left, right = st.columns(2)
        with left:
            st.caption("Rising")
            tables.show(tables.change_table(rising), key=f"rising_{level}")
        with right:
            st.caption("Falling")
            tables.show(tables.change_table(falling), key=f"falling_{level}")
        if level == "community":
            panels.community_id_note([*rising["community_id"], *falling["community_id"]])
