"""Load census 2021 tables as Nomis publishes them: TS001 (usual residents) and TS041
(households) by 2021 LSOA.

Command line::

    python -m cli.reference PATH [PATH ...] [--check]

Each PATH is a Nomis bulk zip (``census2021-ts001.zip``) or its LSOA file
(``census2021-ts001-lsoa.csv``); the table is told from its header. Every line is checked
(:func:`records.census.parse_census`); a file with a problem is named with its line and
stores nothing, and the others still load; each load and refusal is audited as a
command-line change. ``--check`` only checks. Exits 2 when any file cannot be used, 0
otherwise.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from core.errors import InputFileError
from records.census import census_dir, parse_census, store_census
from security import audit


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 all loaded or checked, 2 a file unusable)."""
    parser = argparse.ArgumentParser(prog="python -m cli.reference", description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", type=Path, nargs="+")
    parser.add_argument("--check", action="store_true", help="check and print only, store nothing")
    args = parser.parse_args(argv)
    failed = 0
    for path in args.paths:
        try:
            try:
                content = path.read_bytes()
            except OSError as exc:
                raise InputFileError(path, f"cannot be read ({exc.strerror or exc})") from exc
            table = parse_census(content, str(path)) if args.check else store_census(content, str(path))
        except InputFileError as exc:
            if not args.check:
                audit.record_cli("upload_rejected", str(exc), {"files": [str(path)]}, file_name=str(path))
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
            continue
        if not args.check:
            audit.record_cli("upload", table.summary(), {"table": table.table}, file_name=str(path), rows=table.lines)
        print(f"{path}: {table.summary()}" + ("" if args.check else f"; stored in {census_dir()}"))
    return 2 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
