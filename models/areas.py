"""Which areas and which census a period's figures are on (pure; no I/O).

Months are published on the LSOAs of their generation (2011, or 2021 since data.police.uk's
June 2023 change); the app analyses every period on the 2011 LSOAs, the areas of its grid,
its hotspot communities and its census figures, putting 2021 codes on them through the
LSOA lookup (:func:`geo.lsoa_lookup.on_2011_areas`). Residents and households should come
from the census nearest the month: census 2011 before the 2021 census (21 March 2021),
census 2021 from then on. Census shares of a period (community residents and households,
flyer counts) use the census nearest its latest month (:func:`period_census_year`), census
2021 being put on the 2011 areas through the lookup (:func:`census_on_2011_areas`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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
    pairs = lookup[["LSOA11CD", "LSOA21CD"]].drop_duplicates()
    old = census2011.set_index("lsoa_code")[["persons", "households"]].astype(float)
    new = census2021.set_index("lsoa_code")[["persons", "households"]].astype(float)
    out = pd.DataFrame(0.0, index=old.index, columns=["persons", "households"])
    for column in ("persons", "households"):
        weight = pairs["LSOA11CD"].map(old[column]).fillna(0.0).to_numpy()
        total = pd.Series(weight).groupby(pairs["LSOA21CD"].to_numpy()).transform("sum").to_numpy()
        partners = pairs.groupby("LSOA21CD")["LSOA11CD"].transform("size").to_numpy()
        share = np.where(total > 0, weight / np.where(total > 0, total, 1.0), 1.0 / partners)
        values = pairs["LSOA21CD"].map(new[column]).fillna(0.0).to_numpy() * share
        summed = pd.Series(values).groupby(pairs["LSOA11CD"].to_numpy()).sum()
        out[column] = summed.reindex(out.index).fillna(0.0)
    return out.rename_axis("lsoa_code")
