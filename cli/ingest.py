"""Ingest data.police.uk street-level files into the store.

Command line::

    python -m cli.ingest PATH... [--store DIR] [--no-precompute]

PATH may be a CSV, a folder of monthly folders, or a data.police.uk ``.zip``. The command
prints a summary and exits 0; it exits 2 with one line naming the file and the problem when a
file is not a street-level CSV at all, and then stores nothing from the run. The work is
:func:`geo.ingest.ingest`. Then the default county analyses of the new store state are
computed and kept (:func:`services.analyses.precompute_store`), so no user waits for them;
``--no-precompute`` leaves them to be computed when first opened. Both outcomes are audited (``upload``, ``upload_rejected``) under
the operating-system user, as a command-line change (:func:`security.audit.record_cli`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from core.errors import PrecisionError
from core.settings import get_settings
from geo.ingest import ingest
from geo.store import Store
from security import audit
from services import analyses


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 done, 2 unusable input)."""
    parser = argparse.ArgumentParser(prog="python -m cli.ingest", description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", metavar="PATH", help="CSV file, monthly folder or .zip")
    parser.add_argument("--store", type=Path, help="store folder (default: settings.store_dir)")
    parser.add_argument("--no-precompute", action="store_true", help="do not compute the default analyses now")
    args = parser.parse_args(argv)
    settings = get_settings()
    store = Store(args.store or settings.store_dir)
    names = [str(p) for p in args.paths]
    try:
        summary = ingest(args.paths, store, settings)
    except PrecisionError as exc:
        audit.record_cli("upload_rejected", str(exc), {"files": names}, store_dir=args.store)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    audit.record_cli(
        "upload",
        f"{summary.stored:,} incidents",
        {"files": names, "months": summary.months, "rejected": summary.rejected},
        file_name=", ".join(names),
        rows=summary.stored,
        store_dir=args.store,
    )
    print(summary.to_text())
    if not args.no_precompute and summary.stored:
        analyses.precompute_store(store, settings, log=print)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
