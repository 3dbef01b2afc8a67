"""Build the LSOA 2011 <-> 2021 lookup of the five districts from the two boundary sets, or
check a lookup file (the ONS one as published).

Command line::

    python -m cli.lsoa_lookup [--out PATH]      # build and write (default: the bundled file)
    python -m cli.lsoa_lookup --check PATH      # check a lookup file and say what it holds

The build is deterministic: the same boundaries give the same bytes
(:func:`geo.lsoa_lookup.build_lookup`). Exits 2 when a file cannot be used.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from core.errors import InputFileError
from core.settings import get_settings
from geo import boundaries
from geo.lsoa_lookup import CHANGE_KINDS, build_lookup, read_lookup, restrict, write_lookup


def summary(lookup: pd.DataFrame) -> str:
    """One line: rows, codes of each generation and rows by change indicator."""
    kinds = lookup["CHGIND"].value_counts()
    parts = ", ".join(f"{CHANGE_KINDS[k]} {int(kinds.get(k, 0)):,}" for k in CHANGE_KINDS)
    return (
        f"{len(lookup):,} rows: {lookup['LSOA11CD'].nunique():,} LSOAs (2011), "
        f"{lookup['LSOA21CD'].nunique():,} LSOAs (2021); rows {parts}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 written or checked, 2 unusable input)."""
    parser = argparse.ArgumentParser(prog="python -m cli.lsoa_lookup", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="where to write the built lookup (default: the bundled file)")
    parser.add_argument("--check", type=Path, help="check this lookup file instead of building one")
    args = parser.parse_args(argv)
    settings = get_settings()
    try:
        lsoas11 = boundaries.read_lsoas(settings)
        lsoas21 = boundaries.read_lsoas_2021(settings)
        if args.check:
            lookup = restrict(read_lookup(args.check), lsoas11, lsoas21, args.check)
            print(f"{args.check}: {summary(lookup)} for the five districts")
            return 0
        lookup = build_lookup(lsoas11, lsoas21, settings.crs_projected)
    except InputFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = args.out or settings.data_dir / "lookups" / "lsoa11_lsoa21_west_yorkshire.csv"
    write_lookup(lookup, out)
    print(f"{summary(lookup)}\nwritten to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
