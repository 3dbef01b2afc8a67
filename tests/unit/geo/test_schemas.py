"""geo.schemas: the stored columns and the contract of incidents read back."""

from __future__ import annotations

import pandas as pd
import pandera.errors
import pytest

from core.settings import STORED_RESOLUTIONS
from geo.schemas import DICTIONARY_COLUMNS, H3_COLUMNS, INCIDENT_CHECK, INCIDENT_COLUMNS, REJECT_SCHEMA


def test_the_stored_columns_are_unique_and_end_with_a_cell_per_resolution():
    assert len(set(INCIDENT_COLUMNS)) == len(INCIDENT_COLUMNS)
    assert INCIDENT_COLUMNS[-len(STORED_RESOLUTIONS) :] == [f"h3_r{r}" for r in STORED_RESOLUTIONS]
    assert set(DICTIONARY_COLUMNS) <= set(INCIDENT_COLUMNS)
    assert REJECT_SCHEMA.names == ["file", "line", "reason", "detail"]


def _incidents(**changes: object) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "month": pd.Categorical(["2017-07", "2017-07"]),
            "crime_type": pd.Categorical(["Drugs", "Robbery"]),
            "longitude": [-1.55, None],
            "latitude": [53.80, None],
            "outside": [False, False],
            "source_line": [2, 3],
            **{name: [613529202000000000 + r, 0] for r, name in H3_COLUMNS.items()},
        }
    )
    return frame.assign(**changes)


def test_good_incidents_pass_the_contract():
    assert INCIDENT_CHECK.validate(_incidents()).shape == (2, 6 + len(H3_COLUMNS))


@pytest.mark.parametrize(
    "changes",
    [
        {"month": pd.Categorical(["2017-07", "2017-13"])},
        {"crime_type": pd.Categorical(["Drugs", "Jaywalking"])},
        {"latitude": [53.8, 95.0]},
        {"source_line": [1, 2]},  # line 1 is the header
        {H3_COLUMNS[9]: [-1, 0]},
    ],
)
def test_a_read_back_that_breaks_the_contract_is_caught(changes: dict):
    with pytest.raises(pandera.errors.SchemaError):
        INCIDENT_CHECK.validate(_incidents(**changes))
