"""The Silver meeting pack: what a district's tactical group reads about one period.

Pure: assembles figures already computed elsewhere (the district profile, the county-wide
hotspot analysis seen in the district, emerging hot spots, OCG activity) into one result
object. The PDF is drawn from it by ``ui.pack`` and nothing in the PDF is computed there.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from models.emerging import enough_months
from models.ocg import ocgs_in_cells
from models.profile import DistrictProfile, community_changes
from models.trends import shift_month

#: Communities listed in a pack.
TOP_COMMUNITIES = 10


@dataclasses.dataclass(frozen=True)
class MeetingPack:
    """Everything one district's meeting pack prints.

    Attributes
    ----------
    profile : DistrictProfile
        The district profile of the period (headline figures, year-on-year change).
    communities : pandas.DataFrame
        The district's top communities, in county rank order: ``label`` (1..n, the number
        on the map), ``rank``, ``community_id``, ``name``, ``incidents``, ``harm``,
        ``before`` (same months a year earlier, missing when not loaded), ``percent``,
        ``p_value``, ``cells`` (int64 H3 cells) and ``geometry`` (EPSG:4326).
    change_note : str
        Which months the change compares, or why there is none.
    hot_cells : pandas.DataFrame
        ``cell`` and ``bin`` of the district's significant Gi* cells.
    emerging : pandas.DataFrame
        Per listed community, hexagons by emerging hot-spot category (empty when there are
        too few months).
    emerging_note : str
        What the emerging analysis covers, or why there is none.
    ocgs : pandas.DataFrame or None
        OCGs with activity inside the listed communities (``community_id``, ``ocg_id``,
        ``principal_criminality``, ``threat_tier``, ``records``); None when the reader may
        not see OCG data or none is loaded.
    ocg_note : str
        What the OCG section says; empty when the reader may not see OCG data, and the
        section is then left out of the pack altogether.
    """

    profile: DistrictProfile
    communities: pd.DataFrame
    change_note: str
    hot_cells: pd.DataFrame
    emerging: pd.DataFrame
    emerging_note: str
    ocgs: pd.DataFrame | None
    ocg_note: str

    @property
    def has_ocg(self) -> bool:
        """True when the pack prints any OCG data (it is then OFFICIAL-SENSITIVE)."""
        return self.ocgs is not None


def emerging_section(loaded: Sequence[str], categories: Callable[[], pd.DataFrame]) -> tuple[pd.DataFrame | None, str]:
    """The pack's emerging hot-spot categories over every loaded month (``categories`` is
    called only when there are enough months, :func:`models.emerging.enough_months`), and
    the note that goes with them, or None and why there are none yet."""
    ok, why = enough_months(loaded)
    if not ok:
        return None, why
    return categories(), f"Emerging hot-spot categories over every loaded month ({len(loaded)}), by community."


def build_meeting_pack(
    profile: DistrictProfile,
    communities: pd.DataFrame,
    result_cells: np.ndarray,
    result_bins: np.ndarray,
    incidents: pd.DataFrame,
    loaded: Sequence[str],
    cell_column: str,
    emerging: pd.DataFrame | None,
    emerging_note: str,
    top: int = TOP_COMMUNITIES,
) -> MeetingPack:
    """Assemble a district's pack for a period.

    Parameters
    ----------
    profile : DistrictProfile
        :func:`models.profile.district_profile` of the district and period.
    communities : pandas.DataFrame
        The communities of the period touching the district (county-wide analysis seen in
        the district, :func:`models.pipeline.select_districts`), in rank order.
    result_cells, result_bins : numpy.ndarray
        Gi* cells and bins of the district's grid.
    incidents : pandas.DataFrame
        Incidents over every loaded month (for the change since last year).
    loaded : sequence of str
        Loaded months.
    cell_column : str
        H3 column of the analysis resolution.
    emerging : pandas.DataFrame or None
        ``cell``, ``category`` of every grid cell, or None when not computed.

    The pack holds no OCG data; :func:`with_ocgs` adds it for a reader allowed to see it.
    """
    listed = communities.head(top).reset_index(drop=True)
    changes = community_changes(incidents, listed, profile.months, loaded, cell_column)
    table = listed[["rank", "community_id", "name", "incidents", "harm", "cells", "geometry"]].merge(
        changes[["community_id", "before", "percent", "p_value"]], on="community_id", how="left"
    )
    table.insert(0, "label", np.arange(1, len(table) + 1))
    earlier = [shift_month(m, -12) for m in profile.months]
    if changes["before"].notna().any():
        change_note = f"Change: {', '.join(profile.months)} against {', '.join(earlier)}, on the same hexagons."
    else:
        change_note = f"No change since last year: {', '.join(earlier)} not loaded."
    hot = result_bins != 0
    hot_cells = pd.DataFrame({"cell": np.asarray(result_cells)[hot], "bin": np.asarray(result_bins)[hot]})
    emerging_rows = []
    if emerging is not None:
        category = dict(zip(emerging["cell"].tolist(), emerging["category"].tolist()))
        for row in table.itertuples():
            cats = pd.Series([category.get(int(c), "no pattern") for c in row.cells]).value_counts()
            emerging_rows.append({"community_id": row.community_id, **{str(k): int(v) for k, v in cats.items()}})
    emerging_table = pd.DataFrame(emerging_rows).fillna(0)
    return MeetingPack(profile, table, change_note, hot_cells, emerging_table, emerging_note, None, "")


def with_ocgs(
    pack: MeetingPack, activity: pd.DataFrame, register: pd.DataFrame, resolution: int, note: str
) -> MeetingPack:
    """The pack with the OCGs active in its communities (for a reader allowed OCG details)."""
    found = [
        ocgs_in_cells(activity, register, [int(c) for c in row.cells], resolution).assign(community_id=row.community_id)
        for row in pack.communities.itertuples()
    ]
    columns = ["community_id", "ocg_id", "principal_criminality", "threat_tier", "records"]
    ocgs = pd.concat(found, ignore_index=True)[columns] if found else pd.DataFrame(columns=columns)
    return dataclasses.replace(pack, ocgs=ocgs, ocg_note=note)


def with_ocg_note(pack: MeetingPack, note: str) -> MeetingPack:
    """The pack with a sentence in its OCG section and no OCG data (none loaded)."""
    return dataclasses.replace(pack, ocgs=None, ocg_note=note)
