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
    spec = charts.quarterly_chart(quarterly, "Trafficking in controlled drugs").to_dict()
    # no title inside the chart (a title with subtitles was clipped at its top in the browser):
    # what it draws is said above it, as text
    assert "title" not in spec
    heading = charts.quarterly_heading("Trafficking in controlled drugs", "2017/18")
    assert heading.startswith("**Trafficking in controlled drugs**: offences per 1,000 residents, quarter by quarter")
    assert "financial year 2017/18 (Q1 = April to June)" in heading
    axis = spec["encoding"]["x"]["axis"]
    assert axis["labelAngle"] == 0 and axis["labelExpr"] == "'Q' + datum.value"


def _accuracy(hit_rates: dict[str, tuple[float, float]]) -> pd.DataFrame:
    rows = [
        {"method": m, "coverage": c, "hit_rate": h, "pai": h / c}
        for m, pair in hit_rates.items()
        for c, h in zip((0.01, 0.10), pair)
    ]
    return pd.DataFrame(rows)


def test_methods_whose_curves_coincide_are_named_under_the_chart():
    table = _accuracy(
        {
            "Gi*": (0.050, 0.400),
            "Prior counts": (0.053, 0.402),
            "Kernel density": (0.200, 0.410),
            "Hindsight": (0.3, 0.6),
        }
    )
    assert charts.coinciding_methods(table) == [["Gi*", "Prior counts"]]
    note = charts.coinciding_note(table)
    assert note.startswith("Gi* and Prior counts rank alike here: their curves coincide")
    assert "within 0.5 percentage points of another of them at every coverage" in note
    # 0.3 points apart at 1 %, but 0.6 at 10 %: distinct curves, no note
    apart = _accuracy({"Gi*": (0.050, 0.400), "Prior counts": (0.053, 0.406)})
    assert charts.coinciding_methods(apart) == [] and charts.coinciding_note(apart) == ""
    # a chain is one group: C is 0.4 points from B (0.8 from A), and B lies on A, so all three
    # lines lie on one another; the note says each is within the tolerance of another
    chain = _accuracy({"A": (0.1, 0.5), "B": (0.104, 0.504), "C": (0.108, 0.508), "D": (0.9, 0.9)})
    assert charts.coinciding_methods(chain) == [["A", "B", "C"]]
    assert charts.coinciding_note(chain).startswith(
        "A, B and C rank alike here: their curves coincide (each within 0.5 percentage points of another of them"
    )
    two = _accuracy({"A": (0.1, 0.5), "B": (0.1, 0.5), "C": (0.3, 0.7), "D": (0.3, 0.7)})
    assert ": (1) A and B; (2) C and D. The dash patterns tell them apart." in charts.coinciding_note(two)


def test_accuracy_curves_differ_in_dash_pattern_not_only_colour():
    table = _accuracy({"Gi*": (0.05, 0.4), "Prior counts": (0.05, 0.4)})
    encoding = charts.accuracy_curve(table, "hit_rate", "Hit rate").to_dict()["encoding"]
    assert encoding["strokeDash"]["field"] == encoding["color"]["field"] == "method"
    assert encoding["strokeDash"]["legend"] == encoding["color"]["legend"]  # one legend, both drawn in it
    dashes = encoding["strokeDash"]["scale"]["range"]
    assert len({tuple(d) for d in dashes}) == len(dashes)
