"""The comms planner: knapsack, sessions, drop zones, main districts and limits."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pytest
from shapely.geometry import box

from models.targeting import (
    MAX_FLYER_BUDGET,
    MIN_PACK_SIZE,
    ConstraintError,
    PlanConstraints,
    allocate_sessions,
    community_themes,
    drop_quantities,
    flyers_from_cost,
    knapsack,
    main_district,
    make_plan,
    print_quantity,
    whole_households,
)
from records.reference import read_harm_weights, read_themes
from ui import briefs


def test_knapsack_finds_the_best_set_where_greedy_does_not():
    # greedy by value per weight takes item 0 (6/1) then cannot fit item 1 or 2: value 6
    # the best is items 1 and 2: value 10 + 12 = 22 in weight 2 + 3 = 5
    assert knapsack([6, 10, 12], [1, 2, 3], 5) == [1, 2]
    assert knapsack([5, 5], [3, 3], 3) == [0]  # ties go to the higher-ranked item
    assert knapsack([1, 2], [4, 5], 3) == []
    assert knapsack([3, 4, 5, 6], [2, 3, 4, 5], 5) == [0, 1]


def test_print_quantities_and_cost_budgets():
    assert print_quantity(100, 0.10, 50) == 150  # 110 rounded up to whole packs of 50
    assert print_quantity(0, 0.10, 50) == 0
    assert print_quantity(1000, 0.0, 50) == 1000
    assert flyers_from_cost(1500, 0.06) == 25_000
    with pytest.raises(ValueError):
        flyers_from_cost(10, 0)


def test_sessions_follow_harm_with_a_minimum_per_district():
    # one each, then 9 by harm: exact shares 7.2, 1.35, 0.45 -> 7, 1, 0 and the one left
    # over to the largest remainder (Wakefield's 0.45)
    assert allocate_sessions({"Leeds": 80, "Bradford": 15, "Wakefield": 5}, 12, 1) == {
        "Leeds": 8,
        "Bradford": 2,
        "Wakefield": 2,
    }
    assert allocate_sessions({"A": 1, "B": 9}, 1, 1) == {"B": 1, "A": 0}


THEMES = read_themes()
HARM = read_harm_weights()


def make_communities() -> gpd.GeoDataFrame:
    rows = [
        ("HC01", "Briggate & Boar Lane (Leeds 111)", "Leeds", 900.0, 1000, {"Robbery": 50, "Drugs": 20}),
        ("HC02", "Manningham Lane (Bradford 039)", "Bradford", 500.0, 400, {"Burglary": 40}),
        ("HC03", "Westgate (Wakefield 017)", "Wakefield", 450.0, 400, {"Drugs": 30, "Shoplifting": 10}),
    ]
    return gpd.GeoDataFrame(
        {
            "rank": [1, 2, 3],
            "community_id": [r[0] for r in rows],
            "name": [r[1] for r in rows],
            "districts": [r[2] for r in rows],
            "harm": [r[3] for r in rows],
            "households": [r[4] for r in rows],
            "incidents": [sum(r[5].values()) for r in rows],
            "by_type": [r[5] for r in rows],
            "streets": [["Briggate", "Supermarket"], ["Manningham Lane"], ["Westgate"]],
            "lsoa_households": [{"E01000001": 600.0, "E01000002": 400.0}, {"E01000003": 400.0}, {"E01000004": 400.0}],
            "lsoa_streets": [
                {"E01000001": ["Briggate"], "E01000002": ["Boar Lane"]},
                {"E01000003": ["Manningham Lane"]},
                {"E01000004": ["Westgate"]},
            ],
        },
        geometry=[box(-1.55, 53.79, -1.53, 53.80), box(-1.76, 53.80, -1.74, 53.81), box(-1.50, 53.68, -1.48, 53.69)],
        crs="EPSG:4326",
    )


LSOAS = gpd.GeoDataFrame(
    {"lsoa_code": ["E01000001", "E01000002", "E01000003", "E01000004"]},
    geometry=[
        box(-1.56, 53.78, -1.54, 53.81),
        box(-1.54, 53.78, -1.52, 53.81),
        box(-1.77, 53.79, -1.73, 53.82),
        box(-1.51, 53.67, -1.47, 53.70),
    ],
    crs="EPSG:4326",
)


def plan_for_tests(**changes):
    settings = {
        "flyer_budget": 1_000,
        "spare_margin": 0.10,
        "sessions_per_month": 4,
        "start": dt.date(2027, 1, 4),
        "end": dt.date(2027, 2, 28),
        "min_days_between": 14,
    }
    constraints = PlanConstraints(**{**settings, **changes})
    return make_plan(make_communities(), constraints, THEMES, HARM)


def test_plan_picks_the_most_harm_within_the_flyer_budget():
    plan = plan_for_tests()
    # HC01 needs 1,100 flyers (over budget); HC02 + HC03 need 450 + 450 = 900 and cover 950 harm
    assert plan.communities["chosen"].tolist() == [False, True, True]
    assert plan.flyers_used == 900 and plan.harm_covered == 950
    assert plan.drops["lsoa_code"].tolist() == ["E01000003", "E01000004"]
    assert plan.drops["streets"].tolist() == ["Manningham Lane", "Westgate"]
    assert any("left out" in n for n in plan.notes)


def test_priority_themes_change_the_choice():
    plan = plan_for_tests(flyer_budget=450, priority_themes=("County lines and exploitation",), priority_boost=2.0)
    assert plan.communities.loc[plan.communities["chosen"], "community_id"].tolist() == ["HC03"]
    assert plan_for_tests(flyer_budget=450).communities.loc[lambda t: t["chosen"], "community_id"].tolist() == ["HC02"]


def test_schedule_respects_the_window_days_and_gaps():
    plan = plan_for_tests(flyer_budget=5_000)
    s = plan.sessions
    assert len(s) == round(4 * 56 / 30.44)  # sessions a month x months in the window
    assert s["date"].between(dt.date(2027, 1, 4), dt.date(2027, 2, 28)).all()
    assert s["start"].map(lambda t: t.weekday() in (1, 2, 3) and (t.hour, t.minute) == (18, 30)).all()
    assert s["date"].is_unique
    for _, group in s.groupby("community_id"):
        gaps = group["date"].sort_values().diff().dropna().map(lambda d: d.days)
        assert (gaps >= 14).all()
    assert set(s["district"]) == {"Leeds", "Bradford", "Wakefield"}
    assert (s.loc[s["community_id"] == "HC01", "spot"] == "On or near Briggate").all()  # not "Supermarket"


def test_community_themes_follow_harm():
    assert community_themes({"Robbery": 50, "Drugs": 20}, HARM, THEMES) == [
        "Gun and knife crime and gangs",
        "County lines and exploitation",
    ]


# --- One rounding rule: a community prints the sum of its drop zones (issue 11) -------------


def _one_community(lsoa_households: dict[str, float], districts: str = "Leeds", **extra) -> gpd.GeoDataFrame:
    """A single community over the given LSOAs (households = their sum)."""
    return gpd.GeoDataFrame(
        {
            "rank": [1],
            "community_id": ["HC01"],
            "name": ["Briggate (Leeds 111)"],
            "districts": [districts],
            "harm": [100.0],
            "households": [round(sum(lsoa_households.values()))],
            "incidents": [10],
            "by_type": [{"Burglary": 10}],
            "streets": [["Briggate"]],
            "lsoa_households": [lsoa_households],
            "lsoa_streets": [{k: ["Briggate"] for k in lsoa_households}],
            **{k: [v] for k, v in extra.items()},
        },
        geometry=[box(-1.56, 53.78, -1.52, 53.81)],
        crs="EPSG:4326",
    )


def test_a_community_prints_the_sum_of_its_drop_zones():
    # Three LSOAs of 20 households, 10 % spare, packs of 50: each drop zone needs 22 flyers,
    # one pack each, 150 in all. Rounding the community as one (66 -> 100) promised the
    # printer 100 while the drop zones sent to it asked for 150.
    lsoa_households = {"E01000001": 20.0, "E01000002": 20.0, "E01000003": 20.0}
    plan = make_plan(_one_community(lsoa_households), PlanConstraints(flyer_budget=1_000), THEMES, HARM)
    assert plan.drops["flyers"].tolist() == [50, 50, 50]
    assert plan.communities["flyers"].tolist() == [150]
    assert plan.flyers_used == 150 == briefs.plan_summary(plan)["flyers"]
    assert plan.households_covered == 60 == briefs.plan_summary(plan)["households"]


def test_the_knapsack_weighs_communities_by_their_drop_zones():
    # With 100 flyers, the community rounded as one (100) looked affordable, but its drop
    # zones need 150: it must be left out, so what is printed stays within the budget.
    lsoa_households = {"E01000001": 20.0, "E01000002": 20.0, "E01000003": 20.0}
    plan = make_plan(_one_community(lsoa_households), PlanConstraints(flyer_budget=100), THEMES, HARM)
    assert plan.communities["chosen"].tolist() == [False]
    assert plan.drops.empty and plan.flyers_used == 0
    fits = make_plan(_one_community(lsoa_households), PlanConstraints(flyer_budget=150), THEMES, HARM)
    assert fits.communities["chosen"].tolist() == [True] and fits.flyers_used == 150


def test_drop_zone_households_are_whole_and_add_up_to_the_community():
    # 33.4 + 33.3 + 33.3 = 100 households: rounded one by one they would make 99
    assert whole_households({"A": 33.4, "B": 33.3, "C": 33.3}, 100) == {"A": 34, "B": 33, "C": 33}
    assert whole_households({"A": 0.6, "B": 0.6}, 1) == {"A": 1, "B": 0}  # ties go to the first code
    assert whole_households({}, 10) == {}
    assert drop_quantities({"A": 40.0, "B": 5.0}, 45, 0.10, 50) == {"A": (40, 50), "B": (5, 50)}


# --- Main district: where most of the harm is ---------------------------------------------------


def test_main_district_is_where_most_of_the_harm_is():
    assert main_district("Bradford, Leeds", {"Bradford": 10.0, "Leeds": 90.0}) == "Leeds"
    assert main_district("Bradford, Leeds", {"Bradford": 50.0, "Leeds": 50.0}) == "Bradford"  # tie: by name
    assert main_district("Leeds, Bradford") == "Bradford"  # no harm by district: first by name
    assert main_district("") == ""


def test_sessions_and_drop_zones_use_the_harm_and_lsoa_districts():
    community = _one_community(
        {"E01000001": 300.0, "E01000002": 100.0},
        districts="Bradford, Leeds",
        district_harm={"Bradford": 5.0, "Leeds": 95.0},
        lsoa_districts={"E01000001": "Leeds", "E01000002": "Bradford"},
    )
    plan = make_plan(
        community,
        PlanConstraints(flyer_budget=1_000, start=dt.date(2027, 1, 4), end=dt.date(2027, 2, 28)),
        THEMES,
        HARM,
    )
    assert plan.communities["district"].tolist() == ["Leeds"]
    assert set(plan.sessions["district"]) == {"Leeds"}
    assert plan.drops["district"].tolist() == ["Leeds", "Bradford"]
    # without the LSOA districts, each drop zone is in the community's main district
    plain = make_plan(community.drop(columns="lsoa_districts"), plan.constraints, THEMES, HARM)
    assert plain.drops["district"].tolist() == ["Leeds", "Leeds"]


# --- Limits: a mistyped budget is refused with a plain message --------------------------------


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"flyer_budget": 10**9}, ["flyer_budget", "1,000,000,000", "2,000,000"]),
        ({"flyer_budget": -1}, ["flyer_budget", "-1"]),
        ({"pack_size": 0}, ["pack_size", "0", "10,000"]),
        ({"pack_size": 10_001}, ["pack_size", "10,001", "10,000"]),
        ({"spare_margin": 0.6}, ["spare_margin", "0.6", "0.5"]),
        ({"spare_margin": float("nan")}, ["spare_margin", "nan"]),
        ({"sessions_per_month": 61}, ["sessions_per_month", "61", "60"]),
        ({"min_days_between": 91}, ["min_days_between", "91", "90"]),
        ({"min_sessions_per_district": 11}, ["min_sessions_per_district", "11", "10"]),
        ({"start": dt.date(2027, 1, 1), "end": dt.date(2029, 1, 1)}, ["campaign window", "732", "366"]),
        ({"start": dt.date(2027, 2, 1), "end": dt.date(2027, 1, 1)}, ["end", "2027-01-01", "2027-02-01"]),
        ({"weekdays": (1, 7)}, ["weekdays", "7", "6"]),
        ({"time_slot": (24, 0)}, ["time_slot hour", "24", "23"]),
        ({"duration_minutes": 0}, ["duration_minutes", "0", "240"]),
        ({"priority_boost": 1e6}, ["priority_boost", "1e+06", "10"]),
    ],
)
def test_constraints_outside_their_limits_are_refused_with_a_plain_message(change, words):
    with pytest.raises(ValueError) as caught:
        PlanConstraints(**change)
    assert isinstance(caught.value, ConstraintError)
    for word in words:
        assert word in str(caught.value)


def test_the_largest_budget_plans_without_a_table_per_flyer():
    # the knapsack's table stops at the packs of all communities together, however large
    # the budget: packs of one flyer and the largest budget plan at once
    constraints = PlanConstraints(
        flyer_budget=MAX_FLYER_BUDGET, pack_size=MIN_PACK_SIZE, start=dt.date(2027, 1, 4), end=dt.date(2027, 1, 31)
    )
    plan = make_plan(make_communities(), constraints, THEMES, HARM)
    assert plan.communities["chosen"].all()
    assert plan.flyers_used == 660 + 440 + 440 + 440
    assert knapsack([5.0, 4.0], [3, 2], 10**12) == [0, 1]
