"""How old the newest loaded month is, and the day plans start from when it is old.

data.police.uk publishes a month about two months after it ends. When the newest loaded
month is older than that (the bundled sample and the demonstration history end in July
2017), a plan dated from today would sit years after the data it was made from: the
campaign window, the plan's delivery items and the delivery log's defaults then follow the
data instead, from the first day after the newest month. Pure functions; no I/O.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

#: Months after its end within which a newest month counts as current (publication lag).
CURRENT_MONTHS = 3


@dataclasses.dataclass(frozen=True)
class DataAge:
    """The newest month against today.

    Attributes
    ----------
    latest_month : str
        ``YYYY-MM`` of the newest loaded month ("" when none is loaded).
    age_months : int
        Whole months from the end of that month to today.
    old : bool
        Whether it is older than :data:`CURRENT_MONTHS` (plans then follow the data).
    plan_day : datetime.date
        The day plans are dated from: today, or the first day after the newest month when
        the data are old.
    sentence : str
        What the page says ("" when the data are current).
    """

    latest_month: str
    age_months: int
    old: bool
    plan_day: dt.date
    sentence: str


def _span(months: int) -> str:
    years, rest = divmod(months, 12)
    parts = [f"{years} year{'s' if years != 1 else ''}"] if years else []
    if rest or not parts:
        parts.append(f"{rest} month{'s' if rest != 1 else ''}")
    return " and ".join(parts)


def data_age(loaded: list[str] | tuple[str, ...], today: dt.date, current_months: int = CURRENT_MONTHS) -> DataAge:
    """How old the newest of the ``loaded`` months (``YYYY-MM``) is on ``today``.

    Examples
    --------
    >>> age = data_age(["2016-07", "2017-07"], dt.date(2026, 12, 4))
    >>> age.age_months, age.plan_day
    (112, datetime.date(2017, 8, 1))
    """
    if not loaded:
        return DataAge("", 0, False, today, "")
    latest = max(loaded)
    after = (pd.Period(latest, "M") + 1).to_timestamp().date()  # the first day after it
    age = (today.year - after.year) * 12 + today.month - after.month
    if age <= current_months:
        return DataAge(latest, max(age, 0), False, today, "")
    name = pd.Period(latest, "M").strftime("%B %Y")
    sentence = (
        f"The newest month loaded, {name}, ended {_span(age)} ago: campaign windows and delivery dates "
        f"follow the data, from {after:%d %B %Y}, not today's date."
    )
    return DataAge(latest, age, True, after, sentence)
