"""Map building cost for all five districts at the default resolution (9) and every crime type.

    python -m bench.map [--months N]

Prints the bytes a browser receives for the map, the seconds to build it cold, and the
seconds when the same filter is asked again (served by the page's st.cache_data loaders).
With --months N the sample is replicated to N months first (cells fill up as months add).
Targets: under 3 MB and under 1 s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench._common import quiet_streamlit, replicate_sample
from geo.settings import get_settings, override_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--months", type=int, default=2, help="months of data (2 = the bundled sample)")
    args = parser.parse_args(argv)
    quiet_streamlit()

    from geo.ingest import ingest
    from geo.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        if args.months <= 2:
            paths = list(get_settings().sample_paths)
        else:
            paths = [Path(tmp) / "in"]
            replicate_sample(paths[0], months=args.months)
        store = Store(Path(tmp) / "store")
        ingest(paths, store)
        with override_settings(store_dir=store.root, map_tiles=None):
            from models.counts import Filters
            from ui import cache, loading, maps

            token = store.token()
            cache.incidents(token)  # data loading is not part of the map cost
            cache.district_outlines()
            loading.freeze_startup_objects()  # as app.py does after its first page
            filters = Filters(resolution=get_settings().h3_default_resolution)
            timings = []
            for _ in range(2):
                start = time.perf_counter()
                layer = cache.hex_layer(token, filters, "Quantiles")
                fmap = maps.hex_map(layer, cache.district_outlines(), tuple(cache.districts().total_bounds), tiles=None)
                size = maps.map_payload_bytes(fmap)
                timings.append(time.perf_counter() - start)
            months = len(store.months())
    print(f"data: {months} month(s); map of all five districts, every crime type, H3 resolution {filters.resolution}")
    if args.months > 2:
        print("(replicated months repeat the sample's map points, so the hexagon count stays that of the sample)")
    print(f"hexagons drawn: {len(layer.features['features']):,}")
    print(f"bytes sent to the browser: {size:,} ({size / 1e6:.2f} MB; target < 3 MB)")
    print(f"build + render, cold: {timings[0]:.3f} s (target < 1 s)")
    print(f"build + render, same filter again (cached layer): {timings[1]:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
