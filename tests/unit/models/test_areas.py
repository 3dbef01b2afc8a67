"""Which areas and census a period is on."""

from __future__ import annotations

from models.areas import census_year, generation_of_month, months_needing_census_2021, months_on_2021_areas


def test_a_months_generation_is_the_recorded_one_else_told_by_its_date():
    assert generation_of_month("2024-01", "2011", "2023-06") == "2011"  # its codes said so
    assert generation_of_month("2017-07", "2021", "2023-06") == "2021"
    assert generation_of_month("2023-05", "", "2023-06") == "2011"  # stored before generations were kept
    assert generation_of_month("2023-06", "", "2023-06") == "2021"


def test_the_months_on_2021_areas_of_a_period():
    recorded = {"2016-07": "2011", "2017-07": "2011", "2023-07": "2021", "2023-08": ""}
    assert months_on_2021_areas(recorded, ["2023-08", "2016-07", "2023-07"], "2023-06") == ["2023-07", "2023-08"]
    assert months_on_2021_areas(recorded, ["2016-07", "2017-07"], "2023-06") == []


def test_the_census_nearest_a_month():
    assert census_year("2021-02") == 2011 and census_year("2021-03") == 2021 and census_year("2011-01") == 2011
    assert months_needing_census_2021(["2023-07", "2016-07", "2021-03", "2021-02"]) == ["2021-03", "2023-07"]


def test_residents_come_from_the_census_nearest_each_month_once_loaded():
    from models.areas import district_residents

    c11, c21 = {"Leeds": 751_485}, {"Leeds": 812_000}
    got = district_residents(["2020-12", "2021-03", "2023-07"], c11, c21)
    assert got == {"2020-12": (2011, c11), "2021-03": (2021, c21), "2023-07": (2021, c21)}
    assert district_residents(["2023-07"], c11, None) == {"2023-07": (2011, c11)}  # not loaded: 2011, said on pages
