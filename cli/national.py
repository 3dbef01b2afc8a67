"""Check a Home Office police recorded crime table and store it for the National picture.

Command line::

    python -m cli.national PATH [--store DIR]
    python -m cli.national --check PATH [PATH ...]
    python -m cli.national --populations PATH [--store DIR]

``--populations`` loads ONS mid-year population estimates by force or by district
(:func:`records.force_populations.store_populations`), so each financial year's rates use the
residents of its own year; with ``--check`` it only checks them.

The table (the Home Office open data table by police force area, as published, any year) is
checked by :func:`records.national_table.store_recorded_crime`: rows with a bad year, quarter, force,
code or number are named by line, negative adjustments are kept, and a force unknown to the
district table stops the load. Prints what the table holds; exits 2, storing nothing, when
the table cannot be used. A load and a refused load are audited (``upload``,
``upload_rejected``) as a command-line change. ``--check`` only checks and prints (``python -m geo.national``, the old check, now says to use it).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from core.errors import InputFileError
from records.force_populations import parse_populations, store_populations
from records.national_table import (
    populations_path,
    read_force_areas,
    read_recorded_crime,
    store_recorded_crime,
    stored_table_path,
)
from security import audit


def check_tables(paths: Sequence[Path]) -> int:
    """Check tables and print what each holds, storing nothing; return 2 when one cannot be
    used or names a force the district table does not know (it would not be stored), else 0."""
    areas = read_force_areas()
    status = 0
    for path in paths:
        try:
            table = read_recorded_crime(path, areas)
        except InputFileError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 2
            continue
        print(table.summary())
        if table.unknown_forces:  # such a table would not be stored (store_recorded_crime)
            print(f"error: {path}: unknown force(s) {', '.join(table.unknown_forces)}", file=sys.stderr)
            status = 2
    return status


def load_populations(path: Path, store: Path | None, check: bool) -> int:
    """Check (and unless ``check``, store and audit) a mid-year estimates file; 0 or 2."""
    try:
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from exc
        if check:
            print(f"{path}: {parse_populations(content, str(path)).summary()}")
            return 0
        estimates = store_populations(content, str(path), store)
    except InputFileError as exc:
        if not check:
            audit.record_cli("upload_rejected", str(exc), {"files": [str(path)]}, file_name=str(path), store_dir=store)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    summary = estimates.summary()
    audit.record_cli(
        "upload", summary, {"years": estimates.years}, file_name=str(path), rows=estimates.lines, store_dir=store
    )
    print(f"{path}: {summary}; stored in {populations_path(store)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 stored or checked, 2 unusable input)."""
    parser = argparse.ArgumentParser(prog="python -m cli.national", description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path, nargs="+", help="the table (with --check, one or more)")
    parser.add_argument("--store", type=Path, help="store folder (default: the settings' store)")
    parser.add_argument("--check", action="store_true", help="check and print only, store nothing")
    parser.add_argument("--populations", action="store_true", help="PATH is a file of mid-year population estimates")
    args = parser.parse_args(argv)
    if args.populations:
        return max(load_populations(path, args.store, args.check) for path in args.path)
    if args.check:
        return check_tables(args.path)
    if len(args.path) > 1:
        parser.error("store one table at a time (check several with --check)")
    path = args.path[0]
    try:
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from exc
        table = store_recorded_crime(content, str(path), args.store)
        audit.record_cli(
            "upload",
            f"national table, {table.rows_read:,} rows",
            {"years": table.years},
            file_name=str(path),
            rows=table.rows_read,
            store_dir=args.store,
        )
    except InputFileError as exc:
        audit.record_cli("upload_rejected", str(exc), {"files": [str(path)]}, file_name=str(path), store_dir=args.store)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(table.summary())
    print(f"stored as {stored_table_path(args.store)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
