"""geo.boundaries: LSOAs with census figures, districts dissolved from them, point -> LSOA,
on a tiny hand-made data folder."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from shapely.geometry import box, mapping

from core.errors import InputFileError
from core.settings import Settings
from geo.boundaries import LSOA_COLUMNS, lsoas_to_districts, points_to_lsoa, read_lsoas

# (code, name, district code, district, box): two LSOAs side by side in Leeds, one in
# Bradford, and one in York (not a West Yorkshire district: left out)
LSOAS = [
    ("E01000002", "Leeds 001B", "E08000035", "Leeds", (-1.55, 53.79, -1.54, 53.80)),
    ("E01000001", "Leeds 001A", "E08000035", "Leeds", (-1.56, 53.79, -1.55, 53.80)),
    ("E01000003", "Bradford 001A", "E08000032", "Bradford", (-1.76, 53.79, -1.75, 53.80)),
    ("E01000004", "York 001A", "E06000014", "York", (-1.09, 53.95, -1.08, 53.96)),
]


def data_dir(tmp_path: Path, lsoas: list = LSOAS, population: str | None = None) -> Settings:
    """Write the two boundary files under ``tmp_path`` and return settings reading them."""
    settings = Settings(data_dir=tmp_path)
    features = [
        {
            "type": "Feature",
            "properties": {
                "LSOA11CD": code,
                "LSOA11NM": name,
                "MSOA11CD": "E02000001",
                "MSOA11NM": name[:-1],
                "LAD11CD": district_code,
                "LAD11NM": district,
            },
            "geometry": mapping(box(*bounds)),
        }
        for code, name, district_code, district, bounds in lsoas
    ]
    settings.lsoa_boundaries_file.parent.mkdir(parents=True)
    settings.lsoa_boundaries_file.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    settings.lsoa_population_file.parent.mkdir(parents=True)
    settings.lsoa_population_file.write_text(
        population
        or "LSOA11CD,persons,households,hectares\nE01000001,1500,600,40.5\nE01000002,1200,500,30.0\n"
        "E01000004,900,400,10.0\n"
    )
    return settings


def test_lsoas_of_the_five_districts_are_read_sorted_with_their_census_figures(tmp_path: Path):
    lsoas = read_lsoas(data_dir(tmp_path))
    assert list(lsoas.columns) == [*LSOA_COLUMNS, "geometry"]
    assert lsoas["lsoa_code"].tolist() == ["E01000001", "E01000002", "E01000003"]  # York left out
    assert lsoas["persons"].tolist() == [1500, 1200, 0]  # no census row: 0, never NaN
    assert lsoas["households"].dtype == "int64" and lsoas["hectares"].tolist() == [40.5, 30.0, 0.0]
    assert lsoas.crs.to_epsg() == 4326 and lsoas.geometry.is_valid.all()


@pytest.mark.parametrize(
    ("lsoas", "population", "problem"),
    [
        ([*LSOAS, LSOAS[0]], None, "an LSOA code appears twice"),
        (LSOAS, "LSOA11CD,persons\nE01000001,3\n", r"missing columns \['hectares', 'households'\]"),
    ],
)
def test_an_unusable_file_is_named_with_its_problem(tmp_path: Path, lsoas: list, population: str | None, problem: str):
    settings = data_dir(tmp_path, lsoas, population)
    with pytest.raises(InputFileError, match=problem) as info:
        read_lsoas(settings)
    assert info.value.path in {str(settings.lsoa_boundaries_file), str(settings.lsoa_population_file)}


def test_a_missing_boundary_file_is_named(tmp_path: Path):
    settings = Settings(data_dir=tmp_path)
    with pytest.raises(InputFileError, match="cannot be read as GeoJSON") as info:
        read_lsoas(settings)
    assert info.value.path == str(settings.lsoa_boundaries_file)


def test_districts_are_the_lsoas_dissolved_with_their_figures_summed(tmp_path: Path):
    districts = lsoas_to_districts(read_lsoas(data_dir(tmp_path)))
    assert districts["district"].tolist() == ["Bradford", "Leeds"]
    leeds = districts.set_index("district").loc["Leeds"]
    assert (leeds["persons"], leeds["households"], leeds["district_code"]) == (2700, 1100, "E08000035")
    assert leeds.geometry.equals(box(-1.56, 53.79, -1.54, 53.80))


def test_points_find_their_lsoa_and_a_shared_edge_gives_one_answer(tmp_path: Path):
    lsoas = read_lsoas(data_dir(tmp_path))
    lon = np.array([-1.555, -1.545, -1.755, -1.55, 0.0, np.nan])
    lat = np.array([53.795, 53.795, 53.795, 53.795, 51.5, 53.795])
    found = points_to_lsoa(lon, lat, lsoas)
    assert found[:3].tolist() == ["E01000001", "E01000002", "E01000003"]
    assert found[3] in {"E01000001", "E01000002"}  # on the edge the two share
    assert found[4:].tolist() == ["", ""]  # outside every LSOA; no coordinates
    assert points_to_lsoa(np.array([np.nan]), np.array([np.nan]), lsoas).tolist() == [""]
