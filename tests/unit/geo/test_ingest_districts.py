"""District assignment from LSOA codes, with point in polygon where the code is unknown."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
from shapely.geometry import box

from geo.ingest import DistrictLookup, assign_districts, enrich
from geo.schemas import DICTIONARY_COLUMNS, H3_COLUMNS

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


def incidents_to_frame(table: pa.Table) -> pd.DataFrame:
    """Return an incidents table as :meth:`Store.read_incidents` would give it back.

    Text columns of :data:`~geo.schemas.DICTIONARY_COLUMNS` become pandas categoricals;
    every other column gets plain values (the reader dictionary-encodes every repeating
    text column, ``context`` too).
    """
    columns = {}
    for name, column in zip(table.column_names, table.columns):
        if pa.types.is_dictionary(column.type) and name not in DICTIONARY_COLUMNS:
            column = column.cast(column.type.value_type)
        elif name in DICTIONARY_COLUMNS and not pa.types.is_dictionary(column.type):
            column = column.dictionary_encode()
        columns[name] = column
    return pa.table(columns).to_pandas()


def test_code_decides_then_point_in_polygon_then_outside():
    rows = [
        ("E01000001", -1.55, 53.75),  # known code
        ("E01000002", -1.55, 53.75),  # known code wins over the point
        ("", -1.75, 53.75),  # no code: point in Bradford's polygon
        ("junk", -1.55, 53.75),  # malformed code: point in Leeds's polygon
        ("E01007359", -1.55, 53.60),  # code of another area (Barnsley): outside
        ("", -1.0, 53.0),  # no code, point in no polygon: outside
        ("", np.nan, np.nan),  # nothing known: neither
        (" E01000001 ", np.nan, np.nan),  # code known (padded), no point: in Leeds, unmapped
    ]
    codes = pa.array([r[0] for r in rows])
    lon = np.array([r[1] for r in rows])
    lat = np.array([r[2] for r in rows])
    district, outside = assign_districts(codes, lon, lat, LSOAS)
    assert district.tolist() == ["Leeds", "Bradford", "Bradford", "Leeds", "", "", "", "Leeds"]
    assert outside.tolist() == [False, False, False, False, True, True, False, False]


def test_enrich_adds_district_and_cells_at_every_stored_resolution():
    table = pa.table(
        {
            "month": pa.array(["2017-07", "2017-07"]).dictionary_encode(),
            "crime_id": ["", ""],
            "crime_type": pa.array(["Drugs", "Drugs"]).dictionary_encode(),
            "longitude": pa.array([-1.55, None], type=pa.float64()),
            "latitude": pa.array([53.75, None], type=pa.float64()),
            **{c: ["", ""] for c in ("location", "lsoa_name", "outcome", "context", "reported_by", "falls_within")},
            "lsoa_code": ["E01000001", ""],
            "source_line": pa.array([2, 3], type=pa.int64()),
        }
    )
    out = incidents_to_frame(enrich(table, "f.csv", DistrictLookup(LSOAS)))
    assert out["district"].astype(str).tolist() == ["Leeds", ""]
    assert out["source_file"].astype(str).tolist() == ["f.csv", "f.csv"]
    for col in H3_COLUMNS.values():
        assert out[col].dtype == np.int64
        assert out[col].iloc[0] != 0 and out[col].iloc[1] == 0
