"""A seeded generator of SYNTHETIC outcome data for demonstrations: Crimestoppers reports
by district and month, and OPCC confidence-survey results by district and quarter.

There is no public series of either at district level. The figures are invented, only of a
plausible size: reports a month per district in proportion to residents (about 25 per
100,000 a month) with a season and negative-binomial noise; about 300 survey respondents a
district a quarter, about 70 % of them confident. Every file written from them starts with
the marker line of :data:`records.ocg_store.SYNTHETIC_MARKER` naming this module.

Pure functions of a seed; :mod:`cli.outcomes_synthetic` writes the demo files::

    python -m cli.outcomes_synthetic [--seed 2017] [--out data/outcomes_demo]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.csv_safe import frame_to_csv_text
from core.synthetic import SYNTHETIC_MARKER
from records.outcome_files import GENERATOR

#: Usual residents per district (census 2011), the scale of the invented reports.
RESIDENTS: dict[str, int] = {
    "Bradford": 522_452,
    "Calderdale": 203_826,
    "Kirklees": 422_458,
    "Leeds": 751_485,
    "Wakefield": 325_837,
}
#: Invented reports a month per 100,000 residents.
REPORTS_PER_100K = 25.0


def marker_line(seed: int) -> str:
    """The first line of a file written from this generator."""
    return f"{SYNTHETIC_MARKER} - not real outcome data. Made by {GENERATOR}, seed {seed}"


def make_crimestoppers(seed: int, first_month: str = "2016-01", months: int = 24) -> pd.DataFrame:
    """Invented Crimestoppers reports: ``district``, ``month``, ``reports``.

    Parameters
    ----------
    seed : int
        Seed of the noise.
    first_month : str
        ``YYYY-MM`` of the first month.
    months : int
        Months per district.
    """
    rng = np.random.default_rng(seed)
    periods = pd.period_range(first_month, periods=months, freq="M")
    season = 1 + 0.1 * np.cos(2 * np.pi * (periods.month.to_numpy() - 1) / 12)
    rows: list[dict[str, object]] = []
    for district, residents in RESIDENTS.items():
        mean = residents / 100_000 * REPORTS_PER_100K * season
        reports = rng.poisson(rng.gamma(40.0, mean / 40.0))
        rows.extend({"district": district, "month": str(p), "reports": int(r)} for p, r in zip(periods, reports))
    return pd.DataFrame(rows, columns=["district", "month", "reports"])


def make_survey(seed: int, first_quarter: str = "2016Q1", quarters: int = 8) -> pd.DataFrame:
    """Invented confidence-survey results: ``district``, ``quarter`` (``YYYY-Qn``),
    ``respondents``, ``confident``."""
    rng = np.random.default_rng(seed + 1)
    periods = pd.period_range(first_quarter, periods=quarters, freq="Q")
    rows: list[dict[str, object]] = []
    for district in RESIDENTS:
        base = rng.uniform(0.62, 0.76)
        for p in periods:
            n = int(rng.integers(250, 351))
            rows.append(
                {
                    "district": district,
                    "quarter": f"{p.year}-Q{p.quarter}",
                    "respondents": n,
                    "confident": int(rng.binomial(n, base)),
                }
            )
    return pd.DataFrame(rows, columns=["district", "quarter", "respondents", "confident"])


def demo_csv(frame: pd.DataFrame, seed: int) -> str:
    """A demo file's text: the marker line, then the CSV."""
    return frame_to_csv_text(frame, preamble=marker_line(seed) + "\n")
