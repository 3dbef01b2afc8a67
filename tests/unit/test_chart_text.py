"""Charts' text alternatives (ui.charts): the sentences say what the chart draws."""

from __future__ import annotations

import pandas as pd

from ui import charts


def test_monthly_summary_gives_each_group_first_and_last_month():
    counts = pd.DataFrame(
        {
            "month": ["2016-07", "2017-07", "2016-07", "2017-07", "2017-07"],
            "district": ["Leeds", "Leeds", "Bradford", "Bradford", "Wakefield"],
            "count": [9300, 9812, 6401, 7063, 12],
        }
    )
    assert charts.monthly_summary(counts, "count", "Incidents") == (
        "Incidents by district, 2016-07 to 2017-07: Bradford 6,401 to 7,063; Leeds 9,300 to 9,812; Wakefield 12 (2017-07)."
    )
    rates = counts.assign(rate=[1.234, 1.5, 2.0, 2.25, 0.5])
    assert "Bradford 2 to 2.25" in charts.monthly_summary(rates, "rate", "Rate")
    assert charts.monthly_summary(counts.iloc[:0], "count", "Incidents") == "Incidents: no data for these filters."


def test_counts_summary_lists_the_largest_first():
    frame = pd.DataFrame({"type": ["a", "b", "c"], "n": [5, 20, 10]})
    assert charts.counts_summary(frame, "type", "n", "Mix", top=2) == "Mix: b 20; c 10 (1 more)."


def test_accuracy_summary_names_the_best_method_at_each_end():
    table = pd.DataFrame(
        {
            "method": ["Gi*", "Prior counts", "Gi*", "Prior counts"],
            "coverage": [0.01, 0.01, 0.10, 0.10],
            "hit_rate": [0.05, 0.07, 0.40, 0.35],
        }
    )
    text = charts.accuracy_summary(table, "hit_rate", "Hit rate")
    assert "at 1% of the area the best is Prior counts (0.070)" in text
    assert "at 10% of the area the best is Gi* (0.400)" in text


def test_the_description_reaches_the_chart_spec():
    chart = charts.bars(pd.DataFrame({"type": ["a"], "n": [1]}), "type", "n")
    spec = charts.accessible(chart, "Mix: a 1.").to_dict()
    assert spec["description"] == "Mix: a 1."
    assert all("tooltip" in layer["encoding"] for layer in spec["layer"])  # every mark gets a description


def test_shares_summary_sets_the_district_against_west_yorkshire():
    mix = pd.DataFrame(
        {"crime_type": ["Drugs", "Robbery"], "district_share": [0.05, 0.125], "west_yorkshire_share": [0.04, 0.1]}
    )
    assert charts.shares_summary(mix, "Leeds", top=1) == (
        "Largest shares of incidents in Leeds, against West Yorkshire: Robbery 12.5% against 10.0%."
    )


def test_the_quarterly_chart_title_fits_and_its_quarters_read_across():
    quarterly = pd.DataFrame(
        {
            "measure": ["Trafficking in controlled drugs"] * 2,
            "quarter": [1, 2],
            "series": ["West Yorkshire"] * 2,
            "offences": [10, 12],
            "rate": [0.5, 0.6],
        }
    )
    spec = charts.quarterly_chart(quarterly, "Trafficking in controlled drugs", "2017/18").to_dict()
    # the measure alone is the title; what is drawn goes on its own line below it
    assert spec["title"]["text"] == "Trafficking in controlled drugs"
    assert spec["title"]["subtitle"] == [
        "Per 1,000 residents, quarter by quarter, financial year 2017/18 (Q1 = April to June)"
    ]
    axis = spec["encoding"]["x"]["axis"]
    assert axis["labelAngle"] == 0 and axis["labelExpr"] == "'Q' + datum.value"
