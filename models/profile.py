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
        From the census of :attr:`census_year`.
    rate_per_1000 : float
        Incidents per 1,000 residents per month.
    change : trends.Change or None
        The period's latest month against the same month a year earlier, or None when that
        month is not loaded (:func:`year_on_year`).
    change_text : str
        The change in words, naming the months (or why there is none).
    mix : pandas.DataFrame
        ``crime_type``, ``district_share``, ``west_yorkshire_share`` (shares of all
        incidents, 0..1), ``incidents``.
    monthly : pandas.DataFrame
        ``month``, ``count``.
    communities : pandas.DataFrame
        The district's top hotspot communities (those touching it): ``rank``,
        ``community_id``, ``name``, ``districts`` (every district it touches), ``incidents``,
        ``harm``, ``residents``.
    census_year : int
        The census of ``residents`` and ``households``: the one nearest the period's latest
        month that is loaded (2011 unless census 2021 is loaded and the month is from March
        2021; the communities' residents are the census their period uses, on their areas).
    community_areas : str
        The LSOA generation the communities' ids, LSOAs and residents are on, ``"2011"`` or
        ``"2021"`` (a period published wholly on 2021 LSOAs:
        :func:`models.areas.period_on_2021_areas`); the district's own figures are not by
        area.
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
    census_year: int = 2011
    community_areas: str = "2011"


def district_profile(
    incidents: pd.DataFrame,
    district: str,
    months: Sequence[str],
    residents: int,
    households: int,
    communities: pd.DataFrame,
    top: int = 5,
    loaded: Sequence[str] | None = None,
) -> DistrictProfile:
    """Build the profile of one district over a period.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Incidents of all five districts (for the West Yorkshire average) over every loaded
        month; the profile counts those of ``months``.
    months : sequence of str
        The period (``'YYYY-MM'``).
    communities : pandas.DataFrame
        Ranked hotspot communities of the period (any districts; those touching this one
        are kept).
    loaded : sequence of str, optional
        Every loaded month, for the year-on-year change (default ``months``).
    """
    months = sorted(months)
    month_of = incidents["month"].astype(str)
    in_period = incidents[month_of.isin(months).to_numpy()]
    name = in_period["district"].astype(str)
    in_wy = in_period[name != ""]
    mine = in_period[name == district]
    wy_mix = in_wy["crime_type"].astype(str).value_counts(normalize=True)
    counts = mine["crime_type"].astype(str).value_counts()
    mix = pd.DataFrame({"incidents": counts, "district_share": counts / max(len(mine), 1)})
    mix = mix.join(wy_mix.rename("west_yorkshire_share"), how="outer").fillna(0.0)
    mix = mix.rename_axis("crime_type").reset_index().sort_values("district_share", ascending=False)
    mix["incidents"] = mix["incidents"].astype(int)
    monthly = trends.monthly_counts(mine, months, ())
    change, change_text = year_on_year(incidents, district, loaded if loaded is not None else months, months)
    touching = communities[communities["districts"].astype(str).str.contains(district, regex=False)]
    columns = [
        c for c in ("rank", "community_id", "name", "districts", "incidents", "harm", "residents") if c in touching
    ]
    top_communities = touching[columns].head(top).reset_index(drop=True)
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


def year_on_year(
    incidents: pd.DataFrame, district: str, loaded: Sequence[str], months: Sequence[str] = ()
) -> tuple[trends.Change | None, str]:
    """All recorded crime in a district: the period's latest month against the same month a
    year earlier; or why there is no comparison.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Incidents over every loaded month (``month``, ``district``).
    district : str
        The district.
    loaded : sequence of str
        Loaded months (YYYY-MM).
    months : sequence of str
        The period; empty: the latest loaded month that has its month a year earlier loaded.

    Returns
    -------
    (trends.Change or None, str)
        The change and a sentence that names both months. When the period's latest month
        has no month a year earlier loaded, no change, and a sentence saying so (and naming
        the latest month that can be compared, so an older change is never read as this
        period's).
    """
    comparable = trends.latest_comparable_month(loaded)
    later = max(months) if months else comparable
    if later is None:
        return None, (
            "No year-on-year change: no loaded month has its month a year earlier loaded "
            f"(loaded: {', '.join(sorted(loaded)) or 'none'})."
        )
    earlier = trends.shift_month(later, -12)
    if earlier not in set(loaded):
        elsewhere = f" The latest month that can be compared is {comparable} (see Trends)." if comparable else ""
        return None, f"No year-on-year change for {later}: {earlier} is not loaded.{elsewhere}"
    mine = incidents[incidents["district"].astype(str) == district]
    month = mine["month"].astype(str)
    change = trends.compare_counts(int((month == earlier).sum()), int((month == later).sum()))
    return change, f"{later} against {earlier}: " + trends.describe_change("All recorded crime", district, change)


def community_changes(
    incidents: pd.DataFrame, communities: pd.DataFrame, months: Sequence[str], loaded: Sequence[str], cell_column: str
) -> pd.DataFrame:
    """Each community's incidents in a period against the same months a year earlier.

    The community is its cells: incidents in those cells are counted in both periods, so a
    change is the same place's change.

    Parameters
    ----------
    incidents : pandas.DataFrame
        Incidents over every loaded month, with ``month`` and ``cell_column``.
    communities : pandas.DataFrame
        Communities (``community_id``, ``name``, ``cells``).
    months : sequence of str
        The later period.
    loaded : sequence of str
        Loaded months: the earlier period must be wholly loaded to compare.
    cell_column : str
        The H3 column of the communities' resolution.

    Returns
    -------
    pandas.DataFrame
        ``community_id``, ``name``, ``after`` (incidents in the period), ``before`` (a year
        earlier, missing when not loaded), ``percent`` and ``p_value`` (missing likewise).
    """
    later = sorted(months)
    earlier = [trends.shift_month(m, -12) for m in later]
    comparable = bool(later) and set(earlier) <= set(loaded)
    month = incidents["month"].astype(str)
    cells = incidents[cell_column]
    rows = []
    for row in communities.itertuples():
        inside = cells.isin(list(row.cells)).to_numpy()
        after = int((inside & month.isin(later).to_numpy()).sum())
        record: dict[str, object] = {"community_id": row.community_id, "name": row.name, "after": after}
        if comparable:
            before = int((inside & month.isin(earlier).to_numpy()).sum())
            change = trends.compare_counts(before, after, len(earlier), len(later))
            record.update(before=before, percent=round(change.percent, 1), p_value=round(change.p_value, 3))
        else:
            record.update(before=None, percent=None, p_value=None)
        rows.append(record)
    return pd.DataFrame(rows, columns=["community_id", "name", "after", "before", "percent", "p_value"])
