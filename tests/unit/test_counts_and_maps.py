"""Filtering, counting per cell, colour classes and the built folium map."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from geo._schemas import H3_COLUMNS
from models.counts import Filters, cell_counts, cell_profile, filter_incidents, stored_breakdown
from ui import maps

INC = pd.DataFrame(
    {
        "month": ["2017-07", "2017-07", "2017-08", "2017-07", "2017-07"],
        "district": ["Leeds", "Leeds", "Leeds", "Bradford", ""],
        "crime_type": ["Drugs", "Burglary", "Drugs", "Drugs", "Drugs"],
        "location": ["On or near A", "On or near B", "On or near A", "On or near C", "On or near D"],
        "lsoa_code": ["E1", "E1", "E1", "E2", ""],
        "lsoa_name": ["Leeds 1", "Leeds 1", "Leeds 1", "Bradford 1", ""],
        "longitude": [-1.5, -1.5, -1.5, -1.7, np.nan],
        H3_COLUMNS[9]: [11, 11, 11, 22, 0],
    }
)


def test_filters_combine_and_never_pass_rows_without_district():
    assert len(filter_incidents(INC, Filters())) == 4
    assert len(filter_incidents(INC, Filters(districts=("Leeds",)))) == 3
    assert len(filter_incidents(INC, Filters(months=("2017-07",), crime_types=("Drugs",)))) == 2


def test_cell_counts_skip_unmapped_and_sort_by_count():
    out = cell_counts(INC, 9)
    assert out.values.tolist() == [[11, 3], [22, 1]]


def test_cell_profile_lists_types_streets_and_lsoas():
    p = cell_profile(INC, 11, 9)
    assert p.total == 3
    assert p.by_type.values.tolist() == [["Drugs", 2], ["Burglary", 1]]
    assert p.streets.values.tolist() == [["On or near A", 2], ["On or near B", 1]]
    assert p.lsoas.values.tolist() == [["E1", "Leeds 1", 3]]
    assert p.months.values.tolist() == [["2017-07", 2], ["2017-08", 1]]


def test_stored_breakdown_lists_every_district_and_adds_up():
    frame = pd.concat(
        [
            INC.assign(outside=False),
            pd.DataFrame({"district": [""], "longitude": [-2.0], "outside": [True]}),
        ],
        ignore_index=True,
    )
    out = stored_breakdown(frame, ["Bradford", "Calderdale", "Leeds"])
    assert out.by_district[["district", "incidents"]].values.tolist() == [
        ["Bradford", 1],
        ["Calderdale", 0],
        ["Leeds", 3],
    ]
    assert out.by_district["share"].tolist() == [25.0, 0.0, 75.0]
    assert (out.stored, out.in_districts, out.unmapped, out.outside, out.unplaced) == (6, 4, 1, 1, 0)
    assert out.stored == out.in_districts + out.unmapped + out.outside + out.unplaced
    assert out.sentence() == (
        "6 incidents stored = 4 in a district + 1 without coordinates + 1 outside the force area."
    )


def test_classes_cover_every_value_without_empty_classes():
    y = np.array([1, 1, 1, 2, 2, 3, 5, 8, 13, 21, 34, 55, 89, 200])
    for scheme in maps.SCHEMES.values():
        c = maps.classify_counts(y, 6, scheme)
        assert sum(c.members) == len(y) and min(c.members) > 0
        assert all(
            c.lower[i] <= y[c.index == i].min() and y[c.index == i].max() <= c.upper[i] for i in range(len(c.upper))
        )
        assert c.upper[-1] == 200 and c.lower[0] == 1
        assert len(c.colours) == len(c.upper)
    one = maps.classify_counts(np.array([4, 4, 4]), 6)
    assert one.labels() == ["4"] and one.members == [3]


def _districts() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"district": ["Leeds", "Bradford"]},
        geometry=[box(-1.6, 53.7, -1.4, 53.9), box(-1.9, 53.7, -1.7, 53.9)],
        crs="EPSG:4326",
    )


def test_map_uses_local_leaflet_only_and_sends_only_non_empty_cells():
    from geo.hexes import latlng_to_cells

    cells = latlng_to_cells(np.array([53.80, 53.75, 53.85]), np.array([-1.55, -1.50, -1.80]), 9)
    counts = pd.DataFrame({"cell": cells, "count": [10, 3, 1]})
    layer = maps.counts_to_hex_layer(counts, 6, "Quantiles", 5)
    d = _districts()
    fmap = maps.hex_map(layer, maps.district_outlines(d), tuple(d.total_bounds), tiles=None)
    html = fmap.get_root().render()
    assert re.findall(r"https?://[^\"' )]+", html) == []
    assert fmap.default_js == maps.LEAFLET_JS and fmap.default_css == maps.LEAFLET_CSS
    assert len(layer.features["features"]) == 3
    assert {f["properties"]["n"] for f in layer.features["features"]} == {10, 3, 1}
    assert "Incidents per hexagon" in html and "Leeds" in html
    coords = layer.features["features"][0]["geometry"]["coordinates"][0]
    assert all(len(str(v).split(".")[1]) <= 5 for pt in coords for v in pt)


def test_legend_escapes_its_text():
    out = maps.legend_html("<script>alert(1)</script>", [("<b>x</b>", "#fff", 3)])
    assert "<script>" not in out and "<b>x</b>" not in out and "&lt;script&gt;" in out


def test_ocg_overlay_colours_cells_by_the_most_active_criminality():
    from geo.hexes import latlng_to_cells
    from geo.ocg_schema import CRIMINALITY

    cells = latlng_to_cells(np.array([53.80, 53.80, 53.80, 53.70]), np.array([-1.55, -1.55, -1.55, -1.80]), 9)
    activity = pd.DataFrame({"ocg_id": ["OCG-001", "OCG-002", "OCG-002", "OCG-001"], H3_COLUMNS[9]: cells})
    register = pd.DataFrame({"ocg_id": ["OCG-001", "OCG-002"], "principal_criminality": ["firearms", "drugs supply"]})
    layer = maps.ocg_hex_layer(activity, register, 9, CRIMINALITY, synthetic=True)
    by_cell = {f["id"]: (f["properties"]["n"], f["properties"]["k"]) for f in layer.features["features"]}
    from geo.hexes import cell_to_str

    assert by_cell[cell_to_str(cells[0])] == (3, CRIMINALITY.index("drugs supply"))
    assert by_cell[cell_to_str(cells[3])] == (1, CRIMINALITY.index("firearms"))
    assert "SYNTHETIC" in layer.title
    d = _districts()
    html = (
        maps.hex_map(layer, maps.district_outlines(d), tuple(d.total_bounds), tiles=None, overlay=layer)
        .get_root()
        .render()
    )
    assert "OCG activity (SYNTHETIC DEMONSTRATION DATA)" in html
