"""ui.maps: colour classes, the hexagon layer's browser payload, the map's table and legend, and the OCG overlay."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from geo.schemas import H3_COLUMNS
from ui import maps


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


def _layer_calls(html: str) -> list[tuple[dict, dict]]:
    """The payload and options each HexCells element hands to ``L.hexCells``, read back from
    the rendered map."""
    found = re.findall(r"var hex_cells_[0-9a-f]+ = L\.hexCells\((\{.*?\}), (\{[^{}]*\})\);\n", html, re.S)
    assert found, "no hexagon layer in the map"
    return [(json.loads(payload), json.loads(options)) for payload, options in found]


def _payload(html: str) -> list[dict]:
    """The JSON each HexCells element hands to its script."""
    return [payload for payload, _ in _layer_calls(html)]


def _cells() -> np.ndarray:
    from geo.hexes import latlng_to_cells

    return latlng_to_cells(np.array([53.80, 53.75, 53.85]), np.array([-1.55, -1.50, -1.80]), 9)


def test_map_uses_local_scripts_only_and_sends_cell_ids_not_polygons():
    import h3

    cells = _cells()
    counts = pd.DataFrame({"cell": cells, "count": [10, 3, 1]})
    layer = maps.counts_to_hex_layer(counts, 6, "Quantiles")
    d = _districts()
    fmap = maps.hex_map(layer, maps.district_outlines(d), tuple(d.total_bounds), tiles=None, title="Test map")
    html = fmap.get_root().render()
    assert re.findall(r"https?://[^\"' )]+", html) == []
    assert fmap.default_js == maps.LEAFLET_JS and fmap.default_css == maps.LEAFLET_CSS
    assert "/app/static/h3-js/h3-js.umd.js" in html
    (payload,) = _payload(html)
    ids = [payload["prefix"] + m + payload["suffix"] for m in payload["ids"]]
    assert ids == [h3.int_to_str(int(c)) for c in cells]
    assert payload["n"] == [10, 3, 1] and payload["integer"] is True
    assert len(payload["k"]) == 3 and payload["colours"] == layer.colours
    # the ids are sent compact: only the part that differs between cells
    assert len(payload["suffix"]) >= 4 and all(len(m) < 15 for m in payload["ids"])
    # no hexagon vertex is in the page: the browser computes them from the ids
    for cell in cells:
        for lat, lng in h3.cell_to_boundary(h3.int_to_str(int(cell))):
            assert f"{lng:.4f}" not in html and f"{lat:.4f}" not in html
    assert html.count('"Polygon"') == len(d)  # the two district outlines, no hexagon
    assert "Incidents per hexagon" in html and "Leeds" in html
    assert 'setAttribute("title", "Test map")' in html


def test_hexagon_layer_script_is_served_locally_after_leaflet_and_h3_js():
    from core.settings import REPO_DIR

    layer = maps.counts_to_hex_layer(pd.DataFrame({"cell": _cells(), "count": [10, 3, 1]}), 6, "Quantiles")
    d = _districts()
    html = (
        maps.hex_map(layer, maps.district_outlines(d), tuple(d.total_bounds), tiles=None, title="m", overlay=layer)
        .get_root()
        .render()
    )
    urls = [maps.LEAFLET_JS[0][1], maps.H3_JS[0][1], maps.HEX_CELLS_JS[-1][1]]
    positions = [html.find(f'src="{url}"') for url in urls]
    assert -1 not in positions and positions == sorted(positions)  # L.HexCells needs L and h3 first
    script = (REPO_DIR / maps.HEX_CELLS_JS[-1][1].removeprefix("/app/")).read_text()
    assert "L.HexCells = L.Path.extend(" in script and "http" not in script.replace("static/", "")
    for hook in ("size: function", "cells: function", "cellAt: function", "outline: function", "tooltipText: function"):
        assert hook in script
    # the base layer: grey outlines; the overlay: thick outlines in each class's colour
    (_, base), (_, overlay) = _layer_calls(html)
    assert base == {"fillOpacity": 0.75, "weight": 0.3, "outline": "#555555"}
    assert overlay == {"fillOpacity": 0.55, "weight": 2.5, "outline": None}


def test_payload_escapes_text_and_cannot_end_the_script():
    layer = maps.HexLayer(
        _cells()[:1], np.array([1.5]), np.array([0]), ["#fff"], ["</script><b>x</b>"], "t", "<i>v</i>"
    )
    text = maps.HexCells(layer).payload_json
    assert "<" not in text and ">" not in text
    decoded = json.loads(text)
    assert (
        decoded["labels"] == ["&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;"] and decoded["valueLabel"] == "&lt;i&gt;v&lt;/i&gt;"
    )
    assert decoded["integer"] is False


def test_compact_ids_round_trip_for_one_and_many_cells():
    import h3

    cells = _cells()
    for some in (cells[:1], cells, np.zeros(0, np.int64)):
        prefix, middles, suffix = maps.cells_to_compact_ids(some)
        assert [prefix + m + suffix for m in middles] == [h3.int_to_str(int(c)) for c in some]


def test_table_of_the_map_has_the_maps_figures():
    from models.hotspots import BIN_LABELS

    cells = np.sort(_cells())
    for layer in (
        maps.counts_to_hex_layer(pd.DataFrame({"cell": cells, "count": [10, 3, 1]}), 6, "Quantiles"),
        maps.bins_to_hex_layer(cells, np.array([3, 0, -2]), np.array([3.456, 0.1, -2.2]), BIN_LABELS),
    ):
        d = _districts()
        html = maps.hex_map(layer, maps.district_outlines(d), tuple(d.total_bounds), tiles=None, title="m")
        (payload,) = _payload(html.get_root().render())
        on_map = {
            int(payload["prefix"] + m + payload["suffix"], 16): (n, k + 1)
            for m, n, k in zip(payload["ids"], payload["n"], payload["k"])
        }
        table = maps.hex_table(layer)
        in_table = {int(c, 16): (v, k) for c, v, k in zip(table["H3 cell"], table[layer.value_label], table["Class"])}
        assert in_table == on_map and len(table) == len(layer)
        assert table[layer.value_label].is_monotonic_decreasing
        assert [layer.labels[k - 1] for k in table["Class"]] == table["Class label"].tolist()
    # the Gi* map leaves not-significant cells out, and so does its table
    assert len(table) == 2 and table["Class label"].tolist() == [BIN_LABELS[3], BIN_LABELS[-2]]
    assert table["Class"].tolist() == [1, 5]


def test_table_names_the_community_of_each_hexagon():
    cells = np.sort(_cells())
    layer = maps.counts_to_hex_layer(pd.DataFrame({"cell": cells, "count": [10, 3, 1]}), 6, "Quantiles")
    communities = pd.DataFrame({"community_id": ["HC01"], "cells": [[int(cells[0]), int(cells[2])]]})
    table = maps.hex_table(layer, communities)
    by_cell = dict(zip(table["H3 cell"], table["Community"]))
    assert by_cell == {
        format(int(cells[0]), "x"): "HC01",
        format(int(cells[1]), "x"): "",
        format(int(cells[2]), "x"): "HC01",
    }


def test_legend_numbers_its_classes_and_escapes_its_text():
    out = maps.legend_html("<script>alert(1)</script>", [(1, "<b>x</b>", "#fff", 3)])
    assert "<script>" not in out and "<b>x</b>" not in out and "&lt;script&gt;" in out
    layer = maps.counts_to_hex_layer(pd.DataFrame({"cell": _cells(), "count": [10, 3, 1]}), 6, "Quantiles")
    assert [row[0] for row in layer.legend] == [1, 2, 3]
    assert [row[1] for row in layer.legend] == ["1–2", "3–5", "10"]
    html = maps.legend_html(layer.title, layer.legend)
    assert ">1</span>" in html and "(1 hexagons)" in html


def test_ocg_overlay_colours_cells_by_the_most_active_criminality():
    from geo.hexes import latlng_to_cells
    from records.ocg_schema import CRIMINALITY

    cells = latlng_to_cells(np.array([53.80, 53.80, 53.80, 53.70]), np.array([-1.55, -1.55, -1.55, -1.80]), 9)
    activity = pd.DataFrame({"ocg_id": ["OCG-001", "OCG-002", "OCG-002", "OCG-001"], H3_COLUMNS[9]: cells})
    register = pd.DataFrame({"ocg_id": ["OCG-001", "OCG-002"], "principal_criminality": ["firearms", "drugs supply"]})
    layer = maps.ocg_hex_layer(activity, register, 9, CRIMINALITY, synthetic=True)
    by_cell = {int(c): (int(n), int(k)) for c, n, k in zip(layer.cells, layer.values, layer.classes)}
    assert by_cell[int(cells[0])] == (3, CRIMINALITY.index("drugs supply"))
    assert by_cell[int(cells[3])] == (1, CRIMINALITY.index("firearms"))
    assert "SYNTHETIC" in layer.title
    d = _districts()
    html = (
        maps.hex_map(layer, maps.district_outlines(d), tuple(d.total_bounds), tiles=None, title="m", overlay=layer)
        .get_root()
        .render()
    )
    assert "OCG activity (SYNTHETIC DEMONSTRATION DATA)" in html
    assert len(_payload(html)) == 2
