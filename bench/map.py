"""Map building cost for all five districts at the default resolution (9) and every crime type.

    python -m bench.map [--months N]

Prints the bytes a browser receives for the map (its HTML and script: cell ids, values and
classes; h3-js and Leaflet are static files the browser caches), the seconds to build it
cold (filter, count, classify, build and render the map), and the seconds when the same
filter is asked again (the layer served by the page's st.cache_data loader, the map built
and rendered again). With --months N the sample is replicated to N months first.
Targets (issue 14): at most 200 KB and at most 0.3 s, also with 36 months.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench._common import quiet_streamlit, replicate_sample
from core.settings import REPO_DIR, get_settings, override_settings


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
                fmap = maps.hex_map(
                    layer, cache.district_outlines(), tuple(cache.districts().total_bounds), tiles=None, title="Map"
                )
                size = maps.map_payload_bytes(fmap)
                timings.append(time.perf_counter() - start)
            months = len(store.months())
    print(f"data: {months} month(s); map of all five districts, every crime type, H3 resolution {filters.resolution}")
    if args.months > 2:
        print("(replicated months repeat the sample's map points, so the hexagon count stays that of the sample)")
    print(f"hexagons drawn: {len(layer):,}")
    print(f"bytes sent to the browser: {size:,} ({size / 1e3:.0f} KB; target <= 200 KB)")
    print(f"build + render, cold: {timings[0]:.3f} s (target <= 0.3 s)")
    print(f"build + render, same filter again (cached layer): {timings[1]:.3f} s")
    static = sum(f.stat().st_size for f in (REPO_DIR / "static" / "h3-js").glob("*.js"))
    print(f"(h3-js, served once from static/ and cached by the browser: {static / 1e3:.0f} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
