"""Backtest hotspot rankings: how much of a later period's crime the top cells catch.

    python -m cli.backtest --train 2016-07 [--train ...] --test 2017-07
        [--store DIR | --data PATH...] [--resolution 9] [--seed N] [--json]

Prints hit rate and PAI at 1, 2, 5 and 10 % of the five districts' cells for each method and
the hindsight maximum. Exits 2 with a message when a month is not loaded or input is unusable.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from core.errors import PrecisionError
from core.settings import get_settings
from geo import boundaries, hexes
from geo.ingest import ingest
from geo.store import Store
from models.evaluation import Backtest, evaluate_methods


def format_table(result: Backtest) -> str:
    """Return the result as the command prints it."""
    t = result.table
    lines = [
        f"train {', '.join(result.train_months)}  ->  test {', '.join(result.test_months)}; "
        f"{result.n_cells:,} cells, {result.test_incidents:,.0f} test incidents on the grid",
        f"{'method':<52}" + "".join(f"{f'{c:.0%} hit':>10}{'PAI':>7}" for c in sorted(t["coverage"].unique())),
    ]
    for method, rows in t.groupby("method", sort=False):
        cells = "".join(f"{r.hit_rate:>10.3f}{r.pai:>7.2f}" for r in rows.sort_values("coverage").itertuples())
        lines.append(f"{method:<52}{cells}")
    return "\n".join(lines)


def run(argv: Sequence[str] | None = None) -> tuple[int, str]:
    """Parse arguments, run the backtest; return (exit code, text to print)."""
    parser = argparse.ArgumentParser(prog="python -m cli.backtest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", action="append", required=True, metavar="YYYY-MM")
    parser.add_argument("--test", action="append", required=True, metavar="YYYY-MM")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--store", type=Path)
    source.add_argument("--data", nargs="+", type=Path, metavar="PATH")
    parser.add_argument("--resolution", type=int, default=get_settings().h3_default_resolution)
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    settings = get_settings()
    if args.resolution not in settings.h3_resolutions:
        return 2, f"error: resolution must be one of {settings.h3_resolutions}"
    with tempfile.TemporaryDirectory() as tmp:
        try:
            if args.data:
                store = Store(Path(tmp) / "store")
                ingest(args.data, store, settings)
            else:
                store = Store(args.store or settings.store_dir)
            missing = sorted(set(args.train + args.test) - set(store.months()))
            if missing:
                return (
                    2,
                    f"error: month(s) {', '.join(missing)} not loaded in {store.root} (loaded: {', '.join(store.months()) or 'none'})",
                )
            incidents = store.read_incidents(months=args.train + args.test)
            grid = hexes.lsoas_to_grid(boundaries.read_lsoas(settings), args.resolution)
        except PrecisionError as exc:
            return 2, f"error: {exc}"
    result = evaluate_methods(
        incidents, grid["cell"].to_numpy(), args.resolution, args.train, args.test, seed=args.seed
    )
    if args.json:
        payload = {
            "train": list(result.train_months),
            "test": list(result.test_months),
            "resolution": args.resolution,
            "cells": result.n_cells,
            "test_incidents": result.test_incidents,
            "results": result.table.to_dict(orient="records"),
        }
        return 0, json.dumps(payload, indent=1)
    return 0, format_table(result)


def main(argv: Sequence[str] | None = None) -> int:
    code, text = run(argv)
    print(text, file=sys.stderr if code else sys.stdout)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
