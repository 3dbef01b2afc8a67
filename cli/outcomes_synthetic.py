"""Write the SYNTHETIC outcome demo files (Crimestoppers reports, confidence survey).

Command line::

    python -m cli.outcomes_synthetic [--seed 2017] [--out data/outcomes_demo]

Writes ``crimestoppers.csv`` (district by month, 2016-01 to 2017-12) and ``survey.csv``
(district by quarter, 2016-Q1 to 2017-Q4) from the seeded generator
:mod:`models.outcomes_synthetic`, each starting with its marker line. The same seed gives
the same bytes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.files import atomic_write_bytes
from models.outcomes_synthetic import demo_csv, make_crimestoppers, make_survey
from records.outcome_files import DEMO_FILES


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (0 written)."""
    parser = argparse.ArgumentParser(description="Write the synthetic outcome demo files.")
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--out", type=Path, default=DEMO_FILES["crimestoppers"].parent)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    crimestoppers, survey = make_crimestoppers(args.seed), make_survey(args.seed)
    atomic_write_bytes(args.out / "crimestoppers.csv", demo_csv(crimestoppers, args.seed).encode("utf-8"))
    atomic_write_bytes(args.out / "survey.csv", demo_csv(survey, args.seed).encode("utf-8"))
    print(f"wrote {len(crimestoppers)} Crimestoppers rows and {len(survey)} survey rows to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
