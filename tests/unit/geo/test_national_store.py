"""Two forces in one store: DuckDB's multi-force counts, neighbour hexagons across the border,
and West Yorkshire's own hot spots unchanged by the neighbour's rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import h3
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from core.errors import StoreError
from core.settings import get_settings
from geo import boundaries, hexes
from geo.ingest import ingest
from geo.national_store import NationalStore
from geo.store import Store
from models import crossborder
from models.counts import Filters, filter_incidents
from models.hotspots import gi_star, grid_values, ring_weights
from tests.conftest import street_csv, street_row

HOME = "West Yorkshire Police"
NEIGHBOUR = "South Yorkshire Police"
#: (longitude, latitude, crime type, rows): Barnsley, 3 km south of the county; a point
#: inside West Yorkshire recorded by the neighbour; Rotherham's south, 25 km from the county.
NEIGHBOUR_POINTS = [
    (-1.4793, 53.5526, "Drugs", 30),
    (-1.4700, 53.5600, "Burglary", 4),
    (-1.5500, 53.8000, "Drugs", 2),
    (-1.3000, 53.3300, "Robbery", 12),
]


def neighbour_csv(path: Path, month: str = "2017-07") -> Path:
    rows = []
    for k, (lon, lat, crime_type, n) in enumerate(NEIGHBOUR_POINTS):
        for i in range(n):
            row = street_row(
                crime_id=f"s{k}-{i}",
                month=month,
                lon=str(lon),
                lat=str(lat),
                lsoa_code="E01007300",
                lsoa_name="Barnsley 001A",
                crime_type=crime_type,
            )
            rows.append(row.replace(HOME, NEIGHBOUR))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(street_csv(rows))
    return path


@pytest.fixture()
def two_forces(sample_store_dir: Path, tmp_path: Path) -> Store:
    root = tmp_path / "store"
    shutil.copytree(sample_store_dir, root)
    store = Store(root)
    ingest([neighbour_csv(tmp_path / "in" / "2017-07-south-yorkshire-street.csv")], store)
    return store


def test_neighbour_rows_are_stored_under_their_force_with_h3_cells(two_forces: Store):
    assert two_forces.forces() == [NEIGHBOUR, HOME]
    rows = two_forces.read_incidents(force=NEIGHBOUR)
    assert len(rows) == sum(p[3] for p in NEIGHBOUR_POINTS)
    assert set(rows["district"].astype(str)) == {""}  # no West Yorkshire district, whatever the point
    for res in (7, 8, 9, 10):
        cells = rows[f"h3_r{res}"].to_numpy()
        expected = [
            h3.str_to_int(h3.latlng_to_cell(lat, lon, res)) for lon, lat in zip(rows["longitude"], rows["latitude"])
        ]
        assert (cells == np.array(expected, dtype=np.int64)).all()


def test_west_yorkshire_hot_spots_are_unchanged_by_the_neighbours_rows(sample_store_dir: Path, two_forces: Store):
    alone = Store(sample_store_dir)
    pd.testing.assert_frame_equal(alone.read_incidents(), two_forces.read_incidents())
    resolution = 8
    grid = hexes.lsoas_to_grid(boundaries.read_lsoas(), resolution)["cell"].to_numpy()
    weights = ring_weights(grid, 1)
    results = []
    for store in (alone, two_forces):
        incidents = filter_incidents(store.read_incidents(), Filters(resolution=resolution))
        values = grid_values(grid, incidents[f"h3_r{resolution}"].to_numpy())
        results.append(gi_star(values, grid, weights=weights, inference="analytical"))
    assert_allclose(results[0].z, results[1].z)
    assert (results[0].bins == results[1].bins).all() and (results[0].bins == 3).any()


def test_duckdb_counts_match_the_stored_rows_of_each_force(two_forces: Store):
    engine = NationalStore(two_forces, memory="256MB", threads=1)
    try:
        by_month = engine.counts(("month",))
        expected = pd.concat(
            [
                two_forces.read_incidents(columns=["month"], force=f)["month"].astype(str).value_counts().rename_axis("month")
                .rename("incidents").reset_index().assign(force=f)
                for f in two_forces.forces()
            ]
        )  # fmt: skip
        merged = by_month.merge(expected, on=["force", "month"], suffixes=("", "_pandas"), how="outer")
        assert len(merged) == 3 and (merged["incidents"] == merged["incidents_pandas"]).all()
        types = engine.counts(("crime_type",), forces=[NEIGHBOUR], crime_types=["Drugs", "Robbery"])
        assert types.set_index("crime_type")["incidents"].to_dict() == {"Drugs": 32, "Robbery": 12}
        cells = engine.cell_counts(NEIGHBOUR, 9, bounds=(-2.0, 53.45, -1.0, 54.0))
        assert cells["incidents"].sum() == 36  # Rotherham's 12 lie outside the box
        assert engine.counts(("month",), months=["2016-07"])["force"].tolist() == [HOME]
        with pytest.raises(StoreError, match="cannot count by longitude"):
            engine.counts(("longitude",))
    finally:
        engine.close()


def test_border_cells_and_the_cross_border_ocgs_that_touch_them(two_forces: Store):
    settings = get_settings()
    districts = boundaries.lsoas_to_districts(boundaries.read_lsoas())
    area = crossborder.border_area(districts, 10_000, settings.crs_projected)
    engine = NationalStore(two_forces, threads=1)
    try:
        counts = engine.cell_counts(NEIGHBOUR, 9).assign(force=NEIGHBOUR)
    finally:
        engine.close()
    cells = crossborder.border_cells(counts, area, hot_quantile=0.5)
    barnsley = h3.str_to_int(h3.latlng_to_cell(53.5526, -1.4793, 9))
    rotherham = h3.str_to_int(h3.latlng_to_cell(53.33, -1.30, 9))
    assert rotherham not in set(cells["cell"]) and barnsley in set(cells["cell"])
    assert cells.iloc[0]["cell"] == barnsley and cells.iloc[0]["incidents"] == 30 and cells.iloc[0]["hot"]
    assert cells["incidents"].sum() == 36
    # activity next to the Barnsley hot spot: a cross-border OCG (listed), a local one (not);
    # a cross-border OCG far away (not)
    next_door = h3.str_to_int(h3.grid_ring(h3.int_to_str(barnsley), 1)[0])
    register = pd.DataFrame(
        {
            "ocg_id": ["OCG-001", "OCG-002", "OCG-003"],
            "principal_criminality": ["county lines", "drugs supply", "firearms"],
            "threat_tier": [1, 2, 3],
            "cross_border": ["yes", "no", "yes"],
        }
    )
    far = h3.str_to_int(h3.latlng_to_cell(53.80, -1.55, 9))
    activity = pd.DataFrame(
        {"ocg_id": ["OCG-001", "OCG-001", "OCG-002", "OCG-003"], "h3_r9": [next_door, barnsley, barnsley, far]}
    )
    touching = crossborder.ocgs_touching(activity, register, cells, 9)
    assert touching["ocg_id"].tolist() == ["OCG-001"]
    row = touching.iloc[0]
    assert row["forces"] == NEIGHBOUR and row["hot_spots"] == 1 and row["incidents"] == 30 and row["records"] == 2
    assert crossborder.border_cells(counts.iloc[0:0], area).empty
