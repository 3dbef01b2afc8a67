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
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo import boundaries, hexes
from geo._schemas import H3_COLUMNS, INCIDENT_COLUMNS
from geo.errors import PrecisionError
from geo._arrow import distinct_values
from geo.police_uk import REJECT_REASONS, ParsedFile, check_rows, combine_checked, find_sources, read_source
from geo.settings import Settings, get_settings
from geo.store import MonthData, Store

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
        Months written (each replaced any earlier version).
    rejects : pandas.DataFrame
        Every rejected row with file, line, reason and detail.
    """

    files: list[str]
    rows_read: int
    stored: int
    rejected: dict[str, int]
    unmapped: int
    outside: int
    months: list[str]
    rejects: pd.DataFrame

    def to_text(self) -> str:
        """Return the summary as the command prints it."""
        lines = [
            f"files read:       {len(self.files)}",
            f"rows read:        {self.rows_read:,}",
            f"stored:           {self.stored:,} in {len(self.months)} month(s) {', '.join(self.months)}",
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

    def assign(
        self, lsoa_code: pa.Array | pa.ChunkedArray, longitude: np.ndarray, latitude: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return (district index per row into :attr:`names`, outside per row); see
        :func:`assign_districts` for the rules."""
        values, idx = distinct_values(lsoa_code)
        trimmed = [v.strip() for v in values]
        well_formed = np.array([bool(_LSOA_CODE.match(c)) for c in trimmed] + [False], dtype=bool)[idx]
        district = np.array([self.code_to_index.get(c, 0) for c in trimmed] + [0], dtype=np.int32)[idx]
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
    memo: dict[complex, tuple[int, ...]] | None = None,
) -> pa.Table:
    """Add ``district``, ``outside``, ``source_file`` and one H3 column per stored resolution.

    Binning happens once here, at ingest; cells are stored as int64 (0 = no coordinates).

    Parameters
    ----------
    table : pyarrow.Table
        Checked rows of one file (see :class:`geo.police_uk.CheckedFile`).
    source_label : str
        The file's name, stored with every row.
    lookup : DistrictLookup
        Built once per ingest from the LSOAs.
    memo : dict, optional
        Cells of coordinate pairs already binned in this ingest (see
        :func:`geo.hexes.latlng_to_cells_multi`).
    """
    lon = table.column("longitude").to_numpy(zero_copy_only=False).astype(float)
    lat = table.column("latitude").to_numpy(zero_copy_only=False).astype(float)
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


def _split_by_month(table: pa.Table) -> dict[str, pa.Table]:
    month = table.column("month").combine_chunks()
    present = pc.unique(month.dictionary_decode()).to_pylist()
    if len(present) == 1:
        return {present[0]: table}
    decoded = month.dictionary_decode()
    return {m: table.filter(pc.equal(decoded, m)) for m in present}


def build_months(
    parsed: Sequence[ParsedFile], lsoas: gpd.GeoDataFrame, settings: Settings
) -> tuple[dict[str, MonthData], IngestSummary]:
    """Validate and enrich parsed files; split them into months ready to commit.

    Rejected rows and the rows read of a file are recorded with the month most of its kept
    rows belong to; a file with no good row at all is reported in the summary only.
    """
    with ThreadPoolExecutor(2) as pool:
        batch = combine_checked(list(pool.map(lambda p: check_rows(p, settings), parsed)))
        memo: dict[complex, tuple[int, ...]] = {}
        lookup = DistrictLookup(lsoas)
        enriched = list(pool.map(lambda c: enrich(c.table, c.source.label, lookup, memo), batch.files))
    pieces: dict[str, list[pa.Table]] = {}
    file_month: dict[str, str] = {}
    for checked, table in zip(batch.files, enriched):
        by_month = _split_by_month(table) if table.num_rows else {}
        for month, piece in by_month.items():
            pieces.setdefault(month, []).append(piece)
        if by_month:
            file_month[checked.source.label] = max(by_month, key=lambda m: by_month[m].num_rows)

    months: dict[str, MonthData] = {}
    totals = {"stored": 0, "unmapped": 0, "outside": 0}
    for month in sorted(pieces):
        table = pa.concat_tables(pieces[month], promote_options="permissive")
        files = sorted(f for f, m in file_month.items() if m == month)
        rejects = batch.rejects[batch.rejects["file"].isin(files)].reset_index(drop=True)
        stats = {
            "files": files,
            "rows_read": int(sum(batch.rows_read[f] for f in files)),
            "stored": int(table.num_rows),
            "unmapped": int(table.column("longitude").null_count),
            "outside": int(pc.sum(table.column("outside")).as_py() or 0),
            "rejected": {str(k): int(v) for k, v in rejects["reason"].value_counts().items()},
        }
        for key in totals:
            totals[key] += stats[key]
        months[month] = MonthData(table, rejects, stats)

    summary = IngestSummary(
        files=sorted(batch.rows_read),
        rows_read=int(sum(batch.rows_read.values())),
        stored=totals["stored"],
        rejected={str(k): int(v) for k, v in batch.rejects["reason"].value_counts().items()},
        unmapped=totals["unmapped"],
        outside=totals["outside"],
        months=sorted(months),
        rejects=batch.rejects,
    )
    return months, summary


def ingest_parsed(
    parsed: Sequence[ParsedFile],
    store: Store,
    settings: Settings | None = None,
    lsoas: gpd.GeoDataFrame | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Validate, bin and store already parsed files in one atomic commit."""
    settings = settings or get_settings()
    report = progress or (lambda fraction, text: None)
    report(0.5, "checking rows and binning to H3")
    lsoas = lsoas if lsoas is not None else boundaries.read_lsoas(settings)
    months, summary = build_months(parsed, lsoas, settings)
    report(0.8, f"writing {len(months)} month(s) to the store")
    if months:
        store.commit(months)
    report(1.0, "done")
    return summary


def ingest(
    paths: Iterable[str | Path],
    store: Store | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
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
        Called with (fraction done, message).
    """
    settings = settings or get_settings()
    store = store or Store(settings.store_dir)
    report = progress or (lambda fraction, text: None)
    sources = find_sources(paths)
    report(0.0, f"reading {len(sources)} file(s)")
    with ThreadPoolExecutor(2) as pool:
        parsed = list(pool.map(read_source, sources))
    return ingest_parsed(parsed, store, settings, progress=report)


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
