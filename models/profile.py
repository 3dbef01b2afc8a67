"""A serious and organised crime profile of one district, from the loaded data.

Pure: takes the incidents, census figures and hotspot communities; returns a result object.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pandas as pd

from models import trends


@dataclasses.dataclass(frozen=True)
class DistrictProfile:
    """Everything a district profile shows.

    Attributes
    ----------
    district : str
        District name.
    months : list of str
        Months covered.
    incidents : int
        Incidents in the district over those months.
    residents, households : int
        Census 2011.
    rate_per_1000 : float
        Incidents per 1,000 residents per month.
    change : trends.Change or None
        Latest month against the same month a year earlier, when both are loaded.
    change_text : str
        The change in words (or why there is none).
    mix : pandas.DataFrame
        ``crime_type``, ``district_share``, ``west_yorkshire_share`` (shares of all
        incidents, 0..1), ``incidents``.
    monthly : pandas.DataFrame
        ``month``, ``count``.
    communities : pandas.DataFrame
        The district's top hotspot communities: ``community_id``, ``name``, ``incidents``,
        ``harm``, ``residents``.
    """

    district: str
    months: list[str]
    incidents: int
    residents: int
    households: int
    rate_per_1000: float
    change: trends.Change | None
    change_text: str
    mix: pd.DataFrame
    monthly: pd.DataFrame
    communities: pd.DataFrame


def district_profile(
    incidents: pd.DataFrame,
    district: str,
    months: Sequence[str],
    residents: int,
    households: int,
    communities: pd.DataFrame,
    top: int = 5,
) -> DistrictProfile:
    """Build the profile of one district.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Incidents of all five districts (for the West Yorkshire average) over ``months``.
    communities : pandas.DataFrame
        Ranked hotspot communities (any districts; those touching this one are kept).
    """
    months = sorted(months)
    name = incidents["district"].astype(str)
    in_wy = incidents[name != ""]
    mine = incidents[name == district]
    wy_mix = in_wy["crime_type"].astype(str).value_counts(normalize=True)
    counts = mine["crime_type"].astype(str).value_counts()
    mix = pd.DataFrame({"incidents": counts, "district_share": counts / max(len(mine), 1)})
    mix = mix.join(wy_mix.rename("west_yorkshire_share"), how="outer").fillna(0.0)
    mix = mix.rename_axis("crime_type").reset_index().sort_values("district_share", ascending=False)
    mix["incidents"] = mix["incidents"].astype(int)
    monthly = trends.monthly_counts(mine, months, ())
    change, change_text = None, "Load the same month a year earlier to compare."
    if months:
        earlier, later, problem = trends.comparable_periods(months[-1:], months)
        if problem:
            change_text = problem
        else:
            month = mine["month"].astype(str)
            change = trends.compare_counts(int((month == earlier[0]).sum()), int((month == later[0]).sum()))
            change_text = trends.describe_change("All recorded crime", district, change)
    touching = communities[communities["districts"].astype(str).str.contains(district, regex=False)]
    top_communities = (
        touching[["community_id", "name", "incidents", "harm", "residents"]].head(top).reset_index(drop=True)
    )
    per_month = len(mine) / max(len(months), 1)
    return DistrictProfile(
        district,
        list(months),
        len(mine),
        int(residents),
        int(households),
        float(trends.rate_per_1000(per_month, residents)),
        change,
        change_text,
        mix.reset_index(drop=True),
        monthly,
        top_communities,
    )
