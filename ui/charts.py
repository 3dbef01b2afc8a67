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
    """Line chart of a monthly measure on a real time axis, one line per group (legend click
    to focus).

    ``counts`` is a :func:`models.trends.calendar_series`: months not loaded have no value
    and lines are drawn within unbroken runs of loaded months only, so a gap shows as a gap.
    """
    pick = alt.selection_point(fields=[colour], bind="legend")
    data = counts[counts["loaded"]]
    return (
        alt.Chart(data, title=title)
        .mark_line(point=alt.OverlayMarkDef(size=60))
        .encode(
            x=alt.X(
                "month_start:T",
                title="Month",
                axis=alt.Axis(format="%b %Y", labelAngle=-40),
                scale=alt.Scale(
                    domain=[counts["month_start"].min().isoformat(), counts["month_start"].max().isoformat()]
                ),
            ),
            y=alt.Y(f"{value}:Q", title=title),
            color=alt.Color(
                f"{colour}:N", scale=alt.Scale(range=OKABE_ITO), title=colour.replace("_", " ").capitalize()
            ),
            detail="run:N",
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.2)),
            tooltip=[
                alt.Tooltip("month:N", title="Month"),
                alt.Tooltip(f"{colour}:N", title=colour.replace("_", " ").capitalize()),
                alt.Tooltip(f"{value}:Q", format=",.2f", title=title),
            ],
        )
        .add_params(pick)
        .properties(height=360)
    )


def crime_mix(mix: pd.DataFrame, district: str) -> alt.Chart:
    """Grouped bars of each crime type's share, the district against West Yorkshire: every
    crime type labelled, every bar carrying its value, the legend above the bars."""
    data = mix.melt(
        id_vars=["crime_type"],
        value_vars=["district_share", "west_yorkshire_share"],
        var_name="area",
        value_name="share",
    )
    data["area"] = data["area"].map({"district_share": district, "west_yorkshire_share": "West Yorkshire"})
    order = mix.sort_values("district_share", ascending=False)["crime_type"].tolist()
    base = alt.Chart(data).encode(
        y=alt.Y("crime_type:N", sort=order, title=None, axis=alt.Axis(labelLimit=260, labelOverlap=False)),
        x=alt.X("share:Q", axis=alt.Axis(format="%"), title="Share of incidents"),
        yOffset=alt.YOffset("area:N", sort=[district, "West Yorkshire"]),
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "area:N",
            scale=alt.Scale(domain=[district, "West Yorkshire"], range=OKABE_ITO[:2]),
            title=None,
            legend=alt.Legend(orient="top"),
        ),
        tooltip=[
            alt.Tooltip("crime_type:N", title="Crime type"),
            alt.Tooltip("area:N", title="Area"),
            alt.Tooltip("share:Q", format=".1%", title="Share"),
        ],
    )
    labels = base.mark_text(align="left", dx=3, fontSize=11).encode(text=alt.Text("share:Q", format=".1%"))
    return (bars + labels).properties(
        height=alt.Step(14), title=f"Crime mix: {district} against West Yorkshire (share of incidents)"
    )


def export_chart(chart: alt.Chart, title: str, source: str, made: str) -> alt.Chart:
    """A chart laid out for export: landscape (1,200 x 520 px), its title, and a footnote
    with the source and the date it was made."""
    return chart.properties(
        width=1100,
        height=440,
        title=alt.TitleParams(
            text=title,
            subtitle=[f"Source: {source}", f"Made {made} by Precision Hotspots"],
            anchor="start",
            fontSize=18,
            subtitleFontSize=11,
        ),
    )


def chart_png(chart: alt.Chart) -> bytes:
    """The chart as a PNG image (rendered offline by vl-convert)."""
    import vl_convert

    return vl_convert.vegalite_to_png(chart.to_json(), scale=2)
