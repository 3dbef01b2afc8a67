"""Write the SYNTHETIC demonstration history, or build the demo mode's store from it.

Command line::

    python -m cli.demo_history [--seed 2017] [--months 36] [--out DIR] [--store DIR] [--json]

Reads the bundled real months (``data/police_uk``) as the pattern and makes, with the seeded
generator :mod:`models.demo_history`, a history of consecutive months ending July 2017.

``--out DIR`` writes it as files: ``YYYY-MM/YYYY-MM-west-yorkshire-street.csv`` (the
published columns; every row's ``Context`` says it is synthetic), ``deliveries.csv``,
``crimestoppers.csv`` and ``survey.csv`` (each starting with the marker line
``# SYNTHETIC DEMONSTRATION DATA``) and ``truth.json`` (what was injected). ``--store DIR``
builds the demonstration store the demo mode opens with ``PRECISION_DEMO_DATA=history``:
``DIR/demo_history`` (incidents, delivery log, outcome tables), as the app's first start does.
The same seed gives the same data. Exit 0 done, 2 unusable input.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from core.errors import PrecisionError
from core.settings import get_settings, override_settings
from core.synthetic import SYNTHETIC_MARKER
from geo.ingest import ingest_files
from geo.police_uk import read_text_rows
from geo.store import Store
from models import demo_history
from records import delivery_log
from records import outcome_files as outcomes
from security import audit


def truth_json(truth: demo_history.Truth) -> str:
    """The truth as JSON text (tuples as lists, trend keys as ``district|crime type``)."""
    data = dataclasses.asdict(truth)
    data["trends"] = {f"{d}|{t}": v for (d, t), v in truth.trends.items()}
    return json.dumps(data, indent=1)


def write_files(history: demo_history.DemoHistory, out: Path, seed: int) -> None:
    """Write the history's files under ``out`` (see the module)."""
    for month in history.truth.months:
        folder = out / month
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{month}-west-yorkshire-street.csv").write_bytes(demo_history.month_csv(history.incidents, month))
    marker = f"{SYNTHETIC_MARKER} - not real deliveries. Made by {demo_history.GENERATOR}, seed {seed}\n"
    (out / "deliveries.csv").write_text(marker + history.deliveries.to_csv(index=False), encoding="utf-8")
    (out / "crimestoppers.csv").write_bytes(demo_history.outcome_csv(history.crimestoppers, seed))
    (out / "survey.csv").write_bytes(demo_history.outcome_csv(history.survey, seed))
    (out / "truth.json").write_text(truth_json(history.truth), encoding="utf-8")


def build_store(history: demo_history.DemoHistory, store_dir: Path, seed: int) -> int:
    """Build the demonstration store ``store_dir / "demo_history"``: ingest every month (the
    production ingest, from memory), then the delivery log and outcome tables; return the
    incidents stored."""
    with override_settings(store_dir=store_dir, mode="demo", demo_data="history") as settings:
        sources = demo_history.street_sources(history.incidents, history.truth.months)
        summary = ingest_files(sources, Store(settings.data_store_dir), settings)
        delivery_log.seed_demo_log(history.deliveries)
        for kind in outcomes.KINDS:
            frame = getattr(history, kind)
            outcomes.store_demo_file(kind, demo_history.outcome_csv(frame, seed), f"demo_history/{kind}.csv")
    return int(summary.stored)


#: The shortest history the generator's injected places and campaigns fit in.
MIN_MONTHS = 36


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 done, 2 unusable input)."""
    parser = argparse.ArgumentParser(prog="python -m cli.demo_history", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument(
        "--months", type=int, default=36, help=f"consecutive months, ending July 2017 (at least {MIN_MONTHS})"
    )
    parser.add_argument("--out", type=Path, help="write the files under this folder")
    parser.add_argument("--store", type=Path, help="build DIR/demo_history, the demo mode's store")
    parser.add_argument("--json", action="store_true", help="print the truth as JSON")
    args = parser.parse_args(argv)
    if args.months < MIN_MONTHS:  # the injected places and campaigns need that many months
        parser.error(f"--months must be at least {MIN_MONTHS} (the injected places and campaigns need them)")
    started = time.perf_counter()
    try:
        pattern = demo_history.prepare_pattern(read_text_rows(get_settings().sample_paths))
        history = demo_history.generate(pattern, demo_history.DemoParams(seed=args.seed, months=args.months))
        if args.out:
            write_files(history, args.out, args.seed)
        stored = build_store(history, args.store, args.seed) if args.store else 0
        if args.store:
            audit.record_cli(
                "upload",
                f"SYNTHETIC demonstration history, {stored:,} incidents (seed {args.seed})",
                {"months": list(history.truth.months), "store": str(args.store / "demo_history")},
                rows=stored,
                store_dir=args.store,
            )
    except (PrecisionError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    truth = history.truth
    print(
        f"{len(history.incidents):,} synthetic incidents, {truth.months[0]} to {truth.months[-1]}, "
        f"{len(truth.campaigns)} campaigns ({len(history.deliveries)} deliveries), seed {args.seed}, "
        f"{time.perf_counter() - started:.1f} s"
        + (f"; wrote {args.out}" if args.out else "")
        + (f"; stored {stored:,} in {args.store / 'demo_history'}" if args.store else "")
    )
    if args.json:
        print(truth_json(truth))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
