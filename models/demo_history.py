"""A seeded generator of a SYNTHETIC demonstration history, and the truth it injected.

The bundled real data are two months a year apart (July 2016 and July 2017), too few for
trends, emerging hot spots or campaign evaluation. This module makes, from those real rows
as the pattern, ``months`` consecutive months of street-level incidents for the five
districts in the exact data.police.uk street CSV columns, plus demonstration campaigns
(delivery-log records), Crimestoppers reports and survey results, and a :class:`Truth`
listing everything it injected, so tests can check the analyses against it.

How an incident history is made
-------------------------------
Every real row (a map point, its location text, LSOA, crime type and outcome) stands for
half an incident a month (two real months). Month ``m``'s expected count of each real row is

    scale / 2 * season(m) * level_d(m) * trend_dt(m) * noise_d(m) * place(m)

* ``season``: ``1 + season_amplitude * cos(2 pi (month - 7) / 12)`` divided by its value in
  the real months' calendar month (July), so the real months keep their level;
* ``level_d``: the district's own year-on-year change between the two real months, as a
  steady monthly growth through the middle of them, so the expected level of each July
  equals the real one;
* ``trend_dt``: extra yearly trends of some (district, crime type) pairs (:data:`TRENDS`);
* ``noise_d``: a gamma month-and-district factor of mean 1 and coefficient of variation
  ``month_cv``: the two real months a year apart cannot measure month-to-month variation,
  so it is a parameter (5 %, the size of month-to-month changes of a district's total);
* ``place``: campaign effects on their cells and displacement into their buffer rings.

The count of each row is then Poisson, so the data keep the real map points (snapped
locations), LSOAs, crime mix and level. Injected hot spots add Poisson extra incidents
resampled from the real rows of their cell: **emerging** cells (quiet, then busy over the
last ``onset`` months), **intensifying** cells (busy all along, rising steadily), **fading**
cells (busy at first, back to quiet after the first third); **steady** cells are the
busiest real cells, left as they are, as places that are hot but neither emerge nor fade.

Every row is marked synthetic in the data itself: its ``Context`` column (empty in real
street files) holds :data:`CONTEXT`. Delivery records carry ``synthetic = True`` and the
outcome CSVs start with :data:`core.synthetic.SYNTHETIC_MARKER` naming this module.

Pure functions of the pattern rows and a seed; :mod:`cli.demo_history` writes the files and
the demo mode's first start builds the demonstration store from them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from core.settings import DISTRICTS, POLICE_UK_COLUMNS
from core.synthetic import SYNTHETIC_LABEL, SYNTHETIC_MARKER
from geo import hexes
from geo.police_uk import Source
from models.communities import is_street
from records.delivery_log import LOG_COLUMNS
from records.outcome_files import HISTORY_GENERATOR as GENERATOR

#: What the ``Context`` column of every synthetic row holds: the row's own synthetic mark.
CONTEXT = f"{SYNTHETIC_LABEL} (models/demo_history.py)"

#: Injected yearly trends of some crime types in some districts: (district, crime type) ->
#: change a year as a share (0.3 = 30 % more each year), on top of the district's level.
TRENDS: Mapping[tuple[str, str], float] = {
    ("Leeds", "Drugs"): 0.35,
    ("Bradford", "Burglary"): -0.25,
    ("Kirklees", "Vehicle crime"): 0.30,
    ("Wakefield", "Criminal damage and arson"): -0.30,
}


@dataclasses.dataclass(frozen=True)
class CampaignSpec:
    """A demonstration campaign to inject.

    Attributes
    ----------
    district : str
        Where it is (its centre cell is one of the district's busy cells).
    start_offset : int
        Months from the first month of the history to its first delivery.
    effect : float
        Change of incidents in its cells after the start month, as a share (-0.25 = a
        quarter fewer; 0 = a campaign with no effect). The start month gets half of it.
    buffer_change : float
        Change in the ring of ``buffer_rings`` cells around it after the start (positive:
        displacement into the buffer).
    kinds : tuple of str
        Deliveries recorded: ``flyer_drop`` and/or ``facebook_live``.
    crimestoppers_change : float
        Change of Crimestoppers reports in its district after the start (a share).
    survey_change : float
        Change of the share confident in its district after the start (points, 0.05 = 5).
    """

    district: str
    start_offset: int
    effect: float
    buffer_change: float = 0.0
    kinds: tuple[str, ...] = ("flyer_drop", "facebook_live")
    crimestoppers_change: float = 0.0
    survey_change: float = 0.0


#: The default campaigns: two that work, one with no effect, one with displacement.
CAMPAIGNS: tuple[CampaignSpec, ...] = (
    CampaignSpec("Leeds", 18, -0.30, crimestoppers_change=0.25, survey_change=0.06),
    CampaignSpec("Bradford", 20, 0.0, kinds=("facebook_live",)),
    CampaignSpec("Kirklees", 22, -0.35, buffer_change=0.30, crimestoppers_change=0.20),
    CampaignSpec("Wakefield", 24, -0.25, kinds=("flyer_drop",)),
)


@dataclasses.dataclass(frozen=True)
class DemoParams:
    """Choices of the generator.

    Attributes
    ----------
    seed : int
        Seed of every random choice.
    last_month : str
        ``YYYY-MM`` of the newest month (default the newest real month, July 2017).
    months : int
        Consecutive months generated, ending at ``last_month``.
    scale : float
        Level as a share of the real one (tests use less to run faster).
    season_amplitude : float
        Relative height of the seasonal peak (July) above the mean.
    month_cv : float
        Coefficient of variation of the month-and-district noise factor.
    resolution : int
        H3 resolution of the injected places and campaign cells (9: about 0.1 km²).
    n_emerging, n_intensifying, n_fading, n_steady : int
        Places of each kind.
    emerging_extra : float
        Extra incidents a month of an emerging place (a cell and its first ring) once it has
        emerged (at ``scale`` 1; a real top-1 % cell has about 40 a month).
    intensifying_extra : float
        Extra incidents a month of an intensifying place at the end (rising steadily from
        half of it in the first month).
    fading_extra : float
        Extra incidents a month of a fading place at the start (falling to 0).
    campaign_rings : int
        Rings of cells around a campaign's centre cell that it covers.
    buffer_rings : int
        Width of the displacement buffer ring around a campaign (the Impact page's WDQ ring).
    campaigns : tuple of CampaignSpec
        The campaigns to inject.
    trends : mapping
        (district, crime type) -> yearly change (:data:`TRENDS`).
    """

    seed: int = 2017
    last_month: str = "2017-07"
    months: int = 36
    scale: float = 1.0
    season_amplitude: float = 0.08
    month_cv: float = 0.05
    resolution: int = 9
    n_emerging: int = 6
    n_intensifying: int = 5
    n_fading: int = 4
    n_steady: int = 5
    emerging_extra: float = 90.0
    intensifying_extra: float = 120.0
    fading_extra: float = 90.0
    campaign_rings: int = 1
    buffer_rings: int = 2
    campaigns: tuple[CampaignSpec, ...] = CAMPAIGNS
    trends: Mapping[tuple[str, str], float] = dataclasses.field(default_factory=lambda: dict(TRENDS))

    def month_list(self) -> list[str]:
        """The generated months, oldest first."""
        periods = pd.period_range(end=pd.Period(self.last_month, "M"), periods=self.months, freq="M")
        return [str(p) for p in periods]


@dataclasses.dataclass(frozen=True)
class Place:
    """An injected (or, for ``steady``, an untouched) hot-spot place.

    Attributes
    ----------
    kind : str
        ``emerging``, ``intensifying``, ``fading`` or ``steady``.
    cell : int
        Its centre H3 cell (at :attr:`DemoParams.resolution`).
    cells : tuple of int
        The cell and its first ring, where its extra incidents fall (real map points there).
    district : str
        Its district.
    onset : str
        ``YYYY-MM``: the first busy month (emerging), the month it is quiet again (fading),
        the first month (intensifying, steady).
    extra : float
        Extra incidents a month at its peak over its cells (0 for steady places).
    """

    kind: str
    cell: int
    district: str
    onset: str
    extra: float
    cells: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class CampaignTruth:
    """An injected campaign, as recorded in the delivery log and as injected.

    Attributes
    ----------
    community_id, community_name, district : str
        As recorded with its deliveries.
    cells : tuple of int
        Its cells (recorded with the deliveries).
    buffer : tuple of int
        The ring of ``buffer_rings`` cells around it.
    start_month : str
        ``YYYY-MM`` of its first delivery.
    effect, buffer_change, crimestoppers_change, survey_change : float
        As in :class:`CampaignSpec`.
    kinds : tuple of str
        Deliveries recorded.
    """

    community_id: str
    community_name: str
    district: str
    cells: tuple[int, ...]
    buffer: tuple[int, ...]
    start_month: str
    effect: float
    buffer_change: float
    crimestoppers_change: float
    survey_change: float
    kinds: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Truth:
    """Everything the generator injected.

    Attributes
    ----------
    seed : int
        The seed.
    months : tuple of str
        The generated months, oldest first.
    resolution : int
        H3 resolution of the places and campaign cells.
    places : tuple of Place
        Hot-spot places by kind.
    campaigns : tuple of CampaignTruth
        The campaigns.
    trends : mapping
        (district, crime type) -> injected yearly change (a share), beyond the district level.
    district_growth : mapping
        District -> yearly change of its level (a share), from the two real months.
    """

    seed: int
    months: tuple[str, ...]
    resolution: int
    places: tuple[Place, ...]
    campaigns: tuple[CampaignTruth, ...]
    trends: Mapping[tuple[str, str], float]
    district_growth: Mapping[str, float]

    def cells_of(self, kind: str) -> list[int]:
        """The cells of the places of one kind."""
        return [p.cell for p in self.places if p.kind == kind]

    def touched_cells(self) -> set[int]:
        """Every cell an injected place or campaign changes (a place's cells, a campaign's
        cells and buffer): the district trends hold outside them."""
        places = {c for p in self.places for c in (p.cells or (p.cell,))}
        return places | {c for t in self.campaigns for c in (*t.cells, *t.buffer)}

    def yearly_change(self, district: str, crime_type: str) -> float:
        """Expected change a year of one crime type in one district (a share), outside the
        :meth:`touched_cells`."""
        growth = (1 + self.district_growth.get(district, 0.0)) * (1 + self.trends.get((district, crime_type), 0.0))
        return growth - 1


@dataclasses.dataclass(frozen=True)
class DemoHistory:
    """The generated data and its truth.

    Attributes
    ----------
    incidents : pandas.DataFrame
        Street-level rows in :data:`core.settings.POLICE_UK_COLUMNS` (all text), each with
        ``Context`` = :data:`CONTEXT`.
    deliveries : pandas.DataFrame
        Delivery-log records (:data:`records.delivery_log.LOG_COLUMNS`), ``synthetic`` True.
    crimestoppers : pandas.DataFrame
        ``district``, ``month``, ``reports``.
    survey : pandas.DataFrame
        ``district``, ``quarter`` (``YYYY-Qn``), ``respondents``, ``confident``.
    truth : Truth
        What was injected.
    """

    incidents: pd.DataFrame
    deliveries: pd.DataFrame
    crimestoppers: pd.DataFrame
    survey: pd.DataFrame
    truth: Truth


# --------------------------------------------------------------------------- the pattern
@dataclasses.dataclass(frozen=True)
class Pattern:
    """The real rows prepared once: each row's district, cell and crime type codes."""

    rows: pd.DataFrame
    district: np.ndarray  # district name per row ("" outside the five or unmapped)
    cell: np.ndarray  # int64 cell per row at the resolution (0 unmapped)
    real_months: tuple[str, ...]


def prepare_pattern(rows: pd.DataFrame, resolution: int = 9) -> Pattern:
    """Prepare real street rows (text columns as published) as the generator's pattern.

    Parameters
    ----------
    rows : pandas.DataFrame
        Real data.police.uk street rows with at least the columns of
        :data:`core.settings.POLICE_UK_COLUMNS` (as text; empty text for missing values).
    resolution : int
        H3 resolution of the cells.
    """
    frame = rows[list(POLICE_UK_COLUMNS)].fillna("").astype(str).reset_index(drop=True)
    lon = pd.to_numeric(frame["Longitude"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(frame["Latitude"], errors="coerce").to_numpy(dtype=float)
    cell = hexes.latlng_to_cells(lat, lon, resolution)
    prefix = frame["LSOA name"].str.rsplit(" ", n=1).str[0]
    district = np.where(prefix.isin(list(DISTRICTS.values())), prefix, "")
    return Pattern(frame, district.astype(str), np.asarray(cell, dtype=np.int64), tuple(sorted(set(frame["Month"]))))


def district_growth(pattern: Pattern) -> dict[str, float]:
    """Each district's yearly change of level between the first and last real month (a share);
    0 when the real months are not a year apart."""
    first, last = pattern.real_months[0], pattern.real_months[-1]
    years = (pd.Period(last, "M") - pd.Period(first, "M")).n / 12
    out = {}
    for name in DISTRICTS.values():
        mine = pattern.district == name
        a = int((mine & (pattern.rows["Month"] == first).to_numpy()).sum())
        b = int((mine & (pattern.rows["Month"] == last).to_numpy()).sum())
        out[name] = (b / a) ** (1 / years) - 1 if years > 0 and a > 0 and b > 0 else 0.0
    return out


# --------------------------------------------------------------------------- choosing places
def _cell_counts(pattern: Pattern) -> pd.DataFrame:
    mapped = (pattern.cell != 0) & (pattern.district != "")
    frame = pd.DataFrame({"cell": pattern.cell[mapped], "district": pattern.district[mapped]})
    counts = frame.groupby(["cell", "district"]).size().rename("n").reset_index()
    counts = counts.sort_values(["n", "cell"], ascending=[False, True]).drop_duplicates("cell").reset_index(drop=True)
    n_of = dict(zip(counts["cell"].tolist(), counts["n"].tolist()))
    counts["disk_n"] = [sum(n_of.get(c, 0) for c in hexes.cells_to_disk([cell], 1)) for cell in counts["cell"].tolist()]
    return counts


class _Picker:
    """Chooses cells that keep apart from every cell chosen before (``gap`` rings)."""

    def __init__(self, counts: pd.DataFrame, rng: np.random.Generator, gap: int) -> None:
        self.counts = counts
        self.rng = rng
        self.gap = gap
        self.blocked: set[int] = set()

    def take(
        self,
        low: float,
        high: float,
        district: str | None = None,
        reach: int = 0,
        column: str = "n",
        gap: int | None = None,
    ) -> int:
        """A random free cell with ``low <= real rows <= high`` in itself (``column`` "n") or
        in it and its first ring ("disk_n"), in ``district``; block its disk of ``reach + gap``
        rings."""
        c = self.counts
        ok = (c[column] >= low) & (c[column] <= high) & ~c["cell"].isin(list(self.blocked))
        if district:
            ok &= c["district"] == district
        candidates = c.loc[ok, "cell"].to_numpy()
        order = self.rng.permutation(len(candidates))
        for i in order:
            cell = int(candidates[i])
            disk = hexes.cells_to_disk([cell], reach + (self.gap if gap is None else gap))
            if not disk & self.blocked:
                self.blocked |= disk
                return cell
        raise ValueError(f"no free cell with {low} to {high} real rows{' in ' + district if district else ''}")


def choose_places(pattern: Pattern, params: DemoParams, rng: np.random.Generator) -> tuple[list[Place], list[int]]:
    """The hot-spot places and the campaigns' centre cells, all well apart.

    Campaign centres are among the busiest cells of their district (a place a campaign
    would target); emerging and fading places are quiet real cells; intensifying places
    are moderately busy ones; steady places are the busiest remaining cells.
    """
    counts = _cell_counts(pattern)
    months = params.month_list()
    picker = _Picker(counts, rng, gap=params.buffer_rings + 3)
    reach = params.campaign_rings + params.buffer_rings
    centres = []
    for spec in params.campaigns:
        busy = counts.loc[counts["district"] == spec.district, "n"]
        centres.append(picker.take(float(busy.quantile(0.995)), math.inf, spec.district, reach))
    places: list[Place] = []
    districts = list(DISTRICTS.values())
    top = float(counts["n"].quantile(0.99))
    for _ in range(params.n_steady):
        cell = picker.take(top, math.inf, gap=1)
        places.append(Place("steady", cell, _district_of(counts, cell), months[0], 0.0))
    for i in range(params.n_emerging):
        cell = picker.take(4, 16, districts[i % len(districts)], 1, "disk_n")
        onset = months[len(months) - int(rng.integers(3, 8))]
        places.append(_place("emerging", cell, counts, onset, params.emerging_extra))
    for i in range(params.n_intensifying):
        cell = picker.take(10, 40, districts[(i + 2) % len(districts)], 1, "disk_n")
        places.append(_place("intensifying", cell, counts, months[0], params.intensifying_extra))
    for i in range(params.n_fading):
        cell = picker.take(4, 16, districts[(i + 4) % len(districts)], 1, "disk_n")
        places.append(_place("fading", cell, counts, months[len(months) // 3], params.fading_extra))
    return places, centres


def _place(kind: str, cell: int, counts: pd.DataFrame, onset: str, extra: float) -> Place:
    disk = tuple(sorted(hexes.cells_to_disk([cell], 1)))
    return Place(kind, cell, _district_of(counts, cell), onset, extra, disk)


def _district_of(counts: pd.DataFrame, cell: int) -> str:
    return str(counts.loc[counts["cell"] == cell, "district"].iloc[0])


def place_extra(place: Place, months: Sequence[str]) -> np.ndarray:
    """Extra expected incidents a month of a place, per month (before ``scale`` and season)."""
    n = len(months)
    index = months.index(place.onset) if place.onset in months else 0
    if place.kind == "emerging":
        return np.where(np.arange(n) >= index, place.extra, 0.0)
    if place.kind == "intensifying":
        return place.extra * (1 + np.arange(n) / max(n - 1, 1)) / 2
    if place.kind == "fading":
        return place.extra * np.clip(1 - np.arange(n) / max(index, 1), 0, 1)
    return np.zeros(n)


def campaign_truths(
    pattern: Pattern, params: DemoParams, centres: Sequence[int], months: Sequence[str]
) -> list[CampaignTruth]:
    """The campaigns at their centre cells: cells, buffer ring, name and id from the real
    rows there (the most frequent street and LSOA)."""
    out = []
    for spec, centre in zip(params.campaigns, centres):
        cells = sorted(hexes.cells_to_disk([int(centre)], params.campaign_rings))
        buffer = sorted(hexes.cells_to_disk(cells, params.buffer_rings) - set(cells))
        rows = pattern.rows.loc[np.isin(pattern.cell, cells)]
        streets = rows["Location"].str.removeprefix("On or near ")
        named = streets[[is_street(x) for x in streets]]
        street = (named if len(named) else streets).mode().iloc[0]
        lsoa = rows["LSOA code"].mode().iloc[0]
        out.append(
            CampaignTruth(
                community_id=f"HC-{lsoa}",
                community_name=f"{street} area",
                district=spec.district,
                cells=tuple(int(c) for c in cells),
                buffer=tuple(int(c) for c in buffer),
                start_month=months[spec.start_offset],
                effect=spec.effect,
                buffer_change=spec.buffer_change,
                crimestoppers_change=spec.crimestoppers_change,
                survey_change=spec.survey_change,
                kinds=spec.kinds,
            )
        )
    return out


# --------------------------------------------------------------------------- incidents
def season(months: Sequence[str], amplitude: float) -> np.ndarray:
    """Seasonal factor per month: ``1 + amplitude * cos(2 pi (month - 7) / 12)`` (1 + amplitude
    in July, 1 - amplitude in January)."""
    calendar = np.array([pd.Period(m, "M").month for m in months])
    return 1 + amplitude * np.cos(2 * np.pi * (calendar - 7) / 12)


def expected_counts(
    pattern: Pattern,
    params: DemoParams,
    months: Sequence[str],
    growth: Mapping[str, float],
    campaigns: Sequence[CampaignTruth],
    rng: np.random.Generator,
) -> np.ndarray:
    """Expected incidents (rows x months) of each real row in each month, noise included
    (see the module's notes)."""
    ordinals = np.array([pd.Period(m, "M").ordinal for m in months], dtype=float)
    mid = np.mean([pd.Period(m, "M").ordinal for m in pattern.real_months])
    years = (ordinals - mid) / 12
    rows = pattern.rows
    yearly = np.zeros(len(rows))  # log growth a year
    for district, g in growth.items():
        yearly[pattern.district == district] += math.log1p(g)
    for (district, crime_type), r in params.trends.items():
        yearly[(pattern.district == district) & (rows["Crime type"] == crime_type).to_numpy()] += math.log1p(r)
    # each real row stands for 1 / (real months) incident a month in the real months' season
    seasonal = season(months, params.season_amplitude) / season(pattern.real_months, params.season_amplitude).mean()
    per_row = params.scale / len(pattern.real_months)
    mean = per_row * np.exp(yearly[:, None] * years[None, :]) * seasonal[None, :]
    shape = 1 / params.month_cv**2
    for group in np.unique(pattern.district):
        noise = rng.gamma(shape, 1 / shape, size=len(months))
        mean[pattern.district == group] *= noise[None, :]
    for c in campaigns:
        start = months.index(c.start_month)
        step = np.zeros(len(months))
        step[start] = 0.5
        step[start + 1 :] = 1.0
        mean[np.isin(pattern.cell, c.cells)] *= (1 + c.effect * step)[None, :]
        mean[np.isin(pattern.cell, c.buffer)] *= (1 + c.buffer_change * step)[None, :]
    return np.asarray(mean, dtype=float)


def draw_rows(
    pattern: Pattern,
    params: DemoParams,
    months: Sequence[str],
    mean: np.ndarray,
    places: Sequence[Place],
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Real-row indices and month indices of every generated incident: Poisson counts of
    each row, then the places' extra incidents drawn from the real rows of their cell."""
    counts = rng.poisson(mean)
    row_idx, month_idx = np.nonzero(counts)
    reps = counts[row_idx, month_idx]
    rows = [np.repeat(row_idx, reps)]
    when = [np.repeat(month_idx, reps)]
    seasonal = season(months, params.season_amplitude)
    for place in places:
        extra = rng.poisson(place_extra(place, months) * params.scale * seasonal)
        own = np.flatnonzero(np.isin(pattern.cell, place.cells or (place.cell,)))
        if extra.sum() == 0 or not len(own):
            continue
        rows.append(own[rng.integers(0, len(own), size=int(extra.sum()))])
        when.append(np.repeat(np.arange(len(months)), extra))
    return np.concatenate(rows), np.concatenate(when)


def crime_ids(has_id: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """64-character hexadecimal ids where ``has_id`` (anti-social behaviour has none)."""
    n = int(has_id.sum())
    text = rng.bytes(32 * n).hex()
    out = np.full(len(has_id), "", dtype=object)
    out[has_id] = [text[64 * i : 64 * (i + 1)] for i in range(n)]
    return out


def incident_rows(
    pattern: Pattern, months: Sequence[str], rows: np.ndarray, when: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """The generated street rows, in the published columns, sorted by month; every row's
    ``Context`` is :data:`CONTEXT`."""
    order = np.lexsort((rows, when))
    rows, when = rows[order], when[order]
    frame = pattern.rows.iloc[rows].reset_index(drop=True)
    frame["Month"] = np.asarray(months, dtype=object)[when]
    frame["Crime ID"] = crime_ids((pattern.rows["Crime ID"].to_numpy()[rows] != ""), rng)
    frame["Context"] = CONTEXT
    return frame[list(POLICE_UK_COLUMNS)]


# --------------------------------------------------------------------------- records
def delivery_records(truths: Sequence[CampaignTruth], pattern: Pattern, params: DemoParams) -> pd.DataFrame:
    """The campaigns' deliveries as delivery-log records, each ``synthetic``: a flyer drop
    on the 10th of the start month and Facebook Live sessions on the 16th and the 23rd."""
    rng = np.random.default_rng(params.seed + 3)
    records = []
    for c in truths:
        lsoas = ";".join(sorted(set(pattern.rows.loc[np.isin(pattern.cell, c.cells), "LSOA code"]) - {""}))
        days = [("flyer_drop", 10)] if "flyer_drop" in c.kinds else []
        days += [("facebook_live", 16), ("facebook_live", 23)] if "facebook_live" in c.kinds else []
        for kind, day in days:
            date = f"{c.start_month}-{day:02d}"
            flyer = kind == "flyer_drop"
            records.append(
                {
                    "record_id": rng.bytes(6).hex(),
                    "kind": kind,
                    "planned_item": "",
                    "date": date,
                    "community_id": c.community_id,
                    "community_name": c.community_name,
                    "district": c.district,
                    "lsoa_codes": lsoas,
                    "cells": ";".join(str(x) for x in c.cells),
                    "resolution": params.resolution,
                    "flyers": int(rng.integers(15, 40)) * 100 if flyer else 0,
                    "live_viewers": 0 if flyer else int(rng.integers(80, 400)),
                    "later_views": 0 if flyer else int(rng.integers(500, 3000)),
                    "comments": 0 if flyer else int(rng.integers(5, 60)),
                    "outlet": "",
                    "title": "",
                    "spoc": "",
                    "recorded_by": f"synthetic demonstration ({GENERATOR})",
                    "recorded_at": f"{date}T18:00:00+00:00",
                    "edited_by": "",
                    "edited_at": "",
                    "synthetic": True,
                }
            )
    frame = pd.DataFrame(records, columns=LOG_COLUMNS)
    return frame.astype({c: "int64" for c in ("resolution", "flyers", "live_viewers", "later_views", "comments")})


#: Usual residents per district (census 2011), the scale of the Crimestoppers reports.
RESIDENTS: Mapping[str, int] = {
    "Bradford": 522_452,
    "Calderdale": 203_826,
    "Kirklees": 422_458,
    "Leeds": 751_485,
    "Wakefield": 325_837,
}


def crimestoppers(months: Sequence[str], truths: Sequence[CampaignTruth], params: DemoParams) -> pd.DataFrame:
    """Invented Crimestoppers reports a month per district (about 25 per 100,000 residents,
    seasonal, negative-binomial), raised after a campaign by its ``crimestoppers_change``."""
    rng = np.random.default_rng(params.seed + 1)
    seasonal = season(months, params.season_amplitude / 2)
    rows: list[dict[str, object]] = []
    for district, residents in RESIDENTS.items():
        lift = np.ones(len(months))
        for c in truths:
            if c.district == district and c.crimestoppers_change:
                lift[[m > c.start_month for m in months]] *= 1 + c.crimestoppers_change
        mean = residents / 100_000 * 25.0 * seasonal * lift
        reports = rng.poisson(rng.gamma(100.0, mean / 100.0))
        rows.extend({"district": district, "month": m, "reports": int(r)} for m, r in zip(months, reports))
    return pd.DataFrame(rows, columns=["district", "month", "reports"])


def survey(months: Sequence[str], truths: Sequence[CampaignTruth], params: DemoParams) -> pd.DataFrame:
    """Invented confidence-survey results by district and quarter (about 300 respondents,
    62-76 % confident), raised after a campaign by its ``survey_change`` (points)."""
    rng = np.random.default_rng(params.seed + 2)
    quarters = pd.period_range(pd.Period(months[0], "M").asfreq("Q"), pd.Period(months[-1], "M").asfreq("Q"), freq="Q")
    rows = []
    for district in RESIDENTS:
        base = rng.uniform(0.62, 0.76)
        for q in quarters:
            share = base + sum(
                c.survey_change
                for c in truths
                if c.district == district and q > pd.Period(c.start_month, "M").asfreq("Q")
            )
            n = int(rng.integers(250, 351))
            rows.append(
                {
                    "district": district,
                    "quarter": f"{q.year}-Q{q.quarter}",
                    "respondents": n,
                    "confident": int(rng.binomial(n, min(share, 0.99))),
                }
            )
    return pd.DataFrame(rows, columns=["district", "quarter", "respondents", "confident"])


# --------------------------------------------------------------------------- the whole
def generate(pattern: Pattern, params: DemoParams = DemoParams()) -> DemoHistory:
    """Make a demonstration history from a prepared pattern (:func:`prepare_pattern`).

    Parameters
    ----------
    pattern : Pattern
        The real rows.
    params : DemoParams
        The generator's choices, seed included.

    Returns
    -------
    DemoHistory
        The incidents, delivery records, outcome tables and the :class:`Truth`.
    """
    rng = np.random.default_rng(params.seed)
    months = params.month_list()
    growth = district_growth(pattern)
    places, centres = choose_places(pattern, params, rng)
    truths = campaign_truths(pattern, params, centres, months)
    mean = expected_counts(pattern, params, months, growth, truths, rng)
    rows, when = draw_rows(pattern, params, months, mean, places, rng)
    truth = Truth(
        seed=params.seed,
        months=tuple(months),
        resolution=params.resolution,
        places=tuple(places),
        campaigns=tuple(truths),
        trends=dict(params.trends),
        district_growth=growth,
    )
    return DemoHistory(
        incidents=incident_rows(pattern, months, rows, when, rng),
        deliveries=delivery_records(truths, pattern, params),
        crimestoppers=crimestoppers(months, truths, params),
        survey=survey(months, truths, params),
        truth=truth,
    )


def month_csv(incidents: pd.DataFrame, month: str) -> bytes:
    """One month's rows as a data.police.uk street CSV (UTF-8, the published header)."""
    return str(incidents.loc[incidents["Month"] == month].to_csv(index=False)).encode("utf-8")


def street_sources(incidents: pd.DataFrame, months: Sequence[str]) -> list[Source]:
    """Each month's rows as an in-memory street CSV for the production ingest
    (:func:`geo.ingest.ingest_files`), labelled ``demo_history/YYYY-MM-west-yorkshire-street.csv``."""
    return [
        Source(f"demo_history/{m}-west-yorkshire-street.csv", Path(f"{m}.csv"), None, month_csv(incidents, m))
        for m in months
    ]


def outcome_csv(frame: pd.DataFrame, seed: int) -> bytes:
    """An outcome table as a file: the marker line naming this generator, then the CSV."""
    head = f"{SYNTHETIC_MARKER} - not real outcome data. Made by {GENERATOR}, seed {seed}\n"
    return (head + str(frame.to_csv(index=False))).encode("utf-8")


def is_synthetic_context(context: pd.Series) -> pd.Series:
    """Which rows carry the synthetic mark in their ``Context`` (stored ``context``) column."""
    return context.astype(str).str.startswith(SYNTHETIC_LABEL)


def cells_of(incidents: pd.DataFrame, resolution: int) -> np.ndarray:
    """The H3 cell (int64, 0 unmapped) of each generated street row, from its coordinates."""
    lon = pd.to_numeric(incidents["Longitude"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(incidents["Latitude"], errors="coerce").to_numpy(dtype=float)
    return np.asarray(hexes.latlng_to_cells(lat, lon, resolution), dtype=np.int64)
