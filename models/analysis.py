"""The county analysis every page, command and benchmark runs: one place, one name.

A period's hot spots are found over the whole county (Gi* and communities, see
:func:`models.pipeline.analyse_hotspots`), and communities that mostly overlap one of the
earlier comparable period's (:func:`models.trends.earlier_period`, found with fast
analytical inference) keep its id (:func:`models.pipeline.keep_earlier_ids`). A district's
view is that county analysis seen in the district (:func:`models.pipeline.select_districts`),
so a community has the same id and name on every page and in every export.

The inputs come through a :class:`Sources` object: :class:`FrameSources` for frames already
read (command-line tools, benchmarks, tests), and the app's cached loaders in ``ui.cache``.
Nothing here reads files or draws.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

import geopandas as gpd
import pandas as pd
from libpysal.weights import W

from geo import hexes
from geo.schemas import H3_COLUMNS
from models import areas, counts, emerging, hotspots, pipeline, trends
from models.counts import Filters
from models.pipeline import HotspotAnalysis, HotspotParams

__all__ = [
    "COMMUNITY_COLUMNS",
    "DEFAULT_PERIODS",
    "RULES",
    "FrameSources",
    "Sources",
    "community_rows",
    "county_analysis",
    "county_emerging",
    "default_requests",
    "district_analysis",
    "precompute",
]

#: Version of the rules of :func:`county_analysis`: what a period's analysis holds and on
#: which areas. Kept results of another version are never shown (``services.analyses``
#: keys them with it), so bump it whenever the rules change what a page would show.
#: 2: a period published wholly on 2021 LSOAs is analysed on them.
RULES = 2

#: The periods analysed as soon as data lands (:func:`precompute`): the latest month, the
#: latest 3 and the latest 12 stored months (as the sidebar's period choices count them).
DEFAULT_PERIODS: tuple[int, ...] = (1, 3, 12)

#: The columns of the ranked communities table, as the Hotspot communities page shows them.
COMMUNITY_COLUMNS = (
    "rank",
    "community_id",
    "name",
    "districts",
    "incidents",
    "harm",
    "residents",
    "households",
    "n_cells",
    "area_km2",
    "top_crime_types",
)


@dataclasses.dataclass(frozen=True)
class PeriodAreas:
    """The areas a period is analysed on.

    Attributes
    ----------
    generation : str
        ``"2021"`` when every month of the period was published on the 2021 LSOAs
        (:func:`models.areas.period_on_2021_areas`), else ``"2011"``.
    grid : pandas.DataFrame
        The grid (its cells and districts are the same in both generations; its
        ``lsoa_code``, ``msoa_code`` and ``msoa_name`` are the generation's).
    lsoas : geopandas.GeoDataFrame
        The generation's LSOAs with ``persons`` and ``households`` of the census the
        period's shares use.
    """

    generation: str
    grid: pd.DataFrame
    lsoas: gpd.GeoDataFrame


@dataclasses.dataclass(frozen=True, eq=False)
class Areas2021:
    """What a period of months published on the 2021 LSOAs is analysed with.

    Attributes
    ----------
    lsoas : geopandas.GeoDataFrame
        :func:`models.areas.lsoas_2021_frame` (census 2021 figures once loaded, else census
        2011 put on the 2021 areas).
    lookup : pandas.DataFrame
        The LSOA 2011-2021 lookup (``LSOA11CD``, ``LSOA21CD``).
    month_generations : Mapping[str, str]
        Stored month -> its recorded generation (``geo.store.Store.month_generations``).
    from_month : str
        ``settings.lsoa2021_from_month`` (months stored before generations were recorded).
    """

    lsoas: gpd.GeoDataFrame
    lookup: pd.DataFrame
    month_generations: Mapping[str, str]
    from_month: str

    def covers(self, months: Sequence[str]) -> bool:
        """Whether a period is analysed on these areas."""
        return areas.period_on_2021_areas(self.month_generations, months, self.from_month)

    def grid(self, grid11: pd.DataFrame, resolution: int) -> pd.DataFrame:
        """The 2011 grid with its cells' 2021 LSOAs (:func:`models.areas.grid_on_2021_areas`)."""
        return areas.grid_on_2021_areas(grid11, hexes.lsoas_to_grid(self.lsoas, resolution), self.lookup, self.lsoas)


class Sources(Protocol):
    """What an analysis reads, by value (each call may be served from a cache)."""

    def filtered(self, filters: Filters) -> pd.DataFrame:
        """Stored incidents passing ``filters`` (read-only)."""
        ...

    def grid(self, resolution: int) -> pd.DataFrame:
        """The H3 grid of the five districts at ``resolution`` (column ``cell``, ``district``)."""
        ...

    def lsoas(self) -> gpd.GeoDataFrame:
        """LSOA polygons with census figures (EPSG:4326)."""
        ...

    def period_areas(self, months: Sequence[str], resolution: int) -> PeriodAreas:
        """The areas a period is analysed on (:class:`PeriodAreas`): its grid's LSOAs and the
        LSOAs with the residents and households of the census its shares use."""
        ...

    def harm_weights(self) -> Mapping[str, float]:
        """Crime type -> harm weight."""
        ...

    def ring_weights(self, resolution: int, k: int) -> W:
        """Gi* ring weights of :meth:`grid` (``k`` rings)."""
        ...

    def stored_months(self) -> Sequence[str]:
        """Every month stored, ``YYYY-MM``, oldest first."""
        ...


@dataclasses.dataclass(frozen=True, eq=False)
class FrameSources:
    """:class:`Sources` over frames already in memory; the grid and weights are made once.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Every stored incident (as ``geo.store.Store.read_incidents`` returns them).
    lsoa_frame : geopandas.GeoDataFrame
        LSOA polygons with census figures (``geo.boundaries.read_lsoas``).
    weights_by_type : Mapping[str, float]
        Crime type -> harm weight (``records.reference.read_harm_weights``).
    months : Sequence[str]
        Every stored month; default the months of ``incidents``.
    census2021 : pandas.DataFrame, optional
        Census 2021 ``persons`` and ``households`` on the 2011 LSOAs (index ``lsoa_code``,
        :func:`models.areas.census_on_2011_areas`), for periods whose census is 2021; None
        until both tables are loaded (census 2011 is then used).
    areas2021 : Areas2021, optional
        For periods published on the 2021 LSOAs; None analyses every period on 2011 areas.
    """

    incidents: pd.DataFrame
    lsoa_frame: gpd.GeoDataFrame
    weights_by_type: Mapping[str, float]
    months: Sequence[str] = ()
    census2021: pd.DataFrame | None = None
    areas2021: Areas2021 | None = None

    def filtered(self, filters: Filters) -> pd.DataFrame:
        return counts.filter_incidents(self.incidents, filters)

    @functools.cache  # noqa: B019 (one handle per command or test: the cache lives as long as it)
    def grid(self, resolution: int) -> pd.DataFrame:
        return hexes.lsoas_to_grid(self.lsoa_frame, resolution)

    def lsoas(self) -> gpd.GeoDataFrame:
        return self.lsoa_frame

    def period_areas(self, months: Sequence[str], resolution: int) -> PeriodAreas:
        if self.areas2021 is not None and self.areas2021.covers(months):
            return PeriodAreas("2021", self._grid2021(resolution), self.areas2021.lsoas)
        return PeriodAreas("2011", self.grid(resolution), lsoas_with_census(self.lsoa_frame, months, self.census2021))

    @functools.cache  # noqa: B019
    def _grid2021(self, resolution: int) -> pd.DataFrame:
        if self.areas2021 is None:  # never asked so: only for a period on 2021 areas
            return self.grid(resolution)
        return self.areas2021.grid(self.grid(resolution), resolution)

    def harm_weights(self) -> Mapping[str, float]:
        return self.weights_by_type

    @functools.cache  # noqa: B019
    def ring_weights(self, resolution: int, k: int) -> W:
        return hotspots.ring_weights(self.grid(resolution)["cell"].to_numpy(), k)

    def stored_months(self) -> Sequence[str]:
        if self.months:
            return list(self.months)
        return sorted(self.incidents["month"].astype(str).unique().tolist())


def lsoas_with_census(
    lsoas: gpd.GeoDataFrame, months: Sequence[str], census2021: pd.DataFrame | None
) -> gpd.GeoDataFrame:
    """The 2011 LSOAs with the residents and households of the census nearest the period's
    latest month: census 2021 put on the 2011 areas (``census2021``, see
    :func:`models.areas.census_on_2011_areas`) when that is 2021 and it is loaded, else
    ``lsoas`` itself (census 2011)."""
    if areas.period_census_year(months) != 2021 or census2021 is None:
        return lsoas
    out = lsoas.copy()
    figures = census2021.reindex(out["lsoa_code"])
    out["persons"] = figures["persons"].to_numpy()
    out["households"] = figures["households"].to_numpy()
    return out


def period_incidents(incidents: pd.DataFrame, period: PeriodAreas, resolution: int) -> pd.DataFrame:
    """A period's incidents with the LSOA codes and names of the areas it is analysed on
    (:meth:`Sources.period_areas`): as stored (2011) for a period on 2011 areas, else
    :func:`models.areas.incidents_on_2021_areas`."""
    if period.generation != "2021":
        return incidents
    return areas.incidents_on_2021_areas(incidents, period.grid, period.lsoas, H3_COLUMNS[resolution])


def _analyse(sources: Sources, filters: Filters, params: HotspotParams) -> HotspotAnalysis:
    period = sources.period_areas(filters.months, params.resolution)
    incidents = sources.filtered(filters)
    return pipeline.analyse_hotspots(
        period_incidents(incidents, period, params.resolution),
        period.grid,
        period.lsoas,
        sources.harm_weights(),
        params,
        sources.ring_weights(params.resolution, params.k),
    )


def county_analysis(sources: Sources, filters: Filters, params: HotspotParams) -> HotspotAnalysis:
    """Gi* and communities over the whole county for the filters' months and crime types.

    The filters' districts are ignored (the county is analysed whole). Communities that
    mostly overlap one of the earlier comparable period's keep its id; the earlier period
    is analysed with analytical inference (fast: only its communities' cells are used).

    Parameters
    ----------
    sources : Sources
        Where the incidents, grid, LSOAs, harm weights and ring weights come from.
    filters : Filters
        Months (``YYYY-MM``) and crime types; ``districts`` is ignored.
    params : HotspotParams
        Resolution, rings, permutations, seed, FDR, harm weighting, community parameters.

    Returns
    -------
    HotspotAnalysis
        The Gi* result and the named, ranked communities with their ids.
    """
    county = dataclasses.replace(filters, districts=())
    analysis = _analyse(sources, county, params)
    earlier = trends.earlier_period(county.months, list(sources.stored_months()))
    if not earlier:
        return analysis
    reference = _analyse(
        sources, dataclasses.replace(county, months=tuple(earlier)), dataclasses.replace(params, inference="analytical")
    )
    return pipeline.keep_earlier_ids(analysis, reference.communities)


def district_analysis(
    county: HotspotAnalysis, sources: Sources, districts: Sequence[str], resolution: int
) -> HotspotAnalysis:
    """The county analysis seen in ``districts`` (all five when empty): what a page shows.

    Parameters
    ----------
    county : HotspotAnalysis
        :func:`county_analysis` of the period.
    sources : Sources
        For the grid at ``resolution``.
    districts : Sequence[str]
        District names (e.g. ``"Leeds"``); empty for the whole county.
    resolution : int
        H3 resolution of ``county``.
    """
    return pipeline.select_districts(county, sources.grid(resolution), districts)


def community_rows(communities: gpd.GeoDataFrame) -> pd.DataFrame:
    """The ranked communities table as a page shows it: :data:`COMMUNITY_COLUMNS`, harm to
    one decimal place (harm-weighted incidents), area in square kilometres."""
    return pd.DataFrame(communities[list(COMMUNITY_COLUMNS)]).assign(harm=communities["harm"].round(1))


def default_requests(stored_months: Sequence[str], resolution: int = 9) -> list[tuple[Filters, HotspotParams]]:
    """The county analyses a user is most likely to open first: every crime type, the whole
    county, the sidebar's default statistics, for each of :data:`DEFAULT_PERIODS`.

    Each request is exactly what the pages ask :func:`county_analysis` for with the sidebar
    left at its defaults (``ui.filters``), so a stored result answers them. Periods that
    cover the same months are asked once.

    Parameters
    ----------
    stored_months : Sequence[str]
        Every month stored (``YYYY-MM``).
    resolution : int
        H3 resolution (default 9, about 0.1 km² a hexagon).
    """
    requests: list[tuple[Filters, HotspotParams]] = []
    seen: set[tuple[str, ...]] = set()
    for latest in DEFAULT_PERIODS:
        months = tuple(trends.latest_months(stored_months, latest, []))
        if months and months not in seen:
            seen.add(months)
            requests.append((Filters(months=months, resolution=resolution), HotspotParams(resolution=resolution)))
    return requests


def precompute(
    sources: Sources,
    save: Callable[[Filters, HotspotParams, HotspotAnalysis], None],
    have: Callable[[Filters, HotspotParams], bool] = lambda filters, params: False,
    resolution: int = 9,
) -> list[Filters]:
    """Run :func:`county_analysis` for each of :func:`default_requests` and hand each result
    to ``save`` (the caller stores it); requests ``have`` says are stored already are skipped.

    Returns
    -------
    list of Filters
        The requests computed now.
    """
    done: list[Filters] = []
    for filters, params in default_requests(sources.stored_months(), resolution):
        if have(filters, params):
            continue
        save(filters, params, county_analysis(sources, filters, params))
        done.append(filters)
    return done


def county_emerging(
    sources: Sources, crime_types: tuple[str, ...], resolution: int, harm_weighted: bool
) -> pd.DataFrame:
    """Emerging hot-spot category of every cell of the county grid: monthly Gi* over every
    stored month (a trend needs the long series, whatever the period shown) for the crime
    types (all when empty), :func:`models.emerging.emerging_hotspots`.

    Returns
    -------
    pandas.DataFrame
        ``cell`` and ``category`` (and the trend figures) of every grid cell at ``resolution``.
    """
    frame = sources.filtered(Filters(crime_types=crime_types, resolution=resolution))
    cells = sources.grid(resolution)["cell"].to_numpy()
    bins, z = pipeline.monthly_gi(
        frame,
        cells,
        resolution,
        list(sources.stored_months()),
        sources.ring_weights(resolution, 1),
        sources.harm_weights() if harm_weighted else None,
    )
    return emerging.emerging_hotspots(cells, bins, z)
