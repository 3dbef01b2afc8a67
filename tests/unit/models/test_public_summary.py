"""The public summary: disclosure checks and rounded counts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from core.errors import DisclosureError
from models import public_summary as ps


def summary_for_tests(disruptions: int = 23, flyers: int = 4, demo_log: bool = False) -> ps.PublicSummary:
    quarterly = pd.DataFrame(
        {"quarter": ["2017-Q1"], "pursue major": [disruptions - 3], "prevent minor": [3], "total": [disruptions]}
    )
    log = pd.DataFrame(
        {"date": ["2017-02-01", "2017-02-10"], "kind": ["flyer_drop", "facebook_live"], "flyers": [flyers, 0],
         "synthetic": [demo_log] * 2}
    )  # fmt: skip
    cs = pd.DataFrame({"district": ["Leeds"] * 3, "month": ["2017-01", "2017-02", "2017-04"],
                       "reports": [40, 43, 7], "synthetic": [True] * 3})  # fmt: skip
    return ps.public_summary(quarterly, True, log, cs, dt.date(2017, 5, 1))


def test_public_summary_passes_disclosure_and_hides_small_counts():
    summary = ps.check_summary(summary_for_tests())
    level = summary.disruptions_by_level.iloc[0].to_dict()
    assert level == {"Quarter": "2017-Q1", "Major": "about 20", "Moderate": "fewer than 10",
                     "Minor": "fewer than 10", "All": "about 25"}  # fmt: skip
    assert summary.campaigns.iloc[0]["Flyers delivered"] == "fewer than 10"
    assert summary.crimestoppers["Reports"].tolist() == ["about 85", "fewer than 10"]
    assert summary.crimestoppers["value"].tolist()[0] == 85
    # quarters the files cover in part say so (a 2-month quarter is not a low quarter)
    assert summary.crimestoppers["Quarter"].tolist() == ["2017-Q1 (2 of 3 months)", "2017-Q2 (1 of 3 months)"]
    assert summary.notes[0].startswith("SYNTHETIC DEMONSTRATION DATA")
    broken = ps.PublicSummary(
        summary.title, summary.made, summary.disruptions_by_level.assign(Major="7"), summary.disruptions_by_strand,
        summary.campaigns, summary.crimestoppers, summary.notes,
    )  # fmt: skip
    with pytest.raises(DisclosureError, match="not a public count"):
        ps.check_summary(broken)
    with pytest.raises(DisclosureError):
        ps.check_summary(ps.PublicSummary(summary.title, "OCG-001 was disrupted", *list(vars(summary).values())[2:]))
