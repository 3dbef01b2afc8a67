"""Monthly counts, rates, the Poisson comparison and period checks on hand-made data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from models.trends import (
    comparable_periods,
    compare_counts,
    compare_groups,
    describe_change,
    monthly_counts,
    movers,
    rate_per_1000,
    shift_month,
)


def test_monthly_counts_include_zero_months():
    inc = pd.DataFrame({"month": ["2017-01", "2017-01", "2017-03"], "district": ["Leeds", "Bradford", "Leeds"]})
    out = monthly_counts(inc, ["2017-01", "2017-02", "2017-03"], ("district",))
    assert len(out) == 6
    leeds = out[out["district"] == "Leeds"]["count"].tolist()
    assert leeds == [1, 0, 1]


def test_rates_per_1000_residents():
    assert_allclose(rate_per_1000(np.array([50, 7]), np.array([10_000, 3_500])), [5.0, 2.0])


def test_poisson_comparison_on_known_values():
    # 100 -> 130 in equal periods: exact conditional test is binomial(130; 230, 0.5)
    c = compare_counts(100, 130)
    assert_allclose(c.p_value, stats.binomtest(130, 230, 0.5).pvalue)
    assert_allclose(c.percent, 30.0)
    assert c.p_value == pytest.approx(0.0556, abs=0.0005) and not c.significant
    big = compare_counts(1000, 1200)
    assert big.significant and big.p_value < 1e-4
    # unequal lengths: 2 months at 50 a month against 1 month at 50 is no change
    same = compare_counts(100, 50, months_before=2, months_after=1)
    assert same.percent == pytest.approx(0.0) and same.p_value == pytest.approx(1.0)
    assert compare_counts(0, 0).p_value == 1.0
    assert np.isinf(compare_counts(0, 5).percent)


def test_plain_language_summary():
    text = describe_change("Violence and sexual offences", "Bradford", compare_counts(1000, 1120))
    assert text.startswith("Violence and sexual offences in Bradford rose 12 % (1,000 to 1,120), unlikely to be chance")
    assert "could be chance" in describe_change("Robbery", "Leeds", compare_counts(10, 12))
    assert "fell" in describe_change("Burglary", "Leeds", compare_counts(200, 100))


def test_period_comparison_with_missing_months():
    assert shift_month("2017-01", -12) == "2016-01" and shift_month("2017-01", -1) == "2016-12"
    earlier, later, problem = comparable_periods(["2017-07"], ["2016-07", "2017-07"])
    assert (earlier, later, problem) == (["2016-07"], ["2017-07"], "")
    _, _, problem = comparable_periods(["2017-07", "2017-08"], ["2016-07", "2017-07", "2017-08"])
    assert "2016-08 not loaded" in problem


def test_group_comparison_and_movers():
    inc = pd.DataFrame(
        {
            "month": ["2016-07"] * 3 + ["2017-07"] * 6 + ["2016-07"] * 4,
            "district": ["Leeds"] * 9 + ["Bradford"] * 4,
            "crime_type": ["Drugs"] * 13,
        }
    )
    table = compare_groups(inc, ["2016-07"], ["2017-07"], ("district", "crime_type"))
    assert table[["district", "before", "after", "difference"]].values.tolist() == [
        ["Bradford", 4, 0, -4],
        ["Leeds", 3, 6, 3],
    ]
    rising, falling = movers(table)
    assert rising["district"].tolist() == ["Leeds"] and falling["district"].tolist() == ["Bradford"]


def test_movers_test_only_the_rows_they_keep_and_agree_with_the_full_table():
    import pickle

    rng = np.random.default_rng(5)
    rows = [
        (f"E01{i:06d}", m) for i in range(60) for m in ("2016-07", "2017-07") for _ in range(rng.poisson(8 + i % 7))
    ]
    inc = pd.DataFrame(rows, columns=["lsoa_code", "month"]).assign(lsoa_name=lambda f: f["lsoa_code"])
    full = compare_groups(inc, ["2016-07"], ["2017-07"], ("lsoa_code", "lsoa_name"))
    bare = compare_groups(inc, ["2016-07"], ["2017-07"], ("lsoa_code", "lsoa_name"), tests=False)
    assert "p_value" not in bare and list(full.columns) == [
        *bare.columns[:4],
        "percent",
        "p_value",
        "significant",
        "difference",
    ]
    bare = pickle.loads(pickle.dumps(bare))  # as st.cache_data hands it back
    for a, b in zip(movers(full), movers(bare)):
        pd.testing.assert_frame_equal(a, b)
