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


def test_a_periods_shares_use_the_census_nearest_its_latest_month():
    from models.areas import period_census_year

    assert period_census_year(["2020-11", "2021-02"]) == 2011
    assert period_census_year(["2020-12", "2021-03"]) == 2021
    assert period_census_year([]) == 2011


def test_census_2021_is_put_on_the_2011_areas_through_the_lookup():
    import pandas as pd
    from numpy.testing import assert_allclose

    from models.areas import census_on_2011_areas

    # A unchanged; B split into B1, B2; C and D merged into CD; E and F exchanged parts (complex,
    # E with E1 and F1, F with F1); G in 2011 with no 2011 households (equal shares)
    lookup = pd.DataFrame(
        [("A", "A"), ("B", "B1"), ("B", "B2"), ("C", "CD"), ("D", "CD"), ("E", "E1"), ("E", "F1"), ("F", "F1")],
        columns=["LSOA11CD", "LSOA21CD"],
    )
    c11 = pd.DataFrame(
        {
            "lsoa_code": list("ABCDEF"),
            "persons": [100, 200, 300, 100, 50, 150],
            "households": [40, 80, 0, 0, 20, 60],
        }
    )
    c21 = pd.DataFrame(
        {
            "lsoa_code": ["A", "B1", "B2", "CD", "E1", "F1"],
            "persons": [110, 120, 130, 800, 70, 400],
            "households": [44, 50, 51, 300, 25, 160],
        }
    )
    got = census_on_2011_areas(c21, lookup, c11)
    assert_allclose(got.loc["A"].to_numpy(), [110, 44])  # unchanged keeps its count
    assert_allclose(got.loc["B"].to_numpy(), [250, 101])  # split: the sum of its parts
    # merged: shared by the 2011 counts (persons 3:1); no 2011 households: equal shares
    assert_allclose(got.loc[["C", "D"], "persons"].to_numpy(), [600, 200])
    assert_allclose(got.loc[["C", "D"], "households"].to_numpy(), [150, 150])
    # complex: F1 shared between E and F by 50:150 persons, 20:60 households
    assert_allclose(got.loc["E"].to_numpy(), [70 + 100, 25 + 40])
    assert_allclose(got.loc["F"].to_numpy(), [300, 120])
    assert_allclose(got.sum().to_numpy(), c21[["persons", "households"]].sum().to_numpy())  # nothing lost
