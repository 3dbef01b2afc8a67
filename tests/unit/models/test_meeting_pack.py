"""models.meeting_pack: a district's Silver meeting pack assembled from figures already
computed, on hand-made communities; OCG data only when added for a reader allowed it."""

from __future__ import annotations

import numpy as np
import pandas as pd
from shapely.geometry import box

from models.meeting_pack import build_meeting_pack, with_ocg_note, with_ocgs
from models.profile import district_profile

COMMUNITIES = pd.DataFrame(
    {
        "rank": [1, 2, 3],
        "community_id": ["HC-A", "HC-B", "HC-C"],
        "name": ["Briggate (Leeds 111)", "Kirkgate (Leeds 112)", "Boar Lane (Leeds 113)"],
        "districts": ["Leeds"] * 3,
        "incidents": [6, 2, 1],
        "harm": [40.0, 12.0, 2.0],
        "residents": [1000, 800, 600],
        "cells": [[11, 12], [13], [14]],
        "geometry": [box(0, 0, 1, 1)] * 3,
    }
)


def _incidents() -> pd.DataFrame:
    # 2017-07: 6 incidents in HC-A's cells, 2 in HC-B's, 1 in HC-C's; a year earlier 3 in HC-A's
    cells = [11] * 4 + [12] * 2 + [13] * 2 + [14] + [11] * 3
    months = ["2017-07"] * 9 + ["2016-07"] * 3
    return pd.DataFrame(
        {"month": months, "district": "Leeds", "crime_type": "Drugs", "h3_r9": np.array(cells, dtype=np.int64)}
    )


def _pack(loaded: list[str], emerging: pd.DataFrame | None = None, top: int = 2):
    incidents = _incidents()
    profile = district_profile(incidents, "Leeds", ["2017-07"], 2000, 800, COMMUNITIES, loaded=loaded)
    return build_meeting_pack(
        profile,
        COMMUNITIES,
        np.array([11, 12, 13, 14, 15], dtype=np.int64),
        np.array([3, 0, -1, 1, 0], dtype=np.int8),
        incidents,
        loaded,
        "h3_r9",
        emerging,
        "Emerging hot spots over 2 months.",
        top=top,
    )


def test_the_top_communities_are_numbered_with_their_change_since_last_year():
    pack = _pack(["2016-07", "2017-07"])
    table = pack.communities
    assert table[["label", "rank", "community_id"]].values.tolist() == [[1, 1, "HC-A"], [2, 2, "HC-B"]]
    assert table["before"].tolist() == [3, 0] and table["percent"].iloc[0] == 100.0
    assert pack.change_note == "Change: 2017-07 against 2016-07, on the same hexagons."
    assert pack.hot_cells.values.tolist() == [[11, 3], [13, -1], [14, 1]]  # significant cells only
    assert pack.ocgs is None and pack.ocg_note == "" and not pack.has_ocg
    assert pack.emerging.empty


def test_without_last_years_months_the_pack_says_so():
    pack = _pack(["2017-07"])
    assert pack.change_note == "No change since last year: 2016-07 not loaded."
    assert pack.communities["before"].isna().all()


def test_emerging_categories_are_counted_per_listed_community():
    emerging = pd.DataFrame({"cell": [11, 12, 13], "category": ["new", "persistent", "new"]})
    pack = _pack(["2017-07"], emerging, top=3)
    counts = pack.emerging.set_index("community_id")
    assert counts.loc["HC-A", ["new", "persistent"]].tolist() == [1, 1]
    assert counts.loc["HC-B", ["new", "persistent"]].tolist() == [1, 0]
    assert counts.loc["HC-C", "no pattern"] == 1  # a cell without a category has no pattern


def test_ocgs_are_added_per_community_and_a_note_alone_carries_no_data():
    pack = _pack(["2017-07"])
    register = pd.DataFrame(
        {
            "ocg_id": ["OCG-001", "OCG-002"],
            "principal_criminality": ["drugs supply", "firearms"],
            "threat_tier": [1, 2],
            "home_district": ["Leeds", "Leeds"],
            "status": ["active", "active"],
        }
    )
    activity = pd.DataFrame({"ocg_id": ["OCG-001", "OCG-001", "OCG-002"], "h3_r9": [11, 12, 99]})
    with_data = with_ocgs(pack, activity, register, 9, "OCG activity in the listed communities.")
    assert with_data.has_ocg and with_data.ocg_note == "OCG activity in the listed communities."
    assert with_data.ocgs.values.tolist() == [["HC-A", "OCG-001", "drugs supply", 1, 2]]
    noted = with_ocg_note(with_data, "No OCG data is loaded.")
    assert noted.ocgs is None and not noted.has_ocg and noted.ocg_note == "No OCG data is loaded."
    assert pack.ocgs is None  # the pack itself is unchanged


def test_the_emerging_section_asks_for_categories_only_with_enough_months():
    from models.meeting_pack import emerging_section

    asked: list[int] = []

    def categories():
        asked.append(1)
        return pd.DataFrame({"cell": [1], "category": ["new"]})

    frame, note = emerging_section(["2017-06", "2017-07"], categories)
    assert frame is None and asked == [] and "10" in note  # why there are none yet
    months = [f"2016-{m:02d}" for m in range(1, 13)]
    frame, note = emerging_section(months, categories)
    assert (
        asked == [1]
        and frame is not None
        and note.startswith("Emerging hot-spot categories over every loaded month (12)")
    )
