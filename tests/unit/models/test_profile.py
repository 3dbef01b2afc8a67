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
    assert p.communities["community_id"].tolist() == ["HC01"]
    text = PdfReader(io.BytesIO(profile_pdf(p))).pages[0].extract_text()
    assert "Leeds: serious and organised crime profile" in text and "Briggate" in text
