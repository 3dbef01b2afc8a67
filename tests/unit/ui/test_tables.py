"""ui.tables: one set of reader's column names for tables and CSVs, and the number formats."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from ui import tables


@pytest.mark.parametrize(
    ("column", "shown"),
    [
        ("rank", "Rank in West Yorkshire"),
        ("p_value", "Chance of a change this size (p)"),
        ("hot_spots", "Hot spots"),  # no label set: its own name, capitalised
        ("Flyers to print", "Flyers to print"),  # already written for readers
    ],
)
def test_each_column_has_the_readers_name(column: str, shown: str):
    assert tables.label(column) == shown


def test_an_export_uses_the_names_the_page_shows():
    frame = pd.DataFrame({"community_id": ["HC-E1"], "harm": [12.5], "new_column": [1]})
    assert tables.for_export(frame).columns.tolist() == ["Community id", "Harm score", "New column"]
    assert frame.columns.tolist() == ["community_id", "harm", "new_column"]  # the frame itself is kept


def test_columns_get_a_format_by_name_then_by_type():
    frame = pd.DataFrame(
        {
            "percent": [12.34],
            "count": [1234],
            "share": [0.25],
            "significant": [True],
            "name": ["Briggate (Leeds 111)"],
            "lsoa_code": ["E01011365"],
        }
    )
    config = tables.column_config(frame, labels={"share": "Share of incidents"}, helps={"count": "All incidents"})
    formats = {k: v["type_config"].get("format") for k, v in config.items()}
    assert formats == {
        "percent": "%+.1f%%",
        "count": "localized",
        "share": "%.1f",
        "significant": None,
        "name": None,
        "lsoa_code": None,
    }
    assert [config[k]["type_config"]["type"] for k in ("significant", "name")] == ["checkbox", "text"]
    assert config["share"]["label"] == "Share of incidents" and config["percent"]["label"] == "Change (%)"
    assert config["count"]["help"] == "All incidents" and config["share"]["help"] is None
    assert config["name"]["width"] == "medium" and config["lsoa_code"]["width"] is None
    overridden = tables.column_config(frame, formats={"percent": "%.3f", "share": "percent"})
    assert overridden["percent"]["type_config"]["format"] == "%.3f"
    assert overridden["share"]["type_config"]["format"] == "percent"


def test_decimals_names_every_float_column():
    frame = pd.DataFrame({"rate": [1.2345], "count": [3], "name": ["x"], "share": [0.5]})
    assert tables.decimals(frame) == {"rate": "%.3f", "share": "%.3f"}
    assert tables.decimals(frame, "%.1f") == {"rate": "%.1f", "share": "%.1f"}


def test_trend_and_change_tables_are_sorted_and_rounded():
    series = pd.DataFrame(
        {
            "month": ["2017-07", "2017-06", "2017-07"],
            "district": ["Leeds", "Leeds", "Bradford"],
            "count": [5, 4, 3],
            "rate": [0.5, 0.4, 0.3],
            "extra": [1, 2, 3],
        }
    )
    assert tables.trend_table(series).values.tolist() == [
        ["2017-06", "Leeds", 4, 0.4],
        ["2017-07", "Bradford", 3, 0.3],
        ["2017-07", "Leeds", 5, 0.5],
    ]
    gaps = tables.trend_table(series.assign(count=[6381.0, float("nan"), 3.0]))  # a month not loaded: a gap
    assert str(gaps["count"].dtype) == "Int64" and gaps["count"].isna().tolist() == [True, False, False]
    assert gaps["count"].iloc[2] == 6381  # shown as a whole number with thousands separators, not 6381.0
    changes = tables.change_table(pd.DataFrame({"percent": [12.345, -3.06], "p_value": [0.04449, 0.5]}))
    assert changes.values.tolist() == [[12.3, 0.044], [-3.1, 0.5]]
    assert tables.change_table(pd.DataFrame({"x": [1]})).equals(pd.DataFrame({"x": [1]}))


def _show_table() -> None:
    import pandas as pd

    from ui import tables

    tables.show(pd.DataFrame({"community_id": ["HC-E1"], "incidents": [1234]}), key="ignored")


def test_show_draws_the_frame_without_its_index():
    at = AppTest.from_function(_show_table).run()
    assert not at.exception
    (table,) = at.dataframe
    assert table.value.values.tolist() == [["HC-E1", 1234]]
    columns = json.loads(table.proto.columns)
    assert columns["community_id"]["label"] == "Community id"
    assert columns["incidents"]["type_config"]["format"] == "localized"
    assert columns["_index"] == {"hidden": True}
