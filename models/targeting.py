"""The communications targeting plan: flyer drops and Facebook Live sessions.

Pure functions over the ranked hotspot communities (:func:`models.communities.community_table`).

Flyer allocation is a 0/1 knapsack solved exactly by dynamic programming: choose the
communities that maximise the harm covered, subject to the print run (households to cover
plus a spare margin) fitting the flyer budget. A printer and a delivery team work per drop
zone (one community's part of one LSOA), so there is one rounding rule, in
:func:`drop_quantities`: each drop zone gets whole households (shared so they add up to the
community's households) and its flyers rounded up to whole packs (default 50, as printers
sell them); a community's print run is the sum of its drop zones'. The knapsack weighs
communities by that sum, and :class:`Plan` carries the drop zones' figures, which every
export and the page read as they are. Quantities are counted in packs, which keeps the
table small (budget / pack columns, at most the packs of all communities together). A
community whose themes include a priority theme counts its harm ``priority_boost`` times.

Inputs have upper limits (the ``MAX_*`` constants below, also the limits of the page's
widgets): :class:`PlanConstraints` raises :class:`ConstraintError` with a plain message
when a value is outside them, so a mistyped budget cannot exhaust memory.

Facebook Live sessions are shared across districts in proportion to the harm of their chosen
communities, with a minimum per district (largest-remainder rounding), then given dates
across the campaign window: evenings of the chosen weekdays that are not bank holidays in England
nor evenings off (:data:`EVENINGS_OFF`: Christmas Eve and New Year's Eve by default), at least
``min_days_between`` days apart in one community, communities taken in rank order.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import math
from collections.abc import Collection, Mapping, Sequence

import holidays
import numpy as np
import pandas as pd

from core.errors import ConstraintError
from models.communities import is_street

#: Crimestoppers' number and promise, on everything the plan produces for the public.
CRIMESTOPPERS = "Crimestoppers 0800 555 111"
CRIMESTOPPERS_PROMISE = (
    "Call Crimestoppers on 0800 555 111 or report online at crimestoppers-uk.org. "
    "It is an independent charity: you stay 100% anonymous. They never ask your name, "
    "and calls cannot be traced."
)


#: Most flyers a plan may print: about twice West Yorkshire's 922,000 households (census 2011).
MAX_FLYER_BUDGET = 2_000_000
#: Largest spare margin, as a share of households (0.5 = 50 %).
MAX_SPARE_MARGIN = 0.5
#: Smallest and largest printed pack, in flyers.
MIN_PACK_SIZE, MAX_PACK_SIZE = 1, 10_000
#: Most Facebook Live sessions a month across all districts.
MAX_SESSIONS_PER_MONTH = 60
#: Most days required between two sessions in one community.
MAX_DAYS_BETWEEN = 90
#: Largest minimum of sessions per district.
MAX_SESSIONS_PER_DISTRICT = 10
#: Longest campaign window, in days (first and last day included).
MAX_WINDOW_DAYS = 366
#: Longest session, in minutes.
MAX_DURATION_MINUTES = 240
#: Largest harm multiplier of a priority theme.
MAX_PRIORITY_BOOST = 10.0

#: Evenings given no Facebook Live session although they are not bank holidays in England,
#: (month, day) -> name: the default of :attr:`PlanConstraints.evenings_off`.
EVENINGS_OFF: dict[tuple[int, int], str] = {(12, 24): "Christmas Eve", (12, 31): "New Year's Eve"}


def _number(x: float) -> str:
    """A number for a message: whole numbers with thousands separators, others to 6 digits."""
    return f"{x:,}" if isinstance(x, int) else f"{x:,.6g}"


def _check_range(field: str, value: float, low: float, high: float, unit: str = "", note: str = "") -> None:
    """Raise :class:`ConstraintError` unless ``low <= value <= high`` (NaN fails too)."""
    if not low <= value <= high:
        unit_text = f" {unit}" if unit else ""
        raise ConstraintError(
            f"{field} is {_number(value)}{unit_text}: it must be between {_number(low)} and "
            f"{_number(high)}{unit_text}" + (f" ({note})" if note else "") + "."
        )


@dataclasses.dataclass(frozen=True)
class PlanConstraints:
    """What the comms team can spend and when.

    Attributes
    ----------
    flyer_budget : int
        Flyers that can be printed (a cost budget is converted with ``cost_per_flyer``).
    spare_margin : float
        Extra flyers printed on top of households, as a share (0.10 = 10 %).
    pack_size : int
        Flyers per printed pack; quantities are rounded up to whole packs.
    sessions_per_month : int
        Facebook Live sessions a month across all districts.
    start, end : datetime.date
        Campaign window (inclusive).
    min_days_between : int
        Fewest days between two sessions in the same community.
    min_sessions_per_district : int
        Each district with a chosen community gets at least this many sessions in the
        window (when the total allows).
    weekdays : tuple of int
        Days sessions may fall on (0 = Monday).
    time_slot : tuple of (int, int)
        Start hour and minute of a session (evening, when residents are at home).
    duration_minutes : int
        Length of a session.
    priority_themes : tuple of str
        Themes to favour.
    priority_boost : float
        Harm multiplier of communities with a priority theme.
    evenings_off : tuple of (int, int)
        Days of the year, as (month, day), given no session although they are not bank
        holidays: by default Christmas Eve (24 December) and New Year's Eve (31 December),
        evenings few residents would watch (see :func:`days_off`).

    Raises
    ------
    ConstraintError
        A value outside its limits (``MAX_FLYER_BUDGET`` and the other ``MAX_*`` constants
        of this module), or a window that ends before it starts.
    """

    flyer_budget: int = 20_000
    spare_margin: float = 0.10
    pack_size: int = 50
    sessions_per_month: int = 4
    start: dt.date = dt.date(2026, 12, 1)
    end: dt.date = dt.date(2027, 2, 28)
    min_days_between: int = 14
    min_sessions_per_district: int = 1
    weekdays: tuple[int, ...] = (1, 2, 3)
    time_slot: tuple[int, int] = (18, 30)
    duration_minutes: int = 30
    priority_themes: tuple[str, ...] = ()
    priority_boost: float = 1.5
    evenings_off: tuple[tuple[int, int], ...] = tuple(EVENINGS_OFF)

    def __post_init__(self) -> None:
        _check_range(
            "flyer_budget",
            self.flyer_budget,
            0,
            MAX_FLYER_BUDGET,
            "flyers",
            "West Yorkshire has about 922,000 households",
        )
        _check_range("spare_margin", self.spare_margin, 0.0, MAX_SPARE_MARGIN)
        _check_range("pack_size", self.pack_size, MIN_PACK_SIZE, MAX_PACK_SIZE, "flyers")
        if self.pack_size != int(self.pack_size):
            raise ConstraintError(f"pack_size is {self.pack_size}: it must be a whole number of flyers.")
        _check_range("sessions_per_month", self.sessions_per_month, 0, MAX_SESSIONS_PER_MONTH, "sessions")
        _check_range("min_days_between", self.min_days_between, 0, MAX_DAYS_BETWEEN, "days")
        _check_range(
            "min_sessions_per_district", self.min_sessions_per_district, 0, MAX_SESSIONS_PER_DISTRICT, "sessions"
        )
        if self.end < self.start:
            raise ConstraintError(f"end is {self.end}: the campaign window cannot end before its start, {self.start}.")
        _check_range("campaign window (start to end)", (self.end - self.start).days + 1, 1, MAX_WINDOW_DAYS, "days")
        for day in self.weekdays:
            _check_range("weekdays", day, 0, 6, note="0 is Monday, 6 is Sunday")
        _check_range("time_slot hour", self.time_slot[0], 0, 23)
        _check_range("time_slot minute", self.time_slot[1], 0, 59)
        _check_range("duration_minutes", self.duration_minutes, 1, MAX_DURATION_MINUTES, "minutes")
        _check_range("priority_boost", self.priority_boost, 0.0, MAX_PRIORITY_BOOST)
        for month, day in self.evenings_off:
            try:
                dt.date(2000, month, day)  # a leap year, so 29 February is a day of the year
            except (TypeError, ValueError) as err:
                raise ConstraintError(
                    f"evenings_off holds ({month}, {day}): not a day of the year (month, day)."
                ) from err


def flyers_from_cost(budget_pounds: float, cost_per_flyer: float) -> int:
    """Flyers a money budget buys (rounded down)."""
    if cost_per_flyer <= 0:
        raise ValueError("cost per flyer must be positive")
    return int(math.floor(budget_pounds / cost_per_flyer + 1e-9))


def print_quantity(households: float, spare_margin: float, pack_size: int) -> int:
    """Flyers to print for one drop zone's households: plus the margin, rounded up to whole packs.

    Parameters
    ----------
    households : float
        Households to cover.
    spare_margin : float
        Extra flyers as a share of households (0.10 = 10 %).
    pack_size : int
        Flyers per pack.

    Returns
    -------
    int
        Flyers, a whole number of packs (0 for no household).
    """
    raw = math.ceil(households * (1.0 + spare_margin) - 1e-9)
    return int(math.ceil(raw / pack_size) * pack_size) if raw > 0 else 0


def whole_households(lsoa_households: Mapping[str, float], total: float) -> dict[str, int]:
    """Share a community's households between its LSOAs in whole numbers that add up to ``total``.

    Largest-remainder rounding of ``total`` in proportion to the LSOAs' (fractional) census
    shares; ties go to the LSOA first by code.

    Parameters
    ----------
    lsoa_households : mapping
        LSOA code -> households of the community inside it (census share, may be fractional).
    total : float
        The community's households (rounded to a whole number here).

    Returns
    -------
    dict
        LSOA code -> whole households, in code order; empty when there is no LSOA.
    """
    codes = sorted(lsoa_households)
    weight = sum(max(float(lsoa_households[k]), 0.0) for k in codes)
    target = max(int(round(total)), 0)
    if not codes:
        return {}
    share = {k: max(float(lsoa_households[k]), 0.0) for k in codes}
    if weight <= 0:  # no census share to go by: equal shares, so the households still add up
        share, weight = {k: 1.0 for k in codes}, float(len(codes))
    exact = {k: target * share[k] / weight for k in codes}
    out = {k: int(math.floor(v + 1e-9)) for k, v in exact.items()}
    rest = target - sum(out.values())
    for k in sorted(codes, key=lambda k: (-(exact[k] - out[k]), k))[: max(rest, 0)]:
        out[k] += 1
    return out


def drop_quantities(
    lsoa_households: Mapping[str, float], households: float, spare_margin: float, pack_size: int
) -> dict[str, tuple[int, int]]:
    """The one rounding rule of the plan: a community's drop zones, households and flyers.

    Each LSOA part of the community is a drop zone: it gets whole households
    (:func:`whole_households`, adding up to the community's) and flyers rounded up to whole
    packs on its own (:func:`print_quantity`), since a printer and a delivery team work per
    drop zone. A community's print run is the sum of its drop zones' flyers; the knapsack,
    the plan's totals and every export use these figures.

    Parameters
    ----------
    lsoa_households : mapping
        LSOA code -> households of the community inside it.
    households : float
        The community's households.
    spare_margin : float
        Extra flyers as a share of households.
    pack_size : int
        Flyers per pack.

    Returns
    -------
    dict
        LSOA code -> (households, flyers), in code order.
    """
    return {
        code: (n, print_quantity(n, spare_margin, pack_size))
        for code, n in whole_households(lsoa_households, households).items()
    }


def knapsack(values: Sequence[float], weights: Sequence[int], capacity: int) -> list[int]:
    """Exact 0/1 knapsack by dynamic programming; return the chosen item indices (sorted).

    Parameters
    ----------
    values : sequence of float
        Value of each item (harm covered).
    weights : sequence of int
        Whole-number weight of each item (packs of flyers).
    capacity : int
        Total weight allowed.

    Ties are broken towards the earlier (higher-ranked) items. The table has one column per
    unit of weight up to ``capacity`` or the items' total weight, whichever is smaller (a
    budget above the total changes nothing), and keeps one bit per item and column.
    """
    n = len(values)
    if any(int(w) < 0 for w in weights):
        raise ValueError("knapsack weights must not be negative")
    capacity = min(max(0, int(capacity)), int(sum(int(w) for w in weights)))
    best = np.zeros(capacity + 1)
    take: list[np.ndarray | None] = [None] * n  # packed bits: is item i taken at each room
    for i in range(n - 1, -1, -1):  # backwards, so earlier items win ties
        w = int(weights[i])
        if w > capacity or not values[i] > 0:
            continue
        candidate = np.full(capacity + 1, -np.inf)
        candidate[w:] = best[: capacity + 1 - w] + values[i]
        better = candidate >= best - 1e-12
        take[i] = np.packbits(better)
        best = np.where(better, candidate, best)
    chosen, room = [], capacity
    for i in range(n):
        bits = take[i]
        if bits is not None and (bits[room >> 3] >> (7 - (room & 7))) & 1:
            chosen.append(i)
            room -= int(weights[i])
    return sorted(chosen)


def community_themes(
    by_type: Mapping[str, int], harm: Mapping[str, float], themes: pd.DataFrame, top: int = 3
) -> list[str]:
    """A community's themes: those of its crime types, most harm first, distinct, at most ``top``."""
    theme_of = dict(zip(themes["crime_type"], themes["theme"]))
    scored = sorted(by_type.items(), key=lambda kv: (-kv[1] * harm.get(kv[0], 1.0), kv[0]))
    out: list[str] = []
    for crime_type, _ in scored:
        theme = theme_of.get(crime_type)
        if theme and theme not in out:
            out.append(theme)
        if len(out) == top:
            break
    return out


def allocate_sessions(district_harm: Mapping[str, float], total: int, minimum: int) -> dict[str, int]:
    """Share sessions between districts in proportion to harm, each getting ``minimum`` first.

    Largest-remainder rounding; when ``total`` cannot give every district its minimum,
    districts are served in order of harm.
    """
    districts = sorted(district_harm, key=lambda d: (-district_harm[d], d))
    out = {d: 0 for d in districts}
    left = total
    for d in districts:
        give = min(minimum, left)
        out[d] += give
        left -= give
    weight = sum(district_harm.values())
    if left > 0 and weight > 0:
        exact = {d: left * district_harm[d] / weight for d in districts}
        floors = {d: int(math.floor(v)) for d, v in exact.items()}
        for d in districts:
            out[d] += floors[d]
        rest = left - sum(floors.values())
        for d in sorted(districts, key=lambda d: (-(exact[d] - floors[d]), -district_harm[d], d))[:rest]:
            out[d] += 1
    return out


def bank_holidays(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Bank holidays in England in a window (date -> name), from the ``holidays`` package."""
    if end < start:
        return {}
    england = holidays.country_holidays("GB", subdiv="ENG", years=range(start.year, end.year + 1))
    return {day: str(name) for day, name in sorted(england.items()) if start <= day <= end}


def days_off(
    start: dt.date, end: dt.date, evenings_off: Collection[tuple[int, int]] = tuple(EVENINGS_OFF)
) -> dict[dt.date, str]:
    """Days in a window given no session (date -> why): bank holidays in England
    (:func:`bank_holidays`) and the ``evenings_off`` (month, day) of each year, named from
    :data:`EVENINGS_OFF` ("Evening off" when not named there)."""
    out = bank_holidays(start, end)
    for year in range(start.year, end.year + 1):
        for month, day_of_month in evenings_off:
            if (month, day_of_month) == (2, 29) and not calendar.isleap(year):
                continue
            day = dt.date(year, month, day_of_month)
            if start <= day <= end:
                out.setdefault(day, EVENINGS_OFF.get((month, day_of_month), "Evening off"))
    return dict(sorted(out.items()))


def session_dates(
    start: dt.date, end: dt.date, weekdays: Sequence[int], skip: Collection[dt.date] = frozenset()
) -> list[dt.date]:
    """Every allowed weekday in the window, leaving out the days in ``skip`` (:func:`days_off`)."""
    days = (end - start).days + 1
    return [
        start + dt.timedelta(days=i)
        for i in range(max(days, 0))
        if (start + dt.timedelta(days=i)).weekday() in weekdays and (start + dt.timedelta(days=i)) not in skip
    ]


def months_in_window(start: dt.date, end: dt.date) -> float:
    """Length of the window in months (days / 30.44), at least one."""
    return max(1.0, ((end - start).days + 1) / 30.44)


@dataclasses.dataclass(frozen=True)
class Plan:
    """A communications plan.

    Every flyer and household figure of the plan comes from :func:`drop_quantities`: a
    community's ``flyers`` is the sum of its drop zones' ``flyers``, and ``flyers_used`` and
    ``households_covered`` are the sums over ``drops``. Exports and pages show these figures
    as they are and never compute their own.

    Attributes
    ----------
    communities : pandas.DataFrame
        The communities offered, with ``chosen`` (bool), ``flyers`` (print run: the sum of
        its drop zones' flyers), ``district`` (main district, :func:`main_district`),
        ``themes`` (list), ``value`` (harm counted, after any priority boost).
    drops : pandas.DataFrame
        One row per chosen community and LSOA (a drop zone): ``community_id``, ``name``,
        ``district`` (the LSOA's own district when the community table gives it in
        ``lsoa_districts``, else the community's main district), ``lsoa_code``,
        ``households`` (whole households), ``flyers`` (whole packs), ``streets``.
    sessions : pandas.DataFrame
        ``date``, ``start``, ``end`` (datetime, local time), ``district``,
        ``community_id``, ``name``, ``theme``, ``spot``.
    constraints : PlanConstraints
        What the plan was made under.
    flyers_used : int
        Flyers to print in all: the sum of ``drops["flyers"]``, never above the budget.
    harm_covered : float
        Harm of the chosen communities (before any priority boost).
    notes : list of str
        Anything the user should know (sessions that could not be placed, ...).
    households_covered : int
        Households in the drop zones: the sum of ``drops["households"]``.
    """

    communities: pd.DataFrame
    drops: pd.DataFrame
    sessions: pd.DataFrame
    constraints: PlanConstraints
    flyers_used: int
    harm_covered: float
    notes: list[str]
    households_covered: int


def _lsoa_district(districts: object, lsoa: str, default: str) -> str:
    """An LSOA's own district where the community table gives one, else ``default``."""
    return str(districts.get(lsoa, default)) if isinstance(districts, Mapping) else default


def make_plan(
    communities: pd.DataFrame,
    constraints: PlanConstraints,
    themes: pd.DataFrame,
    harm_weights: Mapping[str, float],
    selected: Sequence[str] | None = None,
) -> Plan:
    """Build the plan for the offered communities.

    Parameters
    ----------
    communities : pandas.DataFrame
        Ranked communities with ``community_id``, ``name``, ``districts``, ``harm``,
        ``households``, ``lsoa_households``, ``lsoa_streets``, ``streets``, ``by_type``;
        optionally ``district_harm`` (district -> harm, for the main district) and
        ``lsoa_districts`` (LSOA -> district, for the drop zones), as
        :func:`models.communities.community_table` gives them.
    constraints : PlanConstraints
        Budget, window and rules.
    themes : pandas.DataFrame
        The theme table (:func:`records.reference.read_themes`).
    harm_weights : mapping
        Crime type -> harm weight (orders a community's themes).
    selected : sequence of str, optional
        Community ids the user keeps in play (default all offered).

    Returns
    -------
    Plan
        The chosen communities, drop zones and sessions. The flyers of the chosen drop
        zones, ``flyers_used``, never exceed ``constraints.flyer_budget``.
    """
    c = constraints
    offered = communities if selected is None else communities[communities["community_id"].isin(list(selected))]
    offered = (
        offered.sort_values("rank").reset_index(drop=True) if "rank" in offered else offered.reset_index(drop=True)
    )
    notes: list[str] = []
    table, zones = _choose_communities(offered, c, themes, harm_weights)
    chosen = table[table["chosen"]]
    if len(chosen) < len(table):
        notes.append(
            f"{len(table) - len(chosen)} community(ies) left out: the flyer budget of "
            f"{c.flyer_budget:,} does not cover them as well."
        )
    drops = _drop_zones(table, zones, offered)
    sessions = _schedule(chosen, c, notes)
    return Plan(
        communities=table,
        drops=drops,
        sessions=sessions,
        constraints=c,
        flyers_used=int(drops["flyers"].sum()),
        harm_covered=float(chosen["harm"].sum()),
        notes=notes,
        households_covered=int(drops["households"].sum()),
    )


def _choose_communities(
    offered: pd.DataFrame, c: PlanConstraints, themes: pd.DataFrame, harm_weights: Mapping[str, float]
) -> tuple[pd.DataFrame, list[dict[str, tuple[int, int]]]]:
    """The offered communities with their themes, flyers, main district and whether the
    knapsack chose them (harm, boosted for priority themes, within the flyer budget in
    packs); and each community's drop zones (LSOA -> households, flyers)."""
    theme_lists = [community_themes(bt, harm_weights, themes) for bt in offered["by_type"]]
    boost = [c.priority_boost if set(t) & set(c.priority_themes) else 1.0 for t in theme_lists]
    zones = [
        drop_quantities(lh, h, c.spare_margin, c.pack_size)
        for lh, h in zip(offered["lsoa_households"], offered["households"])
    ]
    flyers = [sum(f for _, f in z.values()) for z in zones]
    values = [float(h) * b for h, b in zip(offered["harm"], boost)]
    packs = [f // c.pack_size for f in flyers]  # exact: every drop zone is whole packs
    chosen_idx = set(knapsack(values, packs, c.flyer_budget // c.pack_size))
    district_harm = offered["district_harm"] if "district_harm" in offered else [None] * len(offered)
    table = offered.assign(
        chosen=[i in chosen_idx for i in range(len(offered))],
        flyers=flyers,
        district=[main_district(d, dh) for d, dh in zip(offered["districts"], district_harm)],
        themes=theme_lists,
        value=values,
    )
    return table, zones


def _drop_zones(table: pd.DataFrame, zones: list[dict[str, tuple[int, int]]], offered: pd.DataFrame) -> pd.DataFrame:
    """One row per LSOA of each chosen community: its district, households, flyers, streets."""
    lsoa_districts = offered["lsoa_districts"] if "lsoa_districts" in offered else [None] * len(offered)
    drop_rows = []
    for i in np.flatnonzero(table["chosen"].to_numpy()):
        row = table.iloc[i]
        for lsoa, (households, lsoa_flyers) in zones[i].items():
            drop_rows.append(
                {
                    "community_id": row["community_id"],
                    "name": row["name"],
                    "district": _lsoa_district(lsoa_districts[i], lsoa, row["district"]),
                    "lsoa_code": lsoa,
                    "households": households,
                    "flyers": lsoa_flyers,
                    "streets": ", ".join(row["lsoa_streets"].get(lsoa, [])),
                }
            )
    drops = pd.DataFrame(
        drop_rows, columns=["community_id", "name", "district", "lsoa_code", "households", "flyers", "streets"]
    )
    return drops.astype({"households": "int64", "flyers": "int64"})


def main_district(districts: str, district_harm: Mapping[str, float] | None = None) -> str:
    """The district holding most of a community's harm.

    Parameters
    ----------
    districts : str
        The community's districts, comma-separated (``community_table``'s ``districts``).
    district_harm : mapping, optional
        District -> harm of the community's incidents in it. Without it (a hand-made table)
        the first district by name is taken, which is exact for a community in one district.

    Returns
    -------
    str
        The district with the most harm; ties go to the first by name ("" for none).
    """
    if isinstance(district_harm, Mapping) and district_harm:
        return min(district_harm, key=lambda d: (-float(district_harm[d]), d))
    names = sorted(d.strip() for d in str(districts).split(",") if d.strip())
    return names[0] if names else ""


_SESSION_COLUMNS = ["date", "start", "end", "district", "community_id", "name", "theme", "spot"]


def _schedule(chosen: pd.DataFrame, c: PlanConstraints, notes: list[str]) -> pd.DataFrame:
    """The Facebook Live sessions of the chosen communities: requests shared by district,
    then placed on the allowed evenings (notes say what could not be placed)."""
    if chosen.empty or c.sessions_per_month <= 0:
        return pd.DataFrame(columns=_SESSION_COLUMNS)
    district_of = dict(zip(chosen["community_id"], chosen["district"]))
    requests = _session_requests(chosen, c, district_of)
    dates = session_dates(c.start, c.end, c.weekdays, days_off(c.start, c.end, c.evenings_off))
    if not dates:
        notes.append("No allowed weekday falls in the campaign window: no session planned.")
        return pd.DataFrame(columns=_SESSION_COLUMNS)
    rows, unplaced = _place_sessions(requests, dates, c)
    if unplaced:
        notes.append(
            f"{unplaced} session(s) could not be placed: too few allowed days in the window "
            f"for one a day and {c.min_days_between} days between sessions in a community."
        )
    out = pd.DataFrame(rows, columns=_SESSION_COLUMNS)
    without = sorted(set(district_of.values()) - set(out["district"]))
    if without:
        notes.append(
            f"No Facebook Live session in {', '.join(without)}: raise the sessions a month or the minimum "
            "per district, or widen the window."
        )
    return out.sort_values("start").reset_index(drop=True)


def _session_requests(
    chosen: pd.DataFrame, c: PlanConstraints, district_of: Mapping[str, str]
) -> list[tuple[str, pd.Series]]:
    """(district, community row) per session wanted, in the order they are placed.

    The window's sessions go to districts by harm with a minimum each; each district's to
    its communities in rank order, round robin; districts then take turns (most harm
    first), so dates are shared fairly through the window.
    """
    total = int(round(c.sessions_per_month * months_in_window(c.start, c.end)))
    district_harm: dict[str, float] = {}
    for r in chosen.itertuples():
        district_harm[district_of[r.community_id]] = district_harm.get(district_of[r.community_id], 0.0) + float(r.harm)
    per_district = allocate_sessions(district_harm, total, c.min_sessions_per_district)
    queues: dict[str, list[pd.Series]] = {}
    for district in sorted(per_district, key=lambda d: (-district_harm[d], d)):
        mine = chosen[[district_of[i] == district for i in chosen["community_id"]]]
        queues[district] = [mine.iloc[k % len(mine)] for k in range(per_district[district])]
    requests: list[tuple[str, pd.Series]] = []
    while any(queues.values()):
        for district, queue in queues.items():
            if queue:
                requests.append((district, queue.pop(0)))
    return requests


def _place_sessions(
    requests: list[tuple[str, pd.Series]], dates: list[dt.date], c: PlanConstraints
) -> tuple[list[dict[str, object]], int]:
    """Each request on the first free allowed evening from its evenly spread slot (one
    session a day, ``min_days_between`` days apart in a community), with its theme (the
    community's themes in turn) and spot; returns the rows and how many found no day."""
    slots: list[int] = (
        np.linspace(0, len(dates) - 1, num=min(len(requests), len(dates))).round().astype(int).tolist()
        if requests
        else []
    )
    used_dates: set[dt.date] = set()
    last_in_community: dict[str, dt.date] = {}
    theme_turn: dict[str, int] = {}
    rows: list[dict[str, object]] = []
    unplaced = 0
    for (district, row), slot in zip(requests, list(slots) + [len(dates) - 1] * max(0, len(requests) - len(slots))):
        cid = row["community_id"]
        day = _free_day(dates, slot, used_dates, last_in_community.get(cid), c.min_days_between)
        if day is None:
            unplaced += 1
            continue
        used_dates.add(day)
        last_in_community[cid] = day
        turn = theme_turn.get(cid, 0)
        theme_turn[cid] = turn + 1
        themes = list(row["themes"]) or ["Speak up anonymously"]
        streets = [s for s in row["streets"] if is_street(s)]
        start = dt.datetime.combine(day, dt.time(*c.time_slot))
        rows.append(
            {
                "date": day,
                "start": start,
                "end": start + dt.timedelta(minutes=c.duration_minutes),
                "district": district,
                "community_id": cid,
                "name": row["name"],
                "theme": themes[turn % len(themes)],
                "spot": f"On or near {streets[0]}" if streets else row["name"],
            }
        )
    return rows, unplaced


def _free_day(
    dates: list[dt.date], slot: int, used: set[dt.date], previous: dt.date | None, min_days_between: int
) -> dt.date | None:
    """The first allowed date from ``slot`` on (then wrapping round) that is not taken and is
    at least ``min_days_between`` days from the community's ``previous`` session."""
    for candidate in dates[slot:] + dates[:slot]:
        if candidate in used:
            continue
        if previous is not None and abs((candidate - previous).days) < min_days_between:
            continue
        return candidate
    return None


def carry_choice(previous: Sequence[str] | None, offered: Sequence[str], default: int) -> tuple[list[str], list[str]]:
    """Rebuild a choice of communities against the communities now offered.

    Parameters
    ----------
    previous : sequence of str or None
        Community ids chosen before (None: the user has not chosen yet).
    offered : sequence of str
        Community ids offered now, in rank order.
    default : int
        How many of the top-ranked are chosen when there is no previous choice.

    Returns
    -------
    (list of str, list of str)
        The ids still chosen (those of ``previous`` still offered, in their order) and the
        ids dropped because they are no longer offered.
    """
    if previous is None:
        return list(offered[:default]), []
    now = set(offered)
    return [i for i in previous if i in now], [i for i in previous if i not in now]
