"""How well a ranking of cells anticipates where later crime happens.

Hit rate: the share of the test period's incidents that fall in the top-ranked cells.
Area share: those cells as a share of all cells of the grid. Predictive Accuracy Index
(PAI) = hit rate / area share (Chainey, Tompson and Uhlig 2008). Pure functions; rankings are
scores per grid cell, higher first, ties broken by grid order (ascending cell id).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.neighbors import KernelDensity

#: Area coverages reported by default (shares of the grid's cells).
COVERAGES: tuple[float, ...] = (0.01, 0.02, 0.05, 0.10)


def cells_for_coverage(n_cells: int, coverage: float) -> int:
    """Number of cells that make a coverage share of a grid (rounded down, at least 1)."""
    return max(1, int(np.floor(coverage * n_cells + 1e-9)))


def rank_cells(scores: np.ndarray) -> np.ndarray:
    """Return cell positions from best to worst score; equal scores keep grid order."""
    return np.argsort(-np.asarray(scores, dtype=float), kind="stable")


def hit_rates(scores: np.ndarray, test_counts: np.ndarray, coverages: Sequence[float] = COVERAGES) -> pd.DataFrame:
    """Hit rate and PAI of a ranking at each coverage.

    Parameters
    ----------
    scores : numpy.ndarray
        Score per grid cell (higher = more expected crime).
    test_counts : numpy.ndarray
        Incidents per grid cell in the test period.

    Returns
    -------
    pandas.DataFrame
        ``coverage``, ``cells``, ``area_share``, ``hits``, ``hit_rate``, ``pai``.
    """
    test = np.asarray(test_counts, dtype=float)
    n = len(test)
    total = test.sum()
    order = rank_cells(scores)
    cumulative = np.cumsum(test[order])
    rows = []
    for coverage in coverages:
        k = cells_for_coverage(n, coverage)
        hits = float(cumulative[k - 1])
        rate = hits / total if total else 0.0
        share = k / n
        rows.append(
            {
                "coverage": coverage,
                "cells": k,
                "area_share": share,
                "hits": hits,
                "hit_rate": rate,
                "pai": rate / share if share else 0.0,
            }
        )
    return pd.DataFrame(rows)


def kernel_density(counts: np.ndarray, x: np.ndarray, y: np.ndarray, bandwidth_m: float) -> np.ndarray:
    """Gaussian kernel density of incidents at every cell centre.

    Parameters
    ----------
    counts : numpy.ndarray
        Incidents per cell (the kernel's sample weights).
    x, y : numpy.ndarray
        Cell centres in metres (EPSG:27700).
    bandwidth_m : float
        Kernel bandwidth in metres.
    """
    c = np.asarray(counts, dtype=float)
    have = c > 0
    if not have.any():
        return np.zeros(len(c))
    xy = np.column_stack([x, y])
    kde = KernelDensity(bandwidth=bandwidth_m, kernel="gaussian", algorithm="kd_tree", rtol=1e-4)
    kde.fit(xy[have], sample_weight=c[have])
    density: np.ndarray = np.exp(kde.score_samples(xy))
    return density


def default_scores(counts: np.ndarray, smoothed: np.ndarray) -> np.ndarray:
    """The product's default ranking: counts first, ties broken by the ring-smoothed count.

    Snapped data.police.uk points make the training counts themselves the strongest single
    predictor; among cells with equal counts, those in busier neighbourhoods come first.
    """
    c = np.asarray(counts, dtype=float)
    s = np.asarray(smoothed, dtype=float)
    return c + s / (s.max() + 1.0) if len(s) else c


@dataclasses.dataclass(frozen=True)
class Backtest:
    """Accuracy of every method on one train/test split.

    Attributes
    ----------
    table : pandas.DataFrame
        ``method``, ``coverage``, ``cells``, ``area_share``, ``hits``, ``hit_rate``, ``pai``.
    train_months, test_months : tuple of str
        The periods compared.
    n_cells : int
        Cells in the grid.
    test_incidents : float
        Test incidents that fall on the grid.
    """

    table: pd.DataFrame
    train_months: tuple[str, ...]
    test_months: tuple[str, ...]
    n_cells: int
    test_incidents: float

    def at(self, method: str, coverage: float) -> pd.Series:
        """The row of one method at one coverage."""
        t = self.table
        return t[(t["method"] == method) & np.isclose(t["coverage"], coverage)].iloc[0]


def backtest(
    method_scores: Mapping[str, np.ndarray],
    test_counts: np.ndarray,
    train_months: Sequence[str],
    test_months: Sequence[str],
    coverages: Sequence[float] = COVERAGES,
) -> Backtest:
    """Score every ranking against the test counts, and add the hindsight maximum."""
    frames = []
    for method, scores in {**method_scores, "hindsight (test period itself)": test_counts}.items():
        frame = hit_rates(scores, test_counts, coverages)
        frame.insert(0, "method", method)
        frames.append(frame)
    return Backtest(
        pd.concat(frames, ignore_index=True),
        tuple(train_months),
        tuple(test_months),
        len(test_counts),
        float(np.sum(test_counts)),
    )


#: Names of the methods compared by :func:`evaluate_methods`, in display order.
DEFAULT_METHOD = "Precision default ranking"


def evaluate_methods(
    incidents: pd.DataFrame,
    grid_cells: np.ndarray,
    resolution: int,
    train_months: Sequence[str],
    test_months: Sequence[str],
    *,
    seed: int = 12345,
    permutations: int = 999,
    k: int = 1,
    coverages: Sequence[float] = COVERAGES,
) -> Backtest:
    """Backtest every ranking method on incidents of the given months.

    Methods: prior counts; ring-smoothed counts (cell plus its k-ring); Gaussian kernel
    density (bandwidth half the distance between neighbouring cells); Gi* z-score; the
    product's default (:func:`default_scores`); and the hindsight maximum.

    Parameters
    ----------
    incidents : pandas.DataFrame
        With ``month`` and the H3 column of the resolution.
    grid_cells : numpy.ndarray
        Sorted int64 cells of the grid (the area the shares are taken of).
    """
    from geo import hexes
    from geo.crs import lnglat_to_projected
    from geo.schemas import H3_COLUMNS
    from models.hotspots import gi_star, grid_values, local_sums, ring_weights

    col = H3_COLUMNS[resolution]
    month = incidents["month"].astype(str)
    train = grid_values(grid_cells, incidents.loc[month.isin(list(train_months)).to_numpy(), col].to_numpy())
    test = grid_values(grid_cells, incidents.loc[month.isin(list(test_months)).to_numpy(), col].to_numpy())
    weights = ring_weights(grid_cells, k)
    smoothed = local_sums(train, weights)
    lat, lng = hexes.cells_to_centroids(grid_cells)
    x, y = lnglat_to_projected(lng, lat)
    density = kernel_density(train, x, y, 0.5 * hexes.ring_distance_m(resolution))
    gi = gi_star(train, grid_cells, k=k, permutations=permutations, seed=seed, weights=weights)
    methods = {
        "prior counts": train,
        "ring-smoothed counts": smoothed,
        "kernel density": density,
        "Gi* z-score": gi.z,
        DEFAULT_METHOD: default_scores(train, smoothed),
    }
    return backtest(methods, test, train_months, test_months, coverages)
