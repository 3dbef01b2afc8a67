"""District assignment from LSOA codes, with point in polygon where the code is unknown."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from geo.ingest import assign_districts, enrich

LSOAS = gpd.GeoDataFrame(
    {
        "lsoa_code": ["E01000001", "E01000002"],
        "lsoa_name": ["Leeds 001A", "Bradford 001A"],
        "msoa_code": ["E02000001", "E02000002"],
        "msoa_name": ["Leeds 001", "Bradford 001"],
        "district_code": ["E08000035", "E08000032"],
        "district": ["Leeds", "Bradford"],
    },
    geometry=[box(-1.6, 53.7, -1.5, 53.8), box(-1.8, 53.7, -1.7, 53.8)],
    crs="EPSG:4326",
)


def _incidents(rows: list[tuple[str, float, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lsoa_code": [r[0] for r in rows],
            "longitude": [r[1] for r in rows],
            "latitude": [r[2] for r in rows],
        }
    )


def test_code_decides_then_point_in_polygon_then_outside():
    frame = _incidents(
        [
            ("E01000001", -1.55, 53.75),  # known code
            ("E01000002", -1.55, 53.75),  # known code wins over the point
            ("", -1.75, 53.75),  # no code: point in Bradford's polygon
            ("junk", -1.55, 53.75),  # malformed code: point in Leeds's polygon
            ("E01007359", -1.55, 53.60),  # code of another area (Barnsley): outside
            ("", -1.0, 53.0),  # no code, point in no polygon: outside
            ("", np.nan, np.nan),  # nothing known: neither
            ("E01000001", np.nan, np.nan),  # code known, no point: in Leeds, unmapped
        ]
    )
    district, outside = assign_districts(frame, LSOAS)
    assert district.tolist() == ["Leeds", "Bradford", "Bradford", "Leeds", "", "", "", "Leeds"]
    assert outside.tolist() == [False, False, False, False, True, True, False, False]


def test_enrich_adds_cells_at_every_stored_resolution():
    out = enrich(_incidents([("E01000001", -1.55, 53.75), ("", np.nan, np.nan)]), LSOAS)
    for col in ("h3_r7", "h3_r8", "h3_r9", "h3_r10"):
        assert out[col].dtype == np.int64
        assert out[col].iloc[0] != 0 and out[col].iloc[1] == 0
