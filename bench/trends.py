"""Trends over 36 months of West Yorkshire data (about 1 million incidents).

    python -m bench.trends [--months 36]

Replicates the sample to N months, ingests it, then times what the Trends page does:
reading every incident from the store, the monthly series by district (counts and rates)
and the comparison of the latest month with the same month a year earlier, by district and
crime type and by LSOA. Each step is timed cold; the page caches each result per filter.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench._common import peak_rss_mb, replicate_sample


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--months", type=int, default=36)
    args = parser.parse_args(argv)

    from geo import boundaries
    from geo.ingest import ingest
    from geo.store import Store
    from models import trends
    from models.counts import Filters, filter_incidents

    with tempfile.TemporaryDirectory() as tmp:
        replicate_sample(Path(tmp) / "in", months=args.months)
        store = Store(Path(tmp) / "store")
        start = time.perf_counter()
        ingest([Path(tmp) / "in"], store)
        ingest_s = time.perf_counter() - start

        timings = {}
        start = time.perf_counter()
        incidents = store.read_incidents()
        timings["read the store"] = time.perf_counter() - start
        months = store.months()

        start = time.perf_counter()
        selected = filter_incidents(incidents, Filters())
        series = trends.monthly_counts(selected, months, ("district",))
        residents = boundaries.lsoas_to_districts(boundaries.read_lsoas()).set_index("district")["persons"]
        series["rate"] = trends.rate_per_1000(series["count"], series["district"].map(residents))
        timings["monthly series by district (counts, rates)"] = time.perf_counter() - start

        later = months[-1:]
        earlier, later, problem = trends.comparable_periods(later, months)
        assert not problem, problem
        start = time.perf_counter()
        trends.compare_groups(selected, earlier, later, ("district", "crime_type"))
        timings["year-on-year comparison by district and crime type"] = time.perf_counter() - start
        start = time.perf_counter()
        lsoa = trends.compare_groups(selected, earlier, later, ("lsoa_code", "lsoa_name"))
        trends.movers(lsoa)
        timings["year-on-year comparison by LSOA, movers"] = time.perf_counter() - start

    print(f"data: {args.months} months, {len(incidents):,} incidents (ingested in {ingest_s:.1f} s)")
    for step, seconds in timings.items():
        print(f"{step}: {seconds:.2f} s")
    print(f"peak memory of the process: {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
