"""Filtering incidents and counting them per H3 cell.

Pure functions over the incident frame read from :class:`geo.store.Store`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np
import pandas as pd

from geo.schemas import H3_COLUMNS


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
        H3 resolution of the cells, one of :data:`core.settings.STORED_RESOLUTIONS`.
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


@dataclasses.dataclass(frozen=True)
class StoredBreakdown:
    """Where the stored incidents are: every stored incident is in exactly one part.

    ``stored == in_districts + unmapped + outside + unplaced``.

    Attributes
    ----------
    stored : int
        Incidents stored.
    by_district : pandas.DataFrame
        ``district``, ``incidents`` (placed in the district, all with coordinates),
        ``share`` (percent of ``in_districts``), every district listed.
    in_districts : int
        Incidents placed in one of the districts (the sum of ``by_district``).
    unmapped : int
        Incidents without coordinates (counted, not on any map or in any district).
    outside : int
        Incidents with coordinates outside the force area (kept, not analysed).
    unplaced : int
        Incidents with coordinates inside the force area that no district holds (0 when
        the boundaries cover the area).
    """

    stored: int
    by_district: pd.DataFrame
    in_districts: int
    unmapped: int
    outside: int
    unplaced: int

    def sentence(self) -> str:
        """The breakdown in words, for a caption."""
        parts = [f"{self.in_districts:,} in a district", f"{self.unmapped:,} without coordinates"]
        parts.append(f"{self.outside:,} outside the force area")
        if self.unplaced:
            parts.append(f"{self.unplaced:,} in no district")
        return f"{self.stored:,} incidents stored = " + " + ".join(parts) + "."


def stored_breakdown(incidents: pd.DataFrame, districts: Sequence[str]) -> StoredBreakdown:
    """Split the stored incidents into districts, unmapped and outside (one computation for
    every headline count that shows them).

    Parameters
    ----------
    incidents : pandas.DataFrame
        Stored incidents with ``district`` ("" when none), ``longitude`` and ``outside``.
    districts : sequence of str
        Every district, listed in this order (zeros included).
    """
    name = incidents["district"].astype("str")
    unmapped = incidents["longitude"].isna().to_numpy()
    outside = incidents["outside"].fillna(False).astype(bool).to_numpy() & ~unmapped
    placed = (name != "").to_numpy() & ~unmapped & ~outside
    per = name[placed].value_counts()
    counts = [int(per.get(d, 0)) for d in districts]
    total = sum(counts)
    by_district = pd.DataFrame(
        {
            "district": list(districts),
            "incidents": counts,
            "share": [round(100 * n / total, 1) if total else 0.0 for n in counts],
        }
    )
    stored = len(incidents)
    return StoredBreakdown(
        stored,
        by_district,
        total,
        int(unmapped.sum()),
        int(outside.sum()),
        stored - total - int(unmapped.sum()) - int(outside.sum()),
    )
