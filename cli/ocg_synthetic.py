"""Write the SYNTHETIC organised-crime-group demo files.

Command line::

    python -m cli.ocg_synthetic [--seed 2017] [--out data/ocg_demo]

Reads the bundled real sample through the production ingest (into a temporary store), makes
a register and a year of activity with the seeded generator :mod:`models.ocg_synthetic`, and
writes ``ocg_register.csv`` and ``ocg_activity.csv``, each starting with the marker line
:data:`records.ocg_store.SYNTHETIC_MARKER`. The same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd

from core.csv_safe import frame_to_csv_text
from core.files import atomic_write_bytes
from core.settings import get_settings
from core.synthetic import SYNTHETIC_MARKER
from geo.ingest import ingest
from geo.store import Store
from models.ocg_synthetic import make_activity, make_register
from records.ocg_store import DEMO_REGISTER


def demo_file_text(frame: pd.DataFrame, seed: int) -> str:
    """A demo file's text: the marker line naming the generator and seed (the bundled files
    say so, byte for byte), then the table as CSV."""
    header = f"{SYNTHETIC_MARKER} - not real intelligence. Made by models/ocg_synthetic.py, seed {seed}\n"
    return frame_to_csv_text(frame, preamble=header)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (0 written)."""
    parser = argparse.ArgumentParser(description="Write the synthetic OCG demo files.")
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--out", type=Path, default=DEMO_REGISTER.parent)
    args = parser.parse_args(argv)
    settings = get_settings()
    with tempfile.TemporaryDirectory(prefix="precision-ocg-synthetic-") as folder:
        store = Store(folder)
        ingest(settings.sample_paths, store, settings)  # the real sample, read as the app reads it
        incidents = store.read_incidents()
    register = make_register(args.seed)
    activity = make_activity(register, incidents, args.seed, dt.date(2016, 7, 1), months=13)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, frame in (("ocg_register.csv", register), ("ocg_activity.csv", activity)):
        atomic_write_bytes(args.out / name, demo_file_text(frame, args.seed).encode("utf-8"))
    print(f"wrote {len(register)} OCGs and {len(activity)} activity records to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
