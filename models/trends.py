"""Crime over time: monthly counts, rates per 1,000 residents and significance of changes.

Pure functions. A change between two periods is tested as a comparison of two Poisson
counts: conditional on their total, the later count is binomial with probability
``e2 / (e1 + e2)`` under "no change in the rate" (e1, e2 the periods' lengths in months), so
scipy's exact binomial test gives the p-value (the conditional test of Przyborowski and
Wilenski, 1940).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

#: p-value under which a change is called "unlikely to be chance".
SIGNIFICANCE = 0.05


def shift_month(month: str, by: int) -> str:
    """'YYYY-MM' moved by a number of months."""
    year, mon = (int(x) for x in month.split("-"))
    total = year * 12 + mon - 1 + by
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def latest_months(loaded: Sequence[str], latest: int | None, chosen: Sequence[str]) -> list[str]:
    """The months a period covers.

    Parameters
    ----------
    loaded : sequence of str
        Loaded months (``'YYYY-MM'``).
    latest : int or None
        Cover the loaded months within this many calendar months of the newest (a gap is
        never filled with older months: "latest 3" of 2016-07 and 2017-07 is 2017-07 alone);
        None covers ``chosen``.
    chosen : sequence of str
        Months chosen by hand (those loaded are kept; the newest loaded month if none is).
    """
    loaded = sorted(loaded)
    if not loaded:
        return []
    if latest is None:
        return sorted(m for m in chosen if m in set(loaded)) or loaded[-1:]
    newest = loaded[-1]
    first = shift_month(newest, -(latest - 1))
    return [m for m in loaded if first <= m <= newest]


def monthly_counts(incidents: pd.DataFrame, months: Sequence[str], by: Sequence[str] = ("district",)) -> pd.DataFrame:
    """Incidents per month and group, zeros included for every loaded month.

    Returns
    -------
    pandas.DataFrame
        Columns ``month``, the ``by`` columns and ``count``.
    """
    by = list(by)
    frame = incidents[["month", *by]].astype(str)
    counts = frame.value_counts().rename("count").reset_index()
    groups = counts[by].drop_duplicates() if by else pd.DataFrame(index=[0])
    full = (
        pd.MultiIndex.from_frame(pd.DataFrame({"month": list(months)}).merge(groups, how="cross"))
        if by
        else pd.Index(list(months), name="month")
    )
    out = counts.set_index(["month", *by])["count"].reindex(full, fill_value=0).reset_index()
    return out.sort_values(["month", *by]).reset_index(drop=True)


def earlier_period(months: Sequence[str], loaded: Sequence[str]) -> list[str]:
    """The period a period's communities are named after: the same number of months just
    before it when all are loaded, else the same months a year earlier when all are loaded,
    else none (an empty period, or every loaded month, has none either).

    Parameters
    ----------
    months : sequence of str
        The period (``'YYYY-MM'``).
    loaded : sequence of str
        The loaded months.
    """
    months = sorted(months)
    have = set(loaded)
    if not months or set(months) >= have:
        return []
    for shift in (-len(months), -12):
        candidate = [shift_month(m, shift) for m in months]
        if set(candidate) <= have and not set(candidate) & set(months):
            return candidate
    return []


def calendar_months(loaded: Sequence[str]) -> list[str]:
    """Every calendar month from the first loaded to the last (``'YYYY-MM'``), gaps included."""
    loaded = sorted(loaded)
    if not loaded:
        return []
    out = [loaded[0]]
    while out[-1] < loaded[-1]:
        out.append(shift_month(out[-1], 1))
    return out


def calendar_series(counts: pd.DataFrame, loaded: Sequence[str]) -> pd.DataFrame:
    """Monthly counts on a calendar: every month from the first loaded to the last, those not
    loaded with no value (not zero: nothing is known of them).

    Parameters
    ----------
    counts : pandas.DataFrame
        :func:`monthly_counts` over the loaded months, any further value columns included.
    loaded : sequence of str
        The loaded months.

    Returns
    -------
    pandas.DataFrame
        ``counts`` with a row for every calendar month and group, plus ``month_start`` (the
        first day of the month, a datetime for a real time axis), ``loaded`` (bool) and
        ``run`` (number of the unbroken run of loaded months the row belongs to, so a line is
        drawn within runs and a gap shows as a gap).
    """
    months = calendar_months(loaded)
    groups = [c for c in counts.columns if c != "month" and not pd.api.types.is_numeric_dtype(counts[c])]
    frame = pd.DataFrame({"month": months})
    if groups:
        frame = frame.merge(counts[groups].drop_duplicates(), how="cross")
    out = frame.merge(counts, on=["month", *groups], how="left")
    is_loaded = out["month"].isin(list(loaded))
    have = set(loaded)
    run_of: dict[str, int] = {}
    run, previous = 0, None
    for m in months:
        if m in have:
            if previous is None or shift_month(previous, 1) != m:
                run += 1
            previous = m
            run_of[m] = run
    out["loaded"] = is_loaded
    out["run"] = out["month"].map(run_of).fillna(0).astype(int)
    out["month_start"] = pd.to_datetime(out["month"] + "-01")
    return out.sort_values(["month", *groups]).reset_index(drop=True)


def latest_comparable_month(loaded: Sequence[str]) -> str | None:
    """The latest loaded month whose month a year earlier is loaded too (None if none)."""
    have = set(loaded)
    for month in sorted(have, reverse=True):
        if shift_month(month, -12) in have:
            return month
    return None


def rate_per_1000(count: float | np.ndarray, residents: float | np.ndarray) -> float | np.ndarray:
    """Incidents per 1,000 residents."""
    rate: np.ndarray = np.asarray(count, dtype=float) * 1000.0 / np.asarray(residents, dtype=float)
    return rate


@dataclasses.dataclass(frozen=True)
class Change:
    """A change between two periods.

    Attributes
    ----------
    before, after : int
        Counts in the earlier and later period.
    months_before, months_after : int
        Lengths of the periods (months).
    ratio : float
        Rate ratio (after per month / before per month); inf when before is 0.
    percent : float
        Change in the monthly rate, in percent.
    p_value : float
        Two-sided exact conditional test of equal rates.
    """

    before: int
    after: int
    months_before: int
    months_after: int
    ratio: float
    percent: float
    p_value: float

    @property
    def significant(self) -> bool:
        """True when the change is unlikely to be chance (p < 0.05)."""
        return self.p_value < SIGNIFICANCE


def compare_counts(before: int, after: int, months_before: int = 1, months_after: int = 1) -> Change:
    """Test whether the monthly rate changed between two periods (exact Poisson test)."""
    before, after = int(before), int(after)
    total = before + after
    share = months_after / (months_before + months_after)
    p = 1.0 if total == 0 else float(stats.binomtest(after, total, share).pvalue)
    rate_before = before / months_before
    rate_after = after / months_after
    ratio = (rate_after / rate_before) if rate_before else (np.inf if rate_after else 1.0)
    percent = (ratio - 1.0) * 100.0 if np.isfinite(ratio) else np.inf
    return Change(before, after, months_before, months_after, float(ratio), float(percent), p)


def describe_change(what: str, where: str, change: Change) -> str:
    """A plain-language sentence about a change."""
    if change.before == 0 and change.after == 0:
        return f"{what} in {where}: none recorded in either period."
    if not np.isfinite(change.percent):
        movement = f"went from none to {change.after:,}"
    elif abs(change.percent) < 0.5:
        movement = f"stayed level ({change.before:,} to {change.after:,})"
    else:
        verb = "rose" if change.percent > 0 else "fell"
        movement = f"{verb} {abs(change.percent):.0f} % ({change.before:,} to {change.after:,})"
    p = "p < 0.001" if change.p_value < 0.001 else f"p = {change.p_value:.3f}"
    verdict = ("unlikely to be chance" if change.significant else "could be chance") + f" ({p})"
    return f"{what} in {where} {movement}, {verdict}."


def comparable_periods(latest: Sequence[str], loaded: Sequence[str]) -> tuple[list[str], list[str], str]:
    """The same months a year earlier, if all loaded.

    Returns
    -------
    (list of str, list of str, str)
        The earlier months, the later months, and '' or the reason they cannot be compared.
    """
    later = sorted(latest)
    earlier = [shift_month(m, -12) for m in later]
    missing = [m for m in earlier if m not in set(loaded)]
    if missing:
        return (
            earlier,
            later,
            f"{', '.join(missing)} not loaded: load it to compare with the same months a year earlier.",
        )
    return earlier, later, ""


def compare_groups(
    incidents: pd.DataFrame, earlier: Sequence[str], later: Sequence[str], by: Sequence[str], tests: bool = True
) -> pd.DataFrame:
    """Compare two periods for every group (e.g. district and crime type).

    Parameters
    ----------
    tests : bool
        Run the exact test of every group (default). ``False`` leaves ``percent``,
        ``p_value`` and ``significant`` out, for :func:`movers`, which tests only the rows it
        keeps (with 1,400 LSOAs the tests of every row took about 2 s).

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``before``, ``after``, ``percent``, ``p_value``, ``significant``,
        ``difference``, sorted by the size of the change.
    """
    by = list(by)
    month = incidents["month"].astype(str)
    keys = incidents[by].astype(str)
    a = keys[month.isin(list(earlier)).to_numpy()].value_counts().rename("before")
    b = keys[month.isin(list(later)).to_numpy()].value_counts().rename("after")
    table = pd.concat([a, b], axis=1).fillna(0).astype(int).reset_index()
    table.attrs["months"] = (len(earlier), len(later))
    if tests:
        table = _with_tests(table)
    table["difference"] = table["after"] - table["before"]
    return table.sort_values("difference", key=np.abs, ascending=False).reset_index(drop=True)


def _with_tests(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``percent``, ``p_value`` and ``significant`` of each row's exact test
    (the periods' lengths in months are ``table.attrs["months"]``)."""
    months_before, months_after = table.attrs["months"]
    changes = [compare_counts(r.before, r.after, months_before, months_after) for r in table.itertuples()]
    out = table.copy()
    at = list(out.columns).index("after") + 1
    out.insert(at, "significant", [c.significant for c in changes])
    out.insert(at, "p_value", [c.p_value for c in changes])
    out.insert(at, "percent", [c.percent for c in changes])
    return out


def movers(table: pd.DataFrame, top: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The groups rising and falling most (by count difference) in a :func:`compare_groups`
    table; a table made with ``tests=False`` has the kept rows tested here."""
    rising = table[table["difference"] > 0].sort_values("difference", ascending=False).head(top)
    falling = table[table["difference"] < 0].sort_values("difference").head(top)
    if "p_value" not in table:
        rising, falling = _with_tests(rising), _with_tests(falling)
    return rising.reset_index(drop=True), falling.reset_index(drop=True)
