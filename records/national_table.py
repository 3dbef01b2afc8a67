"""The national tables: police recorded crime by police force area, and force populations.

Two files, both CSV (see ``data/README.md``):

- the Home Office's open data table of police recorded crime by police force area (PFA), as
  published (``Financial Year, Financial Quarter, Force Name, Offence Description, Offence
  Group, Offence Subgroup, Offence Code, Number of Offences``): one row per force, quarter
  and offence code. A newer year's table, or one of several years, loads the same way;
- every local authority district of England and Wales (2011 codes) with its force area and
  its census 2011 usual residents, households and hectares.

Both are validated like the street files: a file that cannot be used raises
:class:`core.errors.InputFileError` naming the file, the line and the problem (up to
:data:`MAX_PROBLEMS_LISTED` of them, with the count of all), and nothing is stored. Negative
``Number of Offences`` are the Home Office's reclassifications and cancellations: they are
kept and summed as they are, never dropped or clipped. Rows the Home Office publishes twice
for one force, quarter and code (the homicide codes ``1/4.1/4.10/4.2``) are summed too.
Forces of the crime table that the district table does not know are reported
(:attr:`RecordedCrime.unknown_forces`), as are the bodies known to have no residents
(British Transport Police and the fraud reporting bodies): neither has a rate per resident.

A table uploaded later is stored atomically as ``<store>/national/prc_pfa.csv`` (see
:func:`store_recorded_crime`) and used instead of the bundled one (:func:`recorded_crime_path`).

``python -m cli.national PATH --check`` checks a table and prints what it holds; ``python -m
cli.national PATH --store DIR`` also stores it.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import io
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd

from core.errors import InputFileError
from core.files import atomic_write_bytes, locked
from core.settings import get_settings

#: Columns of the Home Office table, as published, and the names they get here.
PRC_COLUMNS: dict[str, str] = {
    "Financial Year": "year",
    "Financial Quarter": "quarter",
    "Force Name": "force",
    "Offence Description": "offence_description",
    "Offence Group": "offence_group",
    "Offence Subgroup": "offence_subgroup",
    "Offence Code": "offence_code",
    "Number of Offences": "offences",
}

#: Columns of the district table.
AREA_COLUMNS: tuple[str, ...] = ("lad11cd", "lad11nm", "force", "persons", "households", "hectares")

#: Bodies of the Home Office table that are not territorial forces and have no residents.
NO_RESIDENT_BODIES: frozenset[str] = frozenset(
    {"British Transport Police", "Action Fraud", "CIFAS", "UK Finance", "Financial Fraud Action UK"}
)

#: Most problems listed in one error message (the count of all is given too).
MAX_PROBLEMS_LISTED = 10

_YEAR = re.compile(r"^\d{4}/\d{2}$")
_INTEGER = re.compile(r"^-?\d+$")
_LAD = re.compile(r"^[EW]0[6-9]\d{6}$")


@dataclasses.dataclass(frozen=True)
class RecordedCrime:
    """A checked police recorded crime table.

    Attributes
    ----------
    rows : pandas.DataFrame
        One row per financial year, quarter, force and offence code (rows published twice
        summed): ``year`` (``"2017/18"``), ``quarter`` (1-4), ``force`` (as the Home Office
        names it), ``offence_description``, ``offence_group``, ``offence_subgroup``,
        ``offence_code``, ``offences`` (int64, may be negative).
    source : str
        The file read.
    rows_read : int
        Data rows in the file.
    negative_rows : int
        Rows with a negative number of offences (kept, summed as published).
    unknown_forces : tuple of str
        Forces of the table absent from the district table, other than
        :data:`NO_RESIDENT_BODIES` (empty when no district table was given).
    no_resident_forces : tuple of str
        Forces of the table listed in :data:`NO_RESIDENT_BODIES`.
    missing_forces : tuple of str
        Forces of the district table with no row in this table.
    """

    rows: pd.DataFrame
    source: str
    rows_read: int
    negative_rows: int
    unknown_forces: tuple[str, ...] = ()
    no_resident_forces: tuple[str, ...] = ()
    missing_forces: tuple[str, ...] = ()

    @property
    def years(self) -> list[str]:
        """Financial years in the table, oldest first."""
        return sorted(self.rows["year"].unique().tolist())

    def summary(self) -> str:
        """What the table holds, in a few lines of plain text."""
        lines = [
            f"{self.source}: {self.rows_read:,} rows, financial years {', '.join(self.years)}",
            f"forces: {self.rows['force'].nunique()}, offence codes: {self.rows['offence_code'].nunique()}, "
            f"offences: {int(self.rows['offences'].sum()):,}",
            f"negative adjustments kept: {self.negative_rows:,} rows",
        ]
        if self.no_resident_forces:
            lines.append(f"no residents (no rate per resident): {', '.join(self.no_resident_forces)}")
        if self.unknown_forces:
            lines.append(f"UNKNOWN forces (not in the district table): {', '.join(self.unknown_forces)}")
        if self.missing_forces:
            lines.append(f"forces with no rows: {', '.join(self.missing_forces)}")
        return "\n".join(lines)


def _decode(content: bytes, label: str) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(label, f"is not UTF-8 text (byte {exc.start}): save it as CSV UTF-8") from exc


def _raise_problems(label: str, problems: list[str]) -> None:
    if problems:
        shown = "; ".join(problems[:MAX_PROBLEMS_LISTED])
        more = f" (and {len(problems) - MAX_PROBLEMS_LISTED:,} more)" if len(problems) > MAX_PROBLEMS_LISTED else ""
        raise InputFileError(label, f"{len(problems):,} row(s) cannot be used: {shown}{more}")


def _header(reader: Iterator[list[str]], label: str, wanted: Sequence[str]) -> dict[str, int]:
    try:
        header = next(reader)
    except StopIteration:
        raise InputFileError(label, "is empty") from None
    position = {name.strip().lower(): i for i, name in enumerate(header)}
    missing = [c for c in wanted if c.lower() not in position]
    if missing:
        raise InputFileError(label, f"line 1: the header lacks {', '.join(missing)} (found: {', '.join(header)})")
    return {c: position[c.lower()] for c in wanted}


def parse_recorded_crime(content: bytes, label: str, areas: pd.DataFrame | None = None) -> RecordedCrime:
    """Check a police recorded crime table (bytes of the CSV) and return it.

    Parameters
    ----------
    content : bytes
        The CSV as published (UTF-8; quoted fields may hold commas, ``"London, City of"``).
        Extra columns are ignored; column names are matched without regard to case.
    label : str
        The file's name, used in messages.
    areas : pandas.DataFrame, optional
        The district table (:func:`read_force_areas`), to report unknown and missing forces.

    Raises
    ------
    InputFileError
        The file is not UTF-8, lacks a column, has no data row, or has rows that cannot be
        used (a year not ``YYYY/YY``, a quarter not 1-4, an empty force or code, a number of
        offences that is not a whole number); the message names the line of each.
    """
    reader = csv.reader(io.StringIO(_decode(content, label)))
    columns = _header(reader, label, list(PRC_COLUMNS))
    records: list[tuple[str, int, str, str, str, str, str, int]] = []
    problems: list[str] = []
    width = max(columns.values()) + 1
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < width:
            problems.append(f"line {line}: {len(row)} fields, {width} expected")
            continue
        record, problem = _prc_record({name: row[i].strip() for name, i in columns.items()})
        if problem:
            problems.append(f"line {line}: {problem}")
        elif record is not None:
            records.append(record)
    _raise_problems(label, problems)
    if not records:
        raise InputFileError(label, "has a header but no data row")
    frame = pd.DataFrame.from_records(records, columns=list(PRC_COLUMNS.values()))
    keys = ["year", "quarter", "force", "offence_code"]
    summed = (
        frame.groupby(keys, sort=True, as_index=False)
        .agg(
            offence_description=("offence_description", "first"),
            offence_group=("offence_group", "first"),
            offence_subgroup=("offence_subgroup", "first"),
            offences=("offences", "sum"),
        )
        .astype({"offences": "int64", "quarter": "int64"})
    )[list(PRC_COLUMNS.values())]
    forces = set(summed["force"])
    known = set(areas["force"]) if areas is not None else forces
    return RecordedCrime(
        rows=summed,
        source=label,
        rows_read=len(frame),
        negative_rows=int((frame["offences"] < 0).sum()),
        unknown_forces=tuple(sorted(forces - known - NO_RESIDENT_BODIES)),
        no_resident_forces=tuple(sorted(forces & NO_RESIDENT_BODIES)),
        missing_forces=tuple(sorted(known - forces)),
    )


def _prc_record(v: dict[str, str]) -> tuple[tuple[str, int, str, str, str, str, str, int] | None, str]:
    """One row of the table as a record, or the first problem with it (without the line)."""
    if not _YEAR.match(v["Financial Year"]):
        return None, f"Financial Year {v['Financial Year']!r} is not like 2017/18"
    if v["Financial Quarter"] not in {"1", "2", "3", "4"}:
        return None, f"Financial Quarter {v['Financial Quarter']!r} is not 1, 2, 3 or 4"
    if not v["Force Name"]:
        return None, "Force Name is empty"
    if not v["Offence Code"]:
        return None, "Offence Code is empty"
    if not _INTEGER.match(v["Number of Offences"].replace(",", "")):
        return None, f"Number of Offences {v['Number of Offences']!r} is not a whole number"
    record = (
        v["Financial Year"],
        int(v["Financial Quarter"]),
        v["Force Name"],
        v["Offence Description"],
        v["Offence Group"],
        v["Offence Subgroup"],
        v["Offence Code"],
        int(v["Number of Offences"].replace(",", "")),
    )
    return record, ""


def read_recorded_crime(path: str | Path | None = None, areas: pd.DataFrame | None = None) -> RecordedCrime:
    """Read and check a recorded crime table file (default :func:`recorded_crime_path`); see
    :func:`parse_recorded_crime`."""
    path = Path(path) if path is not None else recorded_crime_path()
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from exc
    return parse_recorded_crime(content, str(path), areas)


def parse_force_areas(content: bytes, label: str) -> pd.DataFrame:
    """Check the district table and return it: ``lad11cd``, ``lad11nm``, ``force``,
    ``persons``, ``households`` (int64) and ``hectares`` (float).

    Raises
    ------
    InputFileError
        A column is missing, a district code is not an England or Wales LAD code, a district
        is listed twice, a force is empty, or a count is not a positive number (line named).
    """
    reader = csv.reader(io.StringIO(_decode(content, label)))
    columns = _header(reader, label, list(AREA_COLUMNS))
    records: list[tuple[str, str, str, int, int, float]] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(columns.values()):
            problems.append(f"line {line}: {len(row)} fields, {len(AREA_COLUMNS)} expected")
            continue
        v = {name: row[i].strip() for name, i in columns.items()}
        code = v["lad11cd"]
        if not _LAD.match(code):
            problems.append(f"line {line}: lad11cd {code!r} is not a district code of England or Wales")
        elif code in seen:
            problems.append(f"line {line}: district {code} is listed again (first on line {seen[code]})")
        elif not v["force"]:
            problems.append(f"line {line}: force is empty")
        elif not (v["persons"].isdigit() and v["households"].isdigit() and int(v["persons"]) > 0):
            problems.append(f"line {line}: persons {v['persons']!r} / households {v['households']!r} not counts")
        else:
            try:
                hectares = float(v["hectares"])
            except ValueError:
                hectares = -1.0
            if not hectares > 0:
                problems.append(f"line {line}: hectares {v['hectares']!r} is not a positive number")
                continue
            seen[code] = line
            records.append((code, v["lad11nm"], v["force"], int(v["persons"]), int(v["households"]), hectares))
    _raise_problems(label, problems)
    if not records:
        raise InputFileError(label, "has a header but no data row")
    return pd.DataFrame.from_records(records, columns=list(AREA_COLUMNS))


def read_force_areas(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check the district table (default the bundled one); see
    :func:`parse_force_areas`."""
    path = Path(path) if path is not None else get_settings().force_areas_file
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from exc
    return parse_force_areas(content, str(path))


def force_populations(areas: pd.DataFrame) -> pd.DataFrame:
    """Census 2011 figures per force area: ``force``, ``persons``, ``households``,
    ``hectares`` (sums over the force's districts), sorted by force."""
    return (
        areas.groupby("force", as_index=False)[["persons", "households", "hectares"]]
        .sum()
        .sort_values("force")
        .reset_index(drop=True)
    )


# ------------------------------------------------------------------ stored newer table
def stored_table_path(store_dir: Path | None = None) -> Path:
    """Where an uploaded table is kept: ``<store>/national/prc_pfa.csv``."""
    return (store_dir or get_settings().store_dir) / "national" / "prc_pfa.csv"


def recorded_crime_path(store_dir: Path | None = None) -> Path:
    """The table in use: the uploaded one if any, else the bundled 2017/18 table."""
    stored = stored_table_path(store_dir)
    return stored if stored.is_file() else get_settings().recorded_crime_file


def store_recorded_crime(content: bytes, label: str, store_dir: Path | None = None) -> RecordedCrime:
    """Check a table and, if it can be used, store it as the table in use.

    The file is written as uploaded, atomically (``os.replace``), then ``meta.json`` (its
    original name and when); a table that fails the checks stores nothing and the table in
    use stays as it was.

    Raises
    ------
    InputFileError
        As :func:`parse_recorded_crime`; also when a force of the table is unknown to the
        district table (a misspelt force would silently lose its rate), or when a year of
        the table has no rows for the home force (the page compares it).
    """
    table = parse_recorded_crime(content, label, read_force_areas())
    if table.unknown_forces:
        raise InputFileError(
            label,
            f"force(s) not in the district table: {', '.join(table.unknown_forces)} "
            "(names must be as the Home Office writes them, e.g. 'London, City of')",
        )
    home = get_settings().home_force_national
    without_home = [y for y in table.years if not ((table.rows["force"] == home) & (table.rows["year"] == y)).any()]
    if without_home:
        raise InputFileError(
            label,
            f"no rows for {home} in {', '.join(without_home)}: the national picture compares {home}, "
            "so a table without it cannot be used",
        )
    path = stored_table_path(store_dir)
    meta = {"source": label, "stored_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    with table_lock(store_dir):  # a backup copies the table and its meta.json as one state
        atomic_write_bytes(path, content)
        atomic_write_bytes(path.with_name("meta.json"), json.dumps(meta).encode("utf-8"))
    return table


def table_lock(store_dir: Path | None = None) -> contextlib.AbstractContextManager[None]:
    """The stored national table's lock (``national/.lock``), held while it is replaced or backed up."""
    return locked(stored_table_path(store_dir).with_name(".lock"))


def stored_table_meta(store_dir: Path | None = None) -> dict[str, str] | None:
    """The uploaded table's original name and time stored, or None when the bundled table
    is in use."""
    path = stored_table_path(store_dir)
    if not path.is_file():
        return None
    try:
        meta = json.loads(path.with_name("meta.json").read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        meta = {}
    return {"source": str(meta.get("source", path.name)), "stored_at": str(meta.get("stored_at", ""))}


def populations_path(store_dir: Path | None = None) -> Path:
    """Where loaded mid-year population estimates are kept: ``<store>/national/populations.csv``
    (see :mod:`records.force_populations`)."""
    return stored_table_path(store_dir).with_name("populations.csv")


def table_token(store_dir: Path | None = None) -> str:
    """An id that changes when the table in use or the loaded population estimates change
    (for cache keys)."""
    parts = []
    for path in (recorded_crime_path(store_dir), populations_path(store_dir)):
        if path.is_file():
            stat = path.stat()
            parts.append(f"{path}:{stat.st_mtime_ns}:{stat.st_size}")
    return "|".join(parts)
