"""Charts drawn from cached Vega-Lite specs show the page's own figures and say so in words.

Trends and Home draw their charts from specs made once (``ui.cache.trend_chart``,
``ui.cache.district_chart``); the chart's data, its text alternative and the sentence under
it must still agree with the table and the CSV of the same page.
"""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest


def _charts(at: AppTest) -> list[tuple[dict, pd.DataFrame]]:
    """Each Vega-Lite chart of the page: its spec and its one dataset."""
    out = []
    for element in at.main.get("vega_lite_chart"):
        proto = element.proto
        (dataset,) = proto.datasets
        with pa.ipc.open_stream(dataset.data.data) as reader:
            out.append((json.loads(proto.spec), reader.read_pandas()))
    return out


def _caption_after_chart(at: AppTest, description: str) -> bool:
    return any(c.value == description for c in at.main.get("caption"))


def test_the_trends_chart_shows_the_monthly_figures_of_its_table(app_with_sample: AppTest):
    at = app_with_sample.run()
    at.switch_page("pages/trends.py").run(timeout=300)
    assert not at.exception
    (spec, data) = _charts(at)[0]
    assert spec["description"].startswith("Incidents by district, 2016-07 to 2017-07: Bradford")
    assert _caption_after_chart(at, spec["description"])
    drawn = data[["month", "district", "count"]].sort_values(["month", "district"]).reset_index(drop=True)
    table = next(df.value for df in at.dataframe if list(df.value.columns) == ["month", "district", "count", "rate"])
    pd.testing.assert_frame_equal(drawn, table[["month", "district", "count"]], check_dtype=False)
    assert len(drawn) == 10  # two loaded months x five districts
    first = drawn[drawn["month"] == "2016-07"].set_index("district")["count"]
    last = drawn[drawn["month"] == "2017-07"].set_index("district")["count"]
    for district in ("Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield"):
        assert f"{district} {int(first[district]):,} to {int(last[district]):,}" in spec["description"]

    at.radio[0].set_value("Per 1,000 residents").run(timeout=300)
    (spec, _), *_ = _charts(at)
    assert spec["description"].startswith("Incidents per 1,000 residents by district")
    assert _caption_after_chart(at, spec["description"])


def test_home_draws_incidents_per_district_with_the_figures_of_its_table(app_with_sample: AppTest):
    at = app_with_sample.run()
    assert not at.exception
    ((spec, data),) = _charts(at)
    table = next(df.value for df in at.dataframe if list(df.value.columns) == ["district", "incidents", "share"])
    assert dict(zip(data["District"], data["Incidents"])) == dict(zip(table["district"], table["incidents"]))
    assert spec["description"].startswith("Incidents per district, every loaded month: Leeds")
    labels = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "text")["encoding"]["text"]
    assert labels["format"] == ","  # bar labels read 18,914 as the table does
    assert _caption_after_chart(at, spec["description"])
