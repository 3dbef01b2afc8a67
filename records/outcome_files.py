"""Outcome data: Crimestoppers reports by district and month, and the OPCC confidence
survey by district and quarter.

Two CSV files, in the schemas of ``data/README.md`` (:data:`CRIMESTOPPERS_COLUMNS`,
:data:`SURVEY_COLUMNS`); lines starting with ``#`` are comments. Every row is checked
(pandera schemas plus the rules below); **a file with any bad row is refused as a whole**
(:class:`core.errors.InputFileError` naming the file, the first bad line and its reason,
and how many more there are), because a series with holes would mislead a comparison.
Each kind is stored on its own in ``<store>/outcomes/<kind>.parquet``, replaced with one
``os.replace``; ``meta.json`` (written last) records each file's source and gets a new
commit id for cache keys. Nothing stored is lost when a file is refused.

**Synthetic or real is read from the file**: a file is synthetic when its first line is
the marker :data:`records.ocg_store.SYNTHETIC_MARKER` and names the generator
(``models/outcomes_synthetic.py``); a file with the marker but not the generator is refused,
every other file is real. Each stored row keeps the label in a ``synthetic`` column. Real
files are refused while the app runs in demo mode.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import uuid
from pathlib import Path

import pandas as pd
import pandera.pandas as pdm
from pandera.errors import SchemaErrors

from core.errors import InputFileError
from core.files import atomic_write_bytes, locked
from core.settings import DISTRICTS, get_settings
from core.synthetic import SYNTHETIC_MARKER, is_marked_synthetic
from records.ocg_store import read_csv_with_lines

#: Columns of the Crimestoppers file.
CRIMESTOPPERS_COLUMNS = ("district", "month", "reports")
#: Columns of the survey file.
SURVEY_COLUMNS = ("district", "quarter", "respondents", "confident")
#: The generator named in a synthetic file's marker line.
GENERATOR = "models/outcomes_synthetic.py"
#: The demonstration history's generator, which also writes outcome files.
HISTORY_GENERATOR = "models/demo_history.py"
#: Every generator a synthetic file's marker line may name.
GENERATORS: tuple[str, ...] = (GENERATOR, HISTORY_GENERATOR)
#: The kinds of outcome file: name -> (columns, key columns, words).
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, str], str]] = {
    "crimestoppers": (CRIMESTOPPERS_COLUMNS, ("district", "month"), "Crimestoppers"),
    "survey": (SURVEY_COLUMNS, ("district", "quarter"), "OPCC confidence survey"),
}
#: The bundled synthetic demo files.
DEMO_FILES: dict[str, Path] = {
    "crimestoppers": get_settings().data_dir / "outcomes_demo" / "crimestoppers.csv",
    "survey": get_settings().data_dir / "outcomes_demo" / "survey.csv",
}

_DISTRICT = pdm.Check.isin(sorted(DISTRICTS.values()))
SCHEMAS: dict[str, pdm.DataFrameSchema] = {
    "crimestoppers": pdm.DataFrameSchema(
        {
            "district": pdm.Column(str, _DISTRICT),
            "month": pdm.Column(str, pdm.Check.str_matches(r"^\d{4}-(0[1-9]|1[0-2])$")),
            "reports": pdm.Column(str, pdm.Check.str_matches(r"^\d{1,7}$")),
        },
        strict=True,
        ordered=False,
    ),
    "survey": pdm.DataFrameSchema(
        {
            "district": pdm.Column(str, _DISTRICT),
            "quarter": pdm.Column(str, pdm.Check.str_matches(r"^\d{4}-Q[1-4]$")),
            "respondents": pdm.Column(str, pdm.Check.str_matches(r"^[1-9]\d{0,6}$")),
            "confident": pdm.Column(str, pdm.Check.str_matches(r"^\d{1,7}$")),
        },
        strict=True,
        ordered=False,
    ),
}

_REASONS = {
    "district": "must be one of " + ", ".join(sorted(DISTRICTS.values())),
    "month": "must be a month YYYY-MM",
    "reports": "must be a whole number from 0",
    "quarter": "must be a quarter YYYY-Qn (n 1 to 4)",
    "respondents": "must be a whole number from 1",
    "confident": "must be a whole number from 0",
}


@dataclasses.dataclass(frozen=True)
class Outcomes:
    """What is stored: each kind's table (with ``synthetic``) and its source; an empty table
    for a kind not loaded.

    Attributes
    ----------
    crimestoppers : pandas.DataFrame
        ``district``, ``month``, ``reports`` (int), ``synthetic`` (bool).
    survey : pandas.DataFrame
        ``district``, ``quarter``, ``respondents``, ``confident`` (int), ``synthetic``.
    sources : dict
        Kind -> where it came from.
    """

    crimestoppers: pd.DataFrame
    survey: pd.DataFrame
    sources: dict[str, str]

    def synthetic(self, kind: str) -> bool:
        """True only when the kind has rows and every one is synthetic."""
        frame: pd.DataFrame = getattr(self, kind)
        return len(frame) > 0 and bool(frame["synthetic"].all())

    def loaded(self, kind: str) -> bool:
        """Whether the kind has any row."""
        return len(getattr(self, kind)) > 0


def _row_reasons(frame: pd.DataFrame, kind: str) -> dict[int, str]:
    """Row index -> first reason a row breaks a rule."""
    bad: dict[int, str] = {}
    try:
        SCHEMAS[kind].validate(frame.drop(columns="line"), lazy=True)
    except SchemaErrors as exc:
        for row in exc.failure_cases.itertuples():
            if pd.isna(row.index):
                continue
            bad.setdefault(int(row.index), f"{row.column} {_REASONS[str(row.column)]} (found {row.failure_case!r})")
    keys = KINDS[kind][1]
    repeated = frame.duplicated(list(keys), keep="first")
    for i in frame.index[repeated]:
        bad.setdefault(int(i), f"{keys[0]} and {keys[1]} repeat an earlier line ({frame.loc[i, keys[1]]})")
    if kind == "survey":
        for i, row in frame.iterrows():
            if int(i) in bad:
                continue
            if int(row["confident"]) > int(row["respondents"]):
                bad[int(i)] = f"confident ({row['confident']}) is more than respondents ({row['respondents']})"
    return bad


def read_outcome_file(content: bytes, label: str, kind: str) -> pd.DataFrame:
    """Check one outcome file; return its rows typed, with ``synthetic``.

    Raises
    ------
    InputFileError
        Unknown kind, an unusable file, a marker line that does not name the generator, no
        row, or any bad row (the first named by line and reason, with how many more).
    """
    if kind not in KINDS:
        raise InputFileError(label, f"unknown outcome kind {kind!r}")
    columns = KINDS[kind][0]
    frame = read_csv_with_lines(content, label, columns)
    synthetic = is_marked_synthetic(content)
    first_line = content.split(b"\n", 1)[0]
    if synthetic and not any(g.encode() in first_line for g in GENERATORS):
        raise InputFileError(
            label,
            f"line 1 is '{SYNTHETIC_MARKER}' but does not name a generator ({' or '.join(GENERATORS)}): real figures under a "
            "demo file's first line? Refused",
        )
    if frame.empty:
        raise InputFileError(label, "has a header but no row")
    bad = _row_reasons(frame, kind)
    if bad:
        first = min(bad, key=lambda i: int(frame.loc[i, "line"]))
        more = f" ({len(bad) - 1} more bad line(s))" if len(bad) > 1 else ""
        raise InputFileError(label, f"line {int(frame.loc[first, 'line'])}: {bad[first]}{more}. Nothing was stored")
    out = frame.drop(columns="line")[list(columns)].copy()
    for c in columns[2:]:
        out[c] = out[c].astype("int64")
    out["synthetic"] = synthetic
    return out.sort_values(list(KINDS[kind][1])).reset_index(drop=True)


def _folder(store_dir: Path | None) -> Path:
    return (store_dir or get_settings().data_store_dir) / "outcomes"


def load_outcome_file(content: bytes, label: str, kind: str, demo: bool, store_dir: Path | None = None) -> pd.DataFrame:
    """Check one outcome file and store it in place of that kind's table; return its rows.

    Parameters
    ----------
    demo : bool
        The app runs in demo mode: real (unmarked) files are refused.

    Raises
    ------
    InputFileError
        See :func:`read_outcome_file`; also real data in demo mode. Nothing is written.
    """
    table = read_outcome_file(content, label, kind)
    if demo and not bool(table["synthetic"].all()):
        raise InputFileError(
            label,
            f"is real outcome data (no '{SYNTHETIC_MARKER}' first line): real data cannot be loaded while the app "
            "runs in demo mode (PRECISION_MODE=demo)",
        )
    store_table(kind, table, Path(label).name, store_dir)
    return table


def store_table(kind: str, table: pd.DataFrame, source: str, store_dir: Path | None = None) -> None:
    """Replace one kind's table atomically, then ``meta.json`` (new commit id)."""
    folder = _folder(store_dir)
    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    table.to_parquet(buffer, index=False)
    with table_lock(store_dir):  # meta.json is read, changed and written; a backup copies one state
        atomic_write_bytes(folder / f"{kind}.parquet", buffer.getvalue())
        meta_path = folder / "meta.json"
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {"sources": {}}
        meta["sources"][kind] = source
        meta["commit"] = uuid.uuid4().hex
        atomic_write_bytes(meta_path, json.dumps(meta).encode())


def table_lock(store_dir: Path | None = None) -> contextlib.AbstractContextManager[None]:
    """The outcome tables' lock (``outcomes/.lock``), held while one is replaced or backed up."""
    return locked(_folder(store_dir) / ".lock")


def token(store_dir: Path | None = None) -> str:
    """An id that changes whenever stored outcome data changes ("" when none is stored)."""
    try:
        return hashlib.sha256((_folder(store_dir) / "meta.json").read_bytes()).hexdigest()
    except FileNotFoundError:
        return ""


def _empty(kind: str) -> pd.DataFrame:
    columns = KINDS[kind][0]
    frame = pd.DataFrame({c: pd.Series(dtype=str if i < 2 else "int64") for i, c in enumerate(columns)})
    frame["synthetic"] = pd.Series(dtype=bool)
    return frame


def load_outcomes(store_dir: Path | None = None) -> Outcomes:
    """What is stored (empty tables for kinds not loaded)."""
    folder = _folder(store_dir)
    meta_path = folder / "meta.json"
    sources = json.loads(meta_path.read_text())["sources"] if meta_path.exists() else {}
    tables = {}
    for kind in KINDS:
        path = folder / f"{kind}.parquet"
        tables[kind] = pd.read_parquet(path) if path.exists() else _empty(kind)
    return Outcomes(tables["crimestoppers"], tables["survey"], {str(k): str(v) for k, v in sources.items()})


def ensure_demo(store_dir: Path | None = None) -> Outcomes:
    """Store the bundled synthetic demo files for each kind not stored yet; return what is
    stored. The files must carry the generator's marker line."""
    folder = _folder(store_dir)
    for kind, path in DEMO_FILES.items():
        if (folder / f"{kind}.parquet").exists():
            continue
        table = read_outcome_file(path.read_bytes(), str(path), kind)
        if not bool(table["synthetic"].all()):
            raise InputFileError(path, f"demo file has no '{SYNTHETIC_MARKER}' first line")
        store_table(kind, table, f"synthetic demonstration data ({GENERATOR})", store_dir)
    return load_outcomes(store_dir)


def store_demo_file(kind: str, content: bytes, label: str, store_dir: Path | None = None) -> pd.DataFrame:
    """Check and store a synthetic demonstration file of one kind (the demonstration
    history's, from :mod:`models.demo_history`); return the stored table.

    Raises
    ------
    InputFileError
        The file is unusable or carries no synthetic marker line; nothing is stored.
    """
    table = read_outcome_file(content, label, kind)
    if not bool(table["synthetic"].all()):
        raise InputFileError(label, f"demo file has no '{SYNTHETIC_MARKER}' first line")
    store_table(kind, table, f"synthetic demonstration data ({HISTORY_GENERATOR})", store_dir)
    return table
