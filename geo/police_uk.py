"""Read and validate data.police.uk street-level crime files.

Input comes as single CSV files, as the monthly folders data.police.uk delivers
(``YYYY-MM/YYYY-MM-<force>-street.csv``) or as its ``.zip`` archives of those folders.

Two kinds of problem are told apart:

* a **file** that is not a street-level CSV at all (binary, empty, wrong columns, truncated,
  unreadable archive) raises :class:`~geo.errors.InputFileError`;
* a **row** that breaks a rule is rejected with its file, line and reason (see
  :data:`REJECT_REASONS`) and the rest of the file is kept.

Line numbers are 1-based physical lines of the file (the header is line 1). A quoted field
holding a line break (never seen in data.police.uk output) makes later numbers count records
instead of lines.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from geo.errors import InputFileError
from geo.settings import POLICE_UK_COLUMNS, Settings, get_settings

#: Reason code -> plain description, for every way a row can be rejected.
REJECT_REASONS: dict[str, str] = {
    "malformed_row": "row does not have the 12 data.police.uk fields",
    "bad_month": "Month is not a YYYY-MM month",
    "unknown_crime_type": "Crime type is not a data.police.uk category",
    "bad_coordinates": "Longitude/Latitude are not a pair of numbers",
    "outside_force_area": "coordinates lie outside the force area",
    "duplicate_crime_id": "Crime ID already used in the same month",
}

#: Columns of the rejected-rows frame.
REJECT_COLUMNS: tuple[str, ...] = ("file", "line", "reason", "detail")

_BOM = b"\xef\xbb\xbf"
_SNIFF_BYTES = 65_536
_RENAMES = {
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
    frame : pandas.DataFrame
        One row per well-formed record, columns named as in :data:`_RENAMES` (snake case),
        all text, plus ``source_line`` (int, 1-based physical line).
    rejects : pandas.DataFrame
        Malformed records (wrong number of fields), columns :data:`REJECT_COLUMNS`.
    encoding : str
        ``"utf-8"`` or the fallback encoding the text was read with.
    """

    source: Source
    frame: pd.DataFrame
    rejects: pd.DataFrame
    encoding: str

    @property
    def rows_read(self) -> int:
        """Records read from the file (good and malformed, header and blank lines excluded)."""
        return len(self.frame) + len(self.rejects)


@dataclasses.dataclass(frozen=True)
class ValidatedBatch:
    """Outcome of validating the rows of one or more files together.

    Attributes
    ----------
    incidents : pandas.DataFrame
        Rows that passed every rule; text columns plus ``longitude``/``latitude`` (float64
        degrees, NaN when the row has no coordinates), ``source_file`` and ``source_line``.
    rejects : pandas.DataFrame
        Every rejected row, columns :data:`REJECT_COLUMNS`.
    rows_read : dict of str to int
        Records read per file label.
    """

    incidents: pd.DataFrame
    rejects: pd.DataFrame
    rows_read: dict[str, int]


def empty_rejects() -> pd.DataFrame:
    """Return an empty rejected-rows frame with the right columns and dtypes."""
    return pd.DataFrame(
        {
            "file": pd.Series([], dtype="str"),
            "line": pd.Series([], dtype="int64"),
            "reason": pd.Series([], dtype="str"),
            "detail": pd.Series([], dtype="str"),
        }
    )


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


def decode(raw: bytes, label: str) -> tuple[bytes, str]:
    """Return the text of a CSV as UTF-8 bytes without BOM, and the encoding it had.

    UTF-8 (with or without BOM) is kept as it is; anything else is read as Windows-1252,
    or Latin-1 where Windows-1252 has no character for a byte.

    Raises
    ------
    InputFileError
        The file is empty or binary (has NUL bytes).
    """
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    if not raw.strip():
        raise InputFileError(label, "file is empty")
    if b"\x00" in raw[:_SNIFF_BYTES]:
        raise InputFileError(label, "is a binary file, not a CSV")
    try:
        raw.decode("utf-8")
        return raw, "utf-8"
    except UnicodeDecodeError:
        pass
    for encoding in ("cp1252", "latin-1"):
        try:
            return raw.decode(encoding).encode("utf-8"), encoding
        except UnicodeDecodeError:
            continue
    raise InputFileError(label, "text encoding is not UTF-8, Windows-1252 or Latin-1")  # pragma: no cover


def parse_street_csv(raw: bytes, label: str) -> ParsedFile:
    """Parse the bytes of one street-level CSV into text columns.

    Parameters
    ----------
    raw : bytes
        The file's content.
    label : str
        The file's name for messages.

    Raises
    ------
    InputFileError
        Empty, binary, wrong columns, no data rows, or truncated (the last record is cut
        short and the file does not end with a line break).
    """
    text, encoding = decode(raw, label)
    header_line = text.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8")
    header = [h.strip().strip('"').strip() for h in header_line.split(",")]
    _check_header(header, label)

    malformed: list[tuple[int, str]] = []
    blank: list[int] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        number = int(row.number) if row.number is not None else -1
        if row.text.strip() == "":
            blank.append(number)
        else:
            malformed.append((number, f"{row.actual_columns} fields, expected {row.expected_columns}"))
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(text),
            read_options=pacsv.ReadOptions(use_threads=False, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                invalid_row_handler=on_invalid, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise InputFileError(label, f"cannot be parsed as CSV ({exc})") from exc

    total = table.num_rows + len(malformed) + len(blank)
    if malformed and max(n for n, _ in malformed) == total + 1 and not text.endswith(b"\n"):
        raise InputFileError(label, "file is truncated (its last row is cut short)")

    skipped = np.array(sorted([n for n, _ in malformed] + blank), dtype=np.int64)
    all_lines = np.arange(2, total + 2, dtype=np.int64)
    kept_lines = np.setdiff1d(all_lines, skipped, assume_unique=True) if len(skipped) else all_lines

    frame = table.rename_columns([_RENAMES[c] for c in table.column_names]).to_pandas()
    frame = frame[[_RENAMES[c] for c in POLICE_UK_COLUMNS]]
    frame["source_line"] = kept_lines
    # pyarrow reads a blank line as a record of empty fields: drop those (a line of bare
    # commas is treated the same way, as it holds nothing).
    blank_rows = np.logical_and.reduce([frame[c].to_numpy() == "" for c in frame.columns[:12]])
    if blank_rows.any():
        frame = frame.loc[~blank_rows].reset_index(drop=True)
    if len(frame) == 0 and not malformed:
        raise InputFileError(label, "has a header but no data rows")
    rejects = pd.DataFrame(
        {
            "file": pd.Series([label] * len(malformed), dtype="str"),
            "line": pd.Series([n for n, _ in malformed], dtype="int64"),
            "reason": pd.Series(["malformed_row"] * len(malformed), dtype="str"),
            "detail": pd.Series([d for _, d in malformed], dtype="str"),
        }
    )
    return ParsedFile(Source(label, Path(label)), frame, rejects, encoding)


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
        raise InputFileError(
            label, "is not a data.police.uk street-level CSV: columns " + "; ".join(parts)
        )


def read_sources(sources: Iterable[Source]) -> Iterator[ParsedFile]:
    """Parse each source in turn (see :func:`parse_street_csv`)."""
    for source in sources:
        parsed = parse_street_csv(source.read_bytes(), source.label)
        yield dataclasses.replace(parsed, source=source)


def validate(parsed: Sequence[ParsedFile], settings: Settings | None = None) -> ValidatedBatch:
    """Apply the row rules to files read together.

    Rules, in the order they are checked (a row gets the first reason that applies):
    ``bad_month``, ``unknown_crime_type``, ``bad_coordinates``, ``outside_force_area``,
    ``duplicate_crime_id`` (the first row with a Crime ID in a month is kept, later ones in
    any file of the batch are rejected). Rows with neither longitude nor latitude are kept:
    they are counted but cannot be mapped.

    Parameters
    ----------
    parsed : sequence of ParsedFile
        Files read by :func:`parse_street_csv`.
    settings : Settings, optional
        Source of the crime categories and the force area; default :func:`get_settings`.
    """
    settings = settings or get_settings()
    rows_read = {p.source.label: p.rows_read for p in parsed}
    frames = []
    for p in parsed:
        f = p.frame
        f["source_file"] = pd.Series(p.source.label, index=f.index, dtype="str")
        frames.append(f)
    if not frames:
        return ValidatedBatch(_empty_incidents(), empty_rejects(), rows_read)
    df = pd.concat(frames, ignore_index=True)

    reason = np.full(len(df), "", dtype=object)

    def flag(mask: np.ndarray, code: str) -> None:
        reason[(reason == "") & mask] = code

    month = df["month"].str.strip()
    df["month"] = month
    flag(~month.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])").to_numpy(dtype=bool), "bad_month")
    flag(~df["crime_type"].isin(settings.crime_types).to_numpy(dtype=bool), "unknown_crime_type")

    lon_text = df["longitude"].str.strip()
    lat_text = df["latitude"].str.strip()
    lon = pd.to_numeric(lon_text, errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(lat_text, errors="coerce").to_numpy(dtype=float)
    no_coords = ((lon_text == "") & (lat_text == "")).to_numpy(dtype=bool)
    bad_pair = ~no_coords & ~(np.isfinite(lon) & np.isfinite(lat))
    flag(bad_pair, "bad_coordinates")
    x0, y0, x1, y1 = settings.force_area_bounds
    with np.errstate(invalid="ignore"):
        outside = ~no_coords & ~bad_pair & ~((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1))
    flag(outside, "outside_force_area")

    crime_id = df["crime_id"].str.strip()
    df["crime_id"] = crime_id
    has_id = (crime_id != "").to_numpy(dtype=bool) & (reason == "")
    dup = np.zeros(len(df), dtype=bool)
    if has_id.any():
        keyed = pd.DataFrame({"month": month[has_id], "crime_id": crime_id[has_id]})
        dup[np.flatnonzero(has_id)] = keyed.duplicated(keep="first").to_numpy()
    flag(dup, "duplicate_crime_id")

    bad = reason != ""
    rejects = _describe_rejects(df, reason, bad, lon, lat, dup, has_id)
    rejects = pd.concat([*(p.rejects for p in parsed if len(p.rejects)), rejects], ignore_index=True)
    rejects = rejects.sort_values(["file", "line"], kind="stable").reset_index(drop=True)

    keep = ~bad
    incidents = df.loc[keep].drop(columns=["longitude", "latitude"]).reset_index(drop=True)
    incidents.insert(4, "longitude", lon[keep])
    incidents.insert(5, "latitude", lat[keep])
    return ValidatedBatch(incidents, rejects if len(rejects) else empty_rejects(), rows_read)


def _describe_rejects(
    df: pd.DataFrame,
    reason: np.ndarray,
    bad: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    dup: np.ndarray,
    has_id: np.ndarray,
) -> pd.DataFrame:
    if not bad.any():
        return empty_rejects()
    rows = df.loc[bad]
    codes = reason[bad]
    detail = np.empty(len(rows), dtype=object)
    first_line: dict[tuple[str, str], tuple[str, int]] = {}
    if dup.any():
        firsts = df.loc[has_id & ~dup, ["month", "crime_id", "source_file", "source_line"]]
        first_line = {
            (m, c): (f, int(n))
            for m, c, f, n in firsts.itertuples(index=False, name=None)
        }
    for i, (code, row) in enumerate(zip(codes, rows.itertuples(index=False))):
        if code == "bad_month":
            detail[i] = f"Month {row.month!r} is not YYYY-MM"
        elif code == "unknown_crime_type":
            detail[i] = f"Crime type {row.crime_type!r} is not a data.police.uk category"
        elif code == "bad_coordinates":
            detail[i] = f"Longitude {row.longitude!r} and Latitude {row.latitude!r} are not a pair of numbers"
        elif code == "outside_force_area":
            detail[i] = f"({row.longitude}, {row.latitude}) lies outside the force area"
        else:
            f, n = first_line.get((row.month, row.crime_id), ("?", 0))
            where = f"line {n}" if f == row.source_file else f"{f} line {n}"
            detail[i] = f"Crime ID {row.crime_id[:16]}… repeats {where} in {row.month}"
    return pd.DataFrame(
        {
            "file": rows["source_file"].astype("str").to_numpy(),
            "line": rows["source_line"].astype("int64").to_numpy(),
            "reason": pd.Series(codes, dtype="str").to_numpy(),
            "detail": pd.Series(detail, dtype="str").to_numpy(),
        }
    )


def _empty_incidents() -> pd.DataFrame:
    cols = {_RENAMES[c]: pd.Series([], dtype="str") for c in POLICE_UK_COLUMNS}
    cols["longitude"] = pd.Series([], dtype="float64")
    cols["latitude"] = pd.Series([], dtype="float64")
    cols["source_line"] = pd.Series([], dtype="int64")
    cols["source_file"] = pd.Series([], dtype="str")
    return pd.DataFrame(cols)


def read_and_validate(
    paths: Iterable[str | Path], settings: Settings | None = None
) -> ValidatedBatch:
    """Find, parse and validate every street-level CSV under paths (see :func:`validate`)."""
    return validate(list(read_sources(find_sources(paths))), settings)


def parse_upload(name: str, content: bytes) -> list[ParsedFile]:
    """Parse an uploaded CSV or zip archive held in memory."""
    if name.lower().endswith(".zip"):
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
            out.append(dataclasses.replace(parse_street_csv(raw, label), source=Source(label, Path(name), member)))
        return out
    return [parse_street_csv(content, name)]
