"""The Hotspot map's cross-border layer, built without a browser."""

from __future__ import annotations

import folium
import h3
import pandas as pd

from ui import crossborder


def test_the_layer_draws_each_force_cell_in_grey_with_an_escaped_legend():
    a = h3.str_to_int(h3.latlng_to_cell(53.55, -1.48, 9))
    b = h3.str_to_int(h3.latlng_to_cell(53.56, -1.47, 9))
    cells = pd.DataFrame(
        {
            "force": ["South Yorkshire Police", "<b>Evil</b> Police"],
            "cell": [a, b],
            "incidents": [30, 4],
            "hot": [True, False],
        }
    )
    features = crossborder.border_features(cells)
    assert [f["properties"] for f in features["features"]] == [
        {"force": "South Yorkshire Police", "n": 30, "hot": 1},
        {"force": "&lt;b&gt;Evil&lt;/b&gt; Police", "n": 4, "hot": 0},
    ]
    ring = features["features"][0]["geometry"]["coordinates"][0]
    assert len(ring) == 7 and ring[0] == ring[-1]  # a closed hexagon, (lng, lat) pairs
    assert all(-1.6 < lng < -1.3 and 53.5 < lat < 53.6 for lng, lat in ring)
    fmap = folium.Map(location=[53.7, -1.6], zoom_start=9, tiles=None)
    group = crossborder.add_border_layer(fmap, cells)
    page = fmap.get_root().render()
    assert group.layer_name == crossborder.LAYER_NAME
    assert "Neighbouring forces" in page and crossborder.FILL in page
    assert "&lt;b&gt;Evil&lt;/b&gt; Police" in page and "<b>Evil</b>" not in page


def test_an_empty_layer_still_says_what_it_would_show():
    fmap = folium.Map(location=[53.7, -1.6], zoom_start=9, tiles=None)
    empty = pd.DataFrame({"force": [], "cell": [], "incidents": [], "hot": []})
    crossborder.add_border_layer(fmap, empty)
    assert "none loaded" in fmap.get_root().render()
