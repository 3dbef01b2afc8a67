"""Column contracts of stored tables (pyarrow for storage, pandera for checks)."""

from __future__ import annotations

import pandera.pandas as pdm
import pyarrow as pa

from geo.settings import CRIME_TYPES, STORED_RESOLUTIONS

_dict = pa.dictionary(pa.int32(), pa.string())

#: H3 columns stored for every incident, one per resolution (int64, 0 = no cell).
H3_COLUMNS: dict[int, str] = {r: f"h3_r{r}" for r in STORED_RESOLUTIONS}

#: Storage schema of an incident. Low-cardinality text is dictionary-encoded, which pandas
#: reads back as categoricals.
INCIDENT_SCHEMA = pa.schema(
    [
        ("month", _dict),
        ("crime_id", pa.string()),
        ("crime_type", _dict),
        ("longitude", pa.float64()),
        ("latitude", pa.float64()),
        ("location", _dict),
        ("lsoa_code", _dict),
        ("lsoa_name", _dict),
        ("district", _dict),
        ("outside", pa.bool_()),
        ("outcome", _dict),
        ("context", pa.string()),
        ("reported_by", _dict),
        ("falls_within", _dict),
        ("source_file", _dict),
        ("source_line", pa.int64()),
        *((name, pa.int64()) for name in H3_COLUMNS.values()),
    ]
)

#: Storage schema of a rejected row.
REJECT_SCHEMA = pa.schema(
    [
        ("file", pa.string()),
        ("line", pa.int64()),
        ("reason", pa.string()),
        ("detail", pa.string()),
    ]
)

#: Checks run on every month before it is committed (a failure is a bug, not bad input:
#: row rules have already removed bad rows).
INCIDENT_CHECK = pdm.DataFrameSchema(
    {
        "month": pdm.Column(str, pdm.Check.str_matches(r"^\d{4}-(0[1-9]|1[0-2])$"), coerce=True),
        "crime_type": pdm.Column(str, pdm.Check.isin(CRIME_TYPES), coerce=True),
        "longitude": pdm.Column(float, pdm.Check.in_range(-180, 180), nullable=True),
        "latitude": pdm.Column(float, pdm.Check.in_range(-90, 90), nullable=True),
        "outside": pdm.Column(bool),
        "source_line": pdm.Column("int64", pdm.Check.ge(1)),
        **{name: pdm.Column("int64", pdm.Check.ge(0)) for name in H3_COLUMNS.values()},
    },
    strict=False,
)
