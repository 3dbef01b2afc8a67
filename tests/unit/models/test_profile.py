"""The district profile: incidents, rate, crime mix against West Yorkshire, the change and its communities."""

from __future__ import annotations

import pandas as pd
import pytest


def test_district_profile_and_its_pdf():
    import io

    from pypdf import PdfReader

    from models.profile import district_profile
    from ui.briefs import profile_pdf

    inc = pd.DataFrame(
        {
            "month": ["2016-07"] * 4 + ["2017-07"] * 6 + ["2017-07"] * 10,
            "district": ["Leeds"] * 10 + ["Bradford"] * 10,
            "crime_type": ["Drugs"] * 5 + ["Burglary"] * 5 + ["Drugs"] * 10,
        }
    )
    communities = pd.DataFrame(
        {
            "community_id": ["HC01", "HC02"],
            "name": ["Briggate (Leeds 111)", "X (Bradford 1)"],
            "districts": ["Leeds", "Bradford"],
            "incidents": [8, 9],
            "harm": [40.0, 50.0],
            "residents": [1000, 900],
        }
    )
    p = district_profile(inc, "Leeds", ["2016-07", "2017-07"], 2000, 800, communities)
    assert p.incidents == 10 and p.rate_per_1000 == pytest.approx(5 * 1000 / 2000)
    mix = p.mix.set_index("crime_type")
    assert mix.loc["Drugs", "district_share"] == pytest.approx(0.5)
    assert mix.loc["Drugs", "west_yorkshire_share"] == pytest.approx(15 / 20)
    assert p.change.before == 4 and p.change.after == 6
    assert p.communities["community_id"].tolist() == ["HC01"] and p.communities["districts"].tolist() == ["Leeds"]
    text = PdfReader(io.BytesIO(profile_pdf(p))).pages[0].extract_text()
    assert "Leeds: serious and organised crime profile" in text and "Briggate" in text


def test_the_change_is_the_periods_own_month_against_a_year_earlier_or_says_why_not():
    from models.profile import year_on_year

    inc = pd.DataFrame({"month": ["2016-07"] * 4 + ["2017-07"] * 6 + ["2023-07"] * 9, "district": ["Leeds"] * 19})
    loaded = ["2016-07", "2017-07", "2023-07"]
    change, text = year_on_year(inc, "Leeds", loaded, ["2017-07"])
    assert (
        change is not None and (change.before, change.after) == (4, 6) and text.startswith("2017-07 against 2016-07:")
    )
    # 2023-07 has no 2022-07: no older change is given as the period's
    change, text = year_on_year(inc, "Leeds", loaded, ["2023-07"])
    assert change is None
    assert text == (
        "No year-on-year change for 2023-07: 2022-07 is not loaded. "
        "The latest month that can be compared is 2017-07 (see Trends)."
    )
    assert year_on_year(inc, "Leeds", loaded)[1].startswith("2017-07 against 2016-07:")  # no period: the latest
    assert year_on_year(inc, "Leeds", ["2023-07"], ["2023-07"]) == (
        None,
        "No year-on-year change for 2023-07: 2022-07 is not loaded.",
    )
