"""Charts and chart-ready tables (Altair, colour-blind safe palette), as pure functions."""

from __future__ import annotations

import altair as alt
import pandas as pd

#: Okabe-Ito palette (colour-blind safe).
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]


def accuracy_curve(table: pd.DataFrame, measure: str, title: str) -> alt.Chart:
    """Line chart of a measure (hit_rate or pai) against area coverage, one line a method."""
    data = table.assign(coverage_pct=table["coverage"] * 100)
    return (
        alt.Chart(data, title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("coverage_pct:Q", title="Area covered (% of hexagons)"),
            y=alt.Y(f"{measure}:Q", title=title),
            color=alt.Color(
                "method:N",
                title="Method",
                scale=alt.Scale(range=OKABE_ITO),
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=400),
            ),
            tooltip=[
                "method",
                alt.Tooltip("coverage_pct:Q", title="Area %"),
                alt.Tooltip(f"{measure}:Q", format=".3f"),
            ],
        )
        .properties(height=340)
    )


def accuracy_table(table: pd.DataFrame) -> pd.DataFrame:
    """Wide table: one row a method, hit rate and PAI at each coverage."""
    wide = table.pivot_table(index="method", columns="coverage", values=["hit_rate", "pai"], sort=False)
    wide.columns = [f"{'Hit rate' if m == 'hit_rate' else 'PAI'} at {c:.0%}" for m, c in wide.columns]
    ordered = [c for cov in sorted(table["coverage"].unique()) for c in (f"Hit rate at {cov:.0%}", f"PAI at {cov:.0%}")]
    return wide[ordered].round(3).reset_index().rename(columns={"method": "Method"})


#: Titles of the Trends measures.
TREND_TITLES = {"count": "Incidents", "rate": "Incidents per 1,000 residents"}


def monthly_lines(counts: pd.DataFrame, value: str, title: str, colour: str = "district") -> alt.Chart:
    """Interactive line chart of a monthly measure, one line per group (legend click to focus)."""
    pick = alt.selection_point(fields=[colour], bind="legend")
    return (
        alt.Chart(counts, title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:O", title="Month"),
            y=alt.Y(f"{value}:Q", title=title),
            color=alt.Color(
                f"{colour}:N", scale=alt.Scale(range=OKABE_ITO), title=colour.replace("_", " ").capitalize()
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.2)),
            tooltip=["month", colour, alt.Tooltip(f"{value}:Q", format=",.2f")],
        )
        .add_params(pick)
        .properties(height=360)
    )


def chart_png(chart: alt.Chart) -> bytes:
    """The chart as a PNG image (rendered offline by vl-convert)."""
    import vl_convert

    return vl_convert.vegalite_to_png(chart.to_json(), scale=2)


def campaign_series(months: tuple[str, ...], targeted: tuple[float, ...], matched: tuple[float, ...]) -> pd.DataFrame:
    """Long table of a campaign's monthly incidents: ``month``, ``area`` (targeted
    community, or the matched areas' mean), ``incidents``."""
    frames = [pd.DataFrame({"month": list(months), "area": "Targeted community", "incidents": list(targeted)})]
    if matched:
        frames.append(pd.DataFrame({"month": list(months), "area": "Matched areas (mean)", "incidents": list(matched)}))
    return pd.concat(frames, ignore_index=True)


def campaign_chart(series: pd.DataFrame, start_month: str) -> alt.LayerChart:
    """Monthly incidents in a campaign's community and its matched areas, with a rule at the
    month the campaign started."""
    lines = (
        alt.Chart(series)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:O", title="Month"),
            y=alt.Y("incidents:Q", title="Incidents a month"),
            color=alt.Color("area:N", title=None, scale=alt.Scale(range=OKABE_ITO), legend=alt.Legend(orient="bottom")),
            tooltip=["month", "area", alt.Tooltip("incidents:Q", format=".1f")],
        )
    )
    rule = alt.Chart(pd.DataFrame({"month": [start_month]})).mark_rule(strokeDash=[4, 4]).encode(x="month:O")
    return (lines + rule).properties(height=240)
