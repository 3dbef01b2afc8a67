"""cli.analyse: periods, and the messages of an empty store or a month not stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.analyse import period_months, run

STORED = ["2016-07", "2017-05", "2017-06", "2017-07"]


@pytest.mark.parametrize(
    ("period", "months"),
    [
        ("latest", ["2017-07"]),
        ("latest3", ["2017-05", "2017-06", "2017-07"]),
        ("latest12", ["2016-07", "2017-05", "2017-06", "2017-07"][1:]),
        ("2017-06", ["2017-06"]),
        ("2016-07..2017-06", ["2016-07", "2017-05", "2017-06"]),
    ],
)
def test_periods_cover_the_stored_months_as_the_sidebar_does(period: str, months: list[str]):
    assert period_months(period, STORED) == months


def test_a_month_not_stored_is_named():
    with pytest.raises(ValueError, match="--period 2017-01: not stored"):
        period_months("2017-01", STORED)


def test_an_empty_store_says_how_to_load_one(tmp_path: Path):
    code, text = run(["--store", str(tmp_path / "empty")])
    assert code == 2 and "no months stored" in text and "cli.ingest" in text
