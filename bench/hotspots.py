"""The whole hotspot pipeline over West Yorkshire at the default resolution (9), on the real sample.

    python -m bench.hotspots [--permutations 999]

Times, in one process: esda's numba compilation (once per process; the app does it in the
background at start-up), reading the grid and weights, then the pipeline a user waits for:
binning to the 21,783-cell grid, Gi* with 999 conditional permutations (n_jobs=1,
keep_simulations=False), FDR bins, clustering into communities and naming them.
Target: the pipeline under 5 s on this 2-core machine.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--permutations", type=int, default=999)
    args = parser.parse_args(argv)

    from core.settings import get_settings
    from geo import boundaries, hexes
    from geo.ingest import ingest
    from geo.store import Store
    from models import hotspots
    from models.pipeline import HotspotParams, analyse_hotspots
    from records.reference import read_harm_weights

    start = time.perf_counter()
    hotspots.warm_up()
    compile_s = time.perf_counter() - start

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store")
        ingest(get_settings().sample_paths, store)
        incidents = store.read_incidents()
    incidents = incidents[incidents["district"].astype(str) != ""]

    start = time.perf_counter()
    lsoas = boundaries.read_lsoas()
    resolution = get_settings().h3_default_resolution
    grid = hexes.lsoas_to_grid(lsoas, resolution)
    weights = hotspots.ring_weights(grid["cell"].to_numpy(), 1)
    setup_s = time.perf_counter() - start

    params = HotspotParams(resolution=resolution, permutations=args.permutations)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        analysis = analyse_hotspots(incidents, grid, lsoas, read_harm_weights(), params, weights)
        timings.append(time.perf_counter() - start)
    r = analysis.result
    print(
        f"incidents: {len(incidents):,} (2 months, five districts); grid: {len(grid):,} cells at resolution {resolution}"
    )
    print(f"numba compilation (once per process, in the background in the app): {compile_s:.1f} s")
    print(f"grid + ring weights (once per resolution, cached in the app): {setup_s:.2f} s")
    print(
        f"pipeline (bin, Gi* {args.permutations} permutations, FDR, communities, names): "
        f"best {min(timings):.2f} s, runs {', '.join(f'{t:.2f}' for t in timings)} (target < 5 s)"
    )
    print(
        f"hot cells: {int((r.bins > 0).sum()):,} (99 %: {int((r.bins == 3).sum()):,}); "
        f"communities: {len(analysis.communities)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
