"""Reproduce what an analysis page shows: the ranked hotspot communities, ids included.

    python -m cli.analyse [--period latest|latest3|latest12|YYYY-MM[..YYYY-MM]]
        [--district NAME ...] [--crime-type TYPE ...] [--resolution 9] [--store DIR] [--csv]

Runs the same county analysis as the Hotspot communities page (:func:`models.analysis.
county_analysis`: Gi* over the county, communities, ids carried from the earlier comparable
period) and prints the district view's table (:func:`models.analysis.community_rows`).
``--period`` defaults to the app's default, the latest stored month. Exits 2 with a message
when the store is empty or a choice is not stored.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from core.csv_safe import frame_to_csv_text
from core.errors import PrecisionError
from core.settings import get_settings
from geo.store import Store
from models import analysis
from models.counts import Filters
from models.pipeline import HotspotParams
from models.trends import latest_months
from services import analyses

#: ``--period`` words -> the number of latest stored months (as the sidebar's periods).
PERIOD_WORDS = {"latest": 1, "latest3": 3, "latest12": 12}


def period_months(period: str, stored: Sequence[str]) -> list[str]:
    """The stored months a ``--period`` value covers (as the sidebar's period choices do).

    Raises
    ------
    ValueError
        The period names a month that is not stored, or is not of a known form.
    """
    if period in PERIOD_WORDS:
        return latest_months(stored, PERIOD_WORDS[period], [])
    first, _, last = period.partition("..")
    last = last or first
    months = [m for m in stored if first <= m <= last]
    if not months or (first not in stored) or (last not in stored):
        raise ValueError(f"--period {period}: not stored (stored months: {', '.join(stored) or 'none'})")
    return months


def run(argv: Sequence[str] | None = None) -> tuple[int, str]:
    """Run the command line; return the exit code and what it prints."""
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m cli.analyse", description=__doc__.split("\n\n")[0])
    parser.add_argument("--period", default="latest", help="latest, latest3, latest12, YYYY-MM or YYYY-MM..YYYY-MM")
    parser.add_argument("--district", action="append", default=[], choices=sorted(settings.districts.values()))
    parser.add_argument("--crime-type", action="append", default=[], choices=list(settings.crime_types))
    parser.add_argument("--resolution", type=int, default=settings.h3_default_resolution)
    parser.add_argument("--store", type=Path, help="store folder (default: the settings' store)")
    parser.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    args = parser.parse_args(argv)
    store = Store(args.store or settings.store_dir)
    try:
        stored = store.months()
        if not stored:
            return 2, f"error: {store.root}: no months stored (load some with python -m cli.ingest PATH)"
        months = period_months(args.period, stored)
        sources = analyses.store_sources(store, settings)
    except (PrecisionError, ValueError) as exc:
        return 2, f"error: {exc}"
    filters = Filters(
        districts=tuple(args.district),
        months=tuple(months),
        crime_types=tuple(args.crime_type),
        resolution=args.resolution,
    )
    params = HotspotParams(resolution=args.resolution)
    county = analysis.county_analysis(sources, filters, params)
    seen = analysis.district_analysis(county, sources, filters.districts, params.resolution)
    rows = analysis.community_rows(seen.communities)
    header = f"{len(rows)} hotspot communities, {', '.join(months)}, {', '.join(args.district) or 'all five districts'}"
    return 0, format_rows(rows, header, args.csv)


def format_rows(rows: pd.DataFrame, header: str, csv: bool) -> str:
    """The communities table as printed: CSV (through the one safe CSV writer), or a header
    line and an aligned table."""
    if csv:
        return frame_to_csv_text(rows)
    with pd.option_context("display.max_columns", None, "display.width", 200, "display.max_colwidth", 40):
        return header + "\n" + rows.to_string(index=False)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table (or the error, on stderr); return the exit code."""
    code, text = run(argv)
    print(text, file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
