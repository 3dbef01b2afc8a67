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


def test_census_2011_is_put_on_the_2021_areas_by_their_size():
    import pandas as pd
    from numpy.testing import assert_allclose

    from models.areas import census_on_2021_areas

    # A unchanged; B split into B1 (30 ha) and B2 (10 ha); C and D merged into CD
    lookup = pd.DataFrame(
        [("A", "A"), ("B", "B1"), ("B", "B2"), ("C", "CD"), ("D", "CD")], columns=["LSOA11CD", "LSOA21CD"]
    )
    c11 = pd.DataFrame({"lsoa_code": list("ABCD"), "persons": [100, 200, 300, 100], "households": [40, 80, 120, 30]})
    hectares = pd.Series([5.0, 30.0, 10.0, 50.0], index=["A", "B1", "B2", "CD"])
    got = census_on_2021_areas(c11, lookup, hectares)
    assert list(got.index) == ["A", "B1", "B2", "CD"]
    assert_allclose(got.loc["A"].to_numpy(), [100, 40])
    assert_allclose(got.loc[["B1", "B2"], "persons"].to_numpy(), [150, 50])  # 3:1 by hectares
    assert_allclose(got.loc["CD"].to_numpy(), [400, 150])  # merged: the sum of its parts
    assert_allclose(got.sum().to_numpy(), [700, 270])  # nothing lost


def test_a_period_is_on_2021_areas_only_when_every_month_was_published_on_them():
    from models.areas import period_on_2021_areas

    recorded = {"2023-05": "2011", "2023-07": "2021", "2023-08": ""}
    assert period_on_2021_areas(recorded, ["2023-07", "2023-08"], "2023-06")
    assert not period_on_2021_areas(recorded, ["2023-05", "2023-07"], "2023-06")  # crosses the change
    assert not period_on_2021_areas(recorded, [], "2023-06")


def test_the_grid_on_2021_areas_keeps_cells_and_districts_and_takes_2021_lsoas():
    import pandas as pd

    from models.areas import grid_on_2021_areas

    grid11 = pd.DataFrame(
        {
            "cell": [1, 2, 3],
            "lsoa_code": ["A", "B", "B"],
            "msoa_code": ["M1", "M2", "M2"],
            "msoa_name": ["X 001", "X 002", "X 002"],
            "district": ["Leeds", "Leeds", "Leeds"],
        }
    )
    grid21 = pd.DataFrame({"cell": [1, 2], "lsoa_code": ["A", "B2"]})  # cell 3's centre on no 2021 polygon
    lookup = pd.DataFrame([("A", "A"), ("B", "B2"), ("B", "B1")], columns=["LSOA11CD", "LSOA21CD"])
    lsoas21 = pd.DataFrame(
        {"lsoa_code": ["A", "B1", "B2"], "msoa_code": ["", "", ""], "msoa_name": ["X 001", "X 002", "X 002"]}
    )
    got = grid_on_2021_areas(grid11, grid21, lookup, lsoas21)
    assert got["cell"].tolist() == [1, 2, 3] and got["district"].tolist() == ["Leeds"] * 3
    assert got["lsoa_code"].tolist() == ["A", "B2", "B1"]  # cell 3: the first 2021 part of its 2011 LSOA
    assert got["msoa_name"].tolist() == ["X 001", "X 002", "X 002"]
    assert grid11["lsoa_code"].tolist() == ["A", "B", "B"]  # not modified


def test_incidents_on_2021_areas_keep_2021_codes_and_place_the_others_by_cell():
    import pandas as pd

    from models.areas import incidents_on_2021_areas

    incidents = pd.DataFrame(
        {
            "lsoa_code": ["A", "B", "B", None],  # as stored: on 2011 codes
            "published_lsoa": ["A", "B1", "B", None],  # as published: A kept, B1 new, B ended, none
            "lsoa_name": ["a", "b", "b", None],
            "h3_r9": [1, 2, 3, 3],
        }
    )
    grid21 = pd.DataFrame({"cell": [1, 2, 3], "lsoa_code": ["A", "B1", "B2"]})
    lsoas21 = pd.DataFrame({"lsoa_code": ["A", "B1", "B2"], "lsoa_name": ["a", "b1", "b2"]})
    got = incidents_on_2021_areas(incidents, grid21, lsoas21, "h3_r9")
    assert got["lsoa_code"].tolist() == ["A", "B1", "B2", "B2"]
    assert got["lsoa_name"].tolist() == ["a", "b1", "b2", "b2"]
    assert len(got) == len(incidents) and incidents["lsoa_code"].iloc[:3].tolist() == ["A", "B", "B"]  # unchanged
    # without published codes (no row was moved) each row's own code is used
    plain = incidents.drop(columns="published_lsoa").assign(lsoa_code=["A", "B1", "B2", "A"])
    assert incidents_on_2021_areas(plain, grid21, lsoas21, "h3_r9")["lsoa_code"].tolist() == ["A", "B1", "B2", "A"]


def test_the_households_source_names_the_areas_and_how_the_census_reached_them():
    from models.areas import HouseholdsSource, households_source

    assert households_source(False, 2011) == HouseholdsSource("LSOA 2011", "census 2011") == HouseholdsSource()
    assert households_source(False, 2021) == HouseholdsSource("LSOA 2011", "census 2021 put on the 2011 LSOAs")
    assert households_source(True, 2021) == HouseholdsSource("LSOA 2021", "census 2021")
    assert households_source(True, 2011) == HouseholdsSource(
        "LSOA 2021", "census 2011 put on the 2021 LSOAs by area size"
    )


def test_the_2021_areas_take_census_2021_as_loaded_else_census_2011_by_size():
    import geopandas as gpd
    import pandas as pd
    from numpy.testing import assert_allclose
    from shapely.geometry import box

    from models.areas import lsoas_2021_frame

    # B split into B1 and B2, B1 three times the size of B2 (boxes of 0.03 and 0.01 degrees)
    lsoas21 = gpd.GeoDataFrame(
        {
            "lsoa_code": ["B1", "B2"],
            "lsoa_name": ["Leeds 001A", "Leeds 001B"],
            "district_code": ["E08000035"] * 2,
            "district": ["Leeds"] * 2,
        },
        geometry=[box(-1.55, 53.80, -1.52, 53.81), box(-1.52, 53.80, -1.51, 53.81)],
        crs="EPSG:4326",
    )
    lookup = pd.DataFrame([("B", "B1"), ("B", "B2")], columns=["LSOA11CD", "LSOA21CD"])
    c11 = pd.DataFrame({"lsoa_code": ["B"], "persons": [400], "households": [160]})
    by_size = lsoas_2021_frame(lsoas21, None, c11, lookup, "EPSG:27700")
    assert by_size["msoa_name"].tolist() == ["Leeds 001", "Leeds 001"] and (by_size["msoa_code"] == "").all()
    assert_allclose(by_size["persons"].to_numpy(), [300, 100], rtol=1e-3)  # 3:1 by hectares
    assert_allclose(by_size["households"].sum(), 160)
    c21 = pd.DataFrame({"lsoa_code": ["B2", "B1"], "persons": [250, 170], "households": [90, 70]})
    loaded = lsoas_2021_frame(lsoas21, c21, c11, lookup, "EPSG:27700")
    assert loaded[["persons", "households"]].to_numpy().tolist() == [[170, 70], [250, 90]]  # by code, as loaded


def test_counts_are_shared_equally_without_weights_and_kept_across_complex_changes():
    import pandas as pd
    from numpy.testing import assert_allclose

    from models.areas import census_on_2021_areas

    # complex (X): P split between X1 and X2, Q into X2 and X3; Z split into two areas of no size
    lookup = pd.DataFrame(
        [("P", "X1"), ("P", "X2"), ("Q", "X2"), ("Q", "X3"), ("Z", "Z1"), ("Z", "Z2"), ("Z", "Z1")],
        columns=["LSOA11CD", "LSOA21CD"],
    )  # a pair listed twice counts once
    c11 = pd.DataFrame({"lsoa_code": ["P", "Q", "Z"], "persons": [100, 60, 50], "households": [40, 30, 20]})
    hectares = pd.Series([1.0, 3.0, 1.0, 0.0, 0.0], index=["X1", "X2", "X3", "Z1", "Z2"])
    got = census_on_2021_areas(c11, lookup, hectares)
    assert_allclose(got.loc[["X1", "X2", "X3"], "persons"].to_numpy(), [25, 75 + 45, 15])
    assert_allclose(got.loc[["Z1", "Z2"], "households"].to_numpy(), [10, 10])  # equal shares
    assert_allclose(got.sum().to_numpy(), [210, 90])
