"""ui.panels: the map's view, the hexagon details under a click, the analysis in one line and
the note on new community ids, through small AppTest scripts on hand-made data."""

from __future__ import annotations

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from models.hotspots import HotspotResult
from models.pipeline import HotspotAnalysis, HotspotParams
from ui.panels import view_bounds

DISTRICTS = gpd.GeoDataFrame(
    {"district": ["Leeds", "Bradford"]},
    geometry=[box(-1.80, 53.70, -1.30, 53.95), box(-2.05, 53.70, -1.70, 53.96)],
    crs="EPSG:4326",
)
LAT, LNG = 53.7996, -1.5491
CELL = h3.str_to_int(h3.latlng_to_cell(LAT, LNG, 9))


def test_the_view_is_the_chosen_districts_else_all_of_them():
    assert view_bounds(DISTRICTS, ["Leeds"]) == (-1.80, 53.70, -1.30, 53.95)
    assert view_bounds(DISTRICTS, []) == (-2.05, 53.70, -1.30, 53.96)
    assert view_bounds(DISTRICTS, ["York"]) == (-2.05, 53.70, -1.30, 53.96)  # nothing chosen is here: all


def _details(incidents, click, gi) -> None:  # run by AppTest on its own: no annotations to resolve
    from models.counts import cell_profile
    from ui import panels

    panels.cell_details(lambda cell: cell_profile(incidents, cell, 9), 9, click, gi)


def _incidents() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "h3_r9": [CELL, CELL, CELL, 0],
            "crime_type": ["Drugs", "Drugs", "Robbery", "Drugs"],
            "location": ["On or near Briggate"] * 4,
            "lsoa_code": ["E01011365"] * 4,
            "lsoa_name": ["Leeds 111B"] * 4,
            "month": ["2017-07"] * 4,
        }
    )


def _result(cells: list[int], bins: list[int]) -> HotspotResult:
    n = len(cells)
    return HotspotResult(
        np.array(cells, dtype=np.int64),
        np.ones(n),
        np.full(n, 2.71),
        np.full(n, 0.004),
        np.full(n, 0.0031),
        np.array(bins, dtype=np.int8),
        {},
        1,
        0,
        0,
    )


def test_without_a_click_the_panel_says_how_to_get_details():
    at = AppTest.from_function(_details, args=(_incidents(), None, None)).run()
    assert at.info[0].value.startswith("Click a hexagon on the map")
    assert not at.metric
    # the period's rows are not read before a click: a frame that cannot be read is not touched
    assert not AppTest.from_function(_details, args=(None, None, None)).run().exception


def test_a_click_shows_the_hexagons_incidents_and_its_gi_star_figures():
    click = {"lat": LAT, "lng": LNG}
    at = AppTest.from_function(_details, args=(_incidents(), click, _result([CELL - 1, CELL], [0, 3]))).run()
    assert not at.exception
    assert at.metric[0].value == "3"
    assert f"`{h3.int_to_str(CELL)}`" in at.caption[0].value
    assert at.markdown[0].value == ("**Hot spot, 99 % confidence** · Gi* z = 2.71 · p = 0.0031 · permutation p = 0.004")
    assert at.dataframe[0].value.values.tolist() == [["Drugs", 2], ["Robbery", 1]]
    off_grid = AppTest.from_function(_details, args=(_incidents(), click, _result([CELL + 1], [0]))).run()
    assert "outside the five districts" in off_grid.caption[1].value


def test_a_hexagon_without_incidents_says_so():
    far = {"lat": 53.70, "lng": -1.90}
    at = AppTest.from_function(_details, args=(_incidents(), far, None)).run()
    assert at.info[0].value == "No incident under the current filters in this hexagon."


def _summary(analysis, ids) -> None:  # run by AppTest on its own: no annotations to resolve
    from ui import panels

    panels.hotspot_summary(analysis)
    panels.community_id_note(ids)


def test_the_analysis_is_summed_up_in_one_line():
    communities = gpd.GeoDataFrame({"community_id": ["HC-E1", "HC-E2"]})
    analysis = HotspotAnalysis(_result([1, 2, 3, 4], [3, 1, 0, -2]), communities, HotspotParams(harm_weighted=True))
    at = AppTest.from_function(_summary, args=(analysis, ["HC-E1", "HC-E2"])).run()
    assert at.markdown[0].value == (
        "**2** hot and **1** cold hexagons of 4; **2** hotspot communities. Gi* on harm-weighted counts, "
        "neighbours within 1 ring, 999 permutations (seed 12345), FDR-corrected at each confidence level."
    )
    assert not at.caption  # no id ending -new: no note
    noted = AppTest.from_function(_summary, args=(analysis, ["HC-E1", "HC-E3-new"])).run()
    assert "HC-E3-new" in noted.caption[0].value
