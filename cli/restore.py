"""Restore a backup made by ``python -m cli.backup`` into a store folder.

Command line::

    python -m cli.restore SRC --store DIR

Every file's SHA-256 is checked against the backup's manifest before anything changes
(:func:`records.backup.restore`); the store is written beside DIR and swapped in with two
renames, and the users file replaced (``--users FILE``; by default the configured users file,
and only when DIR is the configured store, so a trial restore into a scratch folder never
replaces the live users), so on any problem DIR is left as it was. The target's
own audit log is kept (never replaced by an older one) and the restore is recorded in it
(``restore``) as a command-line change. Exits 2 naming the archive, or the member of it, that
is missing, damaged or changed, or when an ingest or a backup is using the store.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from core.errors import PrecisionError
from core.settings import get_settings
from records.backup import restore
from security import audit


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 restored, 2 refused: nothing changed)."""
    parser = argparse.ArgumentParser(prog="python -m cli.restore", description=__doc__.split("\n\n")[0])
    parser.add_argument("src", type=Path, metavar="SRC", help="backup archive (.zip)")
    parser.add_argument("--store", type=Path, required=True, help="store folder to restore into")
    parser.add_argument(
        "--users",
        type=Path,
        help="users file to restore (default: the configured one, only when --store is the configured store)",
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    users_file = args.users
    if users_file is None and args.store.resolve() == settings.store_dir.resolve():
        users_file = settings.users_file
    started = time.perf_counter()
    try:
        summary = restore(args.src, args.store, users_file=users_file)
    except (PrecisionError, OSError) as exc:
        if args.store.is_dir():  # a refusal is recorded in the store it was meant for, if there is one
            audit.record_cli(
                "upload_rejected", f"restore refused: {exc}", {"files": [str(args.src)]}, store_dir=args.store
            )
        print(f"error: {exc}; the store was not changed", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - started
    audit.record_cli(
        "restore",
        f"backup of {summary.created} (version {summary.version}), {summary.months} force months",
        {"audit_log_kept": summary.audit_kept, "users_restored": summary.users_restored, "seconds": round(seconds, 2)},
        file_name=str(args.src),
        rows=summary.files,
        store_dir=args.store,
    )
    kept = "kept the store's own audit log" if summary.audit_kept else "restored the backup's audit log"
    kept += (
        f"; restored the users file {users_file}"
        if summary.users_restored
        else "; users file left as it was (--users FILE restores it)"
    )
    print(
        f"restored {summary.files} files ({summary.months} force months) from the backup of {summary.created}, "
        f"version {summary.version}, into {args.store} in {seconds:.2f} s; {kept}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
