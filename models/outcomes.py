"""Crimestoppers reports and survey confidence in the campaigns' districts against the rest.

Pure functions of the checked outcome tables (:mod:`records.outcome_files`).

**Crimestoppers**: reports a month in the campaign districts, months before the first
campaign's start month against months after it (the start month left out), against the
same change in the other districts, on the log scale of monthly means (as
:mod:`models.did`). Its interval and p-value are quasi-Poisson: the Poisson variance of each
sum times the dispersion of monthly counts about each district's period mean (at least 1),
from a normal approximation. With five districts there are too few for placebo inference.

**Confidence survey**: the share of respondents confident, quarters before the start
quarter against quarters after it, in the campaign districts against the rest: a
difference in differences of shares in percentage points, with a binomial normal interval.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection

import numpy as np
import pandas as pd
from scipy import stats


@dataclasses.dataclass(frozen=True)
class OutcomeComparison:
    """One outcome in the campaign districts against the rest.

    Attributes
    ----------
    measure : str
        ``"crimestoppers"`` or ``"survey"``.
    periods_before, periods_after : int
        Months (or quarters) before and after the start.
    more_before, more_after : int
        Periods still needed (0 when enough).
    campaign_before, campaign_after, rest_before, rest_after : float
        Reports a month (Crimestoppers) or share confident (survey), by group and period.
    difference : float
        Crimestoppers: ``exp(log-scale difference) - 1`` (a share); survey: difference in
        differences of shares (0.03 = 3 percentage points). NaN without an estimate.
    low, high : float
        Its ``1 - alpha`` interval.
    p_value : float
        Two-sided.
    sentence : str
        What the page and exports say.
    synthetic : bool
        Whether the figures are synthetic (read from the stored rows).
    """

    measure: str
    periods_before: int
    periods_after: int
    more_before: int
    more_after: int
    campaign_before: float
    campaign_after: float
    rest_before: float
    rest_after: float
    difference: float
    low: float
    high: float
    p_value: float
    sentence: str
    synthetic: bool


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.2f}" if p >= 0.01 else f"p = {p:.3f}"


def _districts_text(districts: Collection[str]) -> str:
    names = sorted(districts)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _change(x: float) -> str:
    return "no change" if round(100 * x) == 0 else f"{'a fall' if x < 0 else 'a rise'} of {abs(100 * x):.0f} %"


def _too_few(measure: str, unit: str, nb: int, na: int, mb: int, ma: int, synthetic: bool) -> OutcomeComparison:
    needs = " and ".join(
        t for t in (f"{mb} more {unit}(s) before" if mb else "", f"{ma} more {unit}(s) after" if ma else "") if t
    )
    words = "Crimestoppers reports" if measure == "crimestoppers" else "Survey confidence"
    sentence = (
        f"{words}: too early to compare. {nb} {unit}(s) before the campaigns and {na} after are loaded; "
        f"{needs} are needed."
    )
    nan = math.nan
    return OutcomeComparison(measure, nb, na, mb, ma, nan, nan, nan, nan, nan, nan, nan, 1.0, sentence, synthetic)


def crimestoppers_comparison(
    reports: pd.DataFrame,
    districts: Collection[str],
    start_month: str,
    min_before: int = 3,
    min_after: int = 3,
    alpha: float = 0.05,
) -> OutcomeComparison:
    """Crimestoppers reports in the campaign districts against the rest (see the module).

    Parameters
    ----------
    reports : pandas.DataFrame
        ``district``, ``month``, ``reports``, ``synthetic``.
    districts : collection of str
        The campaigns' districts.
    start_month : str
        ``YYYY-MM`` of the first campaign.
    """
    synthetic = len(reports) > 0 and bool(reports["synthetic"].all())
    months = sorted(reports["month"].unique())
    nb = sum(m < start_month for m in months)
    na = sum(m > start_month for m in months)
    mb, ma = max(0, min_before - nb), max(0, min_after - na)
    if mb or ma:
        return _too_few("crimestoppers", "month", nb, na, mb, ma, synthetic)
    frame = _grouped(reports[reports["month"] != start_month], districts, reports["month"] > start_month)
    if set(frame["group"]) != {"campaign", "rest"}:
        sentence = "Crimestoppers reports: no comparison, as the campaigns' districts are all the districts loaded."
        return _no_comparison("crimestoppers", nb, na, sentence, synthetic)
    means, log_ratio, se = _reports_ratio(frame)
    z = stats.norm.ppf(1 - alpha / 2)
    p = float(2 * stats.norm.sf(abs(log_ratio) / se))
    c_change = means["campaign", "after"] / means["campaign", "before"] - 1
    r_change = means["rest", "after"] / means["rest", "before"] - 1
    month = pd.Period(start_month, "M").strftime("%B %Y")
    sentence = (
        f"Monthly Crimestoppers reports from {_districts_text(districts)} showed {_change(c_change)} after the "
        f"campaigns began ({month}), against {_change(r_change)} in the other districts."
    ) + _verdict(p, alpha)
    return OutcomeComparison(
        "crimestoppers",
        nb,
        na,
        0,
        0,
        float(means["campaign", "before"]),
        float(means["campaign", "after"]),
        float(means["rest", "before"]),
        float(means["rest", "after"]),
        float(math.expm1(log_ratio)),
        float(math.expm1(log_ratio - z * se)),
        float(math.expm1(log_ratio + z * se)),
        p,
        sentence,
        synthetic,
    )


def _grouped(frame: pd.DataFrame, districts: Collection[str], after: pd.Series) -> pd.DataFrame:
    """``frame`` with ``group`` (campaign districts or the rest) and ``period`` (before or
    after the campaigns began; ``after`` is read on ``frame``'s index)."""
    return frame.assign(
        group=np.where(frame["district"].isin(list(districts)), "campaign", "rest"),
        period=np.where(after.loc[frame.index], "after", "before"),
    )


def _no_comparison(measure: str, nb: int, na: int, sentence: str, synthetic: bool) -> OutcomeComparison:
    nan = math.nan
    return OutcomeComparison(measure, nb, na, 0, 0, nan, nan, nan, nan, nan, nan, nan, 1.0, sentence, synthetic)


def _verdict(p: float, alpha: float) -> str:
    return (
        f" The difference could be chance ({_p_text(p)})."
        if p > alpha
        else f" The difference is unlikely to be chance ({_p_text(p)}), though other things may explain it."
    )


def _reports_ratio(frame: pd.DataFrame) -> tuple[pd.Series, float, float]:
    """Monthly mean reports by group and period, the log ratio of ratios (campaign after over
    before, against the rest), and its standard error (Poisson, inflated by the districts'
    over-dispersion, at least 1)."""
    monthly = frame.groupby(["group", "period", "month"])["reports"].sum()
    sums = monthly.groupby(["group", "period"]).sum()
    means = monthly.groupby(["group", "period"]).mean()
    per_district = frame.groupby(["district", "period"])["reports"]
    dispersion = max(1.0, float((per_district.var(ddof=1) / per_district.mean()).replace([np.inf], np.nan).mean()))
    log_ratio = math.log(means["campaign", "after"] / means["campaign", "before"]) - math.log(
        means["rest", "after"] / means["rest", "before"]
    )
    se = math.sqrt(dispersion * sum(1.0 / max(float(s), 1.0) for s in sums))
    return means, log_ratio, se


def quarter_of(month: str) -> str:
    """``YYYY-Qn`` of a ``YYYY-MM`` month."""
    p = pd.Period(month, "M")
    return f"{p.year}-Q{p.quarter}"


def survey_comparison(
    survey: pd.DataFrame,
    districts: Collection[str],
    start_month: str,
    min_before: int = 2,
    min_after: int = 1,
    alpha: float = 0.05,
) -> OutcomeComparison:
    """The share confident in the campaign districts against the rest (see the module).

    Parameters
    ----------
    survey : pandas.DataFrame
        ``district``, ``quarter``, ``respondents``, ``confident``, ``synthetic``.
    districts : collection of str
        The campaigns' districts.
    start_month : str
        ``YYYY-MM`` of the first campaign; its quarter is left out.
    """
    synthetic = len(survey) > 0 and bool(survey["synthetic"].all())
    q0 = quarter_of(start_month)
    quarters = sorted(survey["quarter"].unique())
    nb = sum(q < q0 for q in quarters)
    na = sum(q > q0 for q in quarters)
    mb, ma = max(0, min_before - nb), max(0, min_after - na)
    if mb or ma:
        return _too_few("survey", "quarter", nb, na, mb, ma, synthetic)
    frame = _grouped(survey[survey["quarter"] != q0], districts, survey["quarter"] > q0)
    totals = frame.groupby(["group", "period"])[["respondents", "confident"]].sum()
    if len(totals) < 4:
        sentence = "Survey confidence: no comparison, as the campaigns' districts are all the districts surveyed."
        return _no_comparison("survey", nb, na, sentence, synthetic)
    share = totals["confident"] / totals["respondents"]
    var = share * (1 - share) / totals["respondents"]
    diff = (share["campaign", "after"] - share["campaign", "before"]) - (
        share["rest", "after"] - share["rest", "before"]
    )
    se = math.sqrt(float(var.sum()))
    z = stats.norm.ppf(1 - alpha / 2)
    p = float(2 * stats.norm.sf(abs(diff) / se))
    sentence = (
        f"In the OPCC survey, {100 * share['campaign', 'after']:.0f} % of respondents in {_districts_text(districts)} "
        f"were confident after the campaigns began ({q0}), against {100 * share['campaign', 'before']:.0f} % before; "
        f"in the other districts {100 * share['rest', 'after']:.0f} % against {100 * share['rest', 'before']:.0f} %."
    ) + _verdict(p, alpha)
    return OutcomeComparison(
        "survey",
        nb,
        na,
        0,
        0,
        float(share["campaign", "before"]),
        float(share["campaign", "after"]),
        float(share["rest", "before"]),
        float(share["rest", "after"]),
        float(diff),
        float(diff - z * se),
        float(diff + z * se),
        p,
        sentence,
        synthetic,
    )
