"""Emerging hot spot categories and the Mann-Kendall trend test on crafted series."""

from __future__ import annotations

import pytest

from models.emerging import classify_series, enough_months, mann_kendall


@pytest.mark.parametrize(
    ("bins", "z", "category"),
    [
        ([0] * 9 + [1], [0] * 10, "new"),
        ([0] * 7 + [1, 2, 2], [0] * 10, "consecutive"),
        ([1] * 10, list(range(10)), "intensifying"),
        ([2] * 10, [3, 3.1, 2.9, 3, 3.2, 2.8, 3, 3.1, 2.9, 3], "persistent"),
        ([1] * 10, list(range(10, 0, -1)), "diminishing"),
        ([1, 0, 1, 0, 0, 1, 0, 1, 0, 1], [0] * 10, "sporadic"),
        ([1, -1, 1, 0, 0, 1, 0, 1, 0, 1], [0] * 10, "oscillating"),
        ([1] * 9 + [0], [0] * 10, "historical"),
        ([0] * 10, [0] * 10, "no pattern"),
        ([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], [0] * 10, "no pattern"),
    ],
)
def test_emerging_categories_on_crafted_series(bins, z, category):
    assert classify_series(bins, z) == category


def test_mann_kendall_and_month_check():
    assert mann_kendall(list(range(12))).direction == "increasing"
    assert mann_kendall([5] * 12).direction == "no trend"
    ok, why = enough_months(["2016-07", "2017-07"])
    assert not ok and "10 months" in why and "2 month(s)" in why
