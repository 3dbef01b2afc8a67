"""Reusable page panels (rendering only; the figures come from ``models``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import hexes
from models import analysis as analysis_model
from models.communities import kept_id_note, new_id_note
from models.counts import CellProfile
from models.hotspots import BIN_LABELS, HotspotResult
from models.ocg import counts_by_criminality
from models.pipeline import HotspotAnalysis
from models.targeting import Plan
from ui import cache, charts, ocg_gate, tables
from ui.maps import HexLayer, hex_table


def draw_map(fmap: folium.Map, key: str, height: int, returned_objects: Sequence[str] = ()) -> dict[str, object] | None:
    """Draw a folium map with streamlit-folium; return what it reports (clicks).

    ``render=False``: streamlit-folium otherwise renders the whole page once more before
    rendering the map for itself, and throws that render away (the component gets the same
    script, header and HTML either way; ``tests/unit/ui/test_maps_verbatim.py``).
    """
    return st_folium(  # type: ignore[no-any-return]
        fmap, key=key, height=height, use_container_width=True, returned_objects=list(returned_objects), render=False
    )


def view_bounds(districts: gpd.GeoDataFrame, focus: Sequence[str]) -> tuple[float, float, float, float]:
    """Return the (min_lon, min_lat, max_lon, max_lat) to show: the chosen districts, or all."""
    chosen = districts[districts["district"].isin(focus)] if focus else districts
    if not len(chosen):
        chosen = districts
    minx, miny, maxx, maxy = (float(v) for v in chosen.total_bounds)
    return minx, miny, maxx, maxy


def cell_details(
    profile_of: Callable[[int], CellProfile],
    resolution: int,
    click: Mapping[str, float] | None,
    gi: HotspotResult | None = None,
) -> None:
    """Show what is in the hexagon under a map click (or how to get there).

    ``profile_of`` gives a cell's :class:`models.counts.CellProfile`; it is called only when a
    hexagon was clicked (the page's rows are not read before). With a Gi* result, the
    hexagon's z-score, p-values and confidence bin are shown too.
    """
    st.subheader("Hexagon details")
    if not click or "lat" not in click or "lng" not in click:
        st.info("Click a hexagon on the map to see its crime types, streets and LSOAs.")
        return
    cell = int(hexes.latlng_to_cells(np.array([click["lat"]]), np.array([click["lng"]]), resolution)[0])
    profile = profile_of(cell)
    st.caption(f"H3 cell `{hexes.cell_to_str(cell)}` (resolution {resolution})")
    if gi is not None:
        position = np.searchsorted(gi.cells, cell)
        if position < len(gi.cells) and gi.cells[position] == cell:
            p_sim = gi.p_sim[position]
            st.markdown(
                f"**{BIN_LABELS[int(gi.bins[position])]}** · Gi* z = {gi.z[position]:.2f} · "
                f"p = {gi.p_value[position]:.4f}" + ("" if np.isnan(p_sim) else f" · permutation p = {p_sim:.3f}")
            )
        else:
            st.caption("This hexagon's centre is outside the five districts: not on the Gi* grid.")
    if profile.total == 0:
        st.info("No incident under the current filters in this hexagon.")
        return
    st.metric("Incidents", f"{profile.total:,}")
    st.dataframe(
        profile.by_type.rename(columns={"crime_type": "Crime type", "count": "Incidents"}),
        hide_index=True,
        width="stretch",
    )
    st.markdown("**Most frequent locations**")
    st.dataframe(
        profile.streets.rename(columns={"location": "Location", "count": "Incidents"}),
        hide_index=True,
        width="stretch",
    )
    st.markdown("**LSOAs**")
    st.dataframe(
        profile.lsoas.rename(columns={"lsoa_code": "LSOA", "lsoa_name": "Name", "count": "Incidents"}),
        hide_index=True,
        width="stretch",
    )


def hotspot_summary(analysis: HotspotAnalysis) -> None:
    """One line on what the Gi* analysis found and how it was made."""
    r = analysis.result
    hot = int((r.bins > 0).sum())
    cold = int((r.bins < 0).sum())
    p = analysis.params
    st.markdown(
        f"**{hot:,}** hot and **{cold:,}** cold hexagons of {len(r.cells):,}; "
        f"**{len(analysis.communities):,}** hotspot communities. "
        f"Gi* on {'harm-weighted counts' if p.harm_weighted else 'counts'}, neighbours within "
        f"{p.k} ring, {p.permutations:,} permutations (seed {p.seed}), "
        f"FDR-corrected at each confidence level."
    )


def community_id_note(ids: Sequence[str] | pd.Series) -> None:
    """Under a table of communities: what an id ending ``-new`` means, only when one is shown
    (:func:`models.communities.new_id_note`)."""
    note = new_id_note(ids)
    if note:
        st.caption(note)


def community_table(communities: gpd.GeoDataFrame) -> pd.Series:
    """Show the ranked communities; return the row the user picked (the first by default)."""
    shown = analysis_model.community_rows(communities)
    event = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config=tables.column_config(shown),
        on_select="rerun",
        selection_mode="single-row",
        key="community_table",
        height=320,
    )
    community_id_note(communities["community_id"])
    if kept := kept_id_note(communities):
        st.caption(kept)
    rows = event.selection.rows if event and event.selection else []
    ids = communities["community_id"].tolist()
    names = dict(zip(ids, communities["name"]))  # one look-up per option, not a frame filter each
    default = ids[rows[0]] if rows else ids[0]
    chosen = st.selectbox("Community", ids, index=ids.index(default), format_func=lambda i: f"{i} · {names[i]}")
    return communities[communities["community_id"] == chosen].iloc[0]


def _bar_spec(category: str, value: str) -> dict:
    """A horizontal bar chart of ``value`` by ``category``, largest first (Vega-Lite)."""
    return {
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {
                "field": category,
                "type": "nominal",
                "sort": "-x",
                "title": None,
                "axis": {"labelLimit": 260, "labelOverlap": False},  # every bar labelled, in full
            },
            "x": {"field": value, "type": "quantitative"},
        },
    }


def _line_spec(x: str, y: str) -> dict:
    """A line with points of ``y`` over the ordinal ``x`` (Vega-Lite)."""
    return {
        "mark": {"type": "line", "point": True, "tooltip": True},
        "encoding": {"x": {"field": x, "type": "ordinal"}, "y": {"field": y, "type": "quantitative"}},
    }


def community_profile(row: pd.Series) -> None:
    """Crime mix, streets, LSOAs, residents and the monthly trend of one community."""
    c = st.columns(3)
    c[0].metric("Incidents", f"{int(row['incidents']):,}")
    c[1].metric("Residents", f"{int(row['residents']):,}")
    c[2].metric("Households", f"{int(row['households']):,}")
    mix = pd.DataFrame({"Crime type": list(row["by_type"]), "Incidents": list(row["by_type"].values())})
    # Vega-Lite specs as plain dicts: st.bar_chart and st.line_chart build and validate an
    # Altair chart on every run (about 0.1-0.3 s of CPU a run, with many sessions at once)
    described = charts.counts_summary(mix, "Crime type", "Incidents", "Crime mix")
    st.vega_lite_chart(
        mix,
        {**_bar_spec("Crime type", "Incidents"), "description": described},
        height=max(160, 22 * len(mix)),
        width="stretch",
    )
    st.caption(described)
    st.markdown("**Most frequent locations:** " + ", ".join(row["streets"]))
    st.markdown(f"**Districts:** {row['districts']} · **MSOAs:** {', '.join(row['msoas'])}")
    st.markdown(f"**LSOAs ({len(row['lsoas'])}):** {', '.join(row['lsoas'])}")
    trend = pd.DataFrame({"Month": list(row["by_month"]), "Incidents": list(row["by_month"].values())})
    if len(trend) > 1:
        listed = "; ".join(f"{m} {n:,}" for m, n in zip(trend["Month"], trend["Incidents"], strict=True))
        described = f"Incidents a month in this community: {listed}."
        st.vega_lite_chart(
            trend, {**_line_spec("Month", "Incidents"), "description": described}, height=200, width="stretch"
        )
        st.caption(described)
    else:
        st.caption(
            f"One month in the period ({', '.join(trend['Month'])}): no trend to draw. A longer period "
            "(the sidebar's Period) draws this community's months."
        )


def emerging_summary(categories: pd.DataFrame, communities: gpd.GeoDataFrame) -> None:
    """Counts of emerging hot-spot categories overall and per community."""
    shown = categories[categories["category"] != "no pattern"]
    tables.show(shown["category"].value_counts().rename_axis("Emerging category").reset_index(name="Hexagons"))
    per_cell = dict(zip(categories["cell"], categories["category"]))
    rows = []
    for row in communities.itertuples():
        cats = pd.Series([per_cell.get(c, "no pattern") for c in row.cells]).value_counts()
        rows.append({"community_id": row.community_id, "name": row.name, **cats.to_dict()})
    frame = pd.DataFrame(rows).fillna(0)
    tables.show(frame.astype({c: int for c in frame.columns if c not in ("community_id", "name")}))


def plan_communities(plan: Plan) -> None:
    """The communities offered, chosen or not, with flyers and themes."""
    table = plan.communities.assign(
        In=plan.communities["chosen"].map({True: "yes", False: "no"}),
        Themes=plan.communities["themes"].map(", ".join),
    )[["In", "community_id", "name", "districts", "households", "flyers", "Themes"]]
    tables.show(table, labels={"In": "In the plan"}, height=460)
    community_id_note(table["community_id"])


def plan_sessions(plan: Plan) -> None:
    """The Facebook Live schedule as a table."""
    if plan.sessions.empty:
        st.info("No session planned: set sessions a month above zero and a window with allowed days.")
        return
    s = plan.sessions
    tables.show(
        s.assign(When=[f"{a:%a %d %b %Y, %H:%M}–{b:%H:%M}" for a, b in zip(s["start"], s["end"])])[
            ["When", "district", "community_id", "name", "theme", "spot"]
        ],
        labels={"spot": "Suggested spot"},
    )


def plan_drops(plan: Plan) -> None:
    """Flyer drop zones by LSOA."""
    tables.show(plan.drops)


def community_ocgs(view: ocg_gate.OcgView, community: pd.Series, resolution: int) -> None:
    """OCGs with activity inside a community: ``view`` is what :func:`ui.ocg_gate.visible_ocg`
    gave at the "details" level (silver users and the synthetic demo only), with data."""
    data = view.data
    if data is None:
        raise ValueError("community_ocgs needs OCG data the gate allowed")
    cells = tuple(int(c) for c in community["cells"])
    found = cache.community_ocg_rows(view.token, data, cells, resolution)
    st.markdown(
        "**Organised crime groups active here**" + (" (SYNTHETIC DEMONSTRATION DATA)" if data.synthetic else "")
    )
    if found.empty:
        st.caption("No recorded OCG activity inside this community.")
    else:
        tables.show(found)


def profile_ocg(district: str) -> tuple[pd.DataFrame | None, str]:
    """OCG counts of a district profile and the sentence that goes with them: what the page
    shows and what its PDF prints come from this one call.

    Counts are active groups by home district and principal criminality
    (:func:`models.ocg.counts_by_criminality`), shown only where :func:`ui.ocg_gate.visible_ocg`
    allows counts.
    """
    view = ocg_gate.visible_ocg("counts")
    if view.data is None:
        if not view.allowed:
            return None, "Not shown for your role."
        return None, view.notice or "No organised crime group data is loaded."
    counts = counts_by_criminality(view.data.register, district)
    if view.data.synthetic:
        return counts, "SYNTHETIC DEMONSTRATION DATA: not real intelligence. Active groups by principal criminality."
    return counts, f"Active groups whose home district is {district}, by principal criminality ({view.data.source})."


def map_table(
    layer: HexLayer,
    communities: gpd.GeoDataFrame | None = None,
    heading: str = "Table of the map",
    key: str = "map_table",
) -> None:
    """The map's hexagons as a sortable table in an expander (same figures, from the same
    :class:`ui.maps.HexLayer` as the map; see :func:`ui.maps.hex_table`).

    The table is built and sent only while the expander is open (opening it reruns the
    page), so a closed table costs nothing.
    """
    box = st.expander(heading, key=key, on_change="rerun")
    if not box.open:
        return
    with box:
        if not len(layer):
            st.caption("No hexagon is drawn under these filters.")
            return
        st.caption(
            f"{layer.title}: {len(layer):,} hexagons, one row each, largest {layer.value_label.lower()} first. "
            "Click a column heading to sort. The class is the number in the map's legend and tooltips."
        )
        st.dataframe(hex_table(layer, communities), hide_index=True, width="stretch", height=320)
