"""Getis-Ord Gi* hot spots on the H3 grid, with FDR-corrected confidence bins.

Pure functions and a result object: no I/O, no plotting. The statistic is PySAL esda's
``G_Local`` with ``star=True`` on binary weights from H3 rings, and conditional permutation
inference with a seed passed as a parameter.

Confidence bins follow ArcGIS Hot Spot Analysis: +3/+2/+1 for hot spots at 99/95/90 %
confidence, -3/-2/-1 for cold spots, 0 not significant.

A cell reaches a level when two tests agree:

1. ArcGIS's test: the two-sided normal p-value of its z-score is within the
   Benjamini-Hochberg false discovery rate threshold of the level's alpha (``esda.fdr``),
   the family being every tested cell;
2. the conditional permutation test: esda's pseudo p-value ``p_sim`` (one-sided, in the
   observed direction: esda's ``alternative="directed"``) is at most alpha / 2, the same
   two-sided level.

Why both: crime counts are skewed and full of zeros, so the normal approximation alone
overstates significance; but with 999 permutations the smallest pseudo p-value is 0.001,
and an FDR correction over some 12,000 tests on such coarse p-values swings between
hundreds of hot cells and none. The permutation test confirms each cell at its own level;
the FDR correction is made where it is stable.

A cell whose whole neighbourhood is empty is not tested (p = 1): every permutation ties
with it, and "no crime here" is not evidence of a cold spot.
"""

from __future__ import annotations

import dataclasses
import logging

import numpy as np
import pandas as pd
from esda import fdr
from esda.crand import crand
from esda.getisord import G_Local, _g_local_star_crand
from libpysal.weights import W
from scipy import stats

from geo import hexes

#: Confidence levels of the bins: alpha -> bin magnitude.
LEVELS: dict[float, int] = {0.10: 1, 0.05: 2, 0.01: 3}

#: esda's alternative hypothesis of the permutation test: the pseudo p-value counts the
#: permutations at least as extreme in the observed direction (one-sided). esda 2.9 uses it
#: when none is given but warns that its default will become "two-sided" (larger pseudo
#: p-values, so other bins); it is stated here instead, and the bins stay as they were.
PERMUTATION_ALTERNATIVE = "directed"

#: Plain names of the bins, for legends.
BIN_LABELS: dict[int, str] = {
    3: "Hot spot, 99 % confidence",
    2: "Hot spot, 95 % confidence",
    1: "Hot spot, 90 % confidence",
    0: "Not significant",
    -1: "Cold spot, 90 % confidence",
    -2: "Cold spot, 95 % confidence",
    -3: "Cold spot, 99 % confidence",
}

_log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class HotspotResult:
    """Gi* of every grid cell.

    Attributes
    ----------
    cells : numpy.ndarray
        int64 H3 cells (the whole grid, empty cells included).
    values : numpy.ndarray
        The analysed value of each cell (incident count, or harm-weighted count).
    z : numpy.ndarray
        Gi* z-score (esda ``Zs``, against the analytical expectation).
    p_sim : numpy.ndarray
        One-sided pseudo p-value from conditional permutations (NaN for analytical
        inference).
    p_value : numpy.ndarray
        Two-sided normal p-value of ``z`` (1 for cells not tested: empty neighbourhood),
        corrected for by the FDR thresholds.
    bins : numpy.ndarray
        int8 confidence bin, -3 to +3.
    fdr_thresholds : dict of float to float
        alpha -> largest p-value significant at that level after FDR correction.
    k : int
        Ring distance of the weights.
    permutations : int
        Permutations used.
    seed : int
        Seed of the permutations.
    """

    cells: np.ndarray
    values: np.ndarray
    z: np.ndarray
    p_sim: np.ndarray
    p_value: np.ndarray
    bins: np.ndarray
    fdr_thresholds: dict[float, float]
    k: int
    permutations: int
    seed: int

    def to_frame(self) -> pd.DataFrame:
        """Return one row per cell: cell, value, z, p_sim, p_value, bin."""
        return pd.DataFrame(
            {
                "cell": self.cells,
                "value": self.values,
                "z": self.z,
                "p_sim": self.p_sim,
                "p_value": self.p_value,
                "bin": self.bins,
            }
        )

    @property
    def hot_cells(self) -> np.ndarray:
        """Cells with a positive bin (hot at 90 % confidence or more)."""
        return self.cells[self.bins > 0]


def ring_weights(cells: np.ndarray, k: int = 1) -> W:
    """Binary weights: the cells within k H3 rings of each cell (not the cell itself).

    :func:`gi_star` asks esda for the "star" form, which adds each cell's own weight. (Weights
    built with the diagonal already filled make esda 2.9's permutations ignore the seed, so
    they are not used.) Building them costs about 0.15 s for the 21,783 cells of resolution
    9, so callers may keep them: they depend only on the grid.

    Parameters
    ----------
    cells : numpy.ndarray
        int64 cells of one resolution (the grid).
    k : int
        Ring distance; 1 joins the six touching cells.
    """
    return W(hexes.cells_to_neighbours(cells, k), silence_warnings=True)


def confidence_bins(
    z: np.ndarray,
    p_value: np.ndarray,
    use_fdr: bool = True,
    tested: np.ndarray | None = None,
    p_confirm: np.ndarray | None = None,
) -> tuple[np.ndarray, dict[float, float]]:
    """Return ArcGIS-style confidence bins (-3..3) and the p thresholds used.

    Parameters
    ----------
    z : numpy.ndarray
        z-scores; their sign gives hot (+) or cold (-).
    p_value : numpy.ndarray
        p-values of the cells.
    use_fdr : bool
        Correct each level's alpha for the false discovery rate (Benjamini-Hochberg, with
        esda's Bonferroni fallback when nothing passes); False uses the raw alphas.
    tested : numpy.ndarray of bool, optional
        The family of tests the correction counts (default every cell); untested cells
        are never significant.
    p_confirm : numpy.ndarray, optional
        One-sided permutation pseudo p-values; a cell keeps a level only where this is at
        most alpha / 2.
    """
    z = np.asarray(z, dtype=float)
    p = np.asarray(p_value, dtype=float)
    tested = np.ones(len(p), dtype=bool) if tested is None else np.asarray(tested, dtype=bool)
    family = p[tested]
    thresholds = {alpha: (float(fdr(family, alpha)) if use_fdr and len(family) else alpha) for alpha in LEVELS}
    p = np.where(tested, p, 1.0)
    magnitude = np.zeros(len(p), dtype=np.int8)
    for alpha, level in sorted(LEVELS.items(), key=lambda kv: kv[1]):
        reached = p <= thresholds[alpha]
        if p_confirm is not None:
            reached &= np.asarray(p_confirm, dtype=float) <= alpha / 2
        magnitude[reached] = level
    bins = (np.sign(z).astype(np.int8) * magnitude).astype(np.int8)
    return bins, thresholds


def gi_star(
    values: np.ndarray,
    cells: np.ndarray,
    *,
    k: int = 1,
    permutations: int = 999,
    seed: int = 12345,
    use_fdr: bool = True,
    weights: W | None = None,
    inference: str = "permutation",
) -> HotspotResult:
    """Compute Getis-Ord Gi* for every cell of the grid.

    Parameters
    ----------
    values : numpy.ndarray
        Value per cell, aligned with ``cells`` (zeros for empty cells).
    cells : numpy.ndarray
        int64 cells of the grid, one resolution.
    k : int
        Ring distance of the binary weights.
    permutations : int
        Conditional permutations for the pseudo p-values (999 gives p down to 0.001).
    seed : int
        Seed of the permutations: the same inputs and seed give the same result.
    use_fdr : bool
        Apply the false discovery rate correction to the bins.
    weights : libpysal.weights.W, optional
        Precomputed :func:`ring_weights` of ``cells`` and ``k`` (they depend only on the grid).
    inference : {"permutation", "analytical"}
        ``"permutation"``: FDR on the normal p-values confirmed by conditional
        permutations (see the module notes). ``"analytical"``: FDR on the normal p-values
        alone, as ArcGIS does, with no permutations (fast; used for the monthly series of
        emerging hot spots).
    """
    if inference not in {"permutation", "analytical"}:
        raise ValueError(f"inference must be 'permutation' or 'analytical', not {inference!r}")
    y = np.asarray(values, dtype=np.float64)
    cells = np.asarray(cells, dtype=np.int64)
    if len(y) != len(cells):
        raise ValueError(f"{len(y)} values for {len(cells)} cells")
    w = weights if weights is not None else ring_weights(cells, k)
    if y.sum() == 0 or np.all(y == y[0]):
        zeros = np.zeros(len(y))
        return HotspotResult(
            cells,
            y,
            zeros,
            np.ones(len(y)),
            np.ones(len(y)),
            np.zeros(len(y), dtype=np.int8),
            {a: 0.0 for a in LEVELS},
            k,
            permutations,
            seed,
        )
    analytical = inference == "analytical"
    g, p_sim = _g_local_star(y, w, 0 if analytical else permutations, seed)
    z = np.asarray(g.Zs, dtype=float)
    tested = local_sums(y, w) > 0
    p_value = np.where(tested, 2.0 * stats.norm.sf(np.abs(z)), 1.0)
    bins, thresholds = confidence_bins(z, p_value, use_fdr, tested, None if analytical else p_sim)
    return HotspotResult(cells, y, z, p_sim, p_value, bins, thresholds, k, permutations, seed)


def grid_values(grid_cells: np.ndarray, cells: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Sum incidents (or their weights) per grid cell; cells off the grid are ignored.

    Parameters
    ----------
    grid_cells : numpy.ndarray
        Sorted int64 cells of the grid.
    cells : numpy.ndarray
        Cell of each incident (0 for none).
    weights : numpy.ndarray, optional
        Weight of each incident (harm); default 1.
    """
    grid_cells = np.asarray(grid_cells, dtype=np.int64)
    cells = np.asarray(cells, dtype=np.int64)
    w = np.ones(len(cells)) if weights is None else np.asarray(weights, dtype=float)
    pos = np.searchsorted(grid_cells, cells)
    pos = np.clip(pos, 0, len(grid_cells) - 1)
    on = grid_cells[pos] == cells
    return np.bincount(pos[on], weights=w[on], minlength=len(grid_cells)).astype(float)


#: Kernels never kept on disk: ``compute_chunk`` takes the statistic as a first-class function,
#: so a kept copy is never reused by another process, and saving its index can fail
#: ("ReferenceError: underlying object has vanished", when numba pickles the function's type
#: after its dispatcher is gone), which stopped the launcher once.
NOT_CACHED = frozenset({"compute_chunk"})


def cache_kernels_on_disk() -> int:
    """Let numba keep esda's compiled Gi* kernels on disk; return how many it will keep.

    esda compiles its kernels with ``@njit`` and no ``cache=True``, so every new process
    compiled them again (about 18 s on 2 cores, more under load). Numba's dispatchers can be
    told to cache afterwards (``Dispatcher.enable_caching``, what ``cache=True`` calls), in
    ``__pycache__`` beside esda's files or ``NUMBA_CACHE_DIR``. One kernel, ``crand``'s
    ``compute_chunk``, takes the statistic as a first-class function and is compiled again in
    each process (about 8 s): the app's launcher (``python -m ui.serve``) compiles it before the
    server accepts anyone. Call before the first Gi* of the process.
    """
    import esda.crand
    import esda.getisord
    import esda.significance
    from numba.core.registry import CPUDispatcher

    kept = 0
    for module in (esda.crand, esda.getisord, esda.significance):
        for value in list(vars(module).values()):
            if not isinstance(value, CPUDispatcher) or value.py_func.__name__ in NOT_CACHED:
                continue
            try:
                value.enable_caching()
            except RuntimeError as exc:  # numba found no writable cache folder: compile as before
                _log.info("numba cannot cache %s on disk: %s", value.py_func.__name__, exc)
                continue
            kept += 1
    return kept


def warm_up() -> None:
    """Compile esda's numba kernels on a tiny grid (about 18 s the first time in a process,
    a few seconds when :func:`cache_kernels_on_disk` kept them from an earlier process)."""
    from libpysal.weights import lat2W

    cache_kernels_on_disk()
    _g_local_star(np.arange(25, dtype=float), lat2W(5, 5), 9, 0)


def _g_local_star(y: np.ndarray, w: W, permutations: int, seed: int) -> tuple[G_Local, np.ndarray]:
    """esda's Gi* (binary weights, ``star=True``) and its pseudo p-values (NaN without permutations).

    esda 2.9's ``G_Local`` takes no ``alternative``: it is asked for the statistic only, and the
    conditional permutations are run here with the same call to esda's ``crand`` that
    ``G_Local(permutations=...)`` makes, plus :data:`PERMUTATION_ALTERNATIVE`.
    """
    g = G_Local(y, w, transform="B", permutations=0, star=True, keep_simulations=False, n_jobs=1, seed=seed)
    if not permutations:
        return g, np.full(len(g.y), np.nan)
    p_sim, _ = crand(
        g.y,
        g.w,
        g.Gs,
        permutations,
        False,
        n_jobs=1,
        stat_func=_g_local_star_crand,
        scaling=g.y.sum(),
        seed=seed,
        island_weight=0,
        alternative=PERMUTATION_ALTERNATIVE,
    )
    return g, np.asarray(p_sim, dtype=float)


def local_sums(values: np.ndarray, weights: W) -> np.ndarray:
    """Each cell's value plus its neighbours' (the Gi* window, not standardised).

    ``weights`` are :func:`ring_weights` (without the cell itself).
    """
    y = np.asarray(values, dtype=float)
    sums: np.ndarray = y + np.asarray(weights.sparse @ y).ravel()
    return sums
