"""Organised crime groups (OCGs): the register by district and criminality, the quarterly
return, and groups active in some cells.

Pure functions of checked tables. The files' columns, allowed values and row checks are
:mod:`records.ocg_schema`; reading and storing is :mod:`records.ocg_store`.
"""

from __future__ import annotations

import pandas as pd

from geo.schemas import H3_COLUMNS
from records.ocg_schema import CRIMINALITY, DISRUPTION_LEVELS, STRANDS


def by_district_and_criminality(register: pd.DataFrame) -> pd.DataFrame:
    """The strategy's table: OCGs by home district and principal criminality, with totals."""
    table = pd.crosstab(
        register["principal_criminality"], register["home_district"], margins=True, margins_name="Total"
    )
    order = [c for c in CRIMINALITY if c in table.index] + ["Total"]
    return table.reindex(order).fillna(0).astype(int)


def quarter(dates: pd.Series) -> pd.Series:
    """'2017-Q3' for each ISO date."""
    d = pd.to_datetime(dates)
    return d.dt.year.astype(str) + "-Q" + d.dt.quarter.astype(str)


def quarterly_return(activity: pd.DataFrame) -> pd.DataFrame:
    """Disruptions per quarter by level and 4P strand, in the shape of the Home Office return.

    Returns
    -------
    pandas.DataFrame
        One row per quarter; columns ``<strand> <level>`` for every strand and level, and
        ``total``.
    """
    disruptions = activity[activity["activity_type"] == "disruption"]
    columns = [f"{s} {lv}" for s in STRANDS for lv in DISRUPTION_LEVELS]
    if disruptions.empty:
        return pd.DataFrame(columns=["quarter", *columns, "total"])
    keys = quarter(disruptions["date"])
    label = disruptions["strand"] + " " + disruptions["disruption_level"]
    table = pd.crosstab(keys, label).reindex(columns=columns, fill_value=0)
    table["total"] = table.sum(axis=1)
    return table.rename_axis("quarter").reset_index().rename_axis(None, axis=1)


def ocgs_in_cells(activity: pd.DataFrame, register: pd.DataFrame, cells: list[int], resolution: int) -> pd.DataFrame:
    """OCGs with activity inside some cells: ``ocg_id``, ``principal_criminality``,
    ``threat_tier``, ``records``, most records first."""
    inside = activity[activity[H3_COLUMNS[resolution]].isin(cells)]
    counts = inside.groupby("ocg_id").size().rename("records").reset_index()
    out = counts.merge(register[["ocg_id", "principal_criminality", "threat_tier"]], on="ocg_id", how="left")
    return out.sort_values(["records", "ocg_id"], ascending=[False, True]).reset_index(drop=True)


def counts_by_criminality(register: pd.DataFrame, district: str) -> pd.DataFrame:
    """Active OCGs with a home district, by principal criminality (counts only)."""
    mine = register[(register["home_district"] == district) & (register["status"] == "active")]
    counts = mine["principal_criminality"].value_counts().reindex(list(CRIMINALITY), fill_value=0)
    return counts.rename("OCGs").rename_axis("principal criminality").reset_index()
