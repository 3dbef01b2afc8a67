"""models.crossborder: the county's border band, neighbouring forces' hot cells in it, and the
cross-border OCGs that touch them, on hand-made cells."""

from __future__ import annotations

import geopandas as gpd
import h3
import pandas as pd
from shapely.geometry import Point, box

from models.crossborder import border_area, border_cells, neighbour_forces, ocgs_touching

#: A district 0.1 degrees wide, around Leeds.
DISTRICTS = gpd.GeoDataFrame({"district": ["Leeds"]}, geometry=[box(-1.6, 53.75, -1.5, 53.85)], crs="EPSG:4326")


def _cell(lat: float, lng: float) -> int:
    return h3.str_to_int(h3.latlng_to_cell(lat, lng, 9))


INSIDE = _cell(53.80, -1.55)  # in the county
BAND = _cell(53.80, -1.48)  # about 1.3 km east of it: in a 5 km band
FAR = _cell(53.80, -1.30)  # about 13 km east: outside the band


def test_the_border_area_is_the_county_and_a_band_of_the_given_width():
    area = border_area(DISTRICTS, 5_000, "EPSG:27700")
    assert area.contains(Point(-1.55, 53.80)) and area.contains(Point(-1.48, 53.80))
    assert not area.contains(Point(-1.30, 53.80))
    assert not border_area(DISTRICTS, 500, "EPSG:27700").contains(Point(-1.48, 53.80))


def test_border_cells_keep_the_band_and_mark_the_top_quantile_hot():
    area = border_area(DISTRICTS, 5_000, "EPSG:27700")
    counts = pd.DataFrame(
        {
            "force": ["South Yorkshire Police", "South Yorkshire Police", "North Yorkshire Police", "Far Police"],
            "cell": [BAND, INSIDE, BAND, FAR],
            "incidents": [30, 2, 5, 100],
        }
    )
    cells = border_cells(counts, area, hot_quantile=0.5)
    assert cells[["force", "cell", "incidents"]].values.tolist() == [
        ["South Yorkshire Police", BAND, 30],
        ["North Yorkshire Police", BAND, 5],  # one row per force for a shared cell
        ["South Yorkshire Police", INSIDE, 2],
    ]
    assert cells["hot"].tolist() == [True, True, False]  # the median (5) and above
    empty = border_cells(counts.iloc[0:0], area)
    assert empty.empty and list(empty.columns) == ["force", "cell", "incidents", "hot"]
    assert str(empty["cell"].dtype) == "int64"


def test_only_cross_border_ocgs_near_a_hot_cell_are_listed():
    cells = pd.DataFrame(
        {"force": ["South Yorkshire Police", "South Yorkshire Police"], "cell": [BAND, INSIDE], "incidents": [30, 2]}
    ).assign(hot=[True, False])
    next_door = h3.str_to_int(h3.grid_ring(h3.int_to_str(BAND), 1)[0])
    register = pd.DataFrame(
        {
            "ocg_id": ["OCG-001", "OCG-002", "OCG-003", "OCG-004"],
            "principal_criminality": ["county lines", "drugs supply", "firearms", "county lines"],
            "threat_tier": [1, 2, 3, 1],
            "cross_border": ["yes", "no", "yes", "yes"],
        }
    )
    activity = pd.DataFrame(
        {
            "ocg_id": ["OCG-001", "OCG-001", "OCG-002", "OCG-003", "OCG-004"],
            "h3_r9": [next_door, BAND, BAND, FAR, INSIDE],  # OCG-004 only by a cell that is not hot
        }
    )
    touching = ocgs_touching(activity, register, cells, 9)
    assert touching.values.tolist() == [["OCG-001", "county lines", 1, "South Yorkshire Police", 1, 30, 2]]
    assert ocgs_touching(activity, register, cells, 9, rings=0)["records"].tolist() == [1]  # only in the cell
    assert ocgs_touching(activity, register, cells.assign(hot=False), 9).empty


def test_neighbour_forces_are_those_stored_in_the_settings_order():
    stored = ["West Yorkshire Police", "Lancashire Constabulary", "North Yorkshire Police"]
    assert neighbour_forces(
        stored, ["North Yorkshire Police", "South Yorkshire Police", "Lancashire Constabulary"]
    ) == [
        "North Yorkshire Police",
        "Lancashire Constabulary",
    ]
