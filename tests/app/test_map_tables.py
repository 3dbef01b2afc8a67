"""Every map page has a table of the map: the same hexagons with the same figures."""

from __future__ import annotations

import numpy as np
from streamlit.testing.v1 import AppTest

from models.hotspots import BIN_LABELS
from ui import cache, maps


def _table(at: AppTest):
    """The dataframe inside the open 'Table of the map' expander."""
    (box,) = [e for e in at.expander if e.label == "Table of the map"]
    (frame,) = box.dataframe
    return box.caption[0].value, frame.value


def test_hotspot_map_table_has_the_maps_hexagons_and_figures(app_with_sample: AppTest):
    at = app_with_sample.run()
    at.switch_page("pages/hotspot_map.py").run(timeout=300)
    assert not at.exception
    assert [len(e.dataframe) for e in at.expander if e.label == "Table of the map"] == [0]  # closed: not sent
    at.session_state["map_table"] = True  # the user opens the expander
    at.run(timeout=300)
    caption, table = _table(at)
    token, filters = at.session_state["store_token"], at.session_state["filters"]
    # the colour classes are offered in plain words; the stored key stays the mapclassify name
    assert at.radio[1].options == ["Quantiles (same number of hexagons in each class)", "Natural breaks (Fisher-Jenks)"]
    assert at.radio[1].value == "Quantiles (same number of hexagons in each class)"
    layer = cache.hex_layer(token, filters, maps.SCHEMES[at.radio[1].value])
    assert maps.SCHEMES[at.radio[1].value] == "Quantiles"
    drawn = int(at.markdown[0].value.split("**")[5].replace(",", ""))
    assert len(table) == len(layer) == drawn and f"{drawn:,} hexagons" in caption
    on_map = {format(int(c), "x"): (int(v), int(k) + 1) for c, v, k in zip(layer.cells, layer.values, layer.classes)}
    in_table = {c: (int(v), int(k)) for c, v, k in zip(table["H3 cell"], table["Incidents"], table["Class"])}
    assert in_table == on_map
    assert table["Incidents"].is_monotonic_decreasing and table["Incidents"].sum() == int(layer.values.sum())

    at.radio[0].set_value("Gi* hot spots").run(timeout=300)
    assert not at.exception
    _, table = _table(at)
    result = cache.hotspot_analysis(token, filters, at.session_state["analysis"]).result
    significant = result.bins != 0
    assert len(table) == int(significant.sum())
    z = dict(zip((format(int(c), "x") for c in result.cells[significant]), np.round(result.z[significant], 2)))
    assert all(z[c] == v for c, v in zip(table["H3 cell"], table["Gi* z-score"]))
    bins = dict(zip((format(int(c), "x") for c in result.cells), result.bins))
    assert all(BIN_LABELS[int(bins[c])] == label for c, label in zip(table["H3 cell"], table["Class label"]))
    assert (table["Community"] != "").any()  # community outlines are on: cells name their community
