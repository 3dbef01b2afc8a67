"""Gi*, FDR bins, communities, emerging categories and accuracy on tiny hand-made data."""

from __future__ import annotations

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import pytest
from libpysal.weights import W, lat2W
from numpy.testing import assert_allclose
from shapely.geometry import box

from geo.schemas import H3_COLUMNS
from models.communities import CommunityParams, cluster_cells, community_table, is_street
from models.emerging import classify_series, enough_months, mann_kendall
from models.evaluation import default_scores, hit_rates
from models.hotspots import confidence_bins, gi_star, grid_values, local_sums, ring_weights


def _gi_star_by_hand(x: np.ndarray, w: W) -> np.ndarray:
    """Getis and Ord (1995) Gi*: binary weights including the cell itself."""
    n = len(x)
    mean = x.mean()
    s = np.sqrt((x**2).mean() - mean**2)
    out = np.empty(n)
    for i in range(n):
        nb = w.neighbors[i]
        wi = len(nb)
        num = x[nb].sum() - mean * wi
        den = s * np.sqrt((n * wi - wi**2) / (n - 1))
        out[i] = num / den
    return out


def test_gi_star_z_matches_a_hand_computation_on_a_3x3_grid():
    x = np.array([0, 1, 0, 2, 9, 3, 0, 1, 0], dtype=float)
    w = lat2W(3, 3)
    star = W({i: [i, *nb] for i, nb in w.neighbors.items()}, silence_warnings=True)
    cells = np.arange(1, 10, dtype=np.int64)  # labels only; weights are given
    r = gi_star(x, cells, weights=w, permutations=99, seed=1)
    assert_allclose(r.z, _gi_star_by_hand(x, star), rtol=1e-10)
    assert r.z[4] == r.z.max()


def test_permutations_are_reproducible_with_the_seed():
    rng = np.random.default_rng(3)
    x = rng.poisson(1.0, 100).astype(float)
    w = lat2W(10, 10)
    cells = np.arange(100, dtype=np.int64)
    a = gi_star(x, cells, weights=w, permutations=199, seed=7)
    b = gi_star(x, cells, weights=w, permutations=199, seed=7)
    c = gi_star(x, cells, weights=w, permutations=199, seed=8)
    assert_allclose(a.p_sim, b.p_sim)
    assert not np.allclose(a.p_sim, c.p_sim)


def test_pseudo_p_values_are_one_sided_in_the_observed_direction():
    # esda's "directed" alternative, stated in models.hotspots (esda 2.9 warns that its default
    # will change; pytest.ini turns that warning into an error)
    from esda.crand import crand
    from esda.getisord import G_Local, _g_local_star_crand

    rng = np.random.default_rng(5)
    x = rng.poisson(1.0, 100).astype(float)
    x[44], x[45], x[54] = 12, 10, 11  # a hot corner in the middle
    w = lat2W(10, 10)
    r = gi_star(x, np.arange(100, dtype=np.int64), weights=w, permutations=199, seed=7)
    g = G_Local(x, w, transform="B", permutations=0, star=True, keep_simulations=False, n_jobs=1)
    _, simulated = crand(
        g.y,
        g.w,
        g.Gs,
        199,
        True,
        n_jobs=1,
        stat_func=_g_local_star_crand,
        scaling=x.sum(),
        seed=7,
        island_weight=0,
        alternative="greater",
    )
    larger = (simulated >= g.Gs[:, None]).sum(axis=1)
    expected = (np.minimum(larger, 199 - larger) + 1) / 200
    assert_allclose(r.p_sim, expected, rtol=1e-6)
    assert r.p_sim[44] == pytest.approx(1 / 200) and (r.p_sim <= 0.5).all()


def test_fdr_bins_on_known_p_values():
    # Benjamini-Hochberg's textbook ten p-values.
    p = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    z = np.array([5, 3, 2, 2, 2, 1.9, 1.8, 1.2, 1.2, -1.2])
    bins, thresholds = confidence_bins(z, p, use_fdr=True)
    # BH: the largest k with p_(k) <= k * alpha / m is 6 at alpha 0.10, 2 at 0.05, 1 at 0.01
    assert_allclose([thresholds[0.10], thresholds[0.05], thresholds[0.01]], [0.06, 0.01, 0.001])
    assert bins.tolist() == [3, 2, 1, 1, 1, 1, 0, 0, 0, 0]
    raw, _ = confidence_bins(-z, p, use_fdr=False)
    assert raw.tolist() == [-3, -3, -2, -2, -2, -1, -1, 0, 0, 0]


def test_permutation_confirmation_and_untested_cells():
    p = np.array([0.001, 0.001, 0.001])
    z = np.array([4.0, 4.0, -4.0])
    bins, _ = confidence_bins(
        z, p, use_fdr=False, tested=np.array([True, True, False]), p_confirm=np.array([0.001, 0.04, 0.001])
    )
    # cell 1: the permutation test only confirms 90 % (0.04 <= 0.10 / 2); cell 2 untested
    assert bins.tolist() == [3, 1, 0]


def test_empty_neighbourhoods_are_not_tested_on_the_h3_grid():
    centre = h3.latlng_to_cell(53.8, -1.55, 9)
    cells = np.array(sorted(h3.str_to_int(c) for c in h3.grid_disk(centre, 4)), dtype=np.int64)
    values = np.zeros(len(cells))
    values[np.searchsorted(cells, h3.str_to_int(centre))] = 50
    w = ring_weights(cells, 1)
    assert_allclose(local_sums(values, w).max(), 50)
    r = gi_star(values, cells, weights=w, permutations=99, seed=1)
    far = local_sums(values, w) == 0
    assert (r.p_value[far] == 1).all() and (r.bins[far] == 0).all()
    assert r.z[np.searchsorted(cells, h3.str_to_int(centre))] == r.z.max() > 2.5


def test_grid_values_sum_weights_and_ignore_cells_off_the_grid():
    grid = np.array([10, 20, 30], dtype=np.int64)
    out = grid_values(grid, np.array([20, 20, 99, 0, 30]), np.array([1.0, 2.0, 5.0, 1.0, 4.0]))
    assert out.tolist() == [0.0, 3.0, 4.0]


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


@pytest.mark.parametrize(
    ("bins", "z", "category"),
    [
        ([0] * 9 + [1], [0] * 10, "new"),
        ([0] * 7 + [1, 2, 2], [0] * 10, "consecutive"),
        ([1] * 10, list(range(10)), "intensifying"),
        ([2] * 10, [3, 3.1, 2.9, 3, 3.2, 2.8, 3, 3.1, 2.9, 3], "persistent"),
        ([1] * 10, list(range(10, 0, -1)), "diminishing"),
        ([1, 0, 1, 0, 0, 1, 0, 1, 0, 1], [0] * 10, "sporadic"),
        ([1, -1, 1, 0, 0, 1, 0, 1, 0, 1], [0] * 10, "oscillating"),
        ([1] * 9 + [0], [0] * 10, "historical"),
        ([0] * 10, [0] * 10, "no pattern"),
        ([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], [0] * 10, "no pattern"),
    ],
)
def test_emerging_categories_on_crafted_series(bins, z, category):
    assert classify_series(bins, z) == category


def test_mann_kendall_and_month_check():
    assert mann_kendall(list(range(12))).direction == "increasing"
    assert mann_kendall([5] * 12).direction == "no trend"
    ok, why = enough_months(["2016-07", "2017-07"])
    assert not ok and "10 months" in why and "2 month(s)" in why


def test_hit_rate_and_pai_on_hand_made_counts():
    scores = np.array([5, 3, 3, 1, 0])
    test = np.array([2, 0, 4, 1, 3])
    out = hit_rates(scores, test, (0.2, 0.4, 0.6))
    assert out["cells"].tolist() == [1, 2, 3]
    assert_allclose(out["hit_rate"], [0.2, 0.2, 0.6])
    assert_allclose(out["pai"], [1.0, 0.5, 1.0])
    # ties are broken by the neighbourhood in the default ranking
    assert_allclose(hit_rates(default_scores(scores, np.array([5, 3, 9, 1, 0])), test, (0.4,))["hit_rate"], [0.6])
