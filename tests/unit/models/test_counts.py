"""Filtering, counting per cell, cell profiles and the stored breakdown, on hand-made rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.schemas import H3_COLUMNS
from models.counts import Filters, cell_counts, cell_profile, filter_incidents, stored_breakdown

INC = pd.DataFrame(
    {
        "month": ["2017-07", "2017-07", "2017-08", "2017-07", "2017-07"],
        "district": ["Leeds", "Leeds", "Leeds", "Bradford", ""],
        "crime_type": ["Drugs", "Burglary", "Drugs", "Drugs", "Drugs"],
        "location": ["On or near A", "On or near B", "On or near A", "On or near C", "On or near D"],
        "lsoa_code": ["E1", "E1", "E1", "E2", ""],
        "lsoa_name": ["Leeds 1", "Leeds 1", "Leeds 1", "Bradford 1", ""],
        "longitude": [-1.5, -1.5, -1.5, -1.7, np.nan],
        H3_COLUMNS[9]: [11, 11, 11, 22, 0],
    }
)


def test_filters_combine_and_never_pass_rows_without_district():
    assert len(filter_incidents(INC, Filters())) == 4
    assert len(filter_incidents(INC, Filters(districts=("Leeds",)))) == 3
    assert len(filter_incidents(INC, Filters(months=("2017-07",), crime_types=("Drugs",)))) == 2


def test_cell_counts_skip_unmapped_and_sort_by_count():
    out = cell_counts(INC, 9)
    assert out.values.tolist() == [[11, 3], [22, 1]]


def test_cell_profile_lists_types_streets_and_lsoas():
    p = cell_profile(INC, 11, 9)
    assert p.total == 3
    assert p.by_type.values.tolist() == [["Drugs", 2], ["Burglary", 1]]
    assert p.streets.values.tolist() == [["On or near A", 2], ["On or near B", 1]]
    assert p.lsoas.values.tolist() == [["E1", "Leeds 1", 3]]
    assert p.months.values.tolist() == [["2017-07", 2], ["2017-08", 1]]


def test_stored_breakdown_lists_every_district_and_adds_up():
    frame = pd.concat(
        [
            INC.assign(outside=False),
            pd.DataFrame({"district": [""], "longitude": [-2.0], "outside": [True]}),
        ],
        ignore_index=True,
    )
    out = stored_breakdown(frame, ["Bradford", "Calderdale", "Leeds"])
    assert out.by_district[["district", "incidents"]].values.tolist() == [
        ["Bradford", 1],
        ["Calderdale", 0],
        ["Leeds", 3],
    ]
    assert out.by_district["share"].tolist() == [25.0, 0.0, 75.0]
    assert (out.stored, out.in_districts, out.unmapped, out.outside, out.unplaced) == (6, 4, 1, 1, 0)
    assert out.stored == out.in_districts + out.unmapped + out.outside + out.unplaced
    assert out.sentence() == (
        "6 incidents stored = 4 in a district + 1 without coordinates + 1 outside the force area."
    )
