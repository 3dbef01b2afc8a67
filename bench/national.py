"""A national store: 43 forces x 36 months of street rows (about 20 million), queried by DuckDB.

    python -m bench.national [--forces 43] [--months 36] [--rows 12900]

Builds, in a temporary folder deleted afterwards, a store in the app's layout
(``incidents/force=<slug>/month=YYYY-MM/*.parquet`` and a format 3 manifest) by replicating
the bundled sample: the sample is ingested once (so every row is checked and binned to H3
as usual), then each force's month is a slice of a sample month relabelled with the
force's name and the month, written directly as Parquet (no second ingest). The home force
gets whole sample months, as the Trends benchmark does. Then it times:

- the national query: incidents by force and month over every file (DuckDB, files read in
  place), cold (a new DuckDB handle) and repeated;
- one force's hexagon counts (resolution 9) cold and repeated;
- West Yorkshire's page pipeline (read the home force's incidents, filter, count per
  hexagon) on a store holding West Yorkshire only and on the national store.

Targets: the national query under 5 s cold and under 1 s repeated, peak memory under 4 GB,
West Yorkshire's pipeline no slower with the national store.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench._common import RssSampler, peak_rss_mb


def _folder_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forces", type=int, default=43)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--rows", type=int, default=12_900, help="rows per force month (other than the home force)")
    args = parser.parse_args(argv)

    import pyarrow as pa
    import pyarrow.parquet as pq

    from core.files import atomic_write_bytes
    from core.settings import get_settings
    from geo.ingest import ingest
    from geo.national_store import NationalStore
    from geo.store import MANIFEST, Store, entry_files, force_slug
    from models.counts import Filters, cell_counts, filter_incidents
    from models.trends import shift_month
    from records.national_table import force_populations, read_force_areas

    settings = get_settings()
    home = settings.home_force
    others = [f"{name} Police" for name in force_populations(read_force_areas())["force"]]
    others = [f for f in others if force_slug(f) != force_slug(f"{settings.home_force_national} Police")]
    forces = [home, *others][: args.forces]
    months = [shift_month("2015-04", k) for k in range(args.months)]

    with tempfile.TemporaryDirectory(prefix="precision-national-") as tmp, RssSampler() as memory:
        sample = Store(Path(tmp) / "sample")
        ingest(settings.sample_paths, sample)
        entries = sample.manifest()["forces"][home]
        tables = [
            pa.concat_tables([pq.read_table(sample.root / p, partitioning=None) for p in entry_files(e, "incidents")])
            for _, e in sorted(entries.items())
        ]

        def relabel(table: pa.Table, force: str, month: str) -> pa.Table:
            n = table.num_rows
            for name, value in (("month", month), ("reported_by", force), ("falls_within", force)):
                column = pa.DictionaryArray.from_arrays(pa.array([0] * n, type=pa.int32()), pa.array([value]))
                table = table.set_column(table.schema.get_field_index(name), name, column)
            return table

        def build(root: Path, which: list[str]) -> int:
            store = Store(root)
            jobs = [(f, m, k) for f in which for k, m in enumerate(months)]

            def write(job: tuple[str, str, int]) -> tuple[str, str, str, int]:
                force, month, k = job
                source = tables[k % len(tables)]
                if force != home:  # a slice of the sample month, different for each force
                    start = (forces.index(force) * 997) % max(1, source.num_rows - args.rows)
                    source = source.slice(start, args.rows)
                relative = f"incidents/force={force_slug(force)}/month={month}/bench-0.parquet"
                store._write_table(relative, relabel(source, force, month))
                return force, month, relative, source.num_rows

            with ThreadPoolExecutor(2) as pool:
                written = list(pool.map(write, jobs))
            manifest: dict[str, dict[str, object]] = {}
            for force, month, relative, rows in written:
                stats = {"files": ["bench"], "rows_read": rows, "stored": rows, "unmapped": 0, "outside": 0}
                manifest.setdefault(force, {})[month] = {
                    "incidents": [relative],
                    "rejects": None,
                    "stats": {**stats, "rejected": {}},
                    "ingested_at": "",
                }
            body = {"format": 3, "commit": "bench", "forces": manifest}
            atomic_write_bytes(root / MANIFEST, json.dumps(body).encode("utf-8"))
            return sum(w[3] for w in written)

        start = time.perf_counter()
        rows = build(Path(tmp) / "national", forces)
        build_s = time.perf_counter() - start
        national = Store(Path(tmp) / "national")
        size = _folder_bytes(national.root)
        build(Path(tmp) / "home_only", [home])
        home_only = Store(Path(tmp) / "home_only")

        engine = NationalStore(national)
        start = time.perf_counter()
        by_force_month = engine.counts(("month",))
        cold_s = time.perf_counter() - start
        repeated = []
        for _ in range(5):
            start = time.perf_counter()
            engine.counts(("month",))
            repeated.append(time.perf_counter() - start)
        assert int(by_force_month["incidents"].sum()) == rows, "the national query lost rows"
        assert by_force_month["force"].nunique() == len(forces)

        one = forces[len(forces) // 2]
        engine.close()
        engine = NationalStore(national)
        start = time.perf_counter()
        cells = engine.cell_counts(one, 9)
        cells_cold_s = time.perf_counter() - start
        cells_repeated = []
        for _ in range(5):
            start = time.perf_counter()
            engine.cell_counts(one, 9)
            cells_repeated.append(time.perf_counter() - start)
        engine.close()

        def pipeline(store: Store) -> float:
            best = float("inf")
            for _ in range(3):
                start = time.perf_counter()
                incidents = store.read_incidents()
                cell_counts(filter_incidents(incidents, Filters()), 9)
                best = min(best, time.perf_counter() - start)
            return best

        home_alone_s = pipeline(home_only)
        home_national_s = pipeline(national)

    print(f"store: {len(forces)} forces x {len(months)} months = {len(forces) * len(months):,} force months")
    print(f"rows: {rows:,}; built in {build_s:.1f} s (sample ingest excluded); size {size / 2**20:,.0f} MiB")
    print(
        f"national counts by force and month ({len(by_force_month):,} rows): cold {cold_s:.2f} s, "
        f"repeated {statistics.median(repeated):.2f} s (median of 5)  [targets < 5 s, < 1 s]"
    )
    print(
        f"hexagon counts of {one} at resolution 9 ({len(cells):,} cells): cold {cells_cold_s:.2f} s, "
        f"repeated {statistics.median(cells_repeated):.2f} s"
    )
    print(
        f"West Yorkshire pipeline (read {len(months)} months, filter, count per hexagon): "
        f"{home_alone_s:.2f} s with West Yorkshire alone, {home_national_s:.2f} s in the national store"
    )
    print(
        f"peak memory: {max(memory.peak_mb, 0):,.0f} MB while running, {peak_rss_mb():,.0f} MB process peak "
        "[target < 4 GB]"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
