"""Charts and chart-ready tables (Altair, colour-blind safe palette), as pure functions.

Every chart carries a text alternative (WCAG 1.1.1): :func:`accessible` gives it a
description, which Vega writes as the ``aria-label`` of the chart's SVG; each mark keeps the
description Vega-Lite makes from its tooltip fields (a mark without a tooltip would be an
unlabelled ``graphics-symbol``, which axe reports, so every chart here has tooltips; and
``aria: false`` in the config hides the marks' labels but not their containers, which axe
reports too). :func:`show` draws the chart with the same description as a visible sentence.
The sentences are made from the data drawn (``*_summary`` functions), so they agree with
the chart. Lines and bars also carry their group in a legend label, never in colour alone.
"""

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


def accessible(chart: alt.TopLevelMixin, description: str) -> alt.TopLevelMixin:
    """The chart with ``description`` as its text alternative (the SVG's ``aria-label``)."""
    return chart.properties(description=description)


def show(chart: alt.TopLevelMixin, description: str, container: object | None = None) -> None:
    """Draw a chart with its text alternative, and the same text as a visible sentence.

    Parameters
    ----------
    chart : altair chart
        With tooltips on every mark (they give each mark its description).
    description : str
        One or two sentences giving what the chart shows (see the ``*_summary`` functions).
    container : Streamlit container, optional
        Where to draw (a column); the page by default.
    """
    import streamlit as st

    where = container if container is not None else st
    where.altair_chart(accessible(chart, description), width="stretch")  # type: ignore[attr-defined]
    where.caption(description)  # type: ignore[attr-defined]


def _figure(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.2f}"


def monthly_summary(counts: pd.DataFrame, value: str, title: str, colour: str = "district") -> str:
    """One sentence per chart of :func:`monthly_lines`: each group's first and last month.

    Example: "Incidents by district, 2016-07 to 2017-07: Bradford 6,401 to 7,063; ...".
    """
    if counts.empty:
        return f"{title}: no data for these filters."
    months = sorted(counts["month"].unique())
    parts = []
    for group, rows in counts.sort_values("month").groupby(colour, sort=True):
        first, last = rows.iloc[0], rows.iloc[-1]
        if len(rows) == 1:
            parts.append(f"{group} {_figure(first[value])} ({first['month']})")
        else:
            parts.append(f"{group} {_figure(first[value])} to {_figure(last[value])}")
    by = colour.replace("_", " ")
    return f"{title} by {by}, {months[0]} to {months[-1]}: " + "; ".join(parts) + "."


def accuracy_summary(table: pd.DataFrame, measure: str, title: str) -> str:
    """What an accuracy curve shows: the best method at the smallest and largest coverage."""
    parts = []
    for coverage in (table["coverage"].min(), table["coverage"].max()):
        at = table[table["coverage"] == coverage].sort_values(measure, ascending=False).iloc[0]
        parts.append(f"at {coverage:.0%} of the area the best is {at['method']} ({at[measure]:.3f})")
    return f"{title} against the share of the area covered, one line per method: " + "; ".join(parts) + "."


def counts_summary(frame: pd.DataFrame, label: str, value: str, title: str, top: int = 5) -> str:
    """The largest ``top`` categories of a bar chart, with their values."""
    if frame.empty:
        return f"{title}: none."
    largest = frame.sort_values(value, ascending=False).head(top)
    listed = "; ".join(f"{row[label]} {_figure(row[value])}" for _, row in largest.iterrows())
    more = f" ({len(frame) - top} more)" if len(frame) > top else ""
    return f"{title}: {listed}{more}."


def shares_summary(mix: pd.DataFrame, district: str, top: int = 5) -> str:
    """The district's largest crime shares against West Yorkshire's (``mix``: ``crime_type``,
    ``district_share``, ``west_yorkshire_share``, as fractions)."""
    if mix.empty:
        return f"Crime mix of {district}: no incidents."
    largest = mix.sort_values("district_share", ascending=False).head(top)
    listed = "; ".join(
        f"{row.crime_type} {row.district_share:.1%} against {row.west_yorkshire_share:.1%}"
        for row in largest.itertuples()
    )
    return f"Largest shares of incidents in {district}, against West Yorkshire: {listed}."


def bars(frame: pd.DataFrame, label: str, value: str, height: int = 260) -> alt.Chart:
    """Horizontal bars of ``value`` by ``label``, largest first, each bar labelled with its value."""
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{label}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X(f"{value}:Q", title=value),
        tooltip=[label, alt.Tooltip(f"{value}:Q", format=",")],
    )
    return (
        base.mark_bar(color=OKABE_ITO[0]) + base.mark_text(align="left", dx=3).encode(text=f"{value}:Q")
    ).properties(height=height)


def line(frame: pd.DataFrame, x: str, y: str, height: int = 200) -> alt.Chart:
    """One line of ``y`` by ``x`` (months), with points."""
    return (
        alt.Chart(frame)
        .mark_line(point=True, color=OKABE_ITO[0])
        .encode(x=alt.X(f"{x}:O", title=x), y=alt.Y(f"{y}:Q", title=y), tooltip=[x, y])
        .properties(height=height)
    )


def chart_png(chart: alt.Chart) -> bytes:
    """The chart as a PNG image (rendered offline by vl-convert)."""
    import vl_convert

    return vl_convert.vegalite_to_png(chart.to_json(), scale=2)
