"""Charts and chart-ready tables (Altair, colour-blind safe palette), as pure functions."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from models.national import Funnel

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


#: Colours of the funnel plot's forces (Okabe-Ito), by how each is shown.
FUNNEL_COLOURS = {
    "home force": "#D55E00",
    "peer group": "#0072B2",
    "other forces": "#999999",
    "small resident base": "#CC79A7",
}


def funnel_points(funnel: Funnel, home: str, peers: Sequence[str]) -> pd.DataFrame:
    """The funnel plot's forces with how each is shown (``role``: ``home force``, ``peer
    group``, ``other forces``, ``small resident base``): the figures of the chart and of its
    text alternative."""
    role = np.where(
        funnel.forces["force"] == home,
        "home force",
        np.where(
            funnel.forces["force"].isin(list(peers)),
            "peer group",
            np.where(funnel.forces["small_base"], "small resident base", "other forces"),
        ),
    )
    return funnel.forces.assign(role=role)


def funnel_chart(
    funnel: Funnel, home: str, peers: Sequence[str], title: str, subtitle: Sequence[str] = ()
) -> alt.Chart:
    """Funnel plot: rate per 1,000 residents against residents (log scale), the national
    rate and the 95 % and 99.8 % control limits; the home force and its peers coloured.

    Forces with a small resident base (the City of London) would squash every other force
    into the bottom of the chart: they are left off the drawing and named in the subtitle
    (their figures stay in :func:`funnel_points`, the chart's text alternative)."""
    points = funnel_points(funnel, home, peers)
    small = points[points["small_base"] & (points["force"] != home)]
    drawn = points.drop(small.index)
    lo = float(drawn["persons"].min()) * 0.8
    curve = funnel.curve[funnel.curve["persons"] >= lo].melt(id_vars="persons", var_name="limit", value_name="rate")
    curve["level"] = curve["limit"].str.split(" ", n=1).str[1]
    lines = list(subtitle) + [
        f"Not drawn: {r.force} ({int(r.persons):,} residents, {r.rate:,.2f} per 1,000; a small resident base)."
        for r in small.itertuples()
    ]
    x = alt.X("persons:Q", title="Residents (census 2011, log scale)", scale=alt.Scale(type="log", nice=False))
    limits = (
        alt.Chart(curve)
        .mark_line()
        .encode(
            x=x,
            y=alt.Y("rate:Q", title="Offences per 1,000 residents"),
            detail="limit:N",
            strokeDash=alt.StrokeDash("level:N", title="Control limits", scale=alt.Scale(range=[[6, 3], [1, 0]])),
            color=alt.value("#444444"),
        )
    )
    national = alt.Chart(pd.DataFrame({"rate": [funnel.national_rate]})).mark_rule(color="#000000").encode(y="rate:Q")
    dots = (
        alt.Chart(drawn)
        .mark_point(filled=True, opacity=1.0, stroke="#000000", strokeWidth=0.5)
        .encode(
            x=x,
            y="rate:Q",
            size=alt.condition(alt.datum.role == "home force", alt.value(220), alt.value(70)),
            color=alt.Color(
                "role:N",
                title="Force",
                scale=alt.Scale(domain=list(FUNNEL_COLOURS), range=list(FUNNEL_COLOURS.values())),
            ),
            tooltip=[
                "force",
                alt.Tooltip("persons:Q", title="Residents", format=","),
                alt.Tooltip("offences:Q", title="Offences", format=","),
                alt.Tooltip("rate:Q", title="Per 1,000", format=",.2f"),
                "position",
            ],
        )
    )
    return (
        alt.layer(limits, national, dots)
        .properties(title=alt.TitleParams(title, subtitle=lines, anchor="start"), height=380)
        .resolve_scale(color="independent")
    )


def quarterly_chart(quarterly: pd.DataFrame, measure: str, title: str) -> alt.Chart:
    """Rate per 1,000 residents of one measure in each quarter, one line per series (home
    force, peer group, England and Wales), from :attr:`models.national.NationalPicture.quarterly`."""
    return (
        alt.Chart(quarterly[quarterly["measure"] == measure], title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("quarter:O", title="Financial quarter"),
            y=alt.Y("rate:Q", title="Offences per 1,000 residents in the quarter"),
            color=alt.Color("series:N", title="", scale=alt.Scale(range=OKABE_ITO)),
            tooltip=["series", "quarter", alt.Tooltip("rate:Q", format=",.3f")],
        )
        .properties(height=300)
    )
