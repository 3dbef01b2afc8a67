"""Ingest data.police.uk street-level files into the store.

Command line::

    python -m geo.ingest PATH... [--store DIR]

PATH may be a CSV, a folder of monthly folders, or a data.police.uk ``.zip``. The command
prints a summary and exits 0; it exits 2 with one line naming the file and the problem when a
file is not a street-level CSV at all, and then stores nothing from the run.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo import boundaries, hexes
from geo._schemas import H3_COLUMNS, INCIDENT_COLUMNS
from geo.errors import PrecisionError
from geo._arrow import dictionary_parts
from geo.police_uk import (
    REJECT_REASONS,
    CheckedFile,
    ParsedFile,
    Source,
    check_rows,
    combine_checked,
    empty_rejects,
    find_sources,
    partition_masks,
    read_source,
)
from geo.settings import Settings, get_settings
from geo.store import MonthData, Partition, Store, Transaction

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

    def forces_text(self) -> list[str]:
        """One line per force: its months and incidents stored (what each replaced)."""
        forces: dict[str, list[tuple[str, int]]] = {}
        for (force, month), n in sorted(self.partitions.items()):
            forces.setdefault(force, []).append((month, n))
        return [f"{force}: {sum(n for _, n in months):,} incidents in {len(months)} month(s) "
                f"{', '.join(m for m, _ in months)}" for force, months in forces.items()]

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
        return "\n".join(lines)


def assign_districts(
    lsoa_code: pa.Array | pa.ChunkedArray,
    longitude: np.ndarray,
    latitude: np.ndarray,
    lsoas: gpd.GeoDataFrame,
) -> tuple[np.ndarray, np.ndarray]:
    """Return each incident's district name ('' if none) and whether it lies outside.

    The LSOA code decides where it is a well-formed code. A row with coordinates but an
    empty or malformed code is placed by point in polygon. A code of another area, or a
    point in no West Yorkshire LSOA, is "outside West Yorkshire". A row with neither a code
    nor coordinates is neither in a district nor outside: it is unknown (and unmapped).

    Parameters
    ----------
    lsoa_code : pyarrow.Array
        LSOA codes as published (text).
    longitude, latitude : numpy.ndarray
        Degrees (EPSG:4326), NaN where missing.
    lsoas : geopandas.GeoDataFrame
        As returned by :func:`geo.boundaries.read_lsoas`.
    """
    lookup = DistrictLookup(lsoas)
    index, outside = lookup.assign(lsoa_code, longitude, latitude)
    return np.array(lookup.names, dtype=object)[index], outside


class DistrictLookup:
    """LSOA code -> district, built once per ingest.

    Attributes
    ----------
    names : list of str
        ``''`` (no district) then the district names, sorted; :meth:`assign` returns indices
        into this list.
    """

    def __init__(self, lsoas: gpd.GeoDataFrame) -> None:
        self.lsoas = lsoas
        self.names = ["", *sorted(set(lsoas["district"].astype(str)))]
        position = {d: i for i, d in enumerate(self.names)}
        self.code_to_index = {
            str(c): position[str(d)] for c, d in zip(lsoas["lsoa_code"].tolist(), lsoas["district"].tolist())
        }
        self._known_codes = pa.array(list(self.code_to_index), type=pa.string())
        self._known_district = np.array([*self.code_to_index.values(), 0], dtype=np.int32)  # last: unknown

    def assign(
        self, lsoa_code: pa.Array | pa.ChunkedArray, longitude: np.ndarray, latitude: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return (district index per row into :attr:`names`, outside per row); see
        :func:`assign_districts` for the rules."""
        values, idx = dictionary_parts(lsoa_code)  # each distinct text is judged once, in Arrow
        codes = pc.utf8_trim_whitespace(values)
        well_formed = pc.fill_null(pc.match_substring_regex(codes, _LSOA_CODE.pattern), False)
        position = pc.fill_null(pc.index_in(codes, value_set=self._known_codes), len(self._known_codes))
        well_formed = np.append(well_formed.to_numpy(zero_copy_only=False), False)[idx]
        district = np.append(self._known_district[position.to_numpy(zero_copy_only=False)], 0)[idx]
        outside = well_formed & (district == 0)
        lon = np.asarray(longitude, dtype=float)
        lat = np.asarray(latitude, dtype=float)
        by_point = ~well_formed & np.isfinite(lon) & np.isfinite(lat)
        if by_point.any():
            found = boundaries.points_to_lsoa(lon[by_point], lat[by_point], self.lsoas)
            district[by_point] = np.array([self.code_to_index.get(c, 0) for c in found.tolist()], dtype=np.int32)
            outside[by_point] = found == ""
        return district, outside


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
    district, outside = lookup.assign(table.column("lsoa_code"), lon, lat)
    n = table.num_rows
    out = table.append_column(
        "district", pa.DictionaryArray.from_arrays(pa.array(district, type=pa.int32()), pa.array(lookup.names, type=pa.string()))
    )
    out = out.append_column("outside", pa.array(outside, type=pa.bool_()))
    out = out.append_column(
        "source_file",
        pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)), pa.array([source_label], type=pa.string())),
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
    """The rows of one file that belong to one force's month, written or still in memory."""

    partition: Partition
    rows: int
    unmapped: int
    outside: int
    table: pa.Table | None
    part: str | None


def _pieces(table: pa.Table, transaction: Transaction | None) -> list[_Piece]:
    out = []
    for partition, piece in _split_by_partition(table).items():
        part = transaction.write_incidents(partition, piece) if transaction is not None else None
        out.append(
            _Piece(
                partition,
                piece.num_rows,
                piece.column("longitude").null_count,
                int(pc.sum(piece.column("outside")).as_py() or 0),
                None if part else piece,
                part,
            )
        )
    return out


def _workers() -> int:
    """Threads for an ingest: one per CPU this process may use, at most 8 and at least 2
    (so that, even on one CPU, one file's parsing waits less on another's rules)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 2)
    return max(2, min(8, cpus))


def build_months(
    files: Sequence[ParsedFile | Source],
    lsoas: gpd.GeoDataFrame,
    settings: Settings,
    on_file: Callable[[int, int], None] | None = None,
    transaction: Transaction | None = None,
) -> tuple[dict[Partition, MonthData], IngestSummary]:
    """Read (where given sources), validate and enrich files; split them into partitions:
    one per force (``Reported by``) and month.

    Each file is parsed, checked, binned and (given a transaction) written on one of the
    worker threads (one per CPU), so Arrow's parsing and Parquet writing of one file (which
    run without Python's lock) overlap the rules on another. Repeated Crime IDs across
    files are then found on the checked rows; a file that loses rows to that rule is
    written again.

    Rejected rows and the rows read of a file are recorded with the partition most of its
    kept rows belong to (the home force's on a tie); a file with no good row at all is reported in the summary only.

    Parameters
    ----------
    on_file : callable, optional
        Called on the calling thread with (files done, files) as each file is finished.
    transaction : geo.store.Transaction, optional
        Where to write each file's incidents as soon as they are ready; without one, the
        returned partitions hold their incidents in memory.

    Raises
    ------
    InputFileError
        A source is not a street-level CSV (nothing is returned; parts already written
        are the transaction's to remove).
    """
    memo = hexes.CellMemo(sorted(H3_COLUMNS))
    lookup = DistrictLookup(lsoas)

    def prepare(item: ParsedFile | Source) -> tuple[CheckedFile, list[_Piece]]:
        parsed = read_source(item) if isinstance(item, Source) else item
        checked = check_rows(parsed, settings)
        checked = dataclasses.replace(checked, table=enrich(checked.table, checked.source.label, lookup, memo))
        return checked, _pieces(checked.table, transaction)

    with ThreadPoolExecutor(_workers()) as pool:
        futures = [pool.submit(prepare, item) for item in files]
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                future.result()
                if on_file is not None:
                    on_file(done, len(futures))
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    prepared = [f.result() for f in futures]
    batch = combine_checked([checked for checked, _ in prepared])
    by_partition: dict[Partition, list[_Piece]] = {}
    file_partition: dict[str, Partition] = {}
    for before, after in zip(prepared, batch.files):
        pieces = before[1]
        if after.table is not before[0].table:  # rows went to the across-files rule
            for piece in pieces:
                if piece.part is not None and transaction is not None:
                    transaction.discard(piece.part)
            pieces = _pieces(after.table, transaction)
        for piece in pieces:
            by_partition.setdefault(piece.partition, []).append(piece)
        if pieces:
            # ties go to the home force, whose rejected rows the app shows
            file_partition[after.source.label] = max(
                pieces, key=lambda p: (p.rows, p.partition[0] == settings.home_force)).partition

    partitions: dict[Partition, MonthData] = {}
    totals = {"stored": 0, "unmapped": 0, "outside": 0}
    rejects_of = {str(f): g for f, g in batch.rejects.groupby("file", sort=False)} if len(batch.rejects) else {}
    for partition in sorted(by_partition):
        pieces = by_partition[partition]
        in_memory = [p.table for p in pieces if p.table is not None]
        table = pa.concat_tables(in_memory, promote_options="permissive") if in_memory else None
        files = sorted(f for f, p in file_partition.items() if p == partition)
        found = [rejects_of[f] for f in files if f in rejects_of]
        rejects = pd.concat(found, ignore_index=True) if found else empty_rejects()
        stats = {
            "files": files,
            "rows_read": int(sum(batch.rows_read[f] for f in files)),
            "stored": int(sum(p.rows for p in pieces)),
            "unmapped": int(sum(p.unmapped for p in pieces)),
            "outside": int(sum(p.outside for p in pieces)),
            "rejected": {str(k): int(v) for k, v in rejects["reason"].value_counts().items()} if found else {},
        }
        for key in totals:
            totals[key] += stats[key]
        partitions[partition] = MonthData(table, rejects, stats, tuple(p.part for p in pieces if p.part is not None))

    summary = IngestSummary(
        files=sorted(batch.rows_read),
        rows_read=int(sum(batch.rows_read.values())),
        stored=totals["stored"],
        rejected={str(k): int(v) for k, v in batch.rejects["reason"].value_counts().items()},
        unmapped=totals["unmapped"],
        outside=totals["outside"],
        months=sorted({month for _, month in partitions}),
        rejects=batch.rejects,
        partitions={p: int(d.stats["stored"]) for p, d in partitions.items()},
    )
    return partitions, summary


def ingest_files(
    files: Sequence[ParsedFile | Source],
    store: Store,
    settings: Settings | None = None,
    lsoas: gpd.GeoDataFrame | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Read (where given sources), validate, bin and store files in one atomic commit.

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
            files, lsoas, settings, transaction=transaction,
            on_file=lambda done, total: report(0.9 * done / total, f"read, checked and wrote {done} of {total} file(s)"),
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
    :class:`~geo.errors.InputFileError` is raised and the store is left as it was.

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
    return ingest_files(find_sources(paths), store, settings, lsoas=lsoas, progress=progress)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 done, 2 unusable input)."""
    parser = argparse.ArgumentParser(prog="python -m geo.ingest", description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", metavar="PATH", help="CSV file, monthly folder or .zip")
    parser.add_argument("--store", type=Path, help="store folder (default: settings.store_dir)")
    args = parser.parse_args(argv)
    settings = get_settings()
    store = Store(args.store or settings.store_dir)
    try:
        summary = ingest(args.paths, store, settings)
    except PrecisionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(summary.to_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
