"""The OCG files: their columns, allowed values and row checks.

An organised crime group (OCG) register and its activity records are CSV files (read by
:mod:`records.ocg_store`). Schemas are declared once with pandera and checked row by row: every
failing row is reported with its line and reason. The activity schema's coordinate box is
the home force's area (:attr:`core.settings.Settings.force_area_bounds`). The analyses of
the checked tables are :mod:`models.ocg`.
"""

from __future__ import annotations

import functools

import pandas as pd
import pandera.pandas as pdm
from pandera.errors import SchemaErrors

from core.settings import DISTRICTS, Settings, get_settings

#: Principal criminality of an OCG, as the strategy lists them.
CRIMINALITY: tuple[str, ...] = (
    "drugs supply",
    "organised acquisitive crime",
    "criminal finances",
    "modern slavery and human trafficking",
    "county lines",
    "firearms",
    "child sexual exploitation and abuse",
)
ACTIVITY_TYPES: tuple[str, ...] = ("intelligence report", "arrest", "seizure", "warrant", "disruption")
DISRUPTION_LEVELS: tuple[str, ...] = ("major", "moderate", "minor")
STRANDS: tuple[str, ...] = ("pursue", "prevent", "protect", "prepare")
STATUSES: tuple[str, ...] = ("active", "archived", "dismantled")

#: Columns of the register file.
REGISTER_COLUMNS = (
    "ocg_id",
    "alias",
    "principal_criminality",
    "home_district",
    "cross_border",
    "threat_tier",
    "status",
)
#: Columns of the activity file.
ACTIVITY_COLUMNS = (
    "ocg_id",
    "date",
    "longitude",
    "latitude",
    "lsoa_code",
    "activity_type",
    "disruption_level",
    "strand",
)

_ID = r"^OCG-\d{3,6}$"

REGISTER_SCHEMA = pdm.DataFrameSchema(
    {
        "ocg_id": pdm.Column(str, [pdm.Check.str_matches(_ID)], unique=True, report_duplicates="exclude_first"),
        "alias": pdm.Column(str, nullable=True),
        "principal_criminality": pdm.Column(str, pdm.Check.isin(CRIMINALITY)),
        "home_district": pdm.Column(str, pdm.Check.isin(sorted(DISTRICTS.values()))),
        "cross_border": pdm.Column(str, pdm.Check.isin(["yes", "no"])),
        "threat_tier": pdm.Column(int, pdm.Check.isin([1, 2, 3]), coerce=True),
        "status": pdm.Column(str, pdm.Check.isin(STATUSES)),
    },
    strict=True,
    ordered=False,
)


def activity_schema(settings: Settings | None = None) -> pdm.DataFrameSchema:
    """The schema of activity records; coordinates must lie in the settings' force area."""
    bounds = (settings or get_settings()).force_area_bounds
    return _activity_schema(tuple(float(b) for b in bounds))


@functools.lru_cache(maxsize=8)
def _activity_schema(bounds: tuple[float, float, float, float]) -> pdm.DataFrameSchema:
    min_lon, min_lat, max_lon, max_lat = bounds
    return pdm.DataFrameSchema(
        {
            "ocg_id": pdm.Column(str, pdm.Check.str_matches(_ID)),
            "date": pdm.Column(str, pdm.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")),
            "longitude": pdm.Column(float, pdm.Check.in_range(min_lon, max_lon), nullable=True, coerce=True),
            "latitude": pdm.Column(float, pdm.Check.in_range(min_lat, max_lat), nullable=True, coerce=True),
            "lsoa_code": pdm.Column(str, pdm.Check.str_matches(r"^(E01\d{6})?$"), nullable=True),
            "activity_type": pdm.Column(str, pdm.Check.isin(ACTIVITY_TYPES)),
            "disruption_level": pdm.Column(str, pdm.Check.isin(["", *DISRUPTION_LEVELS]), nullable=True),
            "strand": pdm.Column(str, pdm.Check.isin(STRANDS)),
        },
        strict=True,
        ordered=False,
    )


def _failures(frame: pd.DataFrame, schema: pdm.DataFrameSchema) -> dict[int, str]:
    """Row index -> first reason, from pandera's lazy validation."""
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as exc:
        out: dict[int, str] = {}
        cases = exc.failure_cases
        for row in cases.itertuples():
            if pd.isna(row.index):
                continue
            out.setdefault(int(row.index), f"{row.column}: {row.check} (value {row.failure_case!r})")
        return out
    return {}


def check_register(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a register into good rows and rejects (``line``, ``reason``).

    ``frame`` has the text columns of the file and a ``line`` column (1-based, header = 1).
    """
    bad = _failures(frame.drop(columns="line"), REGISTER_SCHEMA)
    rejects = pd.DataFrame({"line": [int(frame.loc[i, "line"]) for i in bad], "reason": list(bad.values())})
    good = frame.drop(index=list(bad)).drop(columns="line").reset_index(drop=True)
    good["threat_tier"] = good["threat_tier"].astype(int)
    return good, rejects.sort_values("line").reset_index(drop=True)


def check_activity(
    frame: pd.DataFrame, known_ids: set[str], settings: Settings | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split activity records into good rows and rejects (``line``, ``reason``).

    Beyond the schema: the OCG must be in the register, a date must exist, a record needs a
    location (coordinates or an LSOA code), and a disruption level goes with disruptions only.
    Coordinates are checked against ``settings`` (default: the settings in force).
    """
    body = frame.drop(columns="line").copy()
    not_number: dict[int, str] = {}
    for column in ("longitude", "latitude"):
        text = body[column].astype(str).str.strip()
        numbers = pd.to_numeric(text.where(text != ""), errors="coerce")
        for i in body.index[(text != "") & numbers.isna()]:
            not_number.setdefault(int(i), f"{column}: {text[i]!r} is not a number")
        body[column] = numbers
    bad = {**_failures(body, activity_schema(settings)), **not_number}
    for i, row in body.iterrows():
        if i in bad:
            continue
        if row["ocg_id"] not in known_ids:
            bad[i] = f"ocg_id: unknown OCG {row['ocg_id']!r} (not in the register)"
        elif pd.isna(pd.to_datetime(row["date"], errors="coerce", format="%Y-%m-%d")):
            bad[i] = f"date: {row['date']!r} is not a real date"
        elif (pd.isna(row["longitude"]) or pd.isna(row["latitude"])) and not str(row["lsoa_code"] or "").strip():
            bad[i] = "location: needs longitude and latitude, or an LSOA code"
        elif (row["activity_type"] == "disruption") != bool(str(row["disruption_level"] or "").strip()):
            bad[i] = "disruption_level: required for disruptions, empty otherwise"
    rejects = pd.DataFrame({"line": [int(frame.loc[i, "line"]) for i in bad], "reason": list(bad.values())})
    good = body.drop(index=list(bad)).reset_index(drop=True)
    return good, rejects.sort_values("line").reset_index(drop=True)
