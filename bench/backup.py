"""Benchmark backup and restore: the bundled store and a 36-month West Yorkshire store.

Command line::

    python -m bench.backup [--months 36]

Builds each store in a temporary folder (the bundled sample through the production ingest;
then the sample's months relabelled as ``--months`` months, see
:func:`bench._common.replicate_sample`), and prints for each: force months, files, store
size, backup time and archive size (:func:`records.backup.backup_to`), the time to check
every sum (:func:`records.backup.check_backup`) and the restore time into a new folder
(:func:`records.backup.restore`, which checks the sums again first).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench._common import replicate_sample
from core.settings import get_settings, override_settings
from geo.ingest import ingest
from geo.store import Store
from records.backup import backup_to, check_backup, restore


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def measure(label: str, store_dir: Path, work: Path) -> None:
    """Back up, check and restore one store; print the figures."""
    archive = work / f"{label}.zip"
    started = time.perf_counter()
    summary = backup_to(archive, store_dir)
    backup_s = time.perf_counter() - started
    started = time.perf_counter()
    check_backup(archive)
    check_s = time.perf_counter() - started
    started = time.perf_counter()
    restore(archive, work / f"{label}-restored" / "store")
    restore_s = time.perf_counter() - started
    print(
        f"{label}: {summary.months} force months, {summary.files} files, store {_size_mb(store_dir):,.1f} MB; "
        f"backup {backup_s:.2f} s, archive {archive.stat().st_size / 1e6:,.1f} MB; "
        f"check {check_s:.2f} s; restore {restore_s:.2f} s"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print one line per store."""
    parser = argparse.ArgumentParser(prog="python -m bench.backup", description=__doc__.split("\n\n")[0])
    parser.add_argument("--months", type=int, default=36, help="months of the larger store (default 36)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="precision-bench-backup-") as folder:
        work = Path(folder)
        with override_settings(store_dir=work / "bundled", users_file=work / "config" / "users.json"):
            ingest(get_settings().sample_paths, Store(work / "bundled"))
            measure("bundled", work / "bundled", work)
            files, rows = replicate_sample(work / "months", months=args.months)
            started = time.perf_counter()
            ingest([work / "months"], Store(work / "large"))
            print(f"(built a {len(files)}-month store of {rows:,} rows in {time.perf_counter() - started:.1f} s)")
            measure(f"{args.months}-month", work / "large", work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
