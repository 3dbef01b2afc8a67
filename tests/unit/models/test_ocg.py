"""OCG overlap with community cells, counts by criminality and the quarterly return, on hand-made rows."""

from __future__ import annotations

import pandas as pd

from models.ocg import (
    counts_by_criminality,
    ocgs_in_cells,
    quarterly_return,
)


def test_overlap_with_community_cells_and_counts():
    activity = pd.DataFrame({"ocg_id": ["OCG-001", "OCG-001", "OCG-002", "OCG-003"], "h3_r9": [1, 2, 2, 9]})
    register = pd.DataFrame(
        {
            "ocg_id": ["OCG-001", "OCG-002", "OCG-003"],
            "principal_criminality": ["drugs supply", "firearms", "county lines"],
            "threat_tier": [1, 2, 3],
            "home_district": ["Leeds", "Leeds", "Bradford"],
            "status": ["active"] * 3,
        }
    )
    found = ocgs_in_cells(activity, register, [1, 2], 9)
    assert found[["ocg_id", "records"]].values.tolist() == [["OCG-001", 2], ["OCG-002", 1]]
    counts = counts_by_criminality(register, "Leeds").set_index("principal criminality")["OCGs"]
    assert counts["drugs supply"] == 1 and counts["firearms"] == 1 and counts["county lines"] == 0


def test_quarterly_return_by_level_and_strand():
    activity = pd.DataFrame(
        {
            "date": ["2017-01-05", "2017-02-10", "2017-04-01", "2017-04-02", "2017-05-01"],
            "activity_type": ["disruption", "disruption", "disruption", "arrest", "disruption"],
            "disruption_level": ["major", "minor", "minor", "", "minor"],
            "strand": ["pursue", "pursue", "prevent", "pursue", "prevent"],
        }
    )
    ret = quarterly_return(activity).set_index("quarter")
    assert ret.loc["2017-Q1", "pursue major"] == 1 and ret.loc["2017-Q1", "pursue minor"] == 1
    assert ret.loc["2017-Q2", "prevent minor"] == 2 and ret.loc["2017-Q2", "total"] == 2
    assert ret["total"].sum() == 4
    assert len([c for c in ret.columns if c != "total"]) == 12  # 4 strands x 3 levels
