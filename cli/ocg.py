"""Load an OCG register and activity file into the store.

Command line::

    python -m cli.ocg REGISTER.csv ACTIVITY.csv [--synthetic] [--store DIR]

Both files are checked and stored by :func:`records.ocg_store.load_files`; the synthetic label
is read from the files' first line, never given here. ``--synthetic`` asserts that both
files carry the marker (exit 2 if not); it never labels a file. Real data is refused while
the app runs in demo mode (``PRECISION_MODE=demo``). Prints what was stored and every
rejected row with file, line and reason; exits 2 with one line when a file is unusable.
Both outcomes are audited (``upload_ocg``, ``upload_rejected``) as a command-line change.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from core.errors import InputFileError, PrecisionError
from core.settings import get_settings
from core.synthetic import SYNTHETIC_MARKER, is_marked_synthetic
from records.ocg_store import load_files
from security import audit


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 stored, 2 unusable input)."""
    parser = argparse.ArgumentParser(prog="python -m cli.ocg", description="Load an OCG register and activity file.")
    parser.add_argument("register", type=Path)
    parser.add_argument("activity", type=Path)
    parser.add_argument(
        "--synthetic",
        action="store_true",
        help=f"check that both files are synthetic demonstration data (first line '{SYNTHETIC_MARKER}')",
    )
    parser.add_argument("--store", type=Path)
    args = parser.parse_args(argv)
    names = [str(args.register), str(args.activity)]
    try:
        register_bytes, activity_bytes = args.register.read_bytes(), args.activity.read_bytes()
        if args.synthetic and not is_marked_synthetic(register_bytes):
            raise InputFileError(
                args.register, f"--synthetic was given but the file has no '{SYNTHETIC_MARKER}' first line"
            )
        register, activity, rejects = load_files(
            register_bytes,
            str(args.register),
            activity_bytes,
            str(args.activity),
            demo=get_settings().demo,
            store_dir=args.store,
        )
    except (PrecisionError, OSError) as exc:
        audit.record_cli("upload_rejected", str(exc), {"files": names}, store_dir=args.store)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    synthetic = bool(register["synthetic"].all())
    audit.record_cli(
        "upload_ocg",
        f"{len(register)} OCGs, {len(activity)} activity records",
        {"files": names, "rejected": len(rejects), "synthetic": synthetic},
        file_name=", ".join(names),
        rows=len(register) + len(activity),
        store_dir=args.store,
    )
    label = "SYNTHETIC demonstration data" if synthetic else "real data"
    print(
        f"OCGs stored: {len(register)}; activity records stored: {len(activity)}; rejected rows: {len(rejects)}; "
        f"labelled from the files: {label}"
    )
    for r in rejects.itertuples():
        print(f"  {r.file}:{r.line}: {r.reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
