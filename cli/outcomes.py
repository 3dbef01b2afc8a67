"""Load a Crimestoppers or confidence survey file into the store, as the Data page does.

Command line::

    python -m cli.outcomes KIND FILE [--store DIR]

KIND is ``crimestoppers`` or ``survey``. The file is checked whole by
:func:`records.outcome_files.load_outcome_file` (file, line and reason of every bad row; the
synthetic label read from its first line) and replaces that kind's table; real data is
refused while the app runs in demo mode. The load, or its refusal, is audited
(``outcome_upload``, ``upload_rejected``) as a command-line change. Exits 2, storing
nothing, with one line naming the file and the problem.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from core.errors import InputFileError, PrecisionError
from core.settings import get_settings
from records.outcome_files import KINDS, load_outcome_file
from security import audit


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 stored, 2 unusable input)."""
    parser = argparse.ArgumentParser(prog="python -m cli.outcomes", description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=sorted(KINDS))
    parser.add_argument("path", type=Path, metavar="FILE")
    parser.add_argument("--store", type=Path, help="store folder (default: settings.store_dir)")
    args = parser.parse_args(argv)
    words = KINDS[args.kind][2]
    try:
        try:
            content = args.path.read_bytes()
        except OSError as exc:
            raise InputFileError(args.path, f"cannot be read ({exc.strerror or exc})") from exc
        table = load_outcome_file(content, str(args.path), args.kind, demo=get_settings().demo, store_dir=args.store)
    except PrecisionError as exc:
        audit.record_cli(
            "upload_rejected",
            str(exc),
            {"files": [str(args.path)], "kind": args.kind},
            file_name=str(args.path),
            store_dir=args.store,
        )
        print(f"error: {exc}", file=sys.stderr)
        return 2
    synthetic = bool(table["synthetic"].all())
    audit.record_cli(
        "outcome_upload",
        f"{words}: {len(table)} rows",
        {"files": [str(args.path)], "kind": args.kind, "synthetic": synthetic},
        file_name=str(args.path),
        rows=len(table),
        store_dir=args.store,
    )
    label = "SYNTHETIC demonstration data" if synthetic else "real data"
    print(f"stored {len(table)} rows of {words} ({label}, from the file)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
