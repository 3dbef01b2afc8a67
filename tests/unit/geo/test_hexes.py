"""H3 binning, parents, grids and outlines, checked against known cells."""

from __future__ import annotations

import geopandas as gpd
import h3
import numpy as np
import pytest
import shapely
from shapely.geometry import box

from core.settings import STORED_RESOLUTIONS
from geo import crs, hexes


def test_latlng_to_cells_matches_the_h3_documentation_example():
    # h3 documentation: latlng_to_cell(37.7752702151959, -122.418307270836, 9) -> '8928308280fffff'
    cells = hexes.latlng_to_cells(np.array([37.7752702151959]), np.array([-122.418307270836]), 9)
    assert hexes.cell_to_str(cells[0]) == "8928308280fffff"


def test_leeds_city_centre_point_falls_in_hand_checked_cells():
    lat, lng = np.array([53.79648]), np.array([-1.54785])  # Leeds railway station
    cells = hexes.latlng_to_cells(lat, lng, 9)
    # checked against h3o, an independent implementation of the grid (not the C library)
    from tests.unit.models.test_evaluation_independent import h3o_cells

    expected = hex(int(h3o_cells(lat, lng, 9)[0]))[2:]
    assert hexes.cell_to_str(cells[0]) == expected
    # the point lies inside the outline of its cell
    ring = np.array(hexes.cells_to_rings(cells, 7)[0])
    assert ring[:, 0].min() < -1.54785 < ring[:, 0].max()
    assert ring[:, 1].min() < 53.79648 < ring[:, 1].max()


def test_missing_coordinates_give_no_cell_and_repeated_points_share_cells():
    lat = np.array([53.8, np.nan, 53.8, 53.7])
    lng = np.array([-1.55, -1.55, -1.55, np.nan])
    cells = hexes.latlng_to_cells(lat, lng, 10)
    assert cells[1] == hexes.NO_CELL and cells[3] == hexes.NO_CELL
    assert cells[0] == cells[2] != 0
    assert cells.dtype == np.int64


@pytest.mark.parametrize("res", STORED_RESOLUTIONS)
def test_each_resolution_is_the_cell_containing_the_point(res: int):
    rng = np.random.default_rng(0)
    lat = rng.uniform(53.5, 54.0, 300)
    lng = rng.uniform(-2.2, -1.2, 300)
    memo = hexes.CellMemo([res])
    cells = hexes.latlng_to_cells(lat, lng, res, memo)
    expected = [h3.str_to_int(h3.latlng_to_cell(a, b, res)) for a, b in zip(lat, lng)]
    np.testing.assert_array_equal(cells, np.array(expected, dtype=np.int64))
    assert len(memo) == 300
    again = hexes.latlng_to_cells(lat, lng, res, memo)  # served from the memo
    np.testing.assert_array_equal(again, cells)


def test_grid_covers_polygons_sorted_unique_and_owned_by_centre():
    lsoas = gpd.GeoDataFrame(
        {
            "lsoa_code": ["A", "B"],
            "msoa_code": ["MA", "MB"],
            "msoa_name": ["M a", "M b"],
            "district_code": ["D1", "D2"],
            "district": ["West", "East"],
        },
        geometry=[box(-1.60, 53.78, -1.55, 53.82), box(-1.55, 53.78, -1.50, 53.82)],
        crs="EPSG:4326",
    )
    grid = hexes.lsoas_to_grid(lsoas, 9)
    assert grid["cell"].is_monotonic_increasing and grid["cell"].is_unique
    _lat, lng = hexes.cells_to_centroids(grid["cell"].to_numpy())
    assert ((lng < -1.55) == (grid["district"] == "West")).all()
    # about (0.05 x 0.04 degrees = 3.3 km x 4.4 km = 14.6 km²) / 0.105 km² per cell per box
    assert 230 < len(grid) < 330


def test_rings_are_closed_lng_lat_and_rounded():
    cell = hexes.latlng_to_cells(np.array([53.8]), np.array([-1.55]), 9)
    ring = hexes.cells_to_rings(cell, decimals=4)[0]
    assert ring[0] == ring[-1] and len(ring) == 7
    assert all(-2 < lng < -1 and 53 < lat < 54 for lng, lat in ring)
    assert all(round(v, 4) == v for pt in ring for v in pt)


def test_a_cell_memo_shared_by_threads_gives_the_cells_h3_gives():
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(1)
    lat = np.round(rng.uniform(53.5, 54.0, 4000), 3)  # rounded: batches share many pairs
    lng = np.round(rng.uniform(-2.2, -1.2, 4000), 3)
    memo = hexes.CellMemo([7, 10])
    batches = np.array_split(np.arange(4000), 8)
    with ThreadPoolExecutor(4) as pool:
        found = list(pool.map(lambda b: hexes.latlng_to_cells_multi(lat[b], lng[b], [10, 7], memo), batches))
    for b, cells in zip(batches, found):
        for res in (7, 10):
            expected = [h3.str_to_int(h3.latlng_to_cell(a, c, res)) for a, c in zip(lat[b], lng[b])]
            np.testing.assert_array_equal(cells[res], expected)
    assert len(memo) == len(set(zip(lat.tolist(), lng.tolist())))


def test_points_finer_than_a_microdegree_and_missing_ones_are_binned_alike():
    # 7 decimals: the pairs cannot be packed into whole microdegrees and are hashed as pairs
    lat = np.array([53.8000001234, np.nan, 53.8000001234, 53.71])
    lng = np.array([-1.55, -1.55, -1.55, np.nan])
    cells = hexes.latlng_to_cells(lat, lng, 10)
    expected = h3.str_to_int(h3.latlng_to_cell(53.8000001234, -1.55, 10))
    assert cells.tolist() == [expected, hexes.NO_CELL, expected, hexes.NO_CELL]
    assert len(hexes.latlng_to_cells(np.array([]), np.array([]), 9)) == 0


def test_outline_of_touching_cells_is_one_polygon_of_their_area():
    centre = h3.latlng_to_cell(53.8, -1.55, 9)
    pair = [h3.str_to_int(centre), h3.str_to_int(sorted(h3.grid_ring(centre, 1))[0])]
    outline = hexes.cells_to_outline(pair)
    assert outline.geom_type == "Polygon" and outline.is_valid
    # 2 hexagons of 6 vertices sharing one edge: 10 vertices, closed
    assert len(outline.exterior.coords) == 11
    # (lng, lat) order: the cells' centres lie inside
    for cell in pair:
        lat, lng = h3.cell_to_latlng(h3.int_to_str(cell))
        assert outline.contains(shapely.Point(lng, lat))
    # its area in metres (British National Grid, on the ellipsoid) is the two cells' areas
    # (h3, on a sphere) within 0.5 % (0.35 % here)
    x, y = crs.lnglat_to_projected(*np.array(outline.exterior.coords).T)
    area_m2 = shapely.Polygon(np.column_stack([x, y])).area
    expected = sum(h3.cell_area(h3.int_to_str(c), unit="m^2") for c in pair)
    np.testing.assert_allclose(area_m2, expected, rtol=0.005)


def test_outline_of_cells_apart_has_a_part_each_and_of_none_is_empty():
    a = h3.latlng_to_cell(53.8, -1.55, 9)
    b = h3.latlng_to_cell(53.7, -1.75, 9)
    outline = hexes.cells_to_outline([h3.str_to_int(a), h3.str_to_int(b)])
    assert outline.geom_type == "MultiPolygon" and len(outline.geoms) == 2
    assert hexes.cells_to_outline([]).is_empty
    # vertices are rounded to the decimals asked for
    coarse = hexes.cells_to_outline([h3.str_to_int(a)], decimals=3)
    assert all(round(v, 3) == v for pt in coarse.exterior.coords for v in pt)


def test_average_cell_areas_are_h3s_published_ones():
    # h3geo.org, "Tables of cell statistics across resolutions": average hexagon area, km²
    published = {7: 5.161293360, 8: 0.737327598, 9: 0.105332513, 10: 0.015047502}
    for res, km2 in published.items():
        np.testing.assert_allclose(hexes.resolution_to_cell_area_km2(res), km2, rtol=1e-8)
    assert isinstance(hexes.resolution_to_cell_area_km2(9), float)
