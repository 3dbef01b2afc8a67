"""Ingest data.police.uk street-level files into the store.

PATH may be a CSV, a folder of monthly folders, or a data.police.uk ``.zip``. A file that is
not a street-level CSV at all raises :class:`~core.errors.InputFileError` naming the file and
the problem, and nothing from the run is stored. The command line is :mod:`cli.ingest`.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from core.settings import Settings, get_settings
from geo import boundaries, hexes
from geo._arrow import dictionary_parts
from geo.police_uk import (
    REJECT_REASONS,
    ParsedFile,
    Source,
    check_rows,
    empty_rejects,
    find_sources,
    partition_masks,
    read_file,
)
from geo.schemas import DICTIONARY_COLUMNS, H3_COLUMNS, INCIDENT_COLUMNS
from geo.store import MonthData, Partition, Store, Transaction, force_slug

#: Called with (fraction done 0..1, what is happening) while an ingest runs.
Progress = Callable[[float, str], None]

_LSOA_CODE = re.compile(r"^[EW]01\d{6}$")


@dataclasses.dataclass(frozen=True)
class IngestSummary:
    """What an ingest did.

    Attributes
    ----------
    files : list of str
        Files read.
    rows_read : int
        Records read from all files.
    stored : int
        Incidents stored (mapped, unmapped and outside alike).
    rejected : dict of str to int
        Rejected rows by reason code (see :data:`geo.police_uk.REJECT_REASONS`).
    unmapped : int
        Stored incidents without coordinates (counted, not on the map).
    outside : int
        Stored incidents located outside the five districts (counted, not analysed).
    months : list of str
        Months written, for any force.
    rejects : pandas.DataFrame
        Every rejected row with file, line, reason and detail.
    partitions : dict
        (force, month) -> incidents stored: each replaced that force's earlier version of
        the month, and no other force's.
    rows_read_by_file : dict
        File label -> records read from it.
    lsoa_matches : dict
        Rows placed by code of each generation and by point, summed over the months written
        (keys as :meth:`DistrictLookup.match_counts`).
    generations : dict
        (force, month) -> the LSOA generation in force for it (``"2011"`` or ``"2021"``).
    """

    files: list[str]
    rows_read: int
    stored: int
    rejected: dict[str, int]
    unmapped: int
    outside: int
    months: list[str]
    rejects: pd.DataFrame
    partitions: dict[Partition, int] = dataclasses.field(default_factory=dict)
    rows_read_by_file: dict[str, int] = dataclasses.field(default_factory=dict)
    lsoa_matches: dict[str, int] = dataclasses.field(default_factory=dict)
    generations: dict[Partition, str] = dataclasses.field(default_factory=dict)

    def forces_text(self) -> list[str]:
        """One line per force: its months and incidents stored (what each replaced)."""
        forces: dict[str, list[tuple[str, int]]] = {}
        for (force, month), n in sorted(self.partitions.items()):
            forces.setdefault(force, []).append((month, n))
        return [
            f"{force}: {sum(n for _, n in months):,} incidents in {len(months)} month(s) "
            f"{', '.join(m for m, _ in months)}"
            for force, months in forces.items()
        ]

    def to_text(self) -> str:
        """Return the summary as the command prints it."""
        lines = [
            f"files read:       {len(self.files)}",
            f"rows read:        {self.rows_read:,}",
            f"stored:           {self.stored:,} in {len(self.months)} month(s) {', '.join(self.months)}",
            *(f"  {line}" for line in self.forces_text()),
            f"rejected:         {sum(self.rejected.values()):,}",
        ]
        for reason, n in sorted(self.rejected.items()):
            lines.append(f"  {reason:<20}{n:>8,}  {REJECT_REASONS.get(reason, '')}")
        lines.append(f"unmapped (no coordinates, kept off the map): {self.unmapped:,}")
        lines.append(f"outside West Yorkshire (kept, not analysed):  {self.outside:,}")
        if self.lsoa_matches:
            m = self.lsoa_matches
            lines.append(
                f"placed by LSOA code: {m.get('code_2011', 0) + m.get('code_2021', 0) + m.get('code_shared', 0):,} "
                f"(codes found only in 2011: {m.get('code_2011', 0):,}, only in 2021: {m.get('code_2021', 0):,}); "
                f"by point: {m.get('point', 0):,}"
            )
            by_generation: dict[str, list[str]] = {}
            for (_, month), generation in sorted(self.generations.items()):
                by_generation.setdefault(generation, []).append(month)
            for generation, months in sorted(by_generation.items()):
                lines.append(f"  on {generation} LSOAs: {', '.join(sorted(set(months)))}")
        return "\n".join(lines)


def assign_districts(
    lsoa_code: pa.Array | pa.ChunkedArray,
    longitude: np.ndarray,
    latitude: np.ndarray,
    lsoas: gpd.GeoDataFrame,
    lsoas21: gpd.GeoDataFrame | None = None,
    month: pa.Array | pa.ChunkedArray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return each incident's district name ('' if none) and whether it lies outside.

    The LSOA code decides where it is a well-formed code, in whichever generation it
    belongs to (2011 or 2021; the districts are the same in both). A row with coordinates
    but an empty or malformed code is placed by point in polygon against the generation in
    force for its month (:meth:`DistrictLookup.generation`). A code of another area, or a
    point in no West Yorkshire LSOA, is "outside West Yorkshire". A row with neither a code
    nor coordinates is neither in a district nor outside: it is unknown (and unmapped).

    Parameters
    ----------
    lsoa_code : pyarrow.Array
        LSOA codes as published (text).
    longitude, latitude : numpy.ndarray
        Degrees (EPSG:4326), NaN where missing.
    lsoas : geopandas.GeoDataFrame
        The 2011 areas (:func:`geo.boundaries.read_lsoas`).
    lsoas21 : geopandas.GeoDataFrame, optional
        The 2021 areas (:func:`geo.boundaries.read_lsoas_2021`); without them only 2011
        codes and polygons are known.
    month : pyarrow.Array, optional
        Each row's month (``YYYY-MM``); without it every row is of one month.
    """
    lookup = DistrictLookup(lsoas, lsoas21)
    index, outside = lookup.assign(lsoa_code, longitude, latitude, month)
    return np.array(lookup.names, dtype=object)[index], outside


def generation_in_force(old_codes: int, new_codes: int, month: str, from_month: str) -> str:
    """The LSOA generation of a month's file.

    ``"2021"`` when any row carries a code found only in 2021: such a code exists only in
    files made after the change, even where 2011 codes remain beside it; else ``"2011"``
    when any row carries a code found only in 2011; when the codes do not tell (only codes
    both generations share), ``"2021"`` from ``from_month`` on (data.police.uk's June 2023
    change), else ``"2011"``.

    Parameters
    ----------
    old_codes, new_codes : int
        Rows carrying codes found only in 2011, only in 2021.
    month, from_month : str
        The month (``YYYY-MM``) and the first month of 2021 areas when codes do not tell.
    """
    if new_codes:
        return "2021"
    if old_codes:
        return "2011"
    return "2021" if month >= from_month else "2011"


class DistrictLookup:
    """LSOA code (2011 or 2021) -> district, built once per ingest.

    Attributes
    ----------
    names : list of str
        ``''`` (no district) then the district names, sorted; :meth:`assign` returns indices
        into this list.
    only_2011, only_2021 : frozenset of str
        Codes of one generation only (the others are shared: unchanged areas).
    """

    def __init__(
        self, lsoas: gpd.GeoDataFrame, lsoas21: gpd.GeoDataFrame | None = None, from_month: str = "2023-06"
    ) -> None:
        self.lsoas = lsoas
        self.lsoas21 = lsoas21
        self.from_month = from_month
        frames = [lsoas] if lsoas21 is None else [lsoas, lsoas21]
        self.names = ["", *sorted({str(d) for f in frames for d in f["district"]})]
        position = {d: i for i, d in enumerate(self.names)}
        self.code_to_index = {
            str(c): position[str(d)] for f in frames for c, d in zip(f["lsoa_code"].tolist(), f["district"].tolist())
        }
        codes11 = frozenset(str(c) for c in lsoas["lsoa_code"])
        codes21 = frozenset(str(c) for c in lsoas21["lsoa_code"]) if lsoas21 is not None else codes11
        self.only_2011, self.only_2021 = codes11 - codes21, codes21 - codes11
        self._known_codes = pa.array(list(self.code_to_index), type=pa.string())
        self._known_district = np.array([*self.code_to_index.values(), 0], dtype=np.int32)  # last: unknown
        self._old = pa.array(sorted(self.only_2011), type=pa.string())
        self._new = pa.array(sorted(self.only_2021), type=pa.string())

    def code_kinds(self, lsoa_code: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per row: whether its code is well formed, found only in 2011, found only in 2021."""
        values, idx = dictionary_parts(lsoa_code)  # each distinct text is judged once, in Arrow
        codes = pc.utf8_trim_whitespace(values)
        flags = [
            pc.fill_null(pc.match_substring_regex(codes, _LSOA_CODE.pattern), False),
            pc.is_in(codes, value_set=self._old),
            pc.is_in(codes, value_set=self._new),
        ]
        well_formed, old, new = (np.append(f.to_numpy(zero_copy_only=False), False)[idx] for f in flags)
        return well_formed, old, new

    def generation(self, lsoa_code: pa.Array | pa.ChunkedArray, month: str) -> str:
        """The generation in force for rows of one month (:func:`generation_in_force`)."""
        _, old, new = self.code_kinds(lsoa_code)
        return generation_in_force(int(old.sum()), int(new.sum()), month, self.from_month)

    def assign(
        self,
        lsoa_code: pa.Array | pa.ChunkedArray,
        longitude: np.ndarray,
        latitude: np.ndarray,
        month: pa.Array | pa.ChunkedArray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return (district index per row into :attr:`names`, outside per row); see
        :func:`assign_districts` for the rules."""
        values, idx = dictionary_parts(lsoa_code)
        codes = pc.utf8_trim_whitespace(values)
        position = pc.fill_null(pc.index_in(codes, value_set=self._known_codes), len(self._known_codes))
        district = np.append(self._known_district[position.to_numpy(zero_copy_only=False)], 0)[idx]
        well_formed, old, new = self.code_kinds(lsoa_code)
        outside = well_formed & (district == 0)
        lon = np.asarray(longitude, dtype=float)
        lat = np.asarray(latitude, dtype=float)
        by_point = ~well_formed & np.isfinite(lon) & np.isfinite(lat)
        if by_point.any():
            for polygons, rows in self._by_generation(by_point, old, new, month):
                found = boundaries.points_to_lsoa(lon[rows], lat[rows], polygons)
                district[rows] = np.array([self.code_to_index.get(c, 0) for c in found.tolist()], dtype=np.int32)
                outside[rows] = found == ""
        return district, outside

    def _by_generation(
        self, by_point: np.ndarray, old: np.ndarray, new: np.ndarray, month: pa.Array | pa.ChunkedArray | None
    ) -> list[tuple[gpd.GeoDataFrame, np.ndarray]]:
        """The rows placed by point, grouped by the polygons of their month's generation."""
        if month is None:
            groups = [("", np.ones(len(by_point), dtype=bool))]
        else:
            names, index = dictionary_parts(month)
            months = names.to_pylist()
            groups = [(str(m), index == i) for i, m in enumerate(months)]
        out = []
        for name, rows in groups:
            chosen = by_point & rows
            if not chosen.any():
                continue
            generation = generation_in_force(
                int(old[rows].sum()), int(new[rows].sum()), name or "0000-00", self.from_month
            )
            polygons = self.lsoas21 if generation == "2021" and self.lsoas21 is not None else self.lsoas
            out.append((polygons, np.flatnonzero(chosen)))
        return out

    def match_counts(self, table: pa.Table) -> dict[str, int]:
        """How the rows of a stored table were placed: by a code found only in 2011
        (``code_2011``), only in 2021 (``code_2021``), in both (``code_shared``), by a code
        of another area (``code_elsewhere``), by point (``point``), or not at all (``none``)."""
        well_formed, old, new = self.code_kinds(table.column("lsoa_code"))
        mapped = np.asarray(pc.is_valid(table.column("longitude")).to_numpy(zero_copy_only=False), dtype=bool)
        values, idx = dictionary_parts(table.column("lsoa_code"))
        known = np.append(
            pc.is_in(pc.utf8_trim_whitespace(values), value_set=self._known_codes).to_numpy(zero_copy_only=False), False
        )[idx]
        return {
            "code_2011": int(old.sum()),
            "code_2021": int(new.sum()),
            "code_shared": int((known & ~old & ~new).sum()),
            "code_elsewhere": int((well_formed & ~known).sum()),
            "point": int((~well_formed & mapped).sum()),
            "none": int((~well_formed & ~mapped).sum()),
        }


def enrich(
    table: pa.Table,
    source_label: str,
    lookup: DistrictLookup,
    memo: hexes.CellMemo | None = None,
) -> pa.Table:
    """Add ``district``, ``outside``, ``source_file`` and one H3 column per stored resolution.

    Binning happens once here, at ingest; cells are stored as int64 (0 = no coordinates).
    Text columns stay dictionary-encoded, so the store writes each distinct value once.

    Parameters
    ----------
    table : pyarrow.Table
        Checked rows of one file (see :class:`geo.police_uk.CheckedFile`).
    source_label : str
        The file's name, stored with every row.
    lookup : DistrictLookup
        Built once per ingest from the LSOAs.
    memo : geo.hexes.CellMemo, optional
        Coordinate pairs already binned in this ingest, at the stored resolutions.
    """
    lon = np.asarray(table.column("longitude").to_numpy(zero_copy_only=False), dtype=float)
    lat = np.asarray(table.column("latitude").to_numpy(zero_copy_only=False), dtype=float)
    district, outside = lookup.assign(table.column("lsoa_code"), lon, lat, table.column("month"))
    n = table.num_rows
    out = table.append_column(
        "district",
        pa.DictionaryArray.from_arrays(pa.array(district, type=pa.int32()), pa.array(lookup.names, type=pa.string())),
    )
    out = out.append_column("outside", pa.array(outside, type=pa.bool_()))
    out = out.append_column(
        "source_file",
        pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(n, dtype=np.int32)), pa.array([source_label], type=pa.string())
        ),
    )
    resolutions = sorted(H3_COLUMNS)
    cells = hexes.latlng_to_cells_multi(lat, lon, resolutions, memo)
    for res in resolutions:
        out = out.append_column(H3_COLUMNS[res], pa.array(cells[res]))
    return out.select(INCIDENT_COLUMNS)


def _split_by_partition(table: pa.Table) -> dict[Partition, pa.Table]:
    masks = partition_masks(table)
    if len(masks) == 1:
        return {next(iter(masks)): table}
    return {part: table.filter(pa.array(mask)) for part, mask in masks.items()}


@dataclasses.dataclass(frozen=True)
class _Piece:
    """The rows of one block of one file that belong to one force's month, written as a part.

    ``order`` is (file's place in the ingest, block's place in the file): of two rows with
    one Crime ID in a force's month, the one with the smaller order and line is kept.
    """

    partition: Partition
    label: str
    order: tuple[int, int]
    rows: int
    unmapped: int
    outside: int
    part: str
    matches: dict[str, int] = dataclasses.field(default_factory=dict)


def _pieces(
    table: pa.Table, transaction: Transaction, label: str, order: tuple[int, int], lookup: DistrictLookup
) -> list[_Piece]:
    return (
        [
            _Piece(
                partition,
                label,
                order,
                piece.num_rows,
                piece.column("longitude").null_count,
                int(pc.sum(piece.column("outside")).as_py() or 0),
                transaction.write_incidents(partition, piece),
                lookup.match_counts(piece),
            )
            for partition, piece in _split_by_partition(table).items()
        ]
        if table.num_rows
        else []
    )


@dataclasses.dataclass
class _FileResult:
    """What reading one file gave: its parts, its rows read and its rejected rows (the first
    ``max_rejects_listed`` listed, every one counted)."""

    label: str
    pieces: list[_Piece] = dataclasses.field(default_factory=list)
    rows_read: int = 0
    rejects: list[pd.DataFrame] = dataclasses.field(default_factory=list)
    listed: int = 0
    counts: dict[str, int] = dataclasses.field(default_factory=dict)

    def add_rejects(self, rejects: pd.DataFrame, limit: int) -> None:
        if not len(rejects):
            return
        for reason, n in rejects["reason"].value_counts().items():
            self.counts[str(reason)] = self.counts.get(str(reason), 0) + int(n)
        room = max(0, limit - self.listed)
        if room:
            self.rejects.append(rejects.iloc[:room])
            self.listed += min(room, len(rejects))


def _workers() -> int:
    """Threads for an ingest: one per CPU this process may use, at most 8 and at least 2
    (so that, even on one CPU, one file's parsing waits less on another's rules)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 2)
    return max(2, min(8, cpus))


def build_months(
    files: Sequence[Source],
    lsoas: gpd.GeoDataFrame,
    settings: Settings,
    transaction: Transaction,
    on_file: Callable[[int, int], None] | None = None,
    lsoas21: gpd.GeoDataFrame | None = None,
) -> tuple[dict[Partition, MonthData], IngestSummary]:
    """Read, validate, bin and write files a block at a time; gather them into partitions:
    one per force (``Reported by``) and month.

    Each file is read on one of the worker threads (one per CPU) in blocks of
    ``settings.ingest_block_bytes``; each block is checked, binned and written as a part of
    each force month it holds before the next is read, so memory grows with the block size,
    never with a file. Arrow's parsing and Parquet writing (which run without Python's lock)
    overlap the rules of another file. Crime IDs repeated within a block are rejected by the
    row rules; those repeated across blocks or files of one force's month are found
    afterwards over the written parts (:func:`_repeats_across_parts`), and the parts that
    lose rows are written again.

    Rejected rows and the rows read of a file are recorded with the partition most of its
    kept rows belong to (the home force's on a tie); a file with no good row at all is
    reported in the summary only.

    Parameters
    ----------
    transaction : geo.store.Transaction
        Where parts are written as they are ready.
    on_file : callable, optional
        Called on the calling thread with (files done, files) as each file is finished.
    lsoas21 : geopandas.GeoDataFrame, optional
        The 2021 areas (read from the settings when not given). Rows are placed by their
        own code of either generation, else by point against their month's generation;
        each force month's stats record how (``lsoa_matches``) and its generation
        (``lsoa_generation``).

    Raises
    ------
    InputFileError
        A source is not a street-level CSV or breaks a limit (parts already written are the
        transaction's to remove).
    """
    memo = hexes.CellMemo(sorted(H3_COLUMNS))
    lsoas21 = lsoas21 if lsoas21 is not None else boundaries.read_lsoas_2021(settings)
    lookup = DistrictLookup(lsoas, lsoas21, settings.lsoa2021_from_month)
    results = _read_files(files, settings, transaction, lookup, memo, on_file)
    by_label = {r.label: r for r in results}
    by_partition = _pieces_by_partition(results, settings, transaction, by_label, lookup)
    file_partition = _file_partitions(results, by_partition, settings)
    partitions: dict[Partition, MonthData] = {}
    totals = {"stored": 0, "unmapped": 0, "outside": 0}
    for partition in sorted(by_partition):
        pieces = by_partition[partition]
        mine = [by_label[f] for f, p in sorted(file_partition.items()) if p == partition]
        partitions[partition] = _month_data(partition, pieces, mine, settings)
        for key in totals:
            totals[key] += partitions[partition].stats[key]

    all_rejects, rejected_total = _gather_rejects(results)
    summary = IngestSummary(
        files=sorted(by_label),
        rows_read=int(sum(r.rows_read for r in results)),
        stored=totals["stored"],
        rejected=rejected_total,
        unmapped=totals["unmapped"],
        outside=totals["outside"],
        months=sorted({month for _, month in partitions}),
        rejects=all_rejects,
        partitions={p: int(d.stats["stored"]) for p, d in partitions.items()},
        rows_read_by_file={r.label: r.rows_read for r in results},
        lsoa_matches=_sum_matches(partitions.values()),
        generations={p: str(d.stats["lsoa_generation"]) for p, d in partitions.items()},
    )
    return partitions, summary


def _read_files(
    files: Sequence[Source],
    settings: Settings,
    transaction: Transaction,
    lookup: DistrictLookup,
    memo: hexes.CellMemo,
    on_file: Callable[[int, int], None] | None,
) -> list[_FileResult]:
    """Each file read, checked, binned and written a block at a time on the worker threads
    (one per CPU); ``on_file`` told as each is done. Results in the order of ``files``."""
    with ThreadPoolExecutor(_workers()) as pool:
        futures = [pool.submit(_read_one, i, item, settings, transaction, lookup, memo) for i, item in enumerate(files)]
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                future.result()
                if on_file is not None:
                    on_file(done, len(futures))
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return [f.result() for f in futures]


def _read_one(
    index: int,
    source: Source,
    settings: Settings,
    transaction: Transaction,
    lookup: DistrictLookup,
    memo: hexes.CellMemo,
) -> _FileResult:
    """One file: each block checked (row rules), placed and binned (:func:`enrich`) and
    written as a part per force month; a file read again from its start forgets its parts."""
    result = _FileResult(source.label)

    def handle(block: ParsedFile) -> list[_Piece]:
        checked = check_rows(block, settings)
        table = enrich(checked.table, source.label, lookup, memo)
        result.rows_read += block.rows_read
        result.add_rejects(checked.rejects, settings.max_rejects_listed)
        pieces = _pieces(table, transaction, source.label, (index, len(result.pieces)), lookup)
        result.pieces.extend(pieces)
        return pieces

    def undo(done: list[list[_Piece]]) -> None:  # the file is read again from its start
        for piece in (p for pieces in done for p in pieces):
            transaction.discard(piece.part)
        result.pieces.clear()
        result.rejects.clear()
        result.counts.clear()
        result.rows_read = result.listed = 0

    read_file(source, handle, undo, settings)
    return result


def _pieces_by_partition(
    results: Sequence[_FileResult],
    settings: Settings,
    transaction: Transaction,
    by_label: dict[str, _FileResult],
    lookup: DistrictLookup,
) -> dict[Partition, list[_Piece]]:
    """The written parts of every file by force month, each force under one name, with Crime
    IDs repeated across parts of one force month found and their parts written again."""
    # One name per force: spellings that differ in case or punctuation ("West Yorkshire
    # police") share a folder, so they are one force, named as the settings or the store
    # already name it.
    known = [
        settings.home_force,
        *transaction.store.forces(),
        *sorted({p.partition[0] for r in results for p in r.pieces}),
    ]
    canonical: dict[str, str] = {}
    for name in known:
        canonical.setdefault(force_slug(name), name)
    by_partition: dict[Partition, list[_Piece]] = {}
    for result in results:
        result.pieces = [
            dataclasses.replace(p, partition=(canonical[force_slug(p.partition[0])], p.partition[1]))
            for p in result.pieces
        ]
        for piece in result.pieces:
            by_partition.setdefault(piece.partition, []).append(piece)
    for partition, pieces in by_partition.items():
        if len(pieces) > 1:  # one part is settled by the row rules
            by_partition[partition] = _repeats_across_parts(pieces, partition, transaction, settings, by_label, lookup)
    return by_partition


def _file_partitions(
    results: Sequence[_FileResult], by_partition: dict[Partition, list[_Piece]], settings: Settings
) -> dict[str, Partition]:
    """Each file's partition for its rejected rows and rows read: the one most of its kept
    rows belong to (ties to the home force, whose rejected rows the app shows)."""
    file_partition: dict[str, Partition] = {}
    for result in results:
        rows: dict[Partition, int] = {}
        for piece in (p for pieces in by_partition.values() for p in pieces if p.label == result.label):
            rows[piece.partition] = rows.get(piece.partition, 0) + piece.rows
        if rows:
            file_partition[result.label] = max(rows, key=lambda p: (rows[p], p[0] == settings.home_force))
    return file_partition


def _month_data(
    partition: Partition, pieces: Sequence[_Piece], mine: Sequence[_FileResult], settings: Settings
) -> MonthData:
    """A force month's rejected rows, figures for the manifest and parts in order."""
    rejects, rejected = _gather_rejects(mine)
    stats: dict[str, Any] = {
        "files": [r.label for r in mine],
        "rows_read": int(sum(r.rows_read for r in mine)),
        "stored": int(sum(p.rows for p in pieces)),
        "unmapped": int(sum(p.unmapped for p in pieces)),
        "outside": int(sum(p.outside for p in pieces)),
        "rejected": rejected,
        **_generation_stats(pieces, partition[1], settings),
    }
    return MonthData(rejects, stats, tuple(p.part for p in sorted(pieces, key=lambda p: p.order)))


def _sum_matches(months: Iterable[MonthData]) -> dict[str, int]:
    total: dict[str, int] = {}
    for data in months:
        for key, n in data.stats["lsoa_matches"].items():
            total[key] = total.get(key, 0) + int(n)
    return total


def _generation_stats(pieces: Sequence[_Piece], month: str, settings: Settings) -> dict[str, Any]:
    """A force month's LSOA figures for the manifest: rows placed by code (of each
    generation) and by point, and the generation in force for the month."""
    matches: dict[str, int] = {}
    for piece in pieces:
        for key, n in piece.matches.items():
            matches[key] = matches.get(key, 0) + n
    old, new = matches.get("code_2011", 0), matches.get("code_2021", 0)
    return {
        "lsoa_matches": matches,
        "lsoa_generation": generation_in_force(old, new, month, settings.lsoa2021_from_month),
        "lsoa_codes_of_both": bool(old and new),
    }


def _gather_rejects(results: Sequence[_FileResult]) -> tuple[pd.DataFrame, dict[str, int]]:
    """The rejected rows listed for some files (sorted by file and line) and their counts by
    reason (every rejected row, listed or not)."""
    listed = [frame for r in results for frame in r.rejects if len(frame)]
    rejects = (
        pd.concat(listed, ignore_index=True).sort_values(["file", "line"], kind="stable").reset_index(drop=True)
        if listed
        else empty_rejects()
    )
    counts: dict[str, int] = {}
    for r in results:
        for reason, n in r.counts.items():
            counts[reason] = counts.get(reason, 0) + n
    return rejects, counts


def _repeats_across_parts(
    pieces: list[_Piece],
    partition: Partition,
    transaction: Transaction,
    settings: Settings,
    results: dict[str, _FileResult],
    lookup: DistrictLookup,
) -> list[_Piece]:
    """Reject rows whose Crime ID an earlier part of the same force month already holds;
    return the partition's pieces, those that lost rows written again.

    DuckDB finds and ranks the repeated IDs over the written parts with a memory limit
    (``settings.duckdb_memory``; it spills to disk beyond it): 64-bit hashes are grouped
    first, texts compared only where a hash repeats, and the first row (by file, then
    block, then line) is kept. Python receives only the rows to drop, as Arrow columns; a
    detail is written for at most ``settings.max_rejects_listed`` of them per file.
    """
    root = transaction.store.root
    drop = _repeated_ids(pieces, root, settings)
    if drop.num_rows == 0:
        return pieces
    out = []
    for piece in pieces:
        path = str(root / piece.part)
        lose = drop.filter(pc.equal(drop.column("filename"), path))
        if lose.num_rows == 0:
            out.append(piece)
            continue
        table = pq.read_table(path, columns=INCIDENT_COLUMNS, read_dictionary=DICTIONARY_COLUMNS, partitioning=None)
        table = table.filter(pc.invert(pc.is_in(table.column("source_line"), value_set=lose.column("source_line"))))
        transaction.discard(piece.part)
        out.extend(_pieces(table, transaction, piece.label, piece.order, lookup))
        _reject_repeats(results[piece.label], piece.label, lose, partition[1], settings)
    return out


def _repeated_ids(pieces: Sequence[_Piece], root: Path, settings: Settings) -> pa.Table:
    """The rows to drop (``filename``, ``source_line``, ``crime_id``, and where the kept row
    is: ``first_file``, ``first_line``), found by DuckDB over the written parts."""
    order = pa.table(
        {
            "filename": [str(root / p.part) for p in pieces],
            "file_order": [p.order[0] for p in pieces],
            "block_order": [p.order[1] for p in pieces],
        }
    )
    with (
        tempfile.TemporaryDirectory(prefix="precision-duckdb-") as spill,
        duckdb.connect(config={"memory_limit": settings.duckdb_memory, "threads": 2, "temp_directory": spill}) as con,
    ):
        con.register("part_order", order)
        drop: pa.Table = con.sql(
            "WITH rows AS (SELECT crime_id, filename, source_line, CAST(source_file AS VARCHAR) AS source_file "
            "FROM read_parquet($parts, filename = true) WHERE crime_id <> ''), "
            "keys AS (SELECT hash(crime_id) AS k FROM rows GROUP BY k HAVING count(*) > 1), "
            "candidates AS (SELECT r.*, o.file_order, o.block_order FROM rows r JOIN part_order o USING (filename) "
            "WHERE hash(r.crime_id) IN (SELECT k FROM keys)), "
            "ranked AS (SELECT *, row_number() OVER w AS n, first_value(source_file) OVER w AS first_file, "
            "first_value(source_line) OVER w AS first_line FROM candidates "
            "WINDOW w AS (PARTITION BY crime_id ORDER BY file_order, block_order, source_line)) "
            "SELECT filename, source_line, crime_id, first_file, first_line FROM ranked WHERE n > 1 "
            "ORDER BY filename, source_line",
            params={"parts": order.column("filename").to_pylist()},
        ).to_arrow_table()
    return drop


def _reject_repeats(result: _FileResult, label: str, lose: pa.Table, month: str, settings: Settings) -> None:
    """Record a part's repeated Crime IDs as rejected rows of its file (a detail for at most
    ``settings.max_rejects_listed`` of them; the others counted)."""
    listed = lose.slice(0, max(0, settings.max_rejects_listed - result.listed)).to_pandas()
    where = (
        listed["first_line"]
        .map("line {}".format)
        .where(listed["first_file"] == label, listed["first_file"] + " line " + listed["first_line"].astype(str))
    )
    rejects = pd.DataFrame(
        {
            "file": pd.Series(label, index=listed.index, dtype="str"),
            "line": listed["source_line"].astype("int64"),
            "reason": pd.Series("duplicate_crime_id", index=listed.index, dtype="str"),
            "detail": ("Crime ID " + listed["crime_id"].str[:16] + "… repeats " + where + f" in {month}").astype("str"),
        }
    )
    result.add_rejects(rejects, settings.max_rejects_listed)
    unlisted = lose.num_rows - len(listed)  # counted, not listed
    if unlisted:
        result.counts["duplicate_crime_id"] = result.counts.get("duplicate_crime_id", 0) + unlisted


def ingest_files(
    files: Sequence[Source],
    store: Store,
    settings: Settings | None = None,
    lsoas: gpd.GeoDataFrame | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Read, validate, bin and store files in one atomic commit.

    Each force's month in the files replaces that force's stored month; every other
    partition is kept.

    Raises
    ------
    InputFileError
        A file is not a street-level CSV; nothing is written.
    """
    settings = settings or get_settings()
    report = progress or (lambda fraction, text: None)
    report(0.0, f"reading {len(files)} file(s), checking rows and binning to H3")
    lsoas = lsoas if lsoas is not None else boundaries.read_lsoas(settings)
    with store.begin() as transaction:
        months, summary = build_months(
            files,
            lsoas,
            settings,
            transaction=transaction,
            on_file=lambda done, total: report(
                0.9 * done / total, f"read, checked and wrote {done} of {total} file(s)"
            ),
        )
        report(0.9, f"committing {len(months)} force month(s) to the store")
        if months:
            transaction.finish(months)
    report(1.0, "done")
    return summary


def ingest(
    paths: Iterable[str | Path],
    store: Store | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    lsoas: gpd.GeoDataFrame | None = None,
) -> IngestSummary:
    """Read, validate, bin and store every street-level CSV under paths.

    All files are read before anything is written: if one is not a street-level CSV,
    :class:`~core.errors.InputFileError` is raised and the store is left as it was.

    Parameters
    ----------
    paths : iterable of str or Path
        CSV files, monthly folders or data.police.uk zip archives.
    store : Store, optional
        Where to write; default the store folder of the settings.
    progress : callable, optional
        Called with (fraction done, message), always on the calling thread.
    lsoas : geopandas.GeoDataFrame, optional
        The LSOAs (:func:`geo.boundaries.read_lsoas`), if already read.
    """
    settings = settings or get_settings()
    store = store or Store(settings.store_dir)
    return ingest_files(find_sources(paths, settings), store, settings, lsoas=lsoas, progress=progress)


if __name__ == "__main__":  # the old entry point: say where the command went
    from core.moved import moved_command

    raise SystemExit(moved_command("geo.ingest"))
