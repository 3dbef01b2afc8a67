"""Read and validate data.police.uk street-level crime files.

Input comes as single CSV files, as the monthly folders data.police.uk delivers
(``YYYY-MM/YYYY-MM-<force>-street.csv``) or as its ``.zip`` archives of those folders.

Two kinds of problem are told apart:

* a **file** that is not a street-level CSV at all (binary, empty, wrong columns, truncated,
  unreadable archive) raises :class:`~geo.errors.InputFileError`;
* a **row** that breaks a rule is rejected with its file, line and reason (see
  :data:`REJECT_REASONS`) and the rest of the file is kept.

Rows stay in Arrow tables throughout. Rules on text (months, crime types, coordinates) are
checked once per distinct value, not once per row: a month of data has a handful of
distinct months and crime types and about 12,500 distinct coordinates.

Line numbers are 1-based physical lines of the file (the header is line 1). A quoted field
holding a line break (never seen in data.police.uk output) makes later numbers count records
instead of lines.
"""

from __future__ import annotations

import dataclasses
import io
import math
import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from geo._arrow import distinct_values
from geo.errors import InputFileError
from geo.settings import POLICE_UK_COLUMNS, Settings, get_settings

#: Reason code -> plain description, for every way a row can be rejected, in check order.
REJECT_REASONS: dict[str, str] = {
    "malformed_row": "row does not have the 12 data.police.uk fields",
    "bad_month": "Month is not a YYYY-MM month",
    "unknown_crime_type": "Crime type is not a data.police.uk category",
    "bad_coordinates": "Longitude/Latitude are not a pair of numbers",
    "outside_force_area": "coordinates lie outside the force area",
    "duplicate_crime_id": "Crime ID already used in the same month",
}
_CODE = {reason: i for i, reason in enumerate(REJECT_REASONS)}  # 0 (malformed) is never a row code

#: Columns of the rejected-rows frame.
REJECT_COLUMNS: tuple[str, ...] = ("file", "line", "reason", "detail")

#: data.police.uk header -> column name used everywhere else.
COLUMN_NAMES: dict[str, str] = {
    "Crime ID": "crime_id",
    "Month": "month",
    "Reported by": "reported_by",
    "Falls within": "falls_within",
    "Longitude": "longitude",
    "Latitude": "latitude",
    "Location": "location",
    "LSOA code": "lsoa_code",
    "LSOA name": "lsoa_name",
    "Crime type": "crime_type",
    "Last outcome category": "outcome",
    "Context": "context",
}

_BOM = b"\xef\xbb\xbf"
_SNIFF_BYTES = 65_536
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_BLOCK_BYTES = 1 << 26  # one Arrow chunk for any monthly force file
_THREADS = 2


@dataclasses.dataclass(frozen=True)
class Source:
    """One street-level CSV to read: a plain file or a member of a zip archive.

    Attributes
    ----------
    label : str
        How the file is named in messages: its path, or ``archive.zip!member.csv``.
    path : Path
        The file on disk (the archive, for a member).
    member : str or None
        Name inside the archive, or None for a plain file.
    """

    label: str
    path: Path
    member: str | None = None

    def read_bytes(self) -> bytes:
        """Return the raw bytes of the CSV, raising InputFileError if unreadable."""
        try:
            if self.member is None:
                return self.path.read_bytes()
            with zipfile.ZipFile(self.path) as archive:
                return archive.read(self.member)
        except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
            raise InputFileError(self.label, f"archive is corrupt or truncated ({exc})") from exc
        except OSError as exc:
            raise InputFileError(self.label, f"cannot be read ({exc.strerror or exc})") from exc


@dataclasses.dataclass(frozen=True)
class ParsedFile:
    """The rows of one CSV, as text, before validation.

    Attributes
    ----------
    source : Source
        Where the rows came from.
    table : pyarrow.Table
        One row per well-formed record: the 12 columns named as in :data:`COLUMN_NAMES`, all
        text, plus ``source_line`` (int64, 1-based physical line).
    rejects : pandas.DataFrame
        Malformed records (wrong number of fields), columns :data:`REJECT_COLUMNS`.
    encoding : str
        ``"utf-8"`` or the fallback encoding the text was read with.
    """

    source: Source
    table: pa.Table
    rejects: pd.DataFrame
    encoding: str

    @property
    def rows_read(self) -> int:
        """Records read (good and malformed; header and blank lines excluded)."""
        return self.table.num_rows + len(self.rejects)


@dataclasses.dataclass(frozen=True)
class CheckedFile:
    """The rows of one file that passed every rule, and those that did not.

    Attributes
    ----------
    source : Source
        Where the rows came from.
    table : pyarrow.Table
        Kept rows: ``month`` and ``crime_type`` (dictionary text, trimmed), ``crime_id``
        (trimmed, '' for anti-social behaviour), ``longitude``/``latitude`` (float64 degrees,
        null when the row has no coordinates), the other text columns as published,
        ``source_line`` (int64).
    rejects : pandas.DataFrame
        Rejected rows of the file, columns :data:`REJECT_COLUMNS`.
    rows_read : int
        Records read from the file.
    """

    source: Source
    table: pa.Table
    rejects: pd.DataFrame
    rows_read: int


@dataclasses.dataclass(frozen=True)
class ValidatedBatch:
    """Outcome of validating the rows of one or more files together.

    Attributes
    ----------
    files : list of CheckedFile
        One per file, in the order read.
    rejects : pandas.DataFrame
        Every rejected row, columns :data:`REJECT_COLUMNS`, sorted by file and line.
    rows_read : dict of str to int
        Records read per file label.
    """

    files: list[CheckedFile]
    rejects: pd.DataFrame
    rows_read: dict[str, int]

    @property
    def incidents(self) -> pd.DataFrame:
        """All kept rows as one pandas frame, with a ``source_file`` column (for inspection)."""
        frames = []
        for f in self.files:
            frame = f.table.to_pandas()
            frame["source_file"] = f.source.label
            frames.append(frame)
        if not frames:
            return pd.DataFrame(columns=[*COLUMN_NAMES.values(), "source_line", "source_file"])
        out = pd.concat(frames, ignore_index=True)
        for col in ("month", "crime_type"):
            out[col] = out[col].astype("str")
        return out


def empty_rejects() -> pd.DataFrame:
    """Return an empty rejected-rows frame with the right columns and dtypes."""
    return _rejects_frame([], [], [], [])


def _rejects_frame(files: Sequence[str], lines: Sequence[int], reasons: Sequence[str], details: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "file": pd.Series(list(files), dtype="str"),
            "line": pd.Series(list(lines), dtype="int64"),
            "reason": pd.Series(list(reasons), dtype="str"),
            "detail": pd.Series(list(details), dtype="str"),
        }
    )


# --------------------------------------------------------------------------- finding files
def find_sources(paths: Iterable[str | Path]) -> list[Source]:
    """List the street-level CSVs named by paths (files, folders or zip archives).

    A CSV named directly is read whatever its name; inside folders and archives only files
    ending ``-street.csv`` are taken (data.police.uk also ships outcomes and stop-and-search
    files next to them). The result is sorted by label.

    Raises
    ------
    InputFileError
        A path does not exist, or a folder or archive holds no street-level CSV.
    """
    sources: list[Source] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*-street.csv") if p.is_file())
            if not found:
                raise InputFileError(path, "folder holds no *-street.csv file")
            sources.extend(Source(str(p), p) for p in found)
        elif path.is_file() and path.suffix.lower() == ".zip":
            sources.extend(_zip_sources(path))
        elif path.is_file():
            sources.append(Source(str(path), path))
        else:
            raise InputFileError(path, "no such file or folder")
    return sorted(dict.fromkeys(sources), key=lambda s: s.label)


def _zip_sources(path: Path) -> list[Source]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith("-street.csv")]
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputFileError(path, f"is not a readable zip archive ({exc})") from exc
    if not names:
        raise InputFileError(path, "archive holds no *-street.csv file")
    return [Source(f"{path}!{name}", path, name) for name in sorted(names)]


# --------------------------------------------------------------------------- parsing
def decode(raw: bytes, label: str, assume_utf8: bool = True) -> tuple[bytes, str]:
    """Return the text of a CSV as UTF-8 bytes without BOM, and the encoding it had.

    UTF-8 (with or without BOM) is kept as it is; anything else is read as Windows-1252,
    or Latin-1 where Windows-1252 has no character for a byte.

    Parameters
    ----------
    assume_utf8 : bool
        Skip the UTF-8 check (the CSV reader checks it anyway, and :func:`parse_street_csv`
        calls again with False when it fails).

    Raises
    ------
    InputFileError
        The file is empty or binary (has NUL bytes).
    """
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    if not raw[:_SNIFF_BYTES].strip() and not raw.strip():
        raise InputFileError(label, "file is empty")
    if b"\x00" in raw[:_SNIFF_BYTES]:
        raise InputFileError(label, "is a binary file, not a CSV")
    if assume_utf8:
        return raw, "utf-8"
    try:
        raw.decode("utf-8")
        return raw, "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252").encode("utf-8"), "cp1252"
    except UnicodeDecodeError:
        return raw.decode("latin-1").encode("utf-8"), "latin-1"


def parse_street_csv(raw: bytes, label: str, source: Source | None = None) -> ParsedFile:
    """Parse the bytes of one street-level CSV into text columns.

    Parameters
    ----------
    raw : bytes
        The file's content.
    label : str
        The file's name for messages.
    source : Source, optional
        Recorded in the result; default a plain file named ``label``.

    Raises
    ------
    InputFileError
        Empty, binary, wrong columns, no data rows, or truncated (the last record is cut
        short and the file does not end with a line break).
    """
    text, encoding = decode(raw, label)
    end = text.find(b"\n")
    header_line = (text if end < 0 else text[:end]).rstrip(b"\r").decode("utf-8", errors="replace")
    header = [h.strip().strip('"').strip() for h in header_line.split(",")]
    _check_header(header, label)

    # Fast path: Arrow's threaded reader, which also checks the text is UTF-8. It cannot
    # say which line a malformed record was on, so a file that has one is read again on one
    # thread, which numbers every record.
    try:
        table, malformed = _read_table(text, header, label, threaded=True)
    except _NotUtf8:
        text, encoding = decode(raw, label, assume_utf8=False)
        table, malformed = _read_table(text, header, label, threaded=True)
    if malformed:
        table, malformed = _read_table(text, header, label, threaded=False)

    total = table.num_rows + len(malformed)
    if malformed and malformed[-1][0] == total + 1 and not text.endswith(b"\n"):
        raise InputFileError(label, "file is truncated (its last row is cut short)")

    lines = np.arange(2, total + 2, dtype=np.int64)
    if malformed:
        lines = np.setdiff1d(lines, np.array([n for n, _ in malformed], dtype=np.int64), assume_unique=True)
    table = table.rename_columns([COLUMN_NAMES[c] for c in table.column_names])
    table = table.select(list(COLUMN_NAMES.values())).append_column("source_line", pa.array(lines))
    # With ignore_empty_lines=False a blank line is read as a record of empty fields, so line
    # numbers stay physical; drop those records here (a line of bare commas holds nothing
    # either and goes the same way).
    blank = pc.equal(pc.binary_length(table.column("month")), 0)
    if pc.any(blank).as_py():
        for c in COLUMN_NAMES.values():
            blank = pc.and_(blank, pc.equal(pc.binary_length(table.column(c)), 0))
        table = table.filter(pc.invert(blank))
    if table.num_rows == 0 and not malformed:
        raise InputFileError(label, "has a header but no data rows")
    rejects = _rejects_frame([label] * len(malformed), [n for n, _ in malformed],
                             ["malformed_row"] * len(malformed), [d for _, d in malformed])
    return ParsedFile(source or Source(label, Path(label)), table.combine_chunks(), rejects, encoding)


def _read_table(text: bytes, header: Sequence[str], label: str, threaded: bool) -> tuple[pa.Table, list[tuple[int, str]]]:
    """Read CSV text as string columns; return the table and the malformed (line, detail)."""
    malformed: list[tuple[int, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        number = -1 if row.number is None else int(row.number)
        malformed.append((number, f"{row.actual_columns} fields, expected {row.expected_columns}"))
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(text),
            read_options=pacsv.ReadOptions(use_threads=threaded, block_size=(1 << 20) if threaded else _BLOCK_BYTES),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "utf8" in str(exc).lower():
            raise _NotUtf8 from exc
        raise InputFileError(label, f"cannot be parsed as CSV ({exc})") from exc
    return table, malformed


class _NotUtf8(Exception):
    """Raised inside the reader when the text is not UTF-8 (caught by the caller)."""


def _check_header(header: Sequence[str], label: str) -> None:
    expected = set(POLICE_UK_COLUMNS)
    missing = [c for c in POLICE_UK_COLUMNS if c not in header]
    extra = [c for c in header if c not in expected]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if missing or extra or duplicated:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(repr(c) for c in missing))
        if extra:
            parts.append("unexpected " + ", ".join(repr(c) for c in extra[:5]))
        if duplicated:
            parts.append("repeated " + ", ".join(repr(c) for c in duplicated))
        raise InputFileError(label, "is not a data.police.uk street-level CSV: columns " + "; ".join(parts))


def read_source(source: Source) -> ParsedFile:
    """Read and parse one source (see :func:`parse_street_csv`)."""
    return parse_street_csv(source.read_bytes(), source.label, source)


# --------------------------------------------------------------------------- row rules
def _canonical(values: list[str], idx: np.ndarray, valid: object) -> tuple[pa.DictionaryArray, np.ndarray]:
    """Trim distinct values, test them, and return (dictionary column, per-row validity)."""
    trimmed = [v.strip() for v in values]
    canon = sorted(set(trimmed))
    position = {v: i for i, v in enumerate(canon)}
    remap = np.array([position[v] for v in trimmed], dtype=np.int32)
    ok = np.array([bool(valid(v)) for v in trimmed], dtype=bool)
    column = pa.DictionaryArray.from_arrays(pa.array(remap[idx], type=pa.int32()), pa.array(canon, type=pa.string()))
    return column, ok[idx]


def _coordinates(values: list[str], idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse distinct coordinate texts: (degrees per row, empty per row, unparseable per row)."""
    trimmed = pc.utf8_trim_whitespace(pa.array(values, type=pa.string()))
    empty = pc.equal(pc.binary_length(trimmed), 0).to_numpy(zero_copy_only=False)
    try:
        number = pc.cast(pc.if_else(pa.array(empty), None, trimmed), pa.float64())
        number = number.to_numpy(zero_copy_only=False).astype(np.float64)
        bad = ~empty & ~np.isfinite(number)
    except pa.ArrowInvalid:  # some text is not a number: sort them out one by one
        number = np.full(len(values), np.nan)
        bad = np.zeros(len(values), dtype=bool)
        for i, text in enumerate(trimmed.to_pylist()):
            if empty[i]:
                continue
            try:
                x = float(text)
            except ValueError:
                bad[i] = True
                continue
            if math.isfinite(x):
                number[i] = x
            else:
                bad[i] = True
    number = np.where(bad, np.nan, number)
    return number[idx], empty[idx], bad[idx]


def check_rows(parsed: ParsedFile, settings: Settings | None = None) -> CheckedFile:
    """Apply the row rules of one file.

    Rules, in the order they are checked (a row gets the first reason that applies):
    ``bad_month``, ``unknown_crime_type``, ``bad_coordinates`` (not numbers, not finite, or
    only one of the pair), ``outside_force_area``, ``duplicate_crime_id`` (within the file
    and month; the first row is kept). Rows with neither longitude nor latitude are kept:
    they are counted but cannot be mapped. Duplicates across files are found by
    :func:`validate`.
    """
    settings = settings or get_settings()
    t = parsed.table
    n = t.num_rows
    reason = np.zeros(n, dtype=np.int8)

    def flag(mask: np.ndarray, code: str) -> None:
        reason[(reason == 0) & mask] = _CODE[code]

    month, month_ok = _canonical(*distinct_values(t.column("month")), valid=_MONTH.match)
    flag(~month_ok, "bad_month")
    types = frozenset(settings.crime_types)
    crime_type, type_ok = _canonical(*distinct_values(t.column("crime_type")), valid=types.__contains__)
    flag(~type_ok, "unknown_crime_type")

    lon, lon_empty, lon_bad = _coordinates(*distinct_values(t.column("longitude")))
    lat, lat_empty, lat_bad = _coordinates(*distinct_values(t.column("latitude")))
    no_coords = lon_empty & lat_empty
    flag(lon_bad | lat_bad | (lon_empty != lat_empty), "bad_coordinates")
    x0, y0, x1, y1 = settings.force_area_bounds
    with np.errstate(invalid="ignore"):
        inside = (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
    flag(~no_coords & ~inside, "outside_force_area")

    crime_id = t.column("crime_id").combine_chunks()
    with_id = (pc.binary_length(crime_id).to_numpy(zero_copy_only=False) > 0) & (reason == 0)
    flag(_repeats(crime_id, month.indices.to_numpy(zero_copy_only=False), with_id), "duplicate_crime_id")

    keep = reason == 0
    lines = t.column("source_line").to_numpy()
    rejects = _describe(parsed.source.label, t, reason, lines, crime_id)
    if len(parsed.rejects):
        rejects = pd.concat([parsed.rejects, rejects], ignore_index=True)

    kept = pa.table(
        {
            "month": month,
            "crime_id": crime_id,
            "crime_type": crime_type,
            "longitude": pa.array(lon, mask=np.isnan(lon)),
            "latitude": pa.array(lat, mask=np.isnan(lat)),
            **{c: t.column(c) for c in ("location", "lsoa_code", "lsoa_name", "outcome", "context", "reported_by", "falls_within")},
            "source_line": t.column("source_line"),
        }
    )
    if not keep.all():
        kept = kept.filter(pa.array(keep))
    return CheckedFile(parsed.source, kept, rejects.sort_values("line", kind="stable").reset_index(drop=True), parsed.rows_read)


def _repeats(crime_id: pa.Array, month_idx: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Mark rows whose (month, Crime ID) appeared on an earlier candidate row."""
    out = np.zeros(len(candidates), dtype=bool)
    chosen = np.flatnonzero(candidates)
    if len(chosen) == 0:
        return out
    ids = crime_id.take(pa.array(chosen))
    # The usual case: every ID differs, whatever the month. IDs are 64-character hashes, so
    # their first 16 characters already differ; if they do, the whole IDs do too.
    if pc.count_distinct(pc.utf8_slice_codeunits(ids, 0, 16)).as_py() == len(chosen):
        return out
    frame = pd.DataFrame({"m": month_idx[chosen], "id": ids.to_pandas()})
    out[chosen[frame.duplicated(keep="first").to_numpy()]] = True
    return out


def _describe(
    label: str,
    t: pa.Table,
    reason: np.ndarray,
    lines: np.ndarray,
    crime_id: pa.Array,
) -> pd.DataFrame:
    """Explain each rejected row of a file (only rejected rows are touched)."""
    bad = np.flatnonzero(reason)
    if len(bad) == 0:
        return empty_rejects()
    names = list(REJECT_REASONS)
    rows = t.take(pa.array(bad)).to_pylist()
    ids = crime_id.take(pa.array(bad)).to_pylist()
    dup_ids = {i for i, code in zip(ids, reason[bad]) if names[code] == "duplicate_crime_id"}
    first: dict[str, int] = {}
    if dup_ids:
        all_ids = crime_id.to_pylist()
        for i in np.argsort(lines, kind="stable"):
            cid = all_ids[i]
            if cid in dup_ids and cid not in first:
                first[cid] = int(lines[i])
    details = []
    for row, cid, code in zip(rows, ids, reason[bad]):
        name = names[code]
        if name == "bad_month":
            details.append(f"Month {row['month']!r} is not YYYY-MM")
        elif name == "unknown_crime_type":
            details.append(f"Crime type {row['crime_type']!r} is not a data.police.uk category")
        elif name == "bad_coordinates":
            details.append(f"Longitude {row['longitude']!r} and Latitude {row['latitude']!r} are not a pair of numbers")
        elif name == "outside_force_area":
            details.append(f"({row['longitude']}, {row['latitude']}) lies outside the force area")
        else:
            details.append(f"Crime ID {cid[:16]}… repeats line {first.get(cid, 0)} in {row['month'].strip()}")
    return _rejects_frame([label] * len(bad), lines[bad].tolist(), [names[c] for c in reason[bad]], details)


def validate(parsed: Sequence[ParsedFile], settings: Settings | None = None) -> ValidatedBatch:
    """Apply the row rules to files read together (see :func:`check_rows`).

    A Crime ID may appear once per month across all the files: where two files of the batch
    hold the same month, rows of the later file (in the order given) whose ID the earlier
    one already has are rejected as ``duplicate_crime_id``.
    """
    settings = settings or get_settings()
    with ThreadPoolExecutor(_THREADS) as pool:
        checked = list(pool.map(lambda p: check_rows(p, settings), parsed))
    return combine_checked(checked)


def combine_checked(checked: Sequence[CheckedFile]) -> ValidatedBatch:
    """Apply the across-files rule (repeated Crime IDs) and gather the rejects."""
    checked = _reject_repeats_across_files(list(checked))
    rejects = [c.rejects for c in checked if len(c.rejects)]
    all_rejects = (
        pd.concat(rejects, ignore_index=True).sort_values(["file", "line"], kind="stable").reset_index(drop=True)
        if rejects
        else empty_rejects()
    )
    return ValidatedBatch(checked, all_rejects, {c.source.label: c.rows_read for c in checked})


def _reject_repeats_across_files(checked: list[CheckedFile]) -> list[CheckedFile]:
    seen: dict[str, list[tuple[str, pa.Table]]] = {}  # month -> earlier (label, ids+lines)
    out = []
    for c in checked:
        months = pc.unique(c.table.column("month").combine_chunks().dictionary_decode()).to_pylist() if c.table.num_rows else []
        drop = np.zeros(c.table.num_rows, dtype=bool)
        details: list[tuple[int, str]] = []
        month_col = c.table.column("month").combine_chunks().dictionary_decode()
        for month in months:
            in_month = pc.equal(month_col, month)
            ids = pc.filter(c.table.column("crime_id"), in_month)
            lines = pc.filter(c.table.column("source_line"), in_month)
            for label, earlier in seen.get(month, []):
                hit = pc.and_(pc.is_in(ids, value_set=earlier.column("id")), pc.not_equal(ids, ""))
                if pc.any(hit).as_py():
                    where = dict(zip(earlier.column("id").to_pylist(), earlier.column("line").to_pylist()))
                    rows = np.flatnonzero(in_month.to_numpy(zero_copy_only=False))[hit.to_numpy(zero_copy_only=False)]
                    drop[rows] = True
                    for cid, line in zip(pc.filter(ids, hit).to_pylist(), pc.filter(lines, hit).to_pylist()):
                        details.append((line, f"Crime ID {cid[:16]}… repeats {label} line {where[cid]} in {month}"))
            seen.setdefault(month, []).append((c.source.label, pa.table({"id": ids, "line": lines})))
        if drop.any():
            extra = _rejects_frame([c.source.label] * len(details), [d[0] for d in details],
                                   ["duplicate_crime_id"] * len(details), [d[1] for d in details])
            rejects = pd.concat([c.rejects, extra], ignore_index=True).sort_values("line", kind="stable").reset_index(drop=True)
            c = dataclasses.replace(c, table=c.table.filter(pa.array(~drop)), rejects=rejects)
        out.append(c)
    return out


def read_and_validate(paths: Iterable[str | Path], settings: Settings | None = None) -> ValidatedBatch:
    """Find, parse and validate every street-level CSV under paths (see :func:`validate`)."""
    sources = find_sources(paths)
    with ThreadPoolExecutor(_THREADS) as pool:
        parsed = list(pool.map(read_source, sources))
    return validate(parsed, settings)


def parse_upload(name: str, content: bytes) -> list[ParsedFile]:
    """Parse an uploaded CSV or data.police.uk zip archive held in memory."""
    if not name.lower().endswith(".zip"):
        return [parse_street_csv(content, name)]
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise InputFileError(name, f"is not a readable zip archive ({exc})") from exc
    members = sorted(n for n in archive.namelist() if n.lower().endswith("-street.csv"))
    if not members:
        raise InputFileError(name, "archive holds no *-street.csv file")
    out = []
    for member in members:
        label = f"{name}!{member}"
        try:
            raw = archive.read(member)
        except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
            raise InputFileError(label, f"archive is corrupt or truncated ({exc})") from exc
        out.append(parse_street_csv(raw, label, Source(label, Path(name), member)))
    return out
