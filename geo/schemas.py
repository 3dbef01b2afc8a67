"""Column contracts of stored tables (Arrow for storage, pandera for checks on read-back)."""

from __future__ import annotations

import pandera.pandas as pdm
import pyarrow as pa

from core.settings import CRIME_TYPES, STORED_RESOLUTIONS

#: H3 columns stored for every incident, one per resolution (int64, 0 = no cell).
H3_COLUMNS: dict[int, str] = {r: f"h3_r{r}" for r in STORED_RESOLUTIONS}

#: Stored incident columns, in order.
INCIDENT_COLUMNS: list[str] = [
    "month",
    "crime_id",
    "crime_type",
    "longitude",
    "latitude",
    "location",
    "lsoa_code",
    "lsoa_name",
    "district",
    "outside",
    "outcome",
    "context",
    "reported_by",
    "falls_within",
    "source_file",
    "source_line",
    *H3_COLUMNS.values(),
]

#: Text columns with few distinct values: read back as pandas categoricals.
DICTIONARY_COLUMNS: list[str] = [
    "month",
    "crime_type",
    "location",
    "lsoa_code",
    "lsoa_name",
    "district",
    "outcome",
    "reported_by",
    "falls_within",
    "source_file",
]

#: Columns of a stored rejected row.
REJECT_SCHEMA = pa.schema(
    [("file", pa.string()), ("line", pa.int64()), ("reason", pa.string()), ("detail", pa.string())]
)

#: The contract of incidents read back from the store (checked by the tests on the real
#: sample): row rules have already removed bad rows, so a failure here is a bug, not bad input.
INCIDENT_CHECK = pdm.DataFrameSchema(
    {
        "month": pdm.Column(
            "category", pdm.Check(lambda s: s.astype(str).str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])").all())
        ),
        "crime_type": pdm.Column("category", pdm.Check(lambda s: s.isin(CRIME_TYPES).all())),
        "longitude": pdm.Column(float, pdm.Check.in_range(-180, 180), nullable=True),
        "latitude": pdm.Column(float, pdm.Check.in_range(-90, 90), nullable=True),
        "outside": pdm.Column(bool),
        "source_line": pdm.Column("int64", pdm.Check.ge(2)),
        **{name: pdm.Column("int64", pdm.Check.ge(0)) for name in H3_COLUMNS.values()},
    },
    strict=False,
)
