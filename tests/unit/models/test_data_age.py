"""Dates follow the data when the newest month is old."""

from __future__ import annotations

import datetime as dt

from models.data_age import data_age


def test_old_data_moves_the_plan_day_to_the_first_day_after_the_newest_month() -> None:
    age = data_age(["2016-07", "2017-07"], dt.date(2026, 12, 4))
    assert age.old and age.latest_month == "2017-07"
    assert age.plan_day == dt.date(2017, 8, 1)
    assert age.age_months == 9 * 12 + 4
    assert "July 2017" in age.sentence and "9 years and 4 months" in age.sentence


def test_current_data_keeps_today() -> None:
    today = dt.date(2026, 12, 4)
    age = data_age(["2026-09", "2026-10"], today)  # published about two months after it ends
    assert not age.old and age.plan_day == today and age.sentence == ""
    assert data_age(["2026-07"], today).old is True  # four months after its end


def test_nothing_loaded_keeps_today() -> None:
    today = dt.date(2026, 12, 4)
    assert data_age([], today).plan_day == today
