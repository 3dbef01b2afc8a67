"""Crimestoppers and survey comparisons before and after a campaign, on hand-made counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.testing import assert_allclose

from models import outcomes as outcome_model


def test_crimestoppers_and_survey_comparisons():
    months = [f"2017-{m:02d}" for m in range(1, 13)]
    rows = []
    for d in ("Leeds", "Bradford", "Wakefield"):
        for m in months:
            rows.append({"district": d, "month": m, "reports": 100 if (d == "Leeds" and m > "2017-06") else 50})
    reports = pd.DataFrame(rows).assign(synthetic=False)
    result = outcome_model.crimestoppers_comparison(reports, ["Leeds"], "2017-06")
    assert (result.periods_before, result.periods_after) == (5, 6)
    assert_allclose([result.campaign_before, result.campaign_after, result.rest_before], [50, 100, 100])
    assert_allclose(result.difference, 1.0)  # doubled against no change
    assert result.p_value < 0.001 and result.low < 1.0 < result.high
    assert "a rise of 100 %" in result.sentence and "unlikely to be chance" in result.sentence
    early = outcome_model.crimestoppers_comparison(reports, ["Leeds"], "2017-11")
    assert np.isnan(early.difference) and "2 more month(s) after are needed" in early.sentence
    survey = pd.DataFrame(
        {
            "district": ["Leeds", "Leeds", "Leeds", "Bradford", "Bradford", "Bradford"],
            "quarter": ["2017-Q1", "2017-Q2", "2017-Q4"] * 2,
            "respondents": [100] * 6,
            "confident": [60, 60, 70, 60, 60, 60],
            "synthetic": True,
        }
    )
    s = outcome_model.survey_comparison(survey, ["Leeds"], "2017-08")
    assert_allclose(s.difference, 0.10)
    assert_allclose(s.high - s.difference, 1.959964 * np.sqrt(0.6 * 0.4 / 200 * 2 + 0.7 * 0.3 / 100 + 0.6 * 0.4 / 100))
    assert s.synthetic and "could be chance" in s.sentence
