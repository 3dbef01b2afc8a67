"""Emerging hot spots: how each cell's hot-spot status has changed month by month.

Each month gets its own Gi* (analytical z-scores with FDR-corrected bins, as ArcGIS's
space-time analysis does, because permutations for every month would take minutes). The
trend of each cell's monthly z-scores is tested with Mann-Kendall (pymannkendall), and the
cell is put in one of the categories of ArcGIS's Emerging Hot Spot Analysis (hot side):

new
    hot in the last month only, never before.
consecutive
    one uninterrupted run of at least two hot months at the end, never hot before it,
    hot in under 90 % of months.
intensifying / persistent / diminishing
    hot in at least 90 % of months, the last included; z rising significantly / no
    significant trend / falling significantly.
sporadic
    hot in the last month, on and off before, hot in under 90 % of months, never a
    significant cold spot.
oscillating
    as sporadic, but a significant cold spot in some month.
historical
    not hot in the last month, hot in at least 90 % of months.
no pattern
    none of the above.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pymannkendall

#: Categories, in the order they are checked.
CATEGORIES: tuple[str, ...] = (
    "new",
    "consecutive",
    "intensifying",
    "persistent",
    "diminishing",
    "sporadic",
    "oscillating",
    "historical",
    "no pattern",
)

#: Fewest months for a trend: ArcGIS asks for at least 10 time steps.
MIN_MONTHS = 10


@dataclasses.dataclass(frozen=True)
class Trend:
    """Mann-Kendall trend of one series: ``tau``, ``p`` and 'increasing'/'decreasing'/'no trend'."""

    tau: float
    p: float
    direction: str


def mann_kendall(series: Sequence[float], alpha: float = 0.05) -> Trend:
    """Mann-Kendall trend test of a series (pymannkendall's original test)."""
    values = np.asarray(series, dtype=float)
    if len(values) < 3 or np.all(values == values[0]):
        return Trend(0.0, 1.0, "no trend")
    result = pymannkendall.original_test(values, alpha=alpha)
    return Trend(float(result.Tau), float(result.p), str(result.trend))


def classify_series(bins: Sequence[int], z: Sequence[float], alpha: float = 0.05) -> str:
    """Return the emerging hot-spot category of one cell.

    Parameters
    ----------
    bins : sequence of int
        Monthly confidence bins (-3..3), oldest first.
    z : sequence of float
        Monthly Gi* z-scores, oldest first (for the trend).
    alpha : float
        Significance of the Mann-Kendall trend.
    """
    b = np.asarray(bins)
    hot = b > 0
    cold = b < 0
    n = len(b)
    if n == 0:
        return "no pattern"
    share = hot.mean()
    last_hot = bool(hot[-1])
    if last_hot and hot.sum() == 1:
        return "new"
    if last_hot:
        run = n - (np.flatnonzero(~hot)[-1] + 1) if (~hot).any() else n
        if run >= 2 and not hot[: n - run].any() and share < 0.9:
            return "consecutive"
        if share >= 0.9:
            trend = mann_kendall(z, alpha)
            if trend.direction == "increasing" and trend.p <= alpha:
                return "intensifying"
            if trend.direction == "decreasing" and trend.p <= alpha:
                return "diminishing"
            return "persistent"
        return "oscillating" if cold.any() else "sporadic"
    if share >= 0.9:
        return "historical"
    return "no pattern"


def emerging_hotspots(cells: np.ndarray, bins: np.ndarray, z: np.ndarray, alpha: float = 0.05) -> pd.DataFrame:
    """Classify every cell from its monthly bins and z-scores.

    Parameters
    ----------
    cells : numpy.ndarray
        int64 cells, one per row of ``bins`` and ``z``.
    bins, z : numpy.ndarray
        (cells x months) arrays, oldest month first.

    Returns
    -------
    pandas.DataFrame
        ``cell``, ``category``, ``hot_months`` (count), ``tau``, ``trend_p``; cells never hot
        are 'no pattern' with no trend computed.
    """
    bins = np.asarray(bins)
    z = np.asarray(z, dtype=float)
    categories, taus, ps = [], [], []
    for b_row, z_row in zip(bins, z):
        if not (b_row > 0).any():
            categories.append("no pattern")
            taus.append(np.nan)
            ps.append(np.nan)
            continue
        categories.append(classify_series(b_row, z_row, alpha))
        trend = mann_kendall(z_row, alpha)
        taus.append(trend.tau)
        ps.append(trend.p)
    return pd.DataFrame(
        {
            "cell": np.asarray(cells, dtype=np.int64),
            "category": categories,
            "hot_months": (bins > 0).sum(axis=1),
            "tau": taus,
            "trend_p": ps,
        }
    )


def enough_months(months: Sequence[str], minimum: int = MIN_MONTHS) -> tuple[bool, str]:
    """Say whether a trend can be read from these months, and why not when it cannot."""
    distinct = sorted(set(months))
    if len(distinct) >= minimum:
        return True, f"{len(distinct)} months loaded."
    return False, (
        f"Emerging hot spots need at least {minimum} months of data to read a trend "
        f"(ArcGIS asks for 10 time steps); {len(distinct)} month(s) are loaded "
        f"({', '.join(distinct) or 'none'}). They appear once more months of data.police.uk "
        "files are loaded (by an administrator, on the Data page)."
    )
