"""Gi*, FDR bins and grid values on tiny hand-made data."""

from __future__ import annotations

import h3
import numpy as np
import pytest
from libpysal.weights import W, lat2W
from numpy.testing import assert_allclose

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


def test_kernels_are_kept_on_disk_except_the_one_taking_a_function():
    import esda.crand
    from numba.core.caching import NullCache

    from models.hotspots import NOT_CACHED, cache_kernels_on_disk

    assert cache_kernels_on_disk() > 0
    assert "compute_chunk" in NOT_CACHED
    assert isinstance(esda.crand.compute_chunk._cache, NullCache)  # never saved: reused by no process
    kept = [v for v in vars(esda.crand).values() if hasattr(v, "_cache") and not isinstance(v._cache, NullCache)]
    assert kept  # the others are
