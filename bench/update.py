"""The monthly update from a local imitation of data.police.uk: one West Yorkshire month out
of a 36-month archive of 43 forces, by range requests and by downloading the whole archive.

    python -m bench.update [--member-kib 64]

Builds an archive like the site's (``tests.imitation.police_uk_site``): 36 months x 43 forces
x street, outcomes and stop-and-search files; the newest month's West Yorkshire street file
is the bundled July 2017 sample (28,537 rows) relabelled, every other member holds
``--member-kib`` KiB of synthetic bytes. Then, each in a fresh process with the imitation
served from that process on 127.0.0.1, ``geo.update.update`` fetches and ingests that one
month (neighbours off), once with ranges and once from a server that offers none. Prints,
per transport: bytes received and sent, requests, the member's compressed size and the
ratio, seconds, and memory (peak, and what the run added).
Target: with ranges, bytes at most 3x the member; seconds, not minutes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MONTHS = [f"{2023 + (9 + k) // 12}-{(9 + k) % 12 + 1:02d}" for k in range(36)]  # 2023-10 .. 2026-09
NEWEST = MONTHS[-1]
HOME = f"{NEWEST}/{NEWEST}-west-yorkshire-street.csv"


def build(folder: Path, member_kib: int) -> Path:
    """Write ``<NEWEST>.zip`` under ``folder``: the newest home month real, the rest synthetic."""
    from tests.imitation.police_uk_site import FORCE_IDS, build_archive

    path = folder / f"{NEWEST}.zip"
    others = [f for f in FORCE_IDS if f != "west-yorkshire"]
    build_archive(path, [NEWEST], home_rows=None, neighbours=(), other_forces=others, other_bytes=member_kib << 10)
    # the 35 older months: every force's three files synthetic (West Yorkshire's too)
    import zipfile

    from tests.imitation.police_uk_site import filler

    with zipfile.ZipFile(path, "a") as archive:
        for month in MONTHS[:-1]:
            for force in FORCE_IDS:
                for kind in ("street", "outcomes", "stop-and-search"):
                    name = f"{month}/{month}-{force}-{kind}.csv"
                    archive.writestr(name, filler(member_kib << 10, name), compress_type=zipfile.ZIP_STORED)
    return path


def measure(folder: str, ranges: bool) -> dict[str, float]:
    """Serve ``folder`` and fetch-and-ingest the newest West Yorkshire month (in this process)."""
    from bench._common import RssSampler, peak_rss_mb
    from core.settings import override_settings
    from geo import boundaries
    from geo.police_uk_remote import PoliceUkClient
    from geo.store import Store
    from geo.update import update
    from tests.imitation.police_uk_site import Faults, PoliceUkSite, member_sizes

    lsoas = boundaries.read_lsoas()
    archive = Path(folder) / f"{NEWEST}.zip"
    with (
        tempfile.TemporaryDirectory() as store,
        override_settings(store_dir=Path(store), neighbour_forces=(), update_refresh_months=0) as settings,
        PoliceUkSite(Path(folder), MONTHS, faults=Faults(ranges=ranges)) as site,
    ):
        client = PoliceUkClient(settings, site.url)
        with RssSampler() as rss:
            start = time.perf_counter()
            report = update(Store(settings.store_dir), settings, months=1, client=client, lsoas=lsoas)
            seconds = time.perf_counter() - start
        if report.failed or report.stored_months != [NEWEST]:
            raise SystemExit(f"the update did not store {NEWEST}: {report.to_text()}")
        return {
            "seconds": seconds,
            "received": client.traffic.bytes_received,
            "sent": site.bytes_sent(),
            "requests": client.traffic.requests,
            "member": member_sizes(archive, [HOME]),
            "archive": archive.stat().st_size,
            "rows": report.rows_added,
            "extra_mb": rss.extra_mb,
            "peak_mb": peak_rss_mb(),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.update", description=__doc__.split("\n\n")[0])
    parser.add_argument("--member-kib", type=int, default=64, help="synthetic bytes per other member (KiB)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # child: folder to serve
    parser.add_argument("--no-ranges", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, not args.no_ranges)))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        archive = build(Path(folder), args.member_kib)
        print(
            f"archive {archive.name}: {archive.stat().st_size:,} bytes, 36 months x 43 forces x 3 files "
            f"({args.member_kib} KiB synthetic per member; built in {time.perf_counter() - start:.1f} s)"
        )
        for label, extra in (("ranges", []), ("no ranges (whole archive)", ["--no-ranges"])):
            out = subprocess.run(
                [sys.executable, "-m", "bench.update", "--measure", folder, *extra],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            r = json.loads(out.strip().splitlines()[-1])
            print(
                f"{label:<26} received {r['received']:>13,} bytes ({r['received'] / r['member']:.2f}x the "
                f"{r['member']:,}-byte member; server sent {r['sent']:,}) in {r['requests']} requests; "
                f"{r['rows']:,} rows stored in {r['seconds']:.2f} s; memory peak {r['peak_mb']:.0f} MB, "
                f"+{r['extra_mb']:.0f} MB during the run"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
