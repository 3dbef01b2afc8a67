"""Back up the store, the users file and the audit log into one checked zip archive.

Command line::

    python -m cli.backup DEST [--store DIR]

DEST is a new ``.zip`` file, or a folder in which ``precision-backup-<UTC time>.zip`` is
made. The snapshot is consistent while the app runs (:func:`records.backup.write_backup`
holds every table's lock; an ingest under way is waited for) and holds a manifest
(``backup.json``) with every file's SHA-256 and the product's version. It never holds the
secret signing sign-in cookies or the audit key, and says so. The backup is audited
(``backup``) as a command-line change. Prints what it holds, the size and the time taken;
exits 2 with a message when it cannot be made (nothing is left half-written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from core.errors import PrecisionError
from core.settings import get_settings
from core.version import VERSION
from records.backup import backup_to
from security import audit


def destination(dest: Path) -> Path:
    """The archive to write: ``dest`` itself, or a time-stamped name inside a folder."""
    if dest.is_dir():
        return dest / f"precision-backup-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.zip"
    return dest


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 written, 2 not made)."""
    parser = argparse.ArgumentParser(prog="python -m cli.backup", description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path, metavar="DEST", help="new .zip file, or a folder to make one in")
    parser.add_argument("--store", type=Path, help="store folder (default: settings.store_dir)")
    args = parser.parse_args(argv)
    target = destination(args.dest)
    started = time.perf_counter()
    try:
        summary = backup_to(target, args.store)
    except (PrecisionError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    size = target.stat().st_size
    audit.record_cli(
        "backup",
        f"{summary.files} files, {summary.months} force months",
        {"bytes": size, "seconds": round(seconds, 2), "version": VERSION},
        file_name=str(target),
        rows=summary.files,
        store_dir=args.store,
    )
    print(
        f"wrote {target}: {summary.files} files ({summary.bytes / 1e6:,.1f} MB uncompressed, "
        f"{size / 1e6:,.1f} MB archive), {summary.months} force months, snapshot {summary.created}, "
        f"version {VERSION}, in {seconds:.2f} s"
    )
    print(f"not included: the sign-in signing secret and the audit key (keep {get_settings().audit_key_file} safely)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
