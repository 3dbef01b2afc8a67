"""The LSOA 2011 <-> 2021 lookup: derived from boundaries, read as ONS publishes it, and
2021 codes put on 2011 areas."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from core.errors import InputFileError
from core.settings import get_settings
from geo import boundaries
from geo.lsoa_lookup import (
    LOOKUP_COLUMNS,
    Generations,
    build_lookup,
    lookup_csv,
    on_2011_areas,
    read_generations,
    read_lookup,
)


def _areas(boxes: dict[str, tuple[float, float, float, float]]) -> gpd.GeoDataFrame:
    """Hand-made areas near Leeds: code -> box in degrees."""
    return gpd.GeoDataFrame(
        {"lsoa_code": list(boxes), "lsoa_name": [f"Area {c[-3:]}" for c in boxes], "district": "Leeds"},
        geometry=[shapely.box(*b) for b in boxes.values()],
        crs="EPSG:4326",
    )


# 2011: A unchanged, B split in two, C and D merged, E and F redrawn into G and H
OLD = _areas(
    {
        "E01000001": (-1.60, 53.80, -1.59, 53.81),  # A
        "E01000002": (-1.59, 53.80, -1.57, 53.81),  # B
        "E01000003": (-1.57, 53.80, -1.56, 53.81),  # C
        "E01000004": (-1.56, 53.80, -1.55, 53.81),  # D
        "E01000005": (-1.55, 53.80, -1.54, 53.81),  # E
        "E01000006": (-1.54, 53.80, -1.53, 53.81),  # F
    }
)
NEW = _areas(
    {
        "E01000001": (-1.60, 53.80, -1.59, 53.81),  # A, unchanged (a sliver off is ignored)
        "E01090001": (-1.59, 53.80, -1.58, 53.81),  # B's west half
        "E01090002": (-1.58, 53.80, -1.57, 53.81),  # B's east half
        "E01090003": (-1.57, 53.80, -1.55, 53.81),  # C + D
        "E01090004": (-1.55, 53.80, -1.534, 53.81),  # E and the west 60 % of F
        "E01090005": (-1.534, 53.80, -1.53, 53.81),  # the rest of F
    }
)


def test_unchanged_split_merged_and_complex_areas_are_told_apart():
    lookup = build_lookup(OLD, NEW, "EPSG:27700")
    pairs = {(a, b): k for a, b, k in lookup[["LSOA11CD", "LSOA21CD", "CHGIND"]].itertuples(index=False)}
    assert pairs == {
        ("E01000001", "E01000001"): "U",
        ("E01000002", "E01090001"): "S",
        ("E01000002", "E01090002"): "S",
        ("E01000003", "E01090003"): "M",
        ("E01000004", "E01090003"): "M",
        ("E01000005", "E01090004"): "X",
        ("E01000006", "E01090004"): "X",
        ("E01000006", "E01090005"): "X",
    }
    assert list(lookup.columns) == list(LOOKUP_COLUMNS)
    assert lookup_csv(lookup) == lookup_csv(build_lookup(OLD, NEW, "EPSG:27700"))  # deterministic


def test_the_bundled_lookup_is_the_generators_output_byte_for_byte():
    settings = get_settings()
    built = build_lookup(boundaries.read_lsoas(settings), boundaries.read_lsoas_2021(settings), "EPSG:27700")
    assert lookup_csv(built) == settings.lsoa_lookup_file.read_bytes()
    assert built["CHGIND"].value_counts().to_dict() == {"U": 1367, "S": 35, "M": 4}
    assert built["LSOA11CD"].nunique() == 1388 and built["LSOA21CD"].nunique() == 1404


def test_an_ons_file_as_published_is_read_and_bad_lines_are_named(tmp_path: Path):
    ons = tmp_path / "LSOA11_LSOA21_LAD22_EW_LU.csv"
    ons.write_text(
        "\ufeffLSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,CHGIND,LAD22CD,LAD22NM,LAD22NMW,ObjectId\n"
        "E01000001,Area 001,E01000001,Area 001,U,E08000035,Leeds,,1\n"
        "E01000002,Area 002,E01090001,Area 001,S,E08000035,Leeds,,2\n",
        encoding="utf-8",
    )
    out = read_lookup(ons)
    assert list(out.columns) == list(LOOKUP_COLUMNS) and len(out) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,CHGIND\nE01000001,a,E01000001,a,U\nE01000002,b,E01090001,b,Q\n")
    with pytest.raises(InputFileError, match=r"bad\.csv.*line 3: CHGIND 'Q'"):
        read_lookup(bad)
    bad.write_text("LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,CHGIND\nE01000001,a,E01000009,a,U\n")
    with pytest.raises(InputFileError, match="line 2: an unchanged"):
        read_lookup(bad)
    bad.write_text("LSOA11CD,LSOA21CD\nE01000001,E01000001\n")
    with pytest.raises(InputFileError, match="missing columns"):
        read_lookup(bad)


def test_2021_codes_go_to_their_2011_areas():
    g = Generations(OLD, NEW, build_lookup(OLD, NEW, "EPSG:27700"))
    assert g.only_2021 == {"E01090001", "E01090002", "E01090003", "E01090004", "E01090005"}
    codes = np.array(["E01000001", "E01090001", "E01090002", "E01090003", "E01090003", "E01090003", "", "W01000001"])
    lon = np.array([-1.595, -1.585, -1.575, -1.568, -1.552, np.nan, -1.55, -3.0])
    lat = np.full(len(codes), 53.805)
    out = g.to_2011(codes, lon, lat).tolist()
    # unchanged stays; both halves of B go to B; the merged area goes by the point
    # (no point: the larger share, a tie broken by code); other codes stay
    assert out == ["E01000001", "E01000002", "E01000002", "E01000003", "E01000004", "E01000003", "", "W01000001"]
    assert g.generation_of(pd.Series(["E01000001", "E01090003"])) == "2021"
    assert g.generation_of(pd.Series(["E01000001", "E01000003"])) == "2011"
    assert g.generation_of(pd.Series(["E01000001"])) == ""


def test_incidents_are_put_on_2011_areas_without_touching_other_rows():
    g = Generations(OLD, NEW, build_lookup(OLD, NEW, "EPSG:27700"))
    frame = pd.DataFrame(
        {
            "lsoa_code": pd.Categorical(["E01000001", "E01090002", "E01090003"]),
            "lsoa_name": pd.Categorical(["Area 001", "Area 002", "Area 003"]),
            "longitude": [-1.595, -1.575, -1.552],
            "latitude": [53.805, 53.805, 53.805],
            "n": [1, 2, 3],
        }
    )
    out = on_2011_areas(frame, g)
    assert out["lsoa_code"].astype(str).tolist() == ["E01000001", "E01000002", "E01000004"]
    assert out["lsoa_name"].astype(str).tolist() == ["Area 001", "Area 002", "Area 004"]
    assert frame["lsoa_code"].astype(str).tolist()[1] == "E01090002"  # the input is not modified
    unchanged = frame.iloc[[0]]
    assert on_2011_areas(unchanged, g) is unchanged


def test_the_lookup_in_force_covers_every_2021_area(tmp_path: Path):
    g = read_generations()
    assert len(g.only_2011) == 21 and len(g.only_2021) == 37
    assert set(g.parents()) == set(g.lsoas21["lsoa_code"])
    partial = tmp_path / "partial.csv"
    partial.write_text(g.lookup.iloc[:-1].to_csv(index=False))
    from core.settings import override_settings

    with override_settings(lsoa_lookup_path=partial), pytest.raises(InputFileError, match="partial.csv.*no row for"):
        read_generations()
