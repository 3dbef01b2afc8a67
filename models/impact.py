"""Impact of delivered campaigns: incidents before and after, against matched comparison
communities, displacement to a buffer ring, and plain sentences that never overclaim.

A **campaign** is what was delivered in one place (:func:`models.delivery.campaigns`): its
H3 cells as recorded with the delivery, so the evaluation never depends on how community
ids are made. Its **start month** is the month of its first delivery. Months strictly
before it are *before*, months strictly after it are *after*; the start month itself is
left out (it is partly both).

Comparison communities are hot-spot communities (:func:`models.communities.community_table`)
that share no cell with any delivered campaign and touch none (no cell within
``adjacent_rings`` rings of a delivered cell), so neither the campaign nor its spill-over
reaches them. From that pool the ``n_matched`` communities nearest to the campaign's area
on the level (log monthly mean) and the trend (slope of log counts a month) of the months
before are kept, each feature scaled by its spread in the pool. The estimate is
:func:`models.did.did` (log scale, placebo inference over the matched communities), and
displacement is :func:`models.wdq.wdq` on the ring of ``buffer_rings`` H3 rings around the
campaign's cells (the cells themselves left out) against the rest of the campaign's main
district as the control area.

Nothing is estimated with fewer than ``min_before`` months before or ``min_after`` after:
the result says how many more are needed instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from geo import hexes
from models.did import DidResult, did
from models.trends import shift_month
from models.wdq import WdqResult, wdq


@dataclasses.dataclass(frozen=True)
class ImpactParams:
    """Choices of the evaluation.

    Attributes
    ----------
    min_before, min_after : int
        Fewest months before and after the start month needed to estimate.
    n_matched : int
        Comparison communities kept per campaign (with ``K`` of them the smallest p-value
        is ``1 / (K + 1)``: 19 or more are needed for p below 0.05).
    min_pool : int
        Fewest comparison communities needed to estimate at all.
    adjacent_rings : int
        H3 rings around delivered cells a comparison community may not touch.
    buffer_rings : int
        Width of the WDQ buffer ring, in H3 rings.
    alpha : float
        One minus the interval's level.
    draws : int
        Placebo sets drawn when several units are treated together.
    seed : int
        Seed of the placebo draws.
    """

    min_before: int = 6
    min_after: int = 3
    n_matched: int = 20
    min_pool: int = 5
    adjacent_rings: int = 1
    buffer_rings: int = 2
    alpha: float = 0.05
    draws: int = 999
    seed: int = 0


@dataclasses.dataclass(frozen=True)
class CampaignImpact:
    """The evaluation of one campaign.

    Attributes
    ----------
    campaign : str
        Its key (:func:`models.delivery.campaigns`).
    community_id, community_name, district : str
        As recorded with the delivery.
    start_month : str
        ``YYYY-MM`` of the first delivery.
    what : str
        What was delivered, in words ("flyer drops and Facebook Live sessions").
    months_before, months_after : int
        Stored months before and after the start month.
    more_before, more_after : int
        Months still needed before it can be estimated (0 when enough).
    comparison : tuple of str
        Names of the matched comparison communities.
    did : DidResult or None
        The estimate, or None when it could not be made (see ``reason``).
    wdq : WdqResult or None
        Displacement or diffusion on the buffer ring.
    reason : str
        Why there is no estimate ("" when there is one).
    sentence : str
        The plain sentence the page and its exports show.
    months : tuple of str
        The stored months (the start month included), for the chart.
    targeted : tuple of float
        Incidents a month in the campaign's cells.
    matched : tuple of float
        Mean incidents a month of the matched comparison communities (empty without an
        estimate).
    """

    campaign: str
    community_id: str
    community_name: str
    district: str
    start_month: str
    what: str
    months_before: int
    months_after: int
    more_before: int
    more_after: int
    comparison: tuple[str, ...]
    did: DidResult | None
    wdq: WdqResult | None
    reason: str
    sentence: str
    months: tuple[str, ...] = ()
    targeted: tuple[float, ...] = ()
    matched: tuple[float, ...] = ()


def cell_month_counts(incidents: pd.DataFrame, cell_column: str, months: Sequence[str]) -> pd.DataFrame:
    """Incidents per cell (rows) and month (columns, in the order of ``months``).

    Parameters
    ----------
    incidents : pandas.DataFrame
        With ``month`` and ``cell_column``; cell 0 (unmapped) is dropped.
    months : sequence of str
        The months to count (months with no incident get zeros).
    """
    frame = incidents.loc[incidents[cell_column] != 0, [cell_column, "month"]]
    table = pd.crosstab(frame[cell_column].to_numpy(), frame["month"].astype(str).to_numpy())
    return table.reindex(columns=list(months), fill_value=0)


def area_series(counts: pd.DataFrame, cells: Sequence[int]) -> np.ndarray:
    """Monthly incidents summed over some cells (a cell with no incident adds zeros)."""
    present = counts.index.intersection(pd.Index(list(cells)))
    return np.asarray(counts.loc[present].sum(axis=0).to_numpy(dtype=float))


def ring_around(cells: Sequence[int], k: int) -> set[int]:
    """Cells within ``k`` H3 rings of some cells, the cells themselves left out."""
    own = {int(c) for c in cells}
    if k <= 0 or not own:
        return set()
    return hexes.cells_to_disk(sorted(own), k) - own


def comparison_pool(communities: pd.DataFrame, delivered_cells: set[int], adjacent_rings: int = 1) -> pd.DataFrame:
    """Hot-spot communities that were not targeted and do not touch a targeted one.

    Parameters
    ----------
    communities : pandas.DataFrame
        With ``name`` and ``cells`` (list of int), as ``community_table`` gives them.
    delivered_cells : set of int
        Every cell of every delivered campaign (at the communities' resolution).
    adjacent_rings : int
        Rings around delivered cells a comparison community may not reach.
    """
    blocked = set(delivered_cells) | ring_around(sorted(delivered_cells), adjacent_rings)
    keep = [not (set(int(c) for c in cells) & blocked) for cells in communities["cells"]]
    return communities.loc[keep].reset_index(drop=True)


def pre_features(series: np.ndarray, before: np.ndarray) -> np.ndarray:
    """Level (log of the monthly mean plus 0.5) and trend (slope of log counts a month)
    of the months before, per row of ``series`` (units x months)."""
    pre = np.atleast_2d(series)[:, before] + 0.5
    level = np.log(pre.mean(axis=1))
    x = np.arange(pre.shape[1], dtype=float)
    x = x - x.mean()
    logs = np.log(pre)
    slope = (logs - logs.mean(axis=1, keepdims=True)) @ x / max(float(x @ x), 1e-12)
    return np.column_stack([level, slope])


def match(treated: np.ndarray, pool: np.ndarray, before: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` pool units nearest to the treated series on level and trend.

    Each feature is scaled by its standard deviation in the pool (1 when the pool does not
    vary); ties keep pool order.
    """
    target = pre_features(treated, before)[0]
    features = pre_features(pool, before)
    scale = features.std(axis=0)
    scale[scale == 0] = 1.0
    distance = np.sqrt((((features - target) / scale) ** 2).sum(axis=1))
    return np.argsort(distance, kind="stable")[:n]


def _percent(x: float) -> str:
    return f"{abs(100 * x):.0f} %"


def _direction(x: float) -> str:
    if round(100 * x) == 0:
        return "stayed level"
    return f"{'fell' if x < 0 else 'rose'} {_percent(x)}"


def _change(x: float) -> str:
    if round(100 * x) == 0:
        return "no change"
    return f"{'a fall' if x < 0 else 'a rise'} of {_percent(x)}"


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.2f}" if p >= 0.01 else f"p = {p:.3f}"


def describe(
    name: str, what: str, start_month: str, result: DidResult | None, reason: str, place_label: str | None = None
) -> str:
    """The plain sentence of a campaign's evaluation (never more than the figures say)."""
    place = place_label or name
    month = pd.Period(start_month, "M").strftime("%B %Y")
    if result is None:
        return f"{what[:1].upper()}{what[1:]} in {place} from {month}: {reason}"
    text = (
        f"Incidents {_direction(result.treated_change)} in {place} after the {what} of {month}, "
        f"against {_change(result.comparison_change)} in matched areas."
    )
    if result.p_value > result.alpha:
        text += f" The difference could be chance ({_p_text(result.p_value)})."
    else:
        word = "fewer" if result.effect < 0 else "more"
        text += (
            f" That is {_percent(result.effect)} {word} than the matched areas' change implies "
            f"({100 * (1 - result.alpha):.0f} % interval {100 * result.low:+.0f} % to {100 * result.high:+.0f} %), "
            f"unlikely to be chance ({_p_text(result.p_value)}); other things that changed there at the "
            "same time could also explain it."
        )
    return text


def unbroken_around(months: Sequence[str], start: str) -> tuple[np.ndarray, np.ndarray]:
    """Masks over ``months`` of the months just before and just after ``start``: the unbroken
    run of loaded months ending the month before it, and the one beginning the month after.

    A gap ends a run, so a month a year before a campaign is never taken for the month
    before it (the level and trend of the months before assume consecutive months).
    """
    have = set(months)
    before: set[str] = set()
    month = shift_month(start, -1)
    while month in have:
        before.add(month)
        month = shift_month(month, -1)
    after: set[str] = set()
    month = shift_month(start, 1)
    while month in have:
        after.add(month)
        month = shift_month(month, 1)
    return np.array([m in before for m in months]), np.array([m in after for m in months])


def evaluate_campaign(
    campaign: Mapping[str, object],
    counts: pd.DataFrame,
    months: Sequence[str],
    pool: pd.DataFrame,
    district_cells: Sequence[int],
    params: ImpactParams = ImpactParams(),
) -> CampaignImpact:
    """Evaluate one campaign.

    Parameters
    ----------
    campaign : mapping
        A row of :func:`models.delivery.campaigns` (``campaign``, ``community_id``,
        ``community_name``, ``district``, ``start_month``, ``what``, ``cells``).
    counts : pandas.DataFrame
        :func:`cell_month_counts` at the campaign's resolution.
    months : sequence of str
        The stored months, sorted (the columns of ``counts``).
    pool : pandas.DataFrame
        :func:`comparison_pool` of the hot-spot communities at that resolution.
    district_cells : sequence of int
        Every cell of the campaign's main district (the WDQ's control area is these minus
        the campaign and its buffer).
    params : ImpactParams
        The evaluation's choices.
    """
    start = str(campaign["start_month"])
    cells = [int(c) for c in campaign["cells"]]  # type: ignore[attr-defined]
    before, after = unbroken_around(months, start)
    n_before, n_after = int(before.sum()), int(after.sum())
    more_before, more_after = max(0, params.min_before - n_before), max(0, params.min_after - n_after)
    name, what = str(campaign["community_name"]), str(campaign["what"])
    community_id = str(campaign["community_id"])
    place = f"{name} ({community_id})" if community_id else name
    targeted_all = area_series(counts, cells)

    def result_of(
        comparison: tuple[str, ...],
        estimate: DidResult | None,
        displacement: WdqResult | None,
        reason: str,
        matched: tuple[float, ...] = (),
    ) -> CampaignImpact:
        return CampaignImpact(
            campaign=str(campaign["campaign"]),
            community_id=community_id,
            community_name=name,
            district=str(campaign["district"]),
            start_month=start,
            what=what,
            months_before=n_before,
            months_after=n_after,
            more_before=more_before,
            more_after=more_after,
            comparison=comparison,
            did=estimate,
            wdq=displacement,
            reason=reason,
            sentence=describe(name, what, start, estimate, reason, place),
            months=tuple(str(m) for m in months),
            targeted=tuple(float(x) for x in targeted_all),
            matched=matched,
        )

    reason = _why_no_estimate(n_before, n_after, more_before, more_after, len(pool), params)
    if reason:
        return result_of((), None, None, reason)
    chosen, result = _matched_did(counts, cells, pool, before, after, params)
    displacement = _displacement(counts, cells, district_cells, before, after, params.buffer_rings)
    matched_mean = np.vstack([area_series(counts, c) for c in pool["cells"].iloc[chosen]]).mean(axis=0)
    return result_of(
        tuple(str(n) for n in pool["name"].iloc[chosen]),
        result,
        displacement,
        "",
        tuple(float(x) for x in matched_mean),
    )


def _why_no_estimate(
    n_before: int, n_after: int, more_before: int, more_after: int, pool_size: int, params: ImpactParams
) -> str:
    """Why a campaign cannot be estimated yet (too few months, too small a pool), or ""."""
    if more_before or more_after:
        needs = []
        if more_before:
            needs.append(f"{more_before} more month(s) of data before it")
        if more_after:
            needs.append(f"{more_after} more month(s) after it")
        return (
            f"too early to say. {n_before} month(s) before and {n_after} after are loaded; the estimate needs "
            f"{' and '.join(needs)} (at least {params.min_before} before and {params.min_after} after)."
        )
    if pool_size < params.min_pool:
        return (
            f"no estimate: only {pool_size} hot-spot communities were neither targeted nor next to a target "
            f"(at least {params.min_pool} are needed for a comparison)."
        )
    return ""


def _matched_did(
    counts: pd.DataFrame,
    cells: Sequence[int],
    pool: pd.DataFrame,
    before: np.ndarray,
    after: np.ndarray,
    params: ImpactParams,
) -> tuple[np.ndarray, DidResult]:
    """The comparison communities matched on the months before, and the difference in
    differences against them, over the unbroken months around the start."""
    used = before | after
    treated = area_series(counts, cells)[used]
    pool_series = np.vstack([area_series(counts, c) for c in pool["cells"]])[:, used]
    chosen = match(treated, pool_series, before[used], params.n_matched)
    result = did(treated, pool_series[chosen], after[used], params.alpha, params.draws, params.seed)
    return chosen, result


def _displacement(
    counts: pd.DataFrame,
    cells: Sequence[int],
    district_cells: Sequence[int],
    before: np.ndarray,
    after: np.ndarray,
    rings: int,
) -> WdqResult:
    """The WDQ of the campaign's cells, a buffer of ``rings`` H3 rings round them, and the
    rest of its district as the control, on monthly means before and after."""
    used = before | after
    buffer = ring_around(cells, rings)
    control = set(int(c) for c in district_cells) - buffer - set(cells)
    target_s = area_series(counts, cells)[used]
    buffer_s = area_series(counts, sorted(buffer))[used]
    control_s = area_series(counts, sorted(control))[used]
    b, a = before[used], after[used]
    return wdq(
        target_s[b].mean(), target_s[a].mean(), buffer_s[b].mean(), buffer_s[a].mean(),
        control_s[b].mean(), control_s[a].mean(),
    )  # fmt: skip


def impact_table(results: Sequence[CampaignImpact]) -> pd.DataFrame:
    """One row per campaign: the figures the page shows and its CSV carries."""
    rows = []
    for r in results:
        d, w = r.did, r.wdq
        rows.append(
            {
                "community": r.community_name,
                "community_id": r.community_id,
                "district": r.district,
                "start_month": r.start_month,
                "delivered": r.what,
                "months_before": r.months_before,
                "months_after": r.months_after,
                "change_targeted_pct": round(100 * d.treated_change, 1) if d else None,
                "change_matched_pct": round(100 * d.comparison_change, 1) if d else None,
                "effect_pct": round(100 * d.effect, 1) if d else None,
                "interval_low_pct": round(100 * d.low, 1) if d else None,
                "interval_high_pct": round(100 * d.high, 1) if d else None,
                "p_value": round(d.p_value, 3) if d else None,
                "matched_areas": len(r.comparison),
                "wdq": round(w.wdq, 2) if w and not np.isnan(w.wdq) else None,
                "displacement": w.reading if w else "",
                "sentence": r.sentence,
            }
        )
    return pd.DataFrame(rows)
