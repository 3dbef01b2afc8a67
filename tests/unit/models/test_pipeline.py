"""models.pipeline: the county analysis (Gi*, then communities), ids kept from an earlier
period, and a district's view of the county."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
from shapely.geometry import box

from geo.schemas import H3_COLUMNS
from models.communities import CommunityParams
from models.hotspots import HotspotResult
from models.pipeline import (
    HotspotAnalysis,
    HotspotParams,
    analyse_hotspots,
    incident_weights,
    keep_earlier_ids,
    select_districts,
)


def test_a_district_view_keeps_the_county_ids_names_and_ranks():
    cells = np.array([1, 2, 3, 4], dtype=np.int64)
    result = HotspotResult(
        cells,
        np.ones(4),
        np.zeros(4),
        np.full(4, np.nan),
        np.ones(4),
        np.array([3, 0, 1, -1], dtype=np.int8),
        {},
        1,
        0,
        0,
    )
    communities = pd.DataFrame(
        {
            "rank": [1, 2],
            "community_id": ["HC-A", "HC-B"],
            "name": ["a", "b"],
            "districts": ["Leeds, Bradford", "Leeds"],
        }
    )
    grid = pd.DataFrame({"cell": cells, "district": ["Leeds", "Bradford", "Bradford", "Leeds"]})
    county = HotspotAnalysis(result, communities, HotspotParams())
    view = select_districts(county, grid, ("Bradford",))
    assert view.result.cells.tolist() == [2, 3] and view.result.bins.tolist() == [0, 1]
    assert view.communities[["rank", "community_id", "name"]].values.tolist() == [[1, "HC-A", "a"]]
    assert select_districts(county, grid, ()) is county


def _blob(k: int) -> list[int]:
    return sorted(h3.str_to_int(c) for c in h3.grid_disk(h3.latlng_to_cell(53.80, -1.55, 9), k))


def _county() -> tuple[pd.DataFrame, pd.DataFrame, gpd.GeoDataFrame]:
    """A grid of 61 cells in one LSOA; 40 incidents in the 7 central cells, one elsewhere."""
    cells = np.array(_blob(4), dtype=np.int64)
    grid = pd.DataFrame(
        {
            "cell": cells,
            "lsoa_code": "E01000001",
            "msoa_code": "E02000001",
            "msoa_name": "Leeds 111",
            "district_code": "E08000035",
            "district": "Leeds",
        }
    )
    centre = _blob(1)
    hot = [centre[i % 7] for i in range(40)]
    incidents = pd.DataFrame(
        {
            H3_COLUMNS[9]: [*hot, int(cells[0])],
            "crime_type": ["Drugs"] * 20 + ["Robbery"] * 20 + ["Shoplifting"],
            "location": ["On or near Briggate"] * 41,
            "month": ["2017-07"] * 41,
            "lsoa_code": ["E01000001"] * 41,
        }
    )
    lsoas = gpd.GeoDataFrame(
        {"lsoa_code": ["E01000001"], "persons": [1500], "households": [600]},
        geometry=[box(-1.7, 53.7, -1.4, 53.9)],
        crs="EPSG:4326",
    )
    return grid, incidents, lsoas


HARM = {"Drugs": 6.0, "Robbery": 9.0, "Shoplifting": 2.0}


def test_incident_weights_are_harm_weights_with_unknown_types_counting_one():
    incidents = pd.DataFrame({"crime_type": pd.Categorical(["Drugs", "Robbery", "Other crime"])})
    assert incident_weights(incidents, HARM).tolist() == [6.0, 9.0, 1.0]
    assert incident_weights(incidents, None) is None


def test_the_county_analysis_finds_the_cluster_and_names_it_by_its_place():
    grid, incidents, lsoas = _county()
    params = HotspotParams(inference="analytical", community=CommunityParams(min_cells=2))
    analysis = analyse_hotspots(incidents, grid, lsoas, HARM, params)
    r = analysis.result
    assert r.cells.tolist() == grid["cell"].tolist()
    assert r.values.sum() == 41 and r.values[np.searchsorted(r.cells, _blob(0)[0])] == 6
    assert set(_blob(0)) <= set(r.cells[r.bins > 0].tolist())  # the centre is hot
    assert len(analysis.communities) == 1
    community = analysis.communities.iloc[0]
    assert community["community_id"] == "HC-E01000001" and community["name"].startswith("Briggate")
    assert community["harm"] == 20 * 6 + 20 * 9 + (2 if int(grid["cell"].iloc[0]) in community["cells"] else 0)
    weighted = analyse_hotspots(
        incidents, grid, lsoas, HARM, dataclasses.replace(params, harm_weighted=True)
    ).result.values
    assert weighted.sum() == 20 * 6 + 20 * 9 + 2


def test_a_later_analysis_keeps_the_id_of_the_earlier_community_it_overlaps():
    grid, incidents, lsoas = _county()
    params = HotspotParams(inference="analytical", community=CommunityParams(min_cells=2))
    analysis = analyse_hotspots(incidents, grid, lsoas, HARM, params)
    earlier = analysis.communities.assign(community_id="HC-OLD")
    kept = keep_earlier_ids(analysis, earlier)
    assert kept.communities["community_id"].tolist() == ["HC-OLD"] and kept.result is analysis.result
    elsewhere = earlier.assign(cells=[[int(grid["cell"].iloc[0])]])
    assert keep_earlier_ids(analysis, elsewhere).communities["community_id"].tolist() == ["HC-E01000001"]
