"""Run every benchmark in turn: `python -m bench`."""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = [
    ["bench.ingest"],
    ["bench.map"],
    ["bench.map", "--months", "36"],
    ["bench.hotspots"],
    ["bench.trends"],
    ["bench.national"],
    ["bench.backup"],
    ["bench.update"],
]


def main() -> int:
    for args in BENCHMARKS:
        print(f"\n== python -m {' '.join(args)}", flush=True)
        subprocess.run([sys.executable, "-m", *args], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
