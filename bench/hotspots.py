"""The whole hotspot pipeline over West Yorkshire at the default resolution (9), on the real sample.

    python -m bench.hotspots [--permutations 999]

Times, in one process: esda's numba compilation (once per process; the app does it in the
background at start-up), reading the grid and weights, then the analysis a user waits for,
the same function the app and ``python -m cli.analyse`` run (:func:`models.analysis.
county_analysis`): binning to the 21,783-cell grid, Gi* with 999 conditional permutations
(n_jobs=1, keep_simulations=False), FDR bins, clustering into communities and naming them,
and the earlier comparable period's communities (analytical Gi*) whose ids are carried.
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
    from geo import boundaries
    from geo.ingest import ingest
    from geo.store import Store
    from models import analysis as analysis_model
    from models import hotspots
    from models.counts import Filters
    from models.pipeline import HotspotParams
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
    sources = analysis_model.FrameSources(incidents, lsoas, read_harm_weights())
    grid = sources.grid(resolution)
    sources.ring_weights(resolution, 1)
    setup_s = time.perf_counter() - start

    params = HotspotParams(resolution=resolution, permutations=args.permutations)
    latest = sources.stored_months()[-1]
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        analysis = analysis_model.county_analysis(sources, Filters(months=(latest,)), params)
        timings.append(time.perf_counter() - start)
    r = analysis.result
    print(
        f"incidents: {len(incidents):,} (2 months, five districts); grid: {len(grid):,} cells at resolution {resolution}"
    )
    print(f"numba compilation (once per process, in the background in the app): {compile_s:.1f} s")
    print(f"grid + ring weights (once per resolution, cached in the app): {setup_s:.2f} s")
    print(
        f"county analysis of {latest} (bin, Gi* {args.permutations} permutations, FDR, communities, names, "
        "earlier period's ids carried): "
        f"best {min(timings):.2f} s, runs {', '.join(f'{t:.2f}' for t in timings)} (target < 5 s)"
    )
    print(
        f"hot cells: {int((r.bins > 0).sum()):,} (99 %: {int((r.bins == 3).sum()):,}); "
        f"communities: {len(analysis.communities)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
