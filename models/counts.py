"""Filtering incidents and counting them per H3 cell.

Pure functions over the incident frame read from :class:`geo.store.Store`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd

from geo._schemas import H3_COLUMNS


@dataclasses.dataclass(frozen=True)
class Filters:
    """What the user has chosen to look at.

    Attributes
    ----------
    districts : tuple of str
        District names; empty means all five.
    months : tuple of str
        ``'YYYY-MM'`` months; empty means all loaded.
    crime_types : tuple of str
        Crime categories; empty means all.
    resolution : int
        H3 resolution of the cells, one of :data:`geo.settings.STORED_RESOLUTIONS`.
    """

    districts: tuple[str, ...] = ()
    months: tuple[str, ...] = ()
    crime_types: tuple[str, ...] = ()
    resolution: int = 9

    @property
    def cell_column(self) -> str:
        """Name of the incident column holding cells at this resolution."""
        return H3_COLUMNS[self.resolution]


def filter_incidents(incidents: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Return the incidents in the chosen districts, months and crime types.

    Incidents outside West Yorkshire, or with no district, never pass a district filter;
    with no district chosen every incident in one of the five districts passes.
    """
    mask = incidents["district"] != ""  # on the categories, not a string per row
    if filters.districts:
        mask &= incidents["district"].isin(filters.districts)
    if filters.months:
        mask &= incidents["month"].isin(filters.months)
    if filters.crime_types:
        mask &= incidents["crime_type"].isin(filters.crime_types)
    return incidents.loc[mask.to_numpy(dtype=bool)]


def cell_counts(incidents: pd.DataFrame, resolution: int) -> pd.DataFrame:
    """Count mapped incidents per cell.

    Returns
    -------
    pandas.DataFrame
        ``cell`` (int64) and ``count`` (int64), non-empty cells only, sorted by count
        (descending) then cell.
    """
    cells = incidents[H3_COLUMNS[resolution]].to_numpy(dtype=np.int64)
    cells = cells[cells != 0]
    uniq, counts = np.unique(cells, return_counts=True)
    out = pd.DataFrame({"cell": uniq.astype(np.int64), "count": counts.astype(np.int64)})
    return out.sort_values(["count", "cell"], ascending=[False, True], kind="stable").reset_index(drop=True)


@dataclasses.dataclass(frozen=True)
class CellProfile:
    """What is in one cell.

    Attributes
    ----------
    cell : int
        The H3 cell.
    total : int
        Incidents in it.
    by_type : pandas.DataFrame
        ``crime_type``, ``count``, most first.
    streets : pandas.DataFrame
        ``location`` ("On or near ..."), ``count``, most first, at most ``top`` rows.
    lsoas : pandas.DataFrame
        ``lsoa_code``, ``lsoa_name``, ``count``.
    months : pandas.DataFrame
        ``month``, ``count``.
    """

    cell: int
    total: int
    by_type: pd.DataFrame
    streets: pd.DataFrame
    lsoas: pd.DataFrame
    months: pd.DataFrame


def _count_by(frame: pd.DataFrame, columns: list[str], top: int | None = None) -> pd.DataFrame:
    out = (
        frame.groupby(columns, observed=True)
        .size()
        .reset_index(name="count")
        .sort_values(["count", *columns], ascending=[False, *([True] * len(columns))], kind="stable")
        .reset_index(drop=True)
    )
    for col in columns:
        out[col] = out[col].astype("str")
    return out.head(top) if top else out


def cell_profile(incidents: pd.DataFrame, cell: int, resolution: int, top: int = 5) -> CellProfile:
    """Describe the incidents of one cell: crime mix, top streets, LSOAs and months."""
    inside = incidents.loc[incidents[H3_COLUMNS[resolution]].to_numpy() == int(cell)]
    return CellProfile(
        cell=int(cell),
        total=len(inside),
        by_type=_count_by(inside, ["crime_type"]),
        streets=_count_by(inside, ["location"], top),
        lsoas=_count_by(inside, ["lsoa_code", "lsoa_name"]),
        months=_count_by(inside, ["month"]).sort_values("month").reset_index(drop=True),
    )


def district_counts(incidents: pd.DataFrame, districts: Sequence[str]) -> pd.DataFrame:
    """Count incidents per district (all five listed, zeros included), and the mapped share.

    Returns
    -------
    pandas.DataFrame
        ``district``, ``incidents``, ``mapped`` (with coordinates), ordered as given.
    """
    name = incidents["district"].astype("str")
    mapped = incidents["longitude"].notna()
    total = name.value_counts()
    on_map = name[mapped].value_counts()
    return pd.DataFrame(
        {
            "district": list(districts),
            "incidents": [int(total.get(d, 0)) for d in districts],
            "mapped": [int(on_map.get(d, 0)) for d in districts],
        }
    )
