"""Census 2021 residents and households by 2021 LSOA, as Nomis publishes them.

Two Nomis bulk tables, loaded by an admin (``python -m cli.reference PATH`` or the Data
page), each as the zip Nomis publishes (``census2021-ts001.zip``, ``census2021-ts041.zip``)
or its LSOA member (``census2021-ts001-lsoa.csv``, ``census2021-ts041-lsoa.csv``):

TS001 (usual residents)
    ``date, geography, geography code, Residence type: Total; measures: Value, Residence
    type: Lives in a household; measures: Value, Residence type: Lives in a communal
    establishment; measures: Value``: ``persons`` is the total.
TS041 (households)
    ``date, geography, geography code`` and the households total (``Number of households:
    Total; measures: Value``; the header's case is not relied on).

Every line is checked (the LSOA code, a whole number from 0, no code twice) and every 2021
LSOA of the five districts must be there; a table with any problem is refused as a whole,
naming the file, the first bad line and the problem, and what is stored is kept. A checked
table keeps the five districts' rows only and is written atomically, under the store's
census lock, to ``<store>/census2021/<ts001|ts041>.csv``.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from core.errors import InputFileError
from core.files import atomic_write_bytes, locked
from core.settings import Settings, get_settings
from geo import boundaries

#: The tables: Nomis id -> (the stored column, what it counts).
TABLES: dict[str, tuple[str, str]] = {
    "ts001": ("persons", "usual residents"),
    "ts041": ("households", "households"),
}

#: Largest table read, uncompressed (the all-LSOA TS001 file is about 3 MB).
MAX_TABLE_BYTES = 256 << 20

_CODE = re.compile(r"^[EW]01\d{6}$")
_WHOLE = re.compile(r"^\d+$")


@dataclasses.dataclass(frozen=True)
class CensusTable:
    """A checked census 2021 table for the five districts.

    Attributes
    ----------
    table : str
        ``"ts001"`` or ``"ts041"``.
    values : pandas.Series
        2021 LSOA code -> persons (TS001) or households (TS041), the five districts' LSOAs.
    lines : int
        Data lines read (every LSOA of England and Wales in a full Nomis file).
    """

    table: str
    values: pd.Series
    lines: int

    def summary(self) -> str:
        """One line: the table, LSOAs and total."""
        column, what = TABLES[self.table]
        return (
            f"census 2021 {self.table.upper()} ({what}): {len(self.values):,} LSOAs of the five districts, "
            f"{int(self.values.sum()):,} {column} (from {self.lines:,} lines)"
        )


def _text(content: bytes, label: str) -> str:
    """The CSV text of a file or of the LSOA member of a Nomis zip."""
    if content[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                members = [i for i in archive.infolist() if i.filename.lower().endswith("-lsoa.csv")]
                if len(members) != 1:
                    raise InputFileError(label, "is a zip without exactly one '…-lsoa.csv' member (a Nomis bulk zip)")
                if members[0].file_size > MAX_TABLE_BYTES:
                    raise InputFileError(label, f"{members[0].filename} is larger than {MAX_TABLE_BYTES >> 20} MiB")
                content = archive.read(members[0])
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError) as exc:
            raise InputFileError(label, f"cannot be read as a zip ({exc})") from exc
    if len(content) > MAX_TABLE_BYTES:
        raise InputFileError(label, f"is larger than {MAX_TABLE_BYTES >> 20} MiB")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(label, f"is not UTF-8 text (byte {exc.start})") from exc


def _value_column(header: list[str], label: str) -> tuple[str, int]:
    """Which table the header is, and the index of its total column."""
    lowered = [h.strip().lower() for h in header]
    for need in ("date", "geography", "geography code"):
        if need not in lowered:
            raise InputFileError(label, f"line 1: no '{need}' column; not a Nomis census 2021 table")
    for i, name in enumerate(lowered):
        if name.startswith("residence type: total") and name.endswith("measures: value"):
            return "ts001", i
    for i, name in enumerate(lowered):
        if "households" in name and "total" in name and name.endswith("measures: value"):
            return "ts041", i
    raise InputFileError(
        label,
        "line 1: neither TS001's 'Residence type: Total; measures: Value' nor TS041's households "
        "total column; not a census 2021 TS001 or TS041 table",
    )


def parse_census(content: bytes, label: str, settings: Settings | None = None) -> CensusTable:
    """Check a Nomis TS001 or TS041 file (or zip) and keep the five districts' LSOAs.

    Raises
    ------
    InputFileError
        Naming ``label``, the first bad line and the problem: not a Nomis table, a line
        whose code is not an LSOA code or whose value is not a whole number, a code twice,
        or an LSOA of the five districts missing.
    """
    settings = settings or get_settings()
    reader = csv.reader(io.StringIO(_text(content, label)))
    header = next(reader, None)
    if not header:
        raise InputFileError(label, "is empty")
    table, value_at = _value_column(header, label)
    code_at = [h.strip().lower() for h in header].index("geography code")
    wanted = set(boundaries.read_lsoas_2021(settings)["lsoa_code"])
    seen: set[str] = set()
    values: dict[str, int] = {}
    lines = 0
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        lines += 1
        if len(row) != len(header):
            raise InputFileError(label, f"line {line}: {len(row)} fields where the header has {len(header)}")
        code, value = row[code_at].strip(), row[value_at].strip().replace(",", "")
        if not _CODE.match(code):
            raise InputFileError(
                label, f"line {line}: geography code {code!r} is not an LSOA code (E01 or W01 and six digits)"
            )
        if not _WHOLE.match(value):
            raise InputFileError(
                label, f"line {line}: {header[value_at].strip()} {value!r} is not a whole number from 0"
            )
        if code in seen:
            raise InputFileError(label, f"line {line}: LSOA {code} appears a second time")
        seen.add(code)
        if code in wanted:
            values[code] = int(value)
    if missing := sorted(wanted - set(values)):
        raise InputFileError(
            label, f"has no line for the 2021 LSOA {missing[0]} of the five districts ({len(missing):,} missing)"
        )
    return CensusTable(table, pd.Series(values, name=TABLES[table][0]).sort_index(), lines)


def census_dir(settings: Settings | None = None) -> Path:
    """Where loaded census 2021 tables are kept: ``<store>/census2021``."""
    return (settings or get_settings()).store_dir / "census2021"


def store_census(content: bytes, label: str, settings: Settings | None = None) -> CensusTable:
    """Check a table and, if it can be used, store the five districts' rows atomically
    (``<store>/census2021/<table>.csv``: ``lsoa_code`` and the value), replacing the
    table of the same kind; a table that fails stores nothing."""
    settings = settings or get_settings()
    checked = parse_census(content, label, settings)
    folder = census_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    frame = checked.values.rename_axis("lsoa_code").reset_index()
    with locked(folder / ".lock"):
        atomic_write_bytes(folder / f"{checked.table}.csv", frame.to_csv(index=False, lineterminator="\n").encode())
    return checked


def read_stored_census(settings: Settings | None = None) -> pd.DataFrame | None:
    """The loaded census 2021 figures, or None until TS001 is loaded.

    Returns
    -------
    pandas.DataFrame or None
        One row per 2021 LSOA of the five districts: ``lsoa_code``, ``district``,
        ``persons`` and ``households`` (``<NA>`` until TS041 is loaded).
    """
    settings = settings or get_settings()
    folder = census_dir(settings)
    if not (folder / "ts001.csv").is_file():
        return None
    lsoas = boundaries.read_lsoas_2021(settings)[["lsoa_code", "district"]]
    out = lsoas.merge(pd.read_csv(folder / "ts001.csv", dtype={"lsoa_code": str}), on="lsoa_code", how="left")
    if (folder / "ts041.csv").is_file():
        out = out.merge(pd.read_csv(folder / "ts041.csv", dtype={"lsoa_code": str}), on="lsoa_code", how="left")
    else:
        out["households"] = pd.NA
    out["persons"] = out["persons"].astype("Int64")
    out["households"] = out["households"].astype("Int64")
    return pd.DataFrame(out[["lsoa_code", "district", "persons", "households"]])


def token(settings: Settings | None = None) -> str:
    """An id that changes whenever a census 2021 table is loaded (for cache keys); ``""``
    when none is."""
    folder = census_dir(settings)
    parts = []
    for name in sorted(TABLES):
        path = folder / f"{name}.csv"
        if path.is_file():
            stat = path.stat()
            parts.append(f"{name}:{stat.st_mtime_ns}:{stat.st_size}")
    return ";".join(parts)


def district_totals(census: pd.DataFrame, column: str) -> dict[str, int] | None:
    """District -> total of ``persons`` or ``households`` of loaded census 2021 figures, or
    None when that table is not loaded."""
    if census[column].isna().any():
        return None
    return {str(d): int(n) for d, n in census.groupby("district")[column].sum().items()}
