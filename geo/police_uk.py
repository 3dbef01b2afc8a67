"""Read and validate data.police.uk street-level crime files.

Input comes as single CSV files, as the monthly folders data.police.uk delivers
(``YYYY-MM/YYYY-MM-<force>-street.csv``) or as its ``.zip`` archives of those folders.

Two kinds of problem are told apart:

* a **file** that is not a street-level CSV at all (binary, empty, wrong columns, truncated,
  unreadable archive) raises :class:`~core.errors.InputFileError`;
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
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from core.errors import InputFileError
from core.settings import POLICE_UK_COLUMNS, Settings, get_settings
from geo._arrow import dictionary_parts, distinct_values
from geo._streams import ARCHIVE_MAGIC, LimitedReader, check_archive, mib
from geo.store import force_slug

T = TypeVar("T")

#: Reason code -> plain description, for every way a row can be rejected, in check order.
REJECT_REASONS: dict[str, str] = {
    "malformed_row": "row does not have the 12 data.police.uk fields",
    "bad_month": "Month is not a YYYY-MM month",
    "unknown_crime_type": "Crime type is not a data.police.uk category",
    "no_force": "Reported by is empty: the row belongs to no force",
    "bad_coordinates": "Longitude/Latitude are not a pair of numbers",
    "outside_force_area": "coordinates lie outside the force area (England and Wales for other forces)",
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
#: A first line (header or first row) longer than this is no street-level CSV.
_MAX_LINE_BYTES = 1 << 20
#: The encoding tried after each one fails (data.police.uk publishes UTF-8; older
#: spreadsheets save Windows-1252; Latin-1 reads any byte).
_NEXT_ENCODING = {"utf-8": "cp1252", "cp1252": "latin-1"}
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_DICT_TEXT = pa.dictionary(pa.int32(), pa.string())
#: Headers read as plain text (unique per row); every other column is dictionary-encoded.
_PLAIN_HEADERS = frozenset({"Crime ID"})
#: Headers that hold one value in a whole force file ("West Yorkshire Police", and an empty
#: Context): read as plain text and encoded after a check that every row holds the first
#: value, which costs a quarter of hashing every row.
_CONSTANT_HEADERS = frozenset({"Reported by", "Falls within", "Context"})
#: Headers read as numbers when every value of the file is one.
_COORDINATE_HEADERS = ("Longitude", "Latitude")


@dataclasses.dataclass(frozen=True)
class Source:
    """One street-level CSV to read: a plain file or a member of a zip archive, on disk or
    uploaded (held in memory).

    Attributes
    ----------
    label : str
        How the file is named in messages: its path, or ``archive.zip!member.csv``.
    path : Path
        The file on disk (the archive, for a member); for an upload, its name.
    member : str or None
        Name inside the archive, or None for a plain file.
    content : bytes or None
        The uploaded file (the archive, for a member), or None to read ``path``.
    """

    label: str
    path: Path
    member: str | None = None
    content: bytes | None = dataclasses.field(default=None, repr=False, compare=False)

    def open(self, settings: Settings) -> LimitedReader:
        """Open the CSV as a stream that stops past the limits of ``settings``.

        Nothing is read yet: a zip member is inflated as it is read, a block at a time, never
        past the size its directory entry declares (which :func:`archive_sources` checked).

        Raises
        ------
        InputFileError
            The file or archive cannot be opened, or a plain file is larger than
            ``settings.max_file_bytes``.
        """
        try:
            if self.member is None:
                if self.content is not None:
                    inner: IO[bytes] = io.BytesIO(self.content)
                else:
                    size = self.path.stat().st_size
                    if size > settings.max_file_bytes:
                        raise InputFileError(
                            self.label,
                            f"is {mib(size)}, larger than {mib(settings.max_file_bytes)} "
                            "(the limit, settings.max_file_bytes): refused",
                        )
                    inner = open(self.path, "rb")  # noqa: SIM115 - the LimitedReader returned closes it
                return LimitedReader(inner, self.label, settings.max_file_bytes, max_line=_MAX_LINE_BYTES)
            archive = zipfile.ZipFile(io.BytesIO(self.content) if self.content is not None else self.path)
            member = archive.open(self.member)
            return LimitedReader(_Closing(member, archive), self.label, settings.max_file_bytes, _MAX_LINE_BYTES)
        except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
            raise InputFileError(self.label, f"archive is corrupt or truncated ({exc})") from exc
        except OSError as exc:
            raise InputFileError(self.label, f"cannot be read ({exc.strerror or exc})") from exc


class _Closing(io.RawIOBase):
    """A zip member's stream that also closes its archive."""

    def __init__(self, member: IO[bytes], archive: zipfile.ZipFile) -> None:
        super().__init__()
        self.member = member
        self.archive = archive

    def read(self, size: int = -1) -> bytes:
        return self.member.read(size)

    def close(self) -> None:
        try:
            self.member.close()
            self.archive.close()
        finally:
            super().close()


@dataclasses.dataclass(frozen=True)
class ParsedFile:
    """The rows of one CSV, as text, before validation.

    Attributes
    ----------
    source : Source
        Where the rows came from.
    table : pyarrow.Table
        One row per well-formed record: the 12 columns named as in :data:`COLUMN_NAMES`, plus
        ``source_line`` (int64, 1-based physical line). Text is as published: ``crime_id``
        plain, the other text columns dictionary-encoded. ``longitude``/``latitude`` are
        float64 (null when empty) when every value of the file is a number, else text.
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
        return int(self.table.num_rows) + len(self.rejects)


@dataclasses.dataclass(frozen=True)
class CheckedFile:
    """The rows of one file that passed every rule, and those that did not.

    Attributes
    ----------
    source : Source
        Where the rows came from.
    table : pyarrow.Table
        Kept rows: ``month`` and ``crime_type`` (dictionary text, trimmed), ``crime_id``
        ('' for anti-social behaviour), ``longitude``/``latitude`` (float64 degrees,
        null when the row has no coordinates), the other text columns as published
        (dictionary-encoded), ``source_line`` (int64).
    rejects : pandas.DataFrame
        Rejected rows of the file, columns :data:`REJECT_COLUMNS`.
    rows_read : int
        Records read from the file.
    """

    source: Source
    table: pa.Table
    rejects: pd.DataFrame
    rows_read: int


def empty_rejects() -> pd.DataFrame:
    """Return an empty rejected-rows frame with the right columns and dtypes."""
    return _EMPTY_REJECTS.copy()


def _rejects_frame(
    files: Sequence[str], lines: Sequence[int], reasons: Sequence[str], details: Sequence[str]
) -> pd.DataFrame:
    if not len(files):
        return empty_rejects()
    return _new_rejects_frame(files, lines, reasons, details)


def _new_rejects_frame(
    files: Sequence[str], lines: Sequence[int], reasons: Sequence[str], details: Sequence[str]
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "file": pd.Series(list(files), dtype="str"),
            "line": pd.Series(list(lines), dtype="int64"),
            "reason": pd.Series(list(reasons), dtype="str"),
            "detail": pd.Series(list(details), dtype="str"),
        }
    )


_EMPTY_REJECTS = _new_rejects_frame([], [], [], [])


# --------------------------------------------------------------------------- finding files
def find_sources(paths: Iterable[str | Path], settings: Settings | None = None) -> list[Source]:
    """List the street-level CSVs named by paths (files, folders or zip archives).

    A CSV named directly is read whatever its name; inside folders and archives only files
    ending ``-street.csv`` are taken (data.police.uk also ships outcomes and stop-and-search
    files next to them). An archive is judged from its directory first
    (:func:`archive_sources`). The result is sorted by label.

    Raises
    ------
    InputFileError
        A path does not exist, a folder or archive holds no street-level CSV, or an archive
        breaks a limit.
    """
    settings = settings or get_settings()
    sources: list[Source] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*-street.csv") if p.is_file())
            if not found:
                raise InputFileError(path, "folder holds no *-street.csv file")
            sources.extend(Source(str(p), p) for p in found)
        elif path.is_file() and path.suffix.lower() == ".zip":
            sources.extend(archive_sources(str(path), path, None, settings))
        elif path.is_file():
            sources.append(Source(str(path), path))
        else:
            raise InputFileError(path, "no such file or folder")
    return sorted(dict.fromkeys(sources), key=lambda s: s.label)


def upload_sources(name: str, content: bytes, settings: Settings | None = None) -> list[Source]:
    """List the street-level CSVs of an uploaded CSV or data.police.uk zip archive.

    Nothing is parsed yet (an ingest reads the sources on its worker threads); a zip that
    cannot be opened, holds no street CSV or breaks a limit raises
    :class:`~core.errors.InputFileError` now.
    """
    if not name.lower().endswith(".zip"):
        return [Source(name, Path(name), None, content)]
    return archive_sources(name, Path(name), content, settings or get_settings())


def unique_labels(names: Sequence[str]) -> list[str]:
    """Names for uploads, the second of two with one name as ``name (2).csv`` and so on, so
    that two files never merge into one in a summary."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        path = Path(name)
        out.append(name if seen[name] == 1 else f"{path.stem} ({seen[name]}){path.suffix}")
    return out


def archive_sources(label: str, path: Path, content: bytes | None, settings: Settings) -> list[Source]:
    """The street CSVs of a zip archive on disk (``content`` None) or uploaded, judged from
    the archive's directory before anything is inflated (see
    :func:`geo._streams.check_archive` for the limits).

    Raises
    ------
    InputFileError
        Not a readable zip, no street CSV, or a limit broken.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content) if content is not None else path) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputFileError(label, f"is not a readable zip archive ({exc})") from exc
    wanted = sorted((i for i in infos if i.filename.lower().endswith("-street.csv")), key=lambda i: i.filename)
    check_archive(
        label,
        infos,
        wanted,
        settings.max_archive_members,
        settings.max_archive_bytes,
        settings.max_file_bytes,
        settings.max_compression_ratio,
    )
    if not wanted:
        raise InputFileError(label, "archive holds no *-street.csv file")
    return [Source(f"{label}!{i.filename}", path, i.filename, content) for i in wanted]


# --------------------------------------------------------------------------- parsing
@dataclasses.dataclass(frozen=True)
class ReadMode:
    """How a file's text is read: its encoding, and whether coordinates are read as numbers.

    A file is first read as UTF-8 with numeric coordinates; if a later block shows that
    either is wrong, the file is read again from its start in the next mode
    (:func:`read_file`).
    """

    encoding: str = "utf-8"
    numeric_coordinates: bool = True


class _Reread(Exception):
    """Raised inside :func:`read_blocks` when the file must be read again in another mode."""

    def __init__(self, mode: ReadMode) -> None:
        super().__init__(mode)
        self.mode = mode


def _first_lines(stream: LimitedReader, label: str, limit: int) -> bytes:
    """Read the start of a file: at least its header line and the first data line (or all
    of a short file); judge it before anything else is read.

    Raises
    ------
    InputFileError
        Empty, binary, an archive inside an archive, or no line break in the first
        ``limit`` bytes (a line that long is no street-level CSV).
    """
    head = stream.read(_SNIFF_BYTES)
    while head.count(b"\n") < 2 and len(head) < limit:
        more = stream.read(_SNIFF_BYTES)
        if not more:
            break
        head += more
    if head.startswith(ARCHIVE_MAGIC):
        raise InputFileError(label, "is an archive, not a CSV: nested archives are refused")
    if head.startswith(_BOM):
        head = head[len(_BOM) :]
    if not head.strip():
        raise InputFileError(label, "file is empty")
    if b"\x00" in head:
        raise InputFileError(label, "is a binary file, not a CSV")
    if b"\n" not in head[:limit] and len(head) >= limit:
        raise InputFileError(label, f"has no line break in its first {mib(limit)}: not a street-level CSV")
    newline = head.find(b"\n")
    if newline >= 0 and head.find(b"\n", newline + 1) < 0 and len(head) >= limit:
        raise InputFileError(label, f"its first row is longer than {mib(limit)}: not a street-level CSV")
    return head


def read_blocks(source: Source, settings: Settings | None = None, mode: ReadMode = ReadMode()) -> Iterator[ParsedFile]:
    """Read one street-level CSV a block at a time (``settings.ingest_block_bytes``), each
    block a :class:`ParsedFile` of its rows, numbered by their physical line in the file.

    The file's start is judged before more is read (:func:`_first_lines`, header), and the
    stream stops past the limits of the settings. Blocks are cut at the last line break
    outside quotes and parsed one at a time, so memory grows with the block size, never
    with the file (Arrow's own streaming reader reads up to 32 blocks ahead). A quoted
    field may hold a line break (no data.police.uk file has one); line numbers after it then
    count records, not lines. Blocks already yielded are void if :class:`_Reread` is raised
    (the file must be read again in another :class:`ReadMode`): use :func:`read_file`.

    Raises
    ------
    InputFileError
        Empty, binary, wrong columns, no data rows, truncated (the last record is cut short
        and the file does not end with a line break), a limit broken, or unparseable.
    """
    settings = settings or get_settings()
    label = source.label
    with source.open(settings) as stream:
        head = _first_lines(stream, label, _MAX_LINE_BYTES)
        end = head.find(b"\n")
        header_line = (head if end < 0 else head[:end]).rstrip(b"\r")
        try:
            header_text = header_line.decode(mode.encoding)
        except UnicodeDecodeError:
            raise _Reread(dataclasses.replace(mode, encoding=_NEXT_ENCODING[mode.encoding])) from None
        header = [h.strip().strip('"').strip() for h in header_text.split(",")]
        _check_header(header, label)
        types = {name: pa.string() if name in _PLAIN_HEADERS | _CONSTANT_HEADERS else _DICT_TEXT for name in header}
        if mode.numeric_coordinates:
            types.update({name: pa.float64() for name in _COORDINATE_HEADERS})
        pending = head[end + 1 :] if end >= 0 else b""
        next_line, rows, malformed = 2, 0, 0
        last_malformed = 0
        while True:
            more = stream.read(settings.ingest_block_bytes)
            data = pending + more
            if not data:
                break
            # a short read is the end of the file (files, uploads and zip members alike read
            # in full otherwise): the rest is the last block, with nothing to cut
            at_end = len(more) < settings.ingest_block_bytes
            cut = len(data) if at_end else _cut(data)
            if cut == 0:  # no line break yet: read on (a line is at most _MAX_LINE_BYTES)
                pending = data
                continue
            chunk, pending = data[:cut], data[cut:]
            if mode.encoding != "utf-8":
                try:
                    chunk = chunk.decode(mode.encoding).encode("utf-8")
                except UnicodeDecodeError:
                    raise _Reread(dataclasses.replace(mode, encoding=_NEXT_ENCODING[mode.encoding])) from None
            block, first_line = _parse_block(chunk, header, types, next_line, source, mode)
            rows += block.table.num_rows
            malformed += len(block.rejects)
            if len(block.rejects):
                last_malformed = int(block.rejects["line"].max())
            next_line = first_line
            yield block
        last = next_line - 1  # the last record's line
        if malformed and last_malformed == last and stream.last_byte not in (b"\n", b""):
            raise InputFileError(label, "file is truncated (its last row is cut short)")
        if rows == 0 and not malformed:
            raise InputFileError(label, "has a header but no data rows")


def _cut(data: bytes) -> int:
    """Where to end a block: after its last line break outside quotes (0: none yet).

    A line break is outside quotes when an even number of quote characters comes before it;
    the count is taken once and updated line by line going back, so every byte is counted
    at most twice. A block whose quotes never balance is cut at its last line break all the
    same (its records are malformed either way).
    """
    cut = data.rfind(b"\n") + 1
    if not cut:
        return 0
    odd = data.count(b'"', 0, cut) % 2
    end = cut
    while odd:
        start = data.rfind(b"\n", 0, end - 1) + 1
        if start == 0:
            return cut
        odd ^= data.count(b'"', start, end) % 2
        end = start
    return end


def _parse_block(
    chunk: bytes, header: list[str], types: dict[str, pa.DataType], first_line: int, source: Source, mode: ReadMode
) -> tuple[ParsedFile, int]:
    """Parse whole lines of UTF-8 CSV text (no header: its columns are ``header``) that start
    at physical line ``first_line``; return the block and the line after it.

    Raises
    ------
    _Reread
        The text is not UTF-8 after all, or a coordinate is not a number.
    InputFileError
        The text cannot be parsed as CSV.
    """
    malformed: list[tuple[int, str]] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        number = -1 if row.number is None else int(row.number) + first_line - 1  # the block's row 1
        malformed.append((number, f"{row.actual_columns} fields, expected {row.expected_columns}"))
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(chunk),
            read_options=pacsv.ReadOptions(use_threads=False, block_size=len(chunk) + 1, column_names=header),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                null_values=[""],  # only an empty number is missing: "nan" is a bad coordinate
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        text = str(exc)
        if "UTF8" in text or "utf8" in text.lower():
            raise _Reread(dataclasses.replace(mode, encoding="cp1252")) from exc
        if mode.numeric_coordinates and "conversion error" in text:
            raise _Reread(dataclasses.replace(mode, numeric_coordinates=False)) from exc
        raise InputFileError(source.label, f"cannot be parsed as CSV ({exc})") from exc
    records = table.num_rows + len(malformed)
    lines = np.arange(first_line, first_line + records, dtype=np.int64)
    if malformed:
        lines = np.setdiff1d(lines, np.array([n for n, _ in malformed], dtype=np.int64), assume_unique=True)
    table = table.rename_columns([COLUMN_NAMES[c] for c in table.column_names])
    table = table.select(list(COLUMN_NAMES.values())).append_column("source_line", pa.array(lines))
    table = table.combine_chunks()
    for name in _CONSTANT_HEADERS:
        column = COLUMN_NAMES[name]
        table = table.set_column(table.schema.get_field_index(column), column, _encode_repeating(table.column(column)))
    # With ignore_empty_lines=False a blank line is read as a record of empty fields, so line
    # numbers stay physical; drop those records here (a line of bare commas holds nothing
    # either and goes the same way).
    blank = _empty(table.column("month"))
    if blank.any():
        for c in COLUMN_NAMES.values():
            blank &= _empty(table.column(c))
        table = table.filter(pa.array(~blank))
    rejects = _rejects_frame(
        [source.label] * len(malformed),
        [n for n, _ in malformed],
        ["malformed_row"] * len(malformed),
        [d for _, d in malformed],
    )
    return ParsedFile(source, table, rejects, mode.encoding), first_line + records


def read_file(
    source: Source, handle: Callable[[ParsedFile], T], undo: Callable[[list[T]], None], settings: Settings | None = None
) -> list[T]:
    """Read a file block by block, calling ``handle`` on each; return what it returned.

    If the file must be read again in another :class:`ReadMode` (not UTF-8 after all, or a
    coordinate that is not a number), ``undo`` is given what ``handle`` returned so far, and
    the file is read again from its start.
    """
    mode = ReadMode()
    while True:
        done: list[T] = []
        try:
            for block in read_blocks(source, settings, mode):
                done.append(handle(block))
            return done
        except _Reread as again:
            undo(done)
            mode = again.mode


def combine_blocks(blocks: Sequence[ParsedFile]) -> ParsedFile:
    """The blocks of one file as one :class:`ParsedFile` (dictionaries unified)."""
    table = pa.concat_tables([b.table for b in blocks])
    if any(column.num_chunks > 1 for column in table.columns):
        table = table.unify_dictionaries()
    table = table.combine_chunks()
    rejects = [b.rejects for b in blocks if len(b.rejects)]
    return ParsedFile(
        blocks[0].source,
        table,
        pd.concat(rejects, ignore_index=True) if rejects else empty_rejects(),
        blocks[0].encoding,
    )


def parse_street_csv(raw: bytes, label: str) -> ParsedFile:
    """Parse the bytes of one street-level CSV whole, as an upload named ``label`` (see
    :func:`read_blocks`)."""
    return read_source(Source(label, Path(label), None, raw))


def _encode_repeating(column: pa.ChunkedArray) -> pa.Array:
    """Return a text column dictionary-encoded, cheaply when every row holds one value."""
    array = column.combine_chunks()
    if len(array) and pc.all(pc.equal(array, array[0])).as_py():
        return pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(len(array), dtype=np.int32)), pa.array([array[0].as_py()], pa.string())
        )
    return pc.dictionary_encode(array)


def _empty(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Return, per row of a (possibly dictionary-encoded) text column, whether it is ''
    (for a number column: whether it is missing)."""
    if not (pa.types.is_dictionary(column.type) or pa.types.is_string(column.type)):
        missing: np.ndarray = column.is_null().to_numpy(zero_copy_only=False)
        return missing
    values, idx = distinct_values(column)
    empty: np.ndarray = np.array([v == "" for v in values] + [False], dtype=bool)[idx]
    return empty


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


def read_source(source: Source, settings: Settings | None = None) -> ParsedFile:
    """Read and parse one source whole (every block; see :func:`read_blocks`)."""
    return combine_blocks(read_file(source, lambda block: block, lambda done: None, settings))


# --------------------------------------------------------------------------- row rules
def _canonical(
    values: list[str], idx: np.ndarray, valid: Callable[[str], object]
) -> tuple[pa.DictionaryArray, np.ndarray]:
    """Trim distinct values, test them, and return (dictionary column, per-row validity)."""
    trimmed = [v.strip() for v in values]
    canon = sorted(set(trimmed))
    position = {v: i for i, v in enumerate(canon)}
    remap = np.array([position[v] for v in trimmed], dtype=np.int32)
    ok = np.array([bool(valid(v)) for v in trimmed], dtype=np.bool_)
    column = pa.DictionaryArray.from_arrays(pa.array(remap[idx], type=pa.int32()), pa.array(canon, type=pa.string()))
    return column, ok[idx]


def _coordinate_column(column: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (degrees per row, empty per row, not a finite number per row) of a coordinate
    column read as numbers (null = empty) or as text."""
    if pa.types.is_floating(column.type):
        values = column.to_numpy(zero_copy_only=False).astype(np.float64)
        empty = column.is_null().to_numpy(zero_copy_only=False)
        bad = ~empty & ~np.isfinite(values)
        return np.where(bad, np.nan, values), empty, bad
    return _coordinates(*dictionary_parts(column))


def _coordinates(values: pa.Array, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parse distinct coordinate texts: (degrees per row, empty per row, unparseable per row)."""
    trimmed = pc.utf8_trim_whitespace(values)
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
    ``bad_month``, ``unknown_crime_type``, ``no_force`` (empty ``Reported by``),
    ``bad_coordinates`` (not numbers, not finite, or only one of the pair),
    ``outside_force_area`` (the home force's rows: outside
    :attr:`~core.settings.Settings.force_area_bounds`; other forces' rows: outside
    :attr:`~core.settings.Settings.national_bounds`), ``duplicate_crime_id`` (within the file,
    force and month; the first row is kept). Rows with neither longitude nor latitude are
    kept: they are counted but cannot be mapped. Repeats across blocks and files of one
    force month are found by the ingest over the written parts
    (``geo.ingest._repeats_across_parts``).
    """
    settings = settings or get_settings()
    t = parsed.table
    n = t.num_rows
    reason = np.zeros(n, dtype=np.int8)

    def flag(mask: np.ndarray, code: str) -> None:
        if mask.any():  # the usual case is a file with no bad row at all
            reason[(reason == 0) & mask] = _CODE[code]

    month, month_ok = _canonical(*distinct_values(t.column("month")), valid=_MONTH.match)
    flag(~month_ok, "bad_month")
    types = frozenset(settings.crime_types)
    crime_type, type_ok = _canonical(*distinct_values(t.column("crime_type")), valid=types.__contains__)
    flag(~type_ok, "unknown_crime_type")
    force, force_ok = _canonical(*distinct_values(t.column("reported_by")), valid=bool)
    flag(~force_ok, "no_force")
    force_idx = force.indices.to_numpy(zero_copy_only=False)
    home_slug = force_slug(settings.home_force)  # "West Yorkshire police" is the home force too
    home = np.array([force_slug(v) == home_slug for v in force.dictionary.to_pylist()], dtype=bool)[force_idx]

    lon, lon_empty, lon_bad = _coordinate_column(t.column("longitude"))
    lat, lat_empty, lat_bad = _coordinate_column(t.column("latitude"))
    no_coords = lon_empty & lat_empty
    flag(lon_bad | lat_bad | (lon_empty != lat_empty), "bad_coordinates")
    bounds = np.where(home[:, None], np.array(settings.force_area_bounds), np.array(settings.national_bounds))
    with np.errstate(invalid="ignore"):
        inside = (lon >= bounds[:, 0]) & (lon <= bounds[:, 2]) & (lat >= bounds[:, 1]) & (lat <= bounds[:, 3])
    flag(~no_coords & ~inside, "outside_force_area")

    crime_id = t.column("crime_id").combine_chunks()
    has_id = pc.binary_length(crime_id).to_numpy(zero_copy_only=False) > 0
    partition = month.indices.to_numpy(zero_copy_only=False).astype(np.int64) * (len(force.dictionary) + 1) + force_idx
    flag(_repeats(crime_id, partition, has_id & (reason == 0), has_id), "duplicate_crime_id")

    keep = reason == 0
    lines = t.column("source_line").to_numpy()
    rejects = _describe(parsed.source.label, t, reason, lines, crime_id) if not keep.all() else None
    if rejects is None:
        rejects = parsed.rejects
    elif len(parsed.rejects):
        rejects = pd.concat([parsed.rejects, rejects], ignore_index=True).sort_values("line", kind="stable")

    kept = pa.table(
        {
            "month": month,
            "crime_id": crime_id,
            "crime_type": crime_type,
            "longitude": _degrees(t.column("longitude"), lon),
            "latitude": _degrees(t.column("latitude"), lat),
            **{c: t.column(c) for c in ("location", "lsoa_code", "lsoa_name", "outcome", "context")},
            "reported_by": force,
            "falls_within": t.column("falls_within"),
            "source_line": t.column("source_line"),
        }
    )
    if not keep.all():
        kept = kept.filter(pa.array(keep))
    return CheckedFile(parsed.source, kept, rejects.reset_index(drop=True), parsed.rows_read)


def _degrees(column: pa.ChunkedArray, degrees: np.ndarray) -> pa.Array | pa.ChunkedArray:
    """Return checked degrees as an Arrow column (null where missing or bad): the column as
    read when it already is exactly that, else one built from ``degrees``."""
    if pa.types.is_float64(column.type) and column.null_count == int(np.isnan(degrees).sum()):
        return column
    return pa.array(degrees, mask=np.isnan(degrees))


def _repeats(crime_id: pa.Array, partition: np.ndarray, candidates: np.ndarray, has_id: np.ndarray) -> np.ndarray:
    """Mark candidate rows whose (partition, Crime ID) appeared on an earlier candidate row
    (``partition``: one number per force and month; ``has_id``: rows with a non-empty ID,
    the candidates are among them).

    The usual file has no repeat at all, which Arrow's hash count settles at once; only a
    file with a repeated ID is looked at row by row.
    """
    out = np.zeros(len(candidates), dtype=bool)
    chosen = np.flatnonzero(candidates)
    if len(chosen) < 2:
        return out
    n = int(has_id.sum())
    if len(pc.unique(crime_id)) == n + int(n < len(crime_id)):  # every non-empty ID differs (unique beats
        # count_distinct here: 1 ms against 2.5 ms for a month of West Yorkshire)
        return out
    frame = pd.DataFrame({"p": partition[chosen], "id": crime_id.take(pa.array(chosen)).to_pandas()})
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
        elif name == "no_force":
            details.append("Reported by is empty")
        elif name == "outside_force_area":
            details.append(f"({row['longitude']}, {row['latitude']}) lies outside the force area")
        else:
            details.append(f"Crime ID {cid[:16]}… repeats line {first.get(cid, 0)} in {row['month'].strip()}")
    return _rejects_frame([label] * len(bad), lines[bad].tolist(), [names[c] for c in reason[bad]], details)


def partitions_present(table: pa.Table) -> list[tuple[str, str]]:
    """Return the (force, month) partitions that rows of a checked table belong to, sorted
    (the force as in ``Reported by``)."""
    if table.num_rows == 0:
        return []
    month = table.column("month").combine_chunks()
    force = table.column("reported_by").combine_chunks()
    m = month.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    f = force.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    used = np.unique(m * len(force.dictionary) + f)
    months, forces = month.dictionary.to_pylist(), force.dictionary.to_pylist()
    return sorted((forces[k % len(forces)], months[k // len(forces)]) for k in used.tolist())


def partition_masks(table: pa.Table) -> dict[tuple[str, str], np.ndarray]:
    """Return, for each (force, month) partition of a checked table, which rows belong to it."""
    month = table.column("month").combine_chunks()
    force = table.column("reported_by").combine_chunks()
    m = month.indices.to_numpy(zero_copy_only=False)
    f = force.indices.to_numpy(zero_copy_only=False)
    months, forces = month.dictionary.to_pylist(), force.dictionary.to_pylist()
    return {(fo, mo): (m == months.index(mo)) & (f == forces.index(fo)) for fo, mo in partitions_present(table)}


def read_text_rows(paths: Iterable[str | Path], settings: Settings | None = None) -> pd.DataFrame:
    """Every row of the street-level CSVs under ``paths`` as published text (the columns of
    :data:`core.settings.POLICE_UK_COLUMNS`, empty text for empty fields, no row rules
    applied): the pattern the demonstration history (:mod:`models.demo_history`) resamples.

    Raises
    ------
    InputFileError
        A path holds no street-level CSV, a file cannot be read or lacks a published column.
    """
    settings = settings or get_settings()
    frames = []
    for source in find_sources(paths, settings):
        with source.open(settings) as stream:
            try:
                frame = pd.read_csv(stream, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            except (ValueError, UnicodeDecodeError) as exc:
                raise InputFileError(source.label, f"cannot be read as a street-level CSV ({exc})") from exc
        missing = [c for c in POLICE_UK_COLUMNS if c not in frame.columns]
        if missing:
            raise InputFileError(source.label, f"lacks the column(s) {', '.join(missing)}")
        frames.append(frame[list(POLICE_UK_COLUMNS)])
    return pd.concat(frames, ignore_index=True)
