"""The synthetic OCG register and activity generator: the strategy's split, seeded, placed at related incidents."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from models.ocg import (
    by_district_and_criminality,
)
from models.ocg_synthetic import CROSS_BORDER, SPLIT, make_activity, make_register


def test_generator_matches_the_strategy_and_is_seeded():
    reg = make_register(7)
    assert len(reg) == 146
    assert reg["principal_criminality"].value_counts().to_dict() == SPLIT
    assert (reg["cross_border"] == "yes").sum() == CROSS_BORDER == 40
    assert make_register(7).equals(reg) and not make_register(8).equals(reg)
    table = by_district_and_criminality(reg)
    assert table.loc["Total", "Total"] == 146 and table.loc["drugs supply", "Total"] == 69


def test_activity_is_placed_at_related_real_incidents():
    incidents = pd.DataFrame(
        {
            "crime_type": ["Drugs", "Burglary", "Violence and sexual offences"] * 10,
            "district": ["Leeds"] * 30,
            "longitude": [-1.50, -1.60, -1.70] * 10,
            "latitude": [53.80, 53.81, 53.82] * 10,
            "lsoa_code": ["E01000001", "E01000002", "E01000003"] * 10,
        }
    )
    reg = make_register(1)
    act = make_activity(reg, incidents, 1, dt.date(2017, 1, 1), months=12)
    crim = act.merge(reg, on="ocg_id")["principal_criminality"]
    drugs = act[crim.isin(["drugs supply", "county lines"]).to_numpy()]
    assert set(drugs["longitude"]) == {-1.50}
    acquisitive = act[(crim == "organised acquisitive crime").to_numpy()]
    assert set(acquisitive["longitude"]) == {-1.60}
    assert act["date"].between("2017-01-01", "2017-12-31").all()
    assert ((act["activity_type"] == "disruption") == (act["disruption_level"] != "")).all()
