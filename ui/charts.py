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

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from models.national import Funnel

#: Okabe-Ito palette (colour-blind safe).
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]


#: Dash patterns of the accuracy curves, one per method (solid first), so curves that lie
#: on one another still show as different lines.
DASHES = [[1, 0], [8, 4], [2, 3], [12, 3, 2, 3], [4, 2], [1, 5], [16, 4], [6, 2, 2, 2]]

#: Two methods' curves "coincide" when their hit rates are within this many percentage
#: points at every coverage (one line then hides the other).
COINCIDE_PP = 0.5


def accuracy_curve(table: pd.DataFrame, measure: str, title: str) -> alt.Chart:
    """Line chart of a measure (hit_rate or pai) against area coverage, one line a method,
    told apart by colour and dash pattern (one legend, drawn as line samples)."""
    data = table.assign(coverage_pct=table["coverage"] * 100)
    legend = alt.Legend(
        orient="bottom", columns=2, labelLimit=400, symbolType="stroke", symbolStrokeWidth=2.5, symbolSize=400
    )
    return (
        alt.Chart(data, title=title)
        .mark_line(point=True)
        .encode(
            x=alt.X("coverage_pct:Q", title="Area covered (% of hexagons)"),
            y=alt.Y(f"{measure}:Q", title=title),
            color=alt.Color("method:N", title="Method", scale=alt.Scale(range=OKABE_ITO), legend=legend),
            strokeDash=alt.StrokeDash("method:N", title="Method", scale=alt.Scale(range=DASHES), legend=legend),
            tooltip=[
                "method",
                alt.Tooltip("coverage_pct:Q", title="Area %"),
                alt.Tooltip(f"{measure}:Q", format=".3f"),
            ],
        )
        .properties(height=340)
    )


def coinciding_methods(table: pd.DataFrame, tolerance_pp: float = COINCIDE_PP) -> list[list[str]]:
    """Groups of methods whose hit-rate curves coincide, in the table's order: two methods
    coincide when they are within ``tolerance_pp`` percentage points of each other at every
    coverage, and a group holds every method linked to another of it that way (a line that
    lies on any line of the group is hidden by it, so all are named together).

    Parameters
    ----------
    table : pandas.DataFrame
        ``method``, ``coverage``, ``hit_rate`` (a share, 0-1), as the accuracy charts draw.
    tolerance_pp : float
        Largest difference, in percentage points, that still counts as coinciding.
    """
    wide = table.pivot_table(index="coverage", columns="method", values="hit_rate", sort=False)
    methods = [str(m) for m in dict.fromkeys(table["method"])]
    group_of = {m: i for i, m in enumerate(methods)}
    for i, a in enumerate(methods):
        for b in methods[i + 1 :]:
            if float((wide[a] - wide[b]).abs().max()) * 100 < tolerance_pp:
                old, new = group_of[b], group_of[a]
                group_of = {m: new if g == old else g for m, g in group_of.items()}
    groups: dict[int, list[str]] = {}
    for m in methods:
        groups.setdefault(group_of[m], []).append(m)
    return [g for g in groups.values() if len(g) > 1]


def coinciding_note(table: pd.DataFrame, tolerance_pp: float = COINCIDE_PP) -> str:
    """A sentence naming the methods whose curves coincide (:func:`coinciding_methods`), so a
    reader does not take a hidden line for a missing one; empty when none do."""
    groups = coinciding_methods(table, tolerance_pp)
    if not groups:
        return ""
    named = [", ".join(g[:-1]) + " and " + g[-1] for g in groups]
    why = f"(each within {tolerance_pp:g} percentage points of another of them at every coverage)"
    tell = "dash patterns tell them apart."
    if len(named) == 1:
        return f"{named[0]} rank alike here: their curves coincide {why}, so their lines lie on one another; the {tell}"
    listed = "; ".join(f"({i}) {n}" for i, n in enumerate(named, start=1))
    return (
        f"Methods that rank alike here, whose curves coincide {why} so their lines lie on one another: "
        f"{listed}. The {tell}"
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


def accessible(chart: alt.TopLevelMixin, description: str) -> alt.TopLevelMixin:
    """The chart with ``description`` as its text alternative (the SVG's ``aria-label``)."""
    return chart.properties(description=description)


def to_spec(chart: alt.TopLevelMixin, description: str) -> dict:
    """The chart with its text alternative as a Vega-Lite spec, its data inline, validated
    against the Vega-Lite schema here: what :func:`show_spec` draws. A cached loader keeps
    the spec, so a page does not rebuild and revalidate the Altair chart on every run (about
    a tenth of the server's time with 20 sessions)."""
    with alt.data_transformers.disable_max_rows():  # the data is inline, however many rows (36 months x 5 is 180)
        return dict(accessible(chart, description).to_dict())


def show_spec(spec: dict, description: str, container: object | None = None) -> None:
    """Draw a spec of :func:`to_spec` with the same text as a visible sentence (as :func:`show`)."""
    import streamlit as st

    where = container if container is not None else st
    where.vega_lite_chart(spec, width="stretch")  # type: ignore[attr-defined]
    where.caption(description)  # type: ignore[attr-defined]


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
    """Horizontal bars of ``value`` by ``label``, largest first, each bar labelled with its value
    (thousands separated, as the tables and sentences write them)."""
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{label}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X(f"{value}:Q", title=value),
        tooltip=[label, alt.Tooltip(f"{value}:Q", format=",")],
    )
    return (
        base.mark_bar(color=OKABE_ITO[0])
        + base.mark_text(align="left", dx=3).encode(text=alt.Text(f"{value}:Q", format=","))  # 18,914
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
    x = alt.X("persons:Q", title="Residents (log scale)", scale=alt.Scale(type="log", nice=False))
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


def quarterly_heading(measure: str, year: str) -> str:
    """What :func:`quarterly_chart` draws, in words, shown as text above it (a Vega title with
    subtitles was clipped at the top of the chart in the browser)."""
    return (
        f"**{measure}**: offences per 1,000 residents, quarter by quarter, financial year {year} (Q1 = April to June)"
    )


def quarterly_chart(quarterly: pd.DataFrame, measure: str) -> alt.Chart:
    """Rate per 1,000 residents of one measure in each quarter, one line per series (home
    force, peer group, England and Wales), from :attr:`models.national.NationalPicture.quarterly`.

    No title in the chart (:func:`quarterly_heading` goes above it as text, so a long offence
    name is never clipped); the quarters read across (``Q1`` .. ``Q4``), never rotated.
    """
    return (
        alt.Chart(quarterly[quarterly["measure"] == measure])
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "quarter:O",
                title="Financial quarter",
                axis=alt.Axis(labelAngle=0, labelExpr="'Q' + datum.value"),
            ),
            y=alt.Y("rate:Q", title="Per 1,000 residents"),
            color=alt.Color("series:N", title="", scale=alt.Scale(range=OKABE_ITO)),
            tooltip=["series", "quarter", alt.Tooltip("rate:Q", format=",.3f")],
        )
        .properties(height=300)
    )


def campaign_series(months: tuple[str, ...], targeted: tuple[float, ...], matched: tuple[float, ...]) -> pd.DataFrame:
    """Long table of a campaign's monthly incidents: ``month``, ``area`` (targeted
    community, or the matched areas' mean), ``incidents``."""
    frames = [pd.DataFrame({"month": list(months), "area": "Targeted community", "incidents": list(targeted)})]
    if matched:
        frames.append(pd.DataFrame({"month": list(months), "area": "Matched areas (mean)", "incidents": list(matched)}))
    return pd.concat(frames, ignore_index=True)


def campaign_chart(series: pd.DataFrame, start_month: str, title: str = "") -> alt.LayerChart:
    """Monthly incidents in a campaign's community and its matched areas, with a rule at the
    month the campaign started; ``title``, when given, heads the chart (the page passes one
    saying when the figures are synthetic, see :func:`ui.synthetic.title`)."""
    months = sorted(set(series["month"].astype(str)))
    # a long series labels every third month, so the labels leave the plot its height
    shown = months if len(months) <= 12 else [m for i, m in enumerate(months) if i % 3 == 0]
    lines = (
        alt.Chart(series)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:O", title="Month", axis=alt.Axis(values=shown, labelAngle=-45)),
            y=alt.Y("incidents:Q", title="Incidents a month"),
            color=alt.Color("area:N", title=None, scale=alt.Scale(range=OKABE_ITO), legend=alt.Legend(orient="bottom")),
            tooltip=["month", "area", alt.Tooltip("incidents:Q", format=".1f")],
        )
    )
    rule = alt.Chart(pd.DataFrame({"month": [start_month]})).mark_rule(strokeDash=[4, 4]).encode(x="month:O")
    chart = (lines + rule).properties(height=320)
    return chart.properties(title=title) if title else chart
