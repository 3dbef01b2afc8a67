"""Which areas and which census a period's figures are on (pure; no I/O).

Months are published on the LSOAs of their generation (2011, or 2021 since data.police.uk's
June 2023 change). A period whose every month was published on the 2021 LSOAs is analysed on
them (:func:`period_on_2021_areas`); any other period, and every series that crosses the
change, is analysed on the 2011 LSOAs, 2021 codes being put on them through the LSOA lookup
(:func:`geo.lsoa_lookup.on_2011_areas`). Residents and households should come from the
census nearest the month: census 2011 before the 2021 census (21 March 2021), census 2021
from then on. Census shares of a period (community residents and households, flyer counts)
use the census nearest its latest month (:func:`period_census_year`), put on the period's
areas through the lookup where the two differ (:func:`census_on_2011_areas`,
:func:`census_on_2021_areas`); :func:`households_source` says which in words.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

#: First month whose nearest census is census 2021 (held on 21 March 2021).
CENSUS_2021_FROM = "2021-03"


def generation_of_month(month: str, recorded: str, from_month: str) -> str:
    """A stored month's LSOA generation: the one its ingest recorded, else (months stored
    before generations were recorded) ``"2021"`` from ``from_month`` on, else ``"2011"``."""
    if recorded in ("2011", "2021"):
        return recorded
    return "2021" if month >= from_month else "2011"


def months_on_2021_areas(month_generations: Mapping[str, str], months: Sequence[str], from_month: str) -> list[str]:
    """The months of a period published with 2021 LSOAs, sorted.

    Parameters
    ----------
    month_generations : mapping of str to str
        Stored month -> recorded generation (:meth:`geo.store.Store.month_generations`).
    months : sequence of str
        The period (``YYYY-MM``).
    from_month : str
        ``settings.lsoa2021_from_month``.
    """
    return sorted(m for m in set(months) if generation_of_month(m, month_generations.get(m, ""), from_month) == "2021")


def census_year(month: str) -> int:
    """The census nearest a month: 2011 before March 2021, 2021 from then on."""
    return 2021 if month >= CENSUS_2021_FROM else 2011


def months_needing_census_2021(months: Sequence[str]) -> list[str]:
    """The months of a period whose nearest census is census 2021, sorted."""
    return sorted(m for m in set(months) if census_year(m) == 2021)


def district_residents(
    months: Sequence[str], census2011: Mapping[str, int], census2021: Mapping[str, int] | None
) -> dict[str, tuple[int, Mapping[str, int]]]:
    """Residents (or households) by district for each month, from the census nearest it.

    Parameters
    ----------
    months : sequence of str
        ``YYYY-MM``.
    census2011, census2021 : mapping of str to int
        District -> count of each census; ``census2021`` None until census 2021 is loaded
        (census 2011 is then used for every month).

    Returns
    -------
    dict
        Month -> (census year used, district -> count).
    """
    out: dict[str, tuple[int, Mapping[str, int]]] = {}
    for month in months:
        if census_year(month) == 2021 and census2021 is not None:
            out[month] = (2021, census2021)
        else:
            out[month] = (2011, census2011)
    return out


def period_census_year(months: Sequence[str]) -> int:
    """The census a period's census shares (community residents and households, flyer counts)
    use: the census nearest its latest month (2011 for an empty period)."""
    return census_year(max(months)) if months else 2011


def _apportion(values: pd.DataFrame, pairs: pd.DataFrame, weights: pd.DataFrame) -> pd.DataFrame:
    """Counts of one generation's areas (``values``, index code) shared out to the other's.

    ``pairs`` has ``source`` and ``target`` codes; each source count goes to its targets in
    proportion to ``weights`` (index target code, the same columns; equal shares where they
    are all zero). Returns every target of ``weights``, 0 where no source is paired.
    """
    out = pd.DataFrame(0.0, index=weights.index, columns=list(values.columns))
    for column in values.columns:
        weight = pairs["target"].map(weights[column]).fillna(0.0).to_numpy(dtype=float)
        total = pd.Series(weight).groupby(pairs["source"].to_numpy()).transform("sum").to_numpy()
        partners = pairs.groupby("source")["target"].transform("size").to_numpy()
        share = np.where(total > 0, weight / np.where(total > 0, total, 1.0), 1.0 / partners)
        moved = pairs["source"].map(values[column]).fillna(0.0).to_numpy(dtype=float) * share
        out[column] = pd.Series(moved).groupby(pairs["target"].to_numpy()).sum().reindex(out.index).fillna(0.0)
    return out.rename_axis("lsoa_code")


def census_on_2011_areas(census2021: pd.DataFrame, lookup: pd.DataFrame, census2011: pd.DataFrame) -> pd.DataFrame:
    """Census 2021 figures put on the 2011 LSOAs through the LSOA lookup.

    Each 2021 LSOA's count goes to the 2011 LSOAs it is paired with, in proportion to their
    census 2011 counts (equal shares where those are all zero): an unchanged area keeps its
    count, a 2011 area split in 2021 gets the sum of its parts, and a 2021 area merged from
    several 2011 ones is shared among them. Totals are kept exactly (before rounding).

    Parameters
    ----------
    census2021 : pandas.DataFrame
        ``lsoa_code`` (2021), ``persons``, ``households``.
    lookup : pandas.DataFrame
        ``LSOA11CD``, ``LSOA21CD`` pairs (``geo.lsoa_lookup.read_lookup``).
    census2011 : pandas.DataFrame
        ``lsoa_code`` (2011), ``persons``, ``households``: the shares' weights.

    Returns
    -------
    pandas.DataFrame
        Index ``lsoa_code`` (every 2011 code of ``census2011``), ``persons`` and
        ``households`` (float; 0 where no 2021 area is paired).
    """
    pairs = lookup[["LSOA21CD", "LSOA11CD"]].drop_duplicates().set_axis(["source", "target"], axis=1)
    columns = ["persons", "households"]
    return _apportion(
        census2021.set_index("lsoa_code")[columns].astype(float),
        pairs,
        census2011.set_index("lsoa_code")[columns].astype(float),
    )


def census_on_2021_areas(census2011: pd.DataFrame, lookup: pd.DataFrame, hectares2021: pd.Series) -> pd.DataFrame:
    """Census 2011 figures put on the 2021 LSOAs (for a period on 2021 areas before census
    2021 is loaded): an unchanged area keeps its count, a merged one gets the sum of its
    parts, and a split one is shared among its parts by their area in hectares.

    Parameters
    ----------
    census2011 : pandas.DataFrame
        ``lsoa_code`` (2011), ``persons``, ``households``.
    lookup : pandas.DataFrame
        ``LSOA11CD``, ``LSOA21CD`` pairs.
    hectares2021 : pandas.Series
        2021 LSOA code -> its area in hectares (the shares' weights).

    Returns
    -------
    pandas.DataFrame
        Index ``lsoa_code`` (every 2021 code of ``hectares2021``), ``persons``, ``households``.
    """
    pairs = lookup[["LSOA11CD", "LSOA21CD"]].drop_duplicates().set_axis(["source", "target"], axis=1)
    weights = pd.DataFrame({"persons": hectares2021, "households": hectares2021}).astype(float)
    return _apportion(census2011.set_index("lsoa_code")[["persons", "households"]].astype(float), pairs, weights)


def period_on_2021_areas(month_generations: Mapping[str, str], months: Sequence[str], from_month: str) -> bool:
    """Whether every month of a period was published on the 2021 LSOAs: such a period is
    analysed on them (its communities' LSOAs, drop zones and ids are 2021 codes); any other
    is analysed on the 2011 LSOAs, so that a series crossing the change counts one way."""
    wanted = sorted(set(months))
    return bool(wanted) and months_on_2021_areas(month_generations, wanted, from_month) == wanted


@dataclasses.dataclass(frozen=True)
class HouseholdsSource:
    """The areas of a period's drop zones and where their households come from, in words
    (:func:`households_source`); every drop-zone export states both.

    Attributes
    ----------
    areas : str
        The LSOA generation, ``"LSOA 2011"`` or ``"LSOA 2021"``.
    households : str
        The households' census and how it reached those areas, e.g. ``"census 2011"`` or
        ``"census 2011 put on the 2021 LSOAs by area size"``.
    """

    areas: str = "LSOA 2011"
    households: str = "census 2011"


#: Census 2011 households on the 2011 LSOAs: the drop zones of a period before the 2021 census.
HOUSEHOLDS_2011 = HouseholdsSource()


def households_source(on_2021_areas: bool, census_year: int) -> HouseholdsSource:
    """The areas of a period's drop zones and where their households come from, in words.

    Parameters
    ----------
    on_2021_areas : bool
        Whether the period is analysed on the 2021 LSOAs (:func:`period_on_2021_areas`).
    census_year : int
        The census of the period's households, 2011 or 2021 (:func:`period_census_year`
        once the census 2021 tables are loaded, else 2011).

    Returns
    -------
    HouseholdsSource
        The LSOA generation and the households' source, e.g. ``"census 2021 put on the 2011
        LSOAs"`` when the census and the areas differ.
    """
    areas = 2021 if on_2021_areas else 2011
    source = f"census {census_year}"
    if census_year != areas:
        how = " by area size" if areas == 2021 else ""
        source += f" put on the {areas} LSOAs{how}"
    return HouseholdsSource(f"LSOA {areas}", source)


def lsoas_2021_frame(
    lsoas21: gpd.GeoDataFrame,
    census2021: pd.DataFrame | None,
    census2011: pd.DataFrame,
    lookup: pd.DataFrame,
    crs_projected: str,
) -> gpd.GeoDataFrame:
    """The 2021 LSOAs in the columns of the 2011 ones (``geo.boundaries.LSOA_COLUMNS``), to
    analyse a period on them.

    Parameters
    ----------
    lsoas21 : geopandas.GeoDataFrame
        ``lsoa_code``, ``lsoa_name``, ``district_code``, ``district``, geometry (EPSG:4326).
    census2021 : pandas.DataFrame or None
        ``lsoa_code`` (2021), ``persons``, ``households`` once both census 2021 tables are
        loaded; None puts census 2011 on the 2021 areas (:func:`census_on_2021_areas`).
    census2011 : pandas.DataFrame
        The 2011 LSOAs' ``lsoa_code``, ``persons``, ``households``.
    lookup : pandas.DataFrame
        ``LSOA11CD``, ``LSOA21CD`` pairs.
    crs_projected : str
        A metric CRS for the areas in hectares (``"EPSG:27700"``).

    Notes
    -----
    ``msoa_name`` is the LSOA's name without its final letter (ONS names an LSOA after its
    MSOA: ``"Leeds 111A"`` is in ``"Leeds 111"``); ``msoa_code`` is left empty (the 2021 MSOA
    codes are not bundled).
    """
    out = lsoas21[["lsoa_code", "lsoa_name", "district_code", "district", "geometry"]].copy()
    out["msoa_code"] = ""
    out["msoa_name"] = out["lsoa_name"].astype(str).str[:-1].str.strip()
    out["hectares"] = (out.geometry.to_crs(crs_projected).area / 10_000).round(1).to_numpy()
    if census2021 is not None:
        figures = census2021.set_index("lsoa_code")[["persons", "households"]].astype(float)
    else:
        figures = census_on_2021_areas(census2011, lookup, out.set_index("lsoa_code")["hectares"])
    values = figures.reindex(out["lsoa_code"])
    out["persons"] = values["persons"].to_numpy()
    out["households"] = values["households"].to_numpy()
    columns = ["lsoa_code", "lsoa_name", "msoa_code", "msoa_name", "district_code", "district"]
    return gpd.GeoDataFrame(out[[*columns, "persons", "households", "hectares", "geometry"]], geometry="geometry")


def grid_on_2021_areas(
    grid11: pd.DataFrame, grid21: pd.DataFrame, lookup: pd.DataFrame, lsoas21: pd.DataFrame
) -> pd.DataFrame:
    """The 2011 grid's cells and districts (so Gi* is the same), with the LSOA and MSOA of
    each cell from the 2021 areas (``grid21``: :func:`geo.hexes.lsoas_to_grid` of the 2021
    LSOAs, ``lsoas21``: :func:`lsoas_2021_frame`). A cell whose centre the 2021 polygons miss
    (their edges differ slightly) takes the first 2021 area of its 2011 LSOA."""
    on21 = grid21.set_index("cell")[["lsoa_code"]]
    out = grid11.copy()
    found = on21.reindex(out["cell"])
    first21 = lookup.sort_values("LSOA21CD").groupby("LSOA11CD")["LSOA21CD"].first()
    missing = found["lsoa_code"].isna().to_numpy()
    fallback = out["lsoa_code"].astype(str).map(first21).fillna(out["lsoa_code"].astype(str))
    by_code = lsoas21.set_index("lsoa_code")[["msoa_code", "msoa_name"]]
    out["lsoa_code"] = np.where(missing, fallback.to_numpy(), found["lsoa_code"].to_numpy())
    out["msoa_code"] = out["lsoa_code"].map(by_code["msoa_code"]).fillna("").to_numpy()
    out["msoa_name"] = out["lsoa_code"].map(by_code["msoa_name"]).fillna("").to_numpy()
    return out


def incidents_on_2021_areas(
    incidents: pd.DataFrame, grid21: pd.DataFrame, lsoas21: pd.DataFrame, cell_column: str
) -> pd.DataFrame:
    """Incidents of a period analysed on the 2021 LSOAs, each with a 2021 LSOA code and name.

    A row keeps the code it was published with when that is a 2021 code (the
    ``published_lsoa`` that ``geo.lsoa_lookup.on_2011_areas`` keeps, else its ``lsoa_code``);
    any other row (a 2011 code that ended in 2021, or none) takes the 2021 LSOA of its cell
    in ``grid21`` (:func:`grid_on_2021_areas`), so a community's streets and anchor count
    every row once, on one generation.

    Parameters
    ----------
    incidents : pandas.DataFrame
        ``lsoa_code`` (and ``published_lsoa`` where rows were moved to 2011 codes) and
        ``cell_column``.
    grid21 : pandas.DataFrame
        ``cell``, ``lsoa_code`` (2021) at the resolution of ``cell_column``.
    lsoas21 : pandas.DataFrame
        Every 2021 LSOA's ``lsoa_code`` and ``lsoa_name``.
    cell_column : str
        The incidents' H3 cell column at the grid's resolution (``geo.schemas.H3_COLUMNS``).
    """
    published = incidents["published_lsoa"] if "published_lsoa" in incidents.columns else incidents["lsoa_code"]
    published = published.astype(object).where(published.notna(), "").astype(str).to_numpy()
    names = pd.Series(lsoas21["lsoa_name"].astype(str).to_numpy(), index=lsoas21["lsoa_code"].astype(str).to_numpy())
    known = pd.Series(published).isin(names.index).to_numpy()
    if not known.all():
        by_cell = grid21.set_index("cell")["lsoa_code"].astype(str)
        of_cell = pd.Series(incidents[cell_column].to_numpy()).map(by_cell).fillna("").to_numpy()
        published = np.where(known, published, of_cell)
    return incidents.assign(lsoa_code=published, lsoa_name=pd.Series(published).map(names).fillna("").to_numpy())
