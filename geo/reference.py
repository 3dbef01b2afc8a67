"""Small reference tables the analysts can edit (CSV files in ``data/``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo.errors import InputFileError
from geo.settings import REPO_DIR, Settings, get_settings

#: Harm weight per data.police.uk crime category (see ``data/README.md``).
HARM_WEIGHTS_FILE = REPO_DIR / "data" / "harm_weights.csv"


def read_harm_weights(path: Path | None = None, settings: Settings | None = None) -> dict[str, float]:
    """Return crime type -> harm weight, checking every category has one positive weight.

    Raises
    ------
    InputFileError
        The file is missing a category, has an unknown one, or a weight is not positive.
    """
    settings = settings or get_settings()
    path = path or HARM_WEIGHTS_FILE
    try:
        table = pd.read_csv(path, dtype={"crime_type": "str"})
    except (OSError, pd.errors.ParserError) as exc:
        raise InputFileError(path, f"cannot be read ({exc})") from exc
    if not {"crime_type", "weight"} <= set(table.columns):
        raise InputFileError(path, "needs the columns crime_type and weight")
    weights = pd.to_numeric(table["weight"], errors="coerce")
    if weights.isna().any() or (weights <= 0).any():
        raise InputFileError(path, "every weight must be a positive number")
    out = dict(zip(table["crime_type"].str.strip(), weights.astype(float)))
    missing = sorted(set(settings.crime_types) - set(out))
    unknown = sorted(set(out) - set(settings.crime_types))
    if missing or unknown:
        raise InputFileError(path, f"categories missing {missing} or unknown {unknown}")
    return out
