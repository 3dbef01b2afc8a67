"""Small reference tables the analysts can edit (CSV files in ``data/``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from core.errors import InputFileError
from core.settings import Settings, get_settings


def read_harm_weights(path: Path | None = None, settings: Settings | None = None) -> dict[str, float]:
    """Return crime type -> harm weight, checking every category has one positive weight.

    Parameters
    ----------
    path : Path, optional
        The CSV (``crime_type``, ``weight``); default ``settings.harm_weights_file``
        (``data/harm_weights.csv``, see ``data/README.md``).
    settings : Settings, optional
        Default: :func:`core.settings.get_settings`.

    Raises
    ------
    InputFileError
        The file is missing a category, has an unknown one, or a weight is not positive.
    """
    settings = settings or get_settings()
    path = path or settings.harm_weights_file
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


def read_themes(path: Path | None = None, settings: Settings | None = None) -> pd.DataFrame:
    """Return the theme table (``crime_type``, ``theme``, ``audience``, ``message``).

    Parameters
    ----------
    path : Path, optional
        The comms team's CSV, one theme per crime type; default
        ``settings.comms_themes_file`` (``data/comms_themes.csv``).
    settings : Settings, optional
        Default: :func:`core.settings.get_settings`.

    Raises
    ------
    InputFileError
        A column or a crime category is missing, or a category is unknown.
    """
    settings = settings or get_settings()
    path = path or settings.comms_themes_file
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError) as exc:
        raise InputFileError(path, f"cannot be read ({exc})") from exc
    need = ["crime_type", "theme", "audience", "message"]
    if missing := [c for c in need if c not in table.columns]:
        raise InputFileError(path, f"missing columns {missing}")
    table = table[need].apply(lambda col: col.str.strip())
    missing_types = sorted(set(settings.crime_types) - set(table["crime_type"]))
    unknown = sorted(set(table["crime_type"]) - set(settings.crime_types))
    if missing_types or unknown:
        raise InputFileError(path, f"categories missing {missing_types} or unknown {unknown}")
    if (table["theme"] == "").any():
        raise InputFileError(path, "every crime type needs a theme")
    return table.drop_duplicates("crime_type").reset_index(drop=True)
