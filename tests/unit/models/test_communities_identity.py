"""Issue 17: one place, one name (community ids), honest time, and the plan's defaults."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from models.communities import anchor_lsoa, carry_ids, community_ids
from models.targeting import (
    ConstraintError,
    PlanConstraints,
    bank_holidays,
    carry_choice,
    days_off,
    make_plan,
    session_dates,
)
from models.trends import calendar_series, earlier_period, latest_comparable_month, latest_months, monthly_counts
from records.reference import read_harm_weights, read_themes
from tests.unit.models.test_targeting import make_communities


def test_the_anchor_is_the_lsoa_with_most_cells_then_most_incidents_then_smallest_code():
    assert anchor_lsoa(pd.Series(["B", "A", "B"]), pd.Series(["A"] * 9)) == "B"
    # a tie on cells goes to incidents, a tie on both to the smaller code
    assert anchor_lsoa(pd.Series(["B", "A"]), pd.Series(["B", "B", "A"])) == "B"
    assert anchor_lsoa(pd.Series(["B", "A"]), pd.Series([], dtype=str)) == "A"
    assert anchor_lsoa(pd.Series([], dtype=str), pd.Series([], dtype=str)) == ""


def test_ids_come_from_the_place_not_the_order_and_shared_anchors_are_numbered_by_cell():
    anchors = pd.Series(["E02", "E01", "E02"])
    first = pd.Series([30, 10, 20])
    assert community_ids(anchors, first) == ["HC-E02-2", "HC-E01", "HC-E02"]
    # ranking them the other way round gives every place the same id
    assert community_ids(anchors[::-1].reset_index(drop=True), first[::-1].reset_index(drop=True)) == [
        "HC-E02",
        "HC-E01",
        "HC-E02-2",
    ]


def _table(ids: list[str], names: list[str], cells: list[list[int]]) -> pd.DataFrame:
    return pd.DataFrame({"community_id": ids, "name": names, "cells": cells})


def test_a_later_community_that_mostly_overlaps_an_earlier_one_keeps_its_id():
    earlier = _table(["HC-E01", "HC-E05"], ["Old Street", "Far Lane"], [[1, 2, 3, 4], [50, 51]])
    current = _table(
        ["HC-E02", "HC-E09", "HC-E01"],
        ["New Street", "Elsewhere", "Shrunk"],
        [[2, 3, 4, 9], [70, 71], [1, 60, 61]],
    )
    out = carry_ids(current, earlier)
    # 3 of 4 cells inside HC-E01: it keeps HC-E01 (its name is its own streets'); the third community's own
    # place-derived id is the same string, now taken, so it is marked new (1 of 3 cells only)
    assert out["community_id"].tolist() == ["HC-E01", "HC-E09", "HC-E01-new"]
    assert out["name"].tolist() == ["New Street", "Elsewhere", "Shrunk"]
    assert out["carried_from"].tolist() == ["HC-E01", "", ""]
    # half the cells is enough, less is not
    assert carry_ids(_table(["X"], ["x"], [[1, 99]]), earlier)["community_id"].tolist() == ["HC-E01"]
    assert carry_ids(_table(["X"], ["x"], [[1, 98, 99]]), earlier)["community_id"].tolist() == ["X"]


def test_an_earlier_id_goes_to_one_later_community_only():
    earlier = _table(["HC-E01"], ["Old"], [[1, 2, 3, 4, 5, 6]])
    current = _table(["A", "B"], ["a", "b"], [[1, 2], [3, 4, 5, 99]])
    out = carry_ids(current, earlier)
    assert out["community_id"].tolist() == ["HC-E01", "B"]
    assert out.loc[out["carried_from"] == "HC-E01", "community_id"].tolist() == ["HC-E01"]
    assert out.loc[out["community_id"] == "HC-E01", "cells"].iat[0] == [1, 2]  # share 1.0 beats 0.75


def test_the_default_period_never_pools_distant_months():
    assert latest_months(["2016-07", "2017-07"], 1, []) == ["2017-07"]
    assert latest_months(["2016-07", "2017-07"], 3, []) == ["2017-07"]  # not 2016-07: a year apart
    assert latest_months(["2017-05", "2017-06", "2017-07", "2017-08"], 3, []) == ["2017-06", "2017-07", "2017-08"]
    assert latest_months(["2016-08", "2017-07"], 12, []) == ["2016-08", "2017-07"]
    assert latest_months(["2016-07", "2017-07"], None, ["2016-07", "1999-01"]) == ["2016-07"]
    assert latest_months(["2016-07", "2017-07"], None, []) == ["2017-07"]
    assert latest_months([], 1, []) == []


def test_year_on_year_uses_the_latest_month_that_has_its_year_earlier_month():
    assert latest_comparable_month(["2016-07", "2017-07", "2017-08"]) == "2017-07"
    assert latest_comparable_month(["2016-07", "2016-08", "2017-07", "2017-08"]) == "2017-08"
    assert latest_comparable_month(["2017-07", "2017-08"]) is None


def test_the_calendar_series_shows_a_gap_as_a_gap_not_a_zero():
    incidents = pd.DataFrame({"month": ["2016-07", "2017-07", "2017-08"], "district": ["Leeds"] * 3})
    counts = monthly_counts(incidents, ["2016-07", "2017-07", "2017-08"], ("district",))
    out = calendar_series(counts, ["2016-07", "2017-07", "2017-08"])
    assert len(out) == 14  # every month from 2016-07 to 2017-08
    assert out["loaded"].sum() == 3 and out.loc[~out["loaded"], "count"].isna().all()
    assert out.loc[out["loaded"], "run"].tolist() == [1, 2, 2]  # the line breaks after 2016-07
    assert (out["month_start"].dt.day == 1).all() and out["district"].eq("Leeds").all()


def test_a_choice_of_communities_is_rebuilt_against_the_communities_offered_now():
    assert carry_choice(None, ["a", "b", "c"], 2) == (["a", "b"], [])
    assert carry_choice(["c", "x", "a"], ["a", "b", "c"], 2) == (["c", "a"], ["x"])
    assert carry_choice([], ["a"], 2) == ([], [])


def test_sessions_skip_bank_holidays_in_england():
    found = bank_holidays(dt.date(2017, 8, 1), dt.date(2017, 12, 31))
    assert dt.date(2017, 8, 28) in found and dt.date(2017, 12, 25) in found and dt.date(2017, 12, 26) in found
    assert dt.date(2017, 8, 7) not in found  # Scotland's summer holiday, not England's
    days = session_dates(dt.date(2017, 8, 28), dt.date(2017, 8, 31), (0, 1, 2), found)
    assert days == [dt.date(2017, 8, 29), dt.date(2017, 8, 30)]


def test_sessions_skip_christmas_eve_and_new_years_eve_evenings():
    # 24 and 31 December 2026 are Thursdays, not bank holidays
    assert dt.date(2026, 12, 24) not in bank_holidays(dt.date(2026, 12, 1), dt.date(2027, 1, 31))
    off = days_off(dt.date(2026, 12, 20), dt.date(2027, 1, 2))
    assert off == {
        dt.date(2026, 12, 24): "Christmas Eve",
        dt.date(2026, 12, 25): "Christmas Day",
        dt.date(2026, 12, 26): "Boxing Day",
        dt.date(2026, 12, 28): "Boxing Day (observed)",
        dt.date(2026, 12, 31): "New Year's Eve",
        dt.date(2027, 1, 1): "New Year's Day",
    }
    assert session_dates(dt.date(2026, 12, 21), dt.date(2027, 1, 3), (3,), off) == []  # both Thursdays skipped
    assert days_off(dt.date(2026, 12, 24), dt.date(2026, 12, 24), evenings_off=()) == {}
    # a plan over December with Thursday evenings only places no session on either evening
    constraints = PlanConstraints(
        flyer_budget=100_000,
        sessions_per_month=20,
        start=dt.date(2026, 12, 1),
        end=dt.date(2026, 12, 31),
        weekdays=(3,),
        min_days_between=0,
    )
    assert constraints.evenings_off == ((12, 24), (12, 31))
    plan = make_plan(make_communities(), constraints, read_themes(), read_harm_weights())
    assert set(plan.sessions["date"]) == {dt.date(2026, 12, 3), dt.date(2026, 12, 10), dt.date(2026, 12, 17)}
    with pytest.raises(ConstraintError, match=r"evenings_off holds \(2, 30\)"):
        PlanConstraints(evenings_off=((2, 30),))


def test_a_district_without_a_session_is_warned_of():
    start = dt.date(2017, 9, 4)
    constraints = PlanConstraints(
        flyer_budget=100_000,
        sessions_per_month=1,
        start=start,
        end=start + dt.timedelta(days=20),
        min_sessions_per_district=0,
    )
    plan = make_plan(make_communities(), constraints, read_themes(), read_harm_weights())
    districts = set(plan.communities.loc[plan.communities["chosen"], "districts"])
    missing = districts - set(plan.sessions["district"])
    assert missing
    assert any(all(d in note for d in missing) and "No Facebook Live session" in note for note in plan.notes)


def test_a_period_is_named_after_the_period_just_before_else_a_year_before():
    assert earlier_period(["2017-07"], ["2017-06", "2017-07", "2016-07"]) == ["2017-06"]
    assert earlier_period(["2017-07"], ["2016-07", "2017-07"]) == ["2016-07"]
    assert earlier_period(["2017-07", "2017-08"], ["2017-05", "2017-06", "2017-07", "2017-08"]) == [
        "2017-05",
        "2017-06",
    ]
    assert earlier_period(["2017-07", "2017-08"], ["2017-06", "2017-07", "2017-08"]) == []  # 2017-05 missing
    assert earlier_period(["2016-07", "2017-07"], ["2016-07", "2017-07"]) == []  # every loaded month
    assert earlier_period([], ["2017-07"]) == []


def test_street_names_read_as_written():
    from models.communities import street

    assert street("On or near Queens'S Court") == "Queens' Court"  # a plural possessive
    assert street("On or near St John'S Road") == "St John's Road"


def test_the_new_id_note_names_the_new_ids_and_is_empty_without_one():
    from models.communities import new_id_note

    assert new_id_note(["HC-E01", "HC-E02-2"]) == ""
    note = new_id_note(["HC-E01", "HC-E02-new", "HC-E03-2-new"])
    assert note.startswith("Ids ending -new (HC-E02-new, HC-E03-2-new) mark a community new in this period")
    assert "e.g. HC-E02)" in note
    many = new_id_note([f"HC-E{i:02d}-new" for i in range(8)])
    assert "HC-E04-new and 3 more)" in many


def test_the_kept_id_note_names_carried_ids_whose_area_is_not_theirs_now():
    from models.communities import kept_id_note

    table = pd.DataFrame(
        {
            "community_id": ["HC-E01000001", "HC-E01000002", "HC-E01000003-2", "HC-E01000004"],
            "carried_from": ["HC-E01000001", "HC-E01000002", "HC-E01000003-2", ""],
            "lsoas": [["E01000001"], ["E01033999"], ["E01034000", "E01034001"], ["E01035000"]],
        }
    )
    note = kept_id_note(table)
    assert note.startswith("HC-E01000002, HC-E01000003-2 keep the id of the earlier period's hot spot")
    assert "HC-E01000001" not in note and "HC-E01000004" not in note  # named after its own area; not carried
    assert kept_id_note(table.iloc[[0, 3]]) == ""
    assert kept_id_note(table.drop(columns="carried_from")) == ""
    many = pd.DataFrame(
        {"community_id": [f"HC-E0100000{i}" for i in range(7)], "carried_from": ["x"] * 7, "lsoas": [[]] * 7}
    )
    assert "and 2 more keep" in kept_id_note(many)


def test_an_id_gives_back_the_lsoa_it_is_named_after():
    from models.communities import id_to_lsoa

    ids = community_ids(pd.Series(["E01011365", "E01011365", "E01034582"]), pd.Series([5, 3, 9]))
    assert ids == ["HC-E01011365-2", "HC-E01011365", "HC-E01034582"]
    assert [id_to_lsoa(i) for i in [*ids, "HC-E01011365-new"]] == ["E01011365", "E01011365", "E01034582", "E01011365"]
