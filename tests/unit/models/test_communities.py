"""Hotspot communities: clustering, the community table and street names, on tiny hand-made cells."""

from __future__ import annotations

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
from shapely.geometry import box

from geo.schemas import H3_COLUMNS
from models.communities import CommunityParams, cluster_cells, community_table, is_street


def _blob(lat: float, lng: float, k: int) -> list[int]:
    return [h3.str_to_int(c) for c in h3.grid_disk(h3.latlng_to_cell(lat, lng, 9), k)]


def test_clustering_is_deterministic_and_splits_large_groups():
    a, b = _blob(53.80, -1.55, 1), _blob(53.70, -1.80, 1)
    cells = np.array(a + b, dtype=np.int64)
    labels = cluster_cells(cells, 9)
    assert len(set(labels[: len(a)])) == 1 and len(set(labels[len(a) :])) == 1
    assert labels[0] != labels[-1]
    shuffled = np.random.default_rng(0).permutation(len(cells))
    again = cluster_cells(cells[shuffled], 9)
    assert dict(zip(cells[shuffled].tolist(), again.tolist())) == dict(zip(cells.tolist(), labels.tolist()))
    big = np.array(_blob(53.8, -1.55, 4), dtype=np.int64)  # 61 touching cells
    split = cluster_cells(big, 9, max_cells=20, seed=0)
    assert len(set(split)) == 4 and np.bincount(split).max() <= 30
    assert (cluster_cells(big, 9, max_cells=20, seed=0) == split).all()


def test_community_table_names_ranks_and_shares_census():
    cells = np.array(_blob(53.80, -1.55, 1), dtype=np.int64)
    grid = pd.DataFrame(
        {
            "cell": np.sort(cells),
            "lsoa_code": "E1",
            "msoa_code": "M1",
            "msoa_name": "Leeds 111",
            "district_code": "E08000035",
            "district": "Leeds",
        }
    )
    extra = pd.DataFrame(
        {
            "cell": [1, 2, 3],
            "lsoa_code": "E1",
            "msoa_code": "M1",
            "msoa_name": "Leeds 111",
            "district_code": "E08000035",
            "district": "Leeds",
        }
    )
    grid = pd.concat([grid, extra], ignore_index=True)  # the LSOA has 10 cells, 7 in the community
    lsoas = gpd.GeoDataFrame(
        {"lsoa_code": ["E1"], "persons": [1000], "households": [400]},
        geometry=[box(-1.6, 53.7, -1.5, 53.9)],
        crs="EPSG:4326",
    )
    incidents = pd.DataFrame(
        {
            H3_COLUMNS[9]: [cells[0]] * 3 + [cells[1]] * 2,
            "crime_type": ["Robbery", "Robbery", "Drugs", "Shoplifting", "Shoplifting"],
            "location": [
                "On or near Supermarket",
                "On or near Briggate",
                "On or near Briggate",
                "On or near Supermarket",
                "On or near Supermarket",
            ],
            "month": ["2017-07"] * 5,
            "lsoa_code": ["E1"] * 5,
        }
    )
    harm = {"Robbery": 9.0, "Drugs": 6.0, "Shoplifting": 2.0}
    table = community_table(cells, 9, grid, incidents, lsoas, harm, CommunityParams(min_cells=2))
    row = table.iloc[0]
    assert len(table) == 1 and row["community_id"] == "HC-E1"  # named by its anchor LSOA
    assert row["name"] == "Briggate (Leeds 111)"  # "Supermarket" is a place type, not a street
    assert row["harm"] == 9 + 9 + 6 + 2 + 2 and row["incidents"] == 5
    assert row["residents"] == 700 and row["households"] == 280
    assert row["by_type"] == {"Robbery": 2, "Shoplifting": 2, "Drugs": 1}
    assert row["lsoa_households"] == {"E1": 280.0}
    assert row["lsoa_streets"] == {"E1": ["Briggate"]}  # drop zones name streets only
    assert row.geometry.is_valid and row.geometry.area > 0


def test_community_table_gives_harm_by_district_and_each_lsoas_district():
    # one community across a district boundary: three cells in a Bradford LSOA, four in a
    # Leeds one; most of the harm is in Leeds although Bradford comes first by name
    cells = np.sort(np.array(_blob(53.80, -1.55, 1), dtype=np.int64))
    bradford = ["E08000032", "Bradford"]
    leeds = ["E08000035", "Leeds"]
    grid = pd.DataFrame(
        [[c, "E2" if i < 3 else "E1", "M1", "Leeds 111", *(bradford if i < 3 else leeds)] for i, c in enumerate(cells)],
        columns=["cell", "lsoa_code", "msoa_code", "msoa_name", "district_code", "district"],
    )
    lsoas = gpd.GeoDataFrame(
        {"lsoa_code": ["E1", "E2"], "persons": [1000, 600], "households": [400, 300]},
        geometry=[box(-1.6, 53.7, -1.5, 53.9), box(-1.7, 53.7, -1.6, 53.9)],
        crs="EPSG:4326",
    )
    incidents = pd.DataFrame(
        {
            H3_COLUMNS[9]: [cells[0], cells[4], cells[5], cells[6]],
            "crime_type": ["Shoplifting", "Robbery", "Robbery", "Drugs"],
            "location": ["On or near Briggate"] * 4,
            "month": ["2017-07"] * 4,
            "lsoa_code": ["E2", "E1", "E1", "E1"],
        }
    )
    harm = {"Robbery": 9.0, "Drugs": 6.0, "Shoplifting": 2.0}
    row = community_table(cells, 9, grid, incidents, lsoas, harm, CommunityParams(min_cells=2)).iloc[0]
    assert row["districts"] == "Bradford, Leeds"
    assert row["district_harm"] == {"Bradford": 2.0, "Leeds": 24.0}
    assert sum(row["district_harm"].values()) == row["harm"]
    assert row["lsoa_districts"] == {"E1": "Leeds", "E2": "Bradford"}


def test_street_names_are_told_from_place_types():
    assert is_street("Briggate") and is_street("Boar Lane") and is_street("A635")
    assert not is_street("Supermarket") and not is_street("Parking Area")
    assert not is_street("Sports/Recreation Area") and not is_street("")
