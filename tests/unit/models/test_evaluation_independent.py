"""Expected values that do not come from the code under test: H3 cells from a second,
independent implementation of the grid (h3o, in Rust, through h3ronpy), and a backtest
worked out by hand on a small grid."""

from __future__ import annotations

import h3
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from h3ronpy.vector import coordinates_to_cells
from numpy.testing import assert_allclose

from geo import hexes
from models.evaluation import evaluate_methods


def h3o_cells(lat: np.ndarray, lng: np.ndarray, resolution: int) -> np.ndarray:
    """Cells of points by h3o (not the C library that h3-py wraps)."""
    cells = coordinates_to_cells(pa.array(lat), pa.array(lng), resolution)
    return np.asarray(pa.array(cells).to_numpy(zero_copy_only=False), dtype=np.uint64).astype(np.int64)


@pytest.mark.parametrize("resolution", [7, 8, 9, 10])
def test_west_yorkshire_points_get_the_cells_a_second_implementation_gives(resolution: int):
    rng = np.random.default_rng(7)
    lat = np.concatenate([[53.79648, 53.7920, 53.6833, 53.6458, 53.7240], rng.uniform(53.5, 54.0, 500)])
    lng = np.concatenate([[-1.54785, -1.7550, -1.5000, -1.7850, -1.8630], rng.uniform(-2.2, -1.2, 500)])
    # Leeds station, Bradford, Wakefield, Huddersfield and Halifax centres, then random points
    np.testing.assert_array_equal(hexes.latlng_to_cells(lat, lng, resolution), h3o_cells(lat, lng, resolution))


def test_a_backtest_worked_out_by_hand_on_a_small_grid():
    # A grid of 19 cells: one resolution-9 cell in Leeds and its two rings.
    centre = h3.latlng_to_cell(53.79648, -1.54785, 9)
    grid = np.array(sorted(h3.str_to_int(c) for c in h3.grid_disk(centre, 2)), dtype=np.int64)
    a, b, c, d = grid[3], grid[7], grid[11], grid[15]
    train = [a] * 5 + [b] * 3 + [c]  # June: A 5, B 3, C 1
    test = [a] * 2 + [b] * 4 + [d] * 4  # July: A 2, B 4, D 4 (10 in all)
    incidents = pd.DataFrame(
        {"month": ["2017-06"] * len(train) + ["2017-07"] * len(test), "h3_r9": np.array(train + test, dtype=np.int64)}
    )
    result = evaluate_methods(incidents, grid, 9, ["2017-06"], ["2017-07"], permutations=9, coverages=(0.1, 0.2))
    assert result.n_cells == 19 and result.test_incidents == 10
    # 10 % of 19 cells is 1 cell (rounded down); 20 % is 3 cells.
    # Prior counts rank A (5), B (3), C (1): the top cell holds 2 of 10 test incidents; the
    # top three hold 2 + 4 + 0 = 6. PAI = hit rate / area share.
    prior = [result.at("prior counts", c) for c in (0.1, 0.2)]
    assert [r["cells"] for r in prior] == [1, 3]
    assert_allclose([r["hit_rate"] for r in prior], [2 / 10, 6 / 10])
    assert_allclose([r["pai"] for r in prior], [(2 / 10) / (1 / 19), (6 / 10) / (3 / 19)])
    # Hindsight ranks the test counts themselves: B and D (4 each), then A (2): 4, then 10.
    hindsight = [result.at("hindsight (test period itself)", c) for c in (0.1, 0.2)]
    assert_allclose([r["hit_rate"] for r in hindsight], [4 / 10, 10 / 10])
    assert_allclose([r["pai"] for r in hindsight], [(4 / 10) * 19, (10 / 10) * 19 / 3])
