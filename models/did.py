"""Difference-in-differences on monthly counts, with placebo (permutation) inference.

The estimate is on the **log scale of monthly means**: with ``T`` the treated units and
``C`` the comparison units, summed over units,

    effect = log(mean_after(T) / mean_before(T)) - log(mean_after(C) / mean_before(C))

so ``exp(effect) - 1`` is the change in the treated area beyond the change in the
comparison areas, as a share (-0.20 = 20 % fewer incidents than the comparison areas'
trend implies). Half an incident is added to every mean so an empty period has a finite
log.

Inference is by placebo in space (Abadie, Diamond and Hainmueller 2010; Conley and Taber
2011): each comparison unit in turn (or, for several treated units, random sets of the
same size drawn with a seed) is treated as if it had been targeted and compared with the
rest of the pool. The p-value is the share of placebo estimates at least as far from zero
as the real one (counting the real one). The interval inverts that test: it holds every
effect ``d`` for which the estimate minus ``d`` would not be rejected, that is the estimate
plus or minus the ``k``-th largest absolute placebo estimate, ``k = floor(alpha (K + 1))``
(Conley and Taber 2011), so it reflects how much a community's count moves by chance when
nothing was done to it, and it excludes 0 exactly when ``p <= alpha`` (ties aside). With
``K`` placebos the smallest possible p-value is ``1 / (K + 1)``; when ``k`` is 0 (fewer
than 19 placebos at alpha 0.05) the interval is unbounded.
"""

from __future__ import annotations

import dataclasses

import numpy as np

#: Added to every monthly mean before taking logs (incidents).
HALF = 0.5


@dataclasses.dataclass(frozen=True)
class DidResult:
    """A difference-in-differences estimate.

    Attributes
    ----------
    effect_log : float
        The estimate on the log scale (see the module's notes).
    effect : float
        ``exp(effect_log) - 1``: the change beyond the comparison areas', as a share.
    low, high : float
        Ends of the interval of ``effect`` (shares), from the placebo distribution; -1 and
        infinity when there are too few placebos for the level.
    p_value : float
        Two-sided placebo p-value, in ``[1 / (placebos + 1), 1]``.
    treated_change, comparison_change : float
        Change of the monthly mean from before to after, as shares, in the treated and in
        the comparison units.
    treated_before, treated_after, comparison_before, comparison_after : float
        Monthly means (incidents a month, summed over the units of each group).
    placebos : int
        Placebo estimates drawn.
    alpha : float
        One minus the interval's level.
    """

    effect_log: float
    effect: float
    low: float
    high: float
    p_value: float
    treated_change: float
    comparison_change: float
    treated_before: float
    treated_after: float
    comparison_before: float
    comparison_after: float
    placebos: int
    alpha: float


def log_did(treated: np.ndarray, comparison: np.ndarray, after: np.ndarray) -> float:
    """The log-scale estimate for summed series.

    Parameters
    ----------
    treated, comparison : numpy.ndarray
        Monthly counts summed over each group's units, one value a month.
    after : numpy.ndarray of bool
        True for the months after the intervention, False for those before.
    """
    t_b, t_a = treated[~after].mean() + HALF, treated[after].mean() + HALF
    c_b, c_a = comparison[~after].mean() + HALF, comparison[after].mean() + HALF
    return float(np.log(t_a / t_b) - np.log(c_a / c_b))


def _batch_log_did(t_sums: np.ndarray, c_sums: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Vectorised :func:`log_did` over rows of (draws x months) summed series."""
    t_b = t_sums[:, ~after].mean(axis=1) + HALF
    t_a = t_sums[:, after].mean(axis=1) + HALF
    c_b = c_sums[:, ~after].mean(axis=1) + HALF
    c_a = c_sums[:, after].mean(axis=1) + HALF
    return np.asarray(np.log(t_a / t_b) - np.log(c_a / c_b), dtype=float)


def placebo_estimates(pool: np.ndarray, n_treated: int, after: np.ndarray, draws: int, seed: int) -> np.ndarray:
    """Placebo estimates: sets of ``n_treated`` pool units against the rest of the pool.

    Parameters
    ----------
    pool : numpy.ndarray
        Monthly counts of the comparison units (units x months).
    n_treated : int
        Units in each placebo set (the number of treated units).
    after : numpy.ndarray of bool
        The months after the intervention.
    draws : int
        Random sets drawn when ``n_treated > 1``; with one treated unit every pool unit is
        used once, and ``draws`` is ignored.
    seed : int
        Seed of the draws.

    Returns
    -------
    numpy.ndarray
        One estimate per placebo set.
    """
    k = len(pool)
    total = pool.sum(axis=0)
    if n_treated == 1:
        sets = np.arange(k)[:, None]
    else:
        rng = np.random.default_rng(seed)
        sets = np.array([rng.choice(k, n_treated, replace=False) for _ in range(draws)])
    t_sums = pool[sets].sum(axis=1)
    return _batch_log_did(t_sums, total[None, :] - t_sums, after)


def did(
    treated: np.ndarray,
    pool: np.ndarray,
    after: np.ndarray,
    alpha: float = 0.05,
    draws: int = 999,
    seed: int = 0,
) -> DidResult:
    """Difference-in-differences of treated units against a comparison pool.

    Parameters
    ----------
    treated : numpy.ndarray
        Monthly counts of the treated units (units x months, or one series).
    pool : numpy.ndarray
        Monthly counts of the comparison units (units x months); at least two units.
    after : numpy.ndarray of bool
        True for the months after the intervention (at least one month each side).
    alpha : float
        One minus the interval's level (0.05: a 95 % interval).
    draws : int
        Placebo sets drawn when there are several treated units.
    seed : int
        Seed of the placebo draws.

    Returns
    -------
    DidResult

    Raises
    ------
    ValueError
        Fewer than two comparison units, or no month before or after.
    """
    treated = np.atleast_2d(np.asarray(treated, dtype=float))
    pool = np.atleast_2d(np.asarray(pool, dtype=float))
    after = np.asarray(after, dtype=bool)
    if len(pool) < 2:
        raise ValueError("placebo inference needs at least two comparison units")
    if after.all() or not after.any():
        raise ValueError("needs at least one month before and one after")
    if len(treated) >= len(pool):
        raise ValueError("placebo inference needs more comparison units than treated units")
    t_sum, c_sum = treated.sum(axis=0), pool.sum(axis=0)
    estimate = log_did(t_sum, c_sum, after)
    placebo = placebo_estimates(pool, len(treated), after, draws, seed)
    p = (1 + int(np.sum(np.abs(placebo) >= abs(estimate) - 1e-12))) / (1 + len(placebo))
    k = int(np.floor(alpha * (len(placebo) + 1) + 1e-9))
    if k >= 1:
        half = float(np.sort(np.abs(placebo))[::-1][k - 1])
        low, high = float(np.expm1(estimate - half)), float(np.expm1(estimate + half))
    else:
        low, high = -1.0, float("inf")
    t_b, t_a = t_sum[~after].mean(), t_sum[after].mean()
    c_b, c_a = c_sum[~after].mean(), c_sum[after].mean()
    return DidResult(
        effect_log=estimate,
        effect=float(np.expm1(estimate)),
        low=low,
        high=high,
        p_value=float(p),
        treated_change=float((t_a + HALF) / (t_b + HALF) - 1),
        comparison_change=float((c_a + HALF) / (c_b + HALF) - 1),
        treated_before=float(t_b),
        treated_after=float(t_a),
        comparison_before=float(c_b),
        comparison_after=float(c_a),
        placebos=len(placebo),
        alpha=alpha,
    )
