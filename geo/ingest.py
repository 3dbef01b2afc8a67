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
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import boundaries, hexes
from geo._schemas import H3_COLUMNS, INCIDENT_CHECK
from geo.errors import PrecisionError
from geo.police_uk import (
    REJECT_REASONS,
    ParsedFile,
    find_sources,
    parse_street_csv,
    validate,
)
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
    incidents: pd.DataFrame, lsoas: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Return each incident's district name ('' if none) and whether it lies outside.

    The LSOA code decides where it is a well-formed code. A row with coordinates but an
    empty or malformed code is placed by point in polygon. A code of another area, or a
    point in no West Yorkshire LSOA, is "outside West Yorkshire". A row with neither a code
    nor coordinates is neither in a district nor outside: it is unknown (and unmapped).
    """
    code_to_district = dict(zip(lsoas["lsoa_code"], lsoas["district"]))
    codes = incidents["lsoa_code"].astype("str").str.strip().to_numpy(dtype=object)
    well_formed = np.fromiter((bool(_LSOA_CODE.match(c)) for c in codes), dtype=bool, count=len(codes))
    district = np.fromiter((code_to_district.get(c, "") for c in codes), dtype=object, count=len(codes))
    outside = well_formed & (district == "")

    lon = incidents["longitude"].to_numpy(dtype=float)
    lat = incidents["latitude"].to_numpy(dtype=float)
    has_xy = np.isfinite(lon) & np.isfinite(lat)
    by_point = ~well_formed & has_xy
    if by_point.any():
        found = boundaries.points_to_lsoa(lon[by_point], lat[by_point], lsoas)
        district[by_point] = np.array([code_to_district.get(c, "") for c in found], dtype=object)
        outside[by_point] = found == ""
    return district, outside


def enrich(incidents: pd.DataFrame, lsoas: gpd.GeoDataFrame) -> pd.DataFrame:
    """Add ``district``, ``outside`` and one H3 column per stored resolution.

    Binning happens once here, at ingest; cells are stored as int64 (0 = no coordinates).
    """
    out = incidents.copy()
    district, outside = assign_districts(out, lsoas)
    out["district"] = pd.Series(district, index=out.index, dtype="str")
    out["outside"] = outside
    finest = max(H3_COLUMNS)
    cells = hexes.latlng_to_cells(out["latitude"].to_numpy(), out["longitude"].to_numpy(), finest)
    for res, column in H3_COLUMNS.items():
        out[column] = cells if res == finest else hexes.cells_to_parents(cells, res)
    return out


def build_months(parsed: Sequence[ParsedFile], lsoas: gpd.GeoDataFrame, settings: Settings) -> tuple[dict[str, MonthData], IngestSummary]:
    """Validate and enrich parsed files; split them into months ready to commit."""
    batch = validate(parsed, settings)
    incidents = enrich(batch.incidents, lsoas)
    INCIDENT_CHECK.validate(incidents)

    # Rejected rows and reads are attributed to the month most of a file's rows belong to.
    file_month: dict[str, str] = {}
    if len(incidents):
        modes = incidents.groupby("source_file", observed=True)["month"].agg(lambda s: s.mode().iat[0])
        file_month = {str(k): str(v) for k, v in modes.items()}
    # A file with no good row at all is reported in the summary; no month is replaced by it.

    months: dict[str, MonthData] = {}
    for month, frame in incidents.groupby("month", observed=True, sort=True):
        files = sorted({f for f, m in file_month.items() if m == month} | set(frame["source_file"].unique()))
        rejects = batch.rejects[batch.rejects["file"].map(file_month).eq(month)].reset_index(drop=True)
        stats = {
            "files": files,
            "rows_read": int(sum(batch.rows_read.get(f, 0) for f in files if file_month.get(f) == month)),
            "stored": int(len(frame)),
            "unmapped": int(frame["longitude"].isna().sum()),
            "outside": int(frame["outside"].sum()),
            "rejected": {str(k): int(v) for k, v in rejects["reason"].value_counts().items()},
        }
        months[str(month)] = MonthData(frame.reset_index(drop=True), rejects, stats)

    summary = IngestSummary(
        files=sorted(batch.rows_read),
        rows_read=int(sum(batch.rows_read.values())),
        stored=int(len(incidents)),
        rejected={str(k): int(v) for k, v in batch.rejects["reason"].value_counts().items()},
        unmapped=int(incidents["longitude"].isna().sum()),
        outside=int(incidents["outside"].sum()),
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
    report(0.6, "checking rows and binning to H3")
    lsoas = lsoas if lsoas is not None else boundaries.read_lsoas(settings)
    months, summary = build_months(parsed, lsoas, settings)
    report(0.85, f"writing {len(months)} month(s) to the store")
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
    parsed = []
    for i, source in enumerate(sources):
        report(0.5 * i / max(len(sources), 1), f"reading {Path(source.label).name}")
        parsed.append(dataclasses.replace(parse_street_csv(source.read_bytes(), source.label), source=source))
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
