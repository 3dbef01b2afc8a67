"""Read, validate and store OCG register and activity files.

Files are CSV with the columns of :data:`records.ocg_schema.REGISTER_COLUMNS` and
:data:`records.ocg_schema.ACTIVITY_COLUMNS`; lines starting with ``#`` are comments. Every row is
checked; rejected rows are reported with file, line and reason; activity of an OCG not in
the register is rejected. Nothing is written unless both files are readable, and each
stored table is replaced in one ``os.replace``.

**Synthetic or real is read from the files, never assumed.** A file is synthetic when its
first line is the marker :data:`SYNTHETIC_MARKER` (:mod:`cli.ocg_synthetic` writes it on
the seeded generator's files); every other file is real intelligence. Each stored
row carries the label of its file in a ``synthetic`` column, and a table stored before rows
were labelled counts as real. The two files of a load must agree. Real data is refused
while the app runs in demo mode.

The command line is :mod:`cli.ocg` (``python -m cli.ocg REGISTER.csv ACTIVITY.csv``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import io
import json
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from core.errors import InputFileError, RecordError
from core.files import atomic_write_bytes, locked
from core.settings import get_settings
from core.synthetic import SYNTHETIC_MARKER, is_marked_synthetic
from geo import hexes
from geo.schemas import H3_COLUMNS
from records.ocg_schema import (
    ACTIVITY_COLUMNS,
    REGISTER_COLUMNS,
    check_activity,
    check_register,
)

#: What the app says instead of showing real OCG data in demo mode.
REAL_DATA_IN_DEMO = (
    "Real organised crime group data is loaded in this store. It is not shown in demo mode: "
    "sign-in with a role that may see it is needed."
)

#: The bundled synthetic demo files.
DEMO_REGISTER = get_settings().data_dir / "ocg_demo" / "ocg_register.csv"
DEMO_ACTIVITY = get_settings().data_dir / "ocg_demo" / "ocg_activity.csv"


@dataclasses.dataclass(frozen=True)
class OcgData:
    """What is stored: the register, the activity (with H3 cells) and where they came from.

    Both tables have a boolean ``synthetic`` column: the label of the file each row came
    from (see the module's notes).
    """

    register: pd.DataFrame
    activity: pd.DataFrame
    source: str

    @property
    def synthetic(self) -> bool:
        """True only when there are rows and every one, register and activity alike, is
        synthetic (an empty table proves nothing)."""
        return (
            len(self.register) > 0 and bool(self.register["synthetic"].all()) and bool(self.activity["synthetic"].all())
        )


def read_csv_with_lines(content: bytes, label: str, columns: Sequence[str]) -> pd.DataFrame:
    """Read a CSV as text, keeping each row's physical line; '#' lines are comments.

    Raises
    ------
    InputFileError
        Empty, binary, not UTF-8, or columns other than ``columns``.
    """
    if not content.strip():
        raise InputFileError(label, "file is empty")
    if b"\x00" in content[:65536]:
        raise InputFileError(label, "is a binary file, not a CSV")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(label, f"is not UTF-8 text ({exc})") from exc
    lines = text.splitlines()
    keep = [i for i, line in enumerate(lines, start=1) if line.strip() and not line.lstrip().startswith("#")]
    if not keep:
        raise InputFileError(label, "has no header")
    body = "\n".join(lines[i - 1] for i in keep)
    try:
        frame = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise InputFileError(label, f"cannot be parsed as CSV ({exc})") from exc
    if sorted(frame.columns) != sorted(columns):
        raise InputFileError(label, f"columns must be {', '.join(columns)}; found {', '.join(frame.columns)}")
    frame = frame.apply(lambda c: c.str.strip())
    frame["line"] = keep[1 : len(frame) + 1]
    return frame


def validate_files(
    register_bytes: bytes, register_label: str, activity_bytes: bytes, activity_label: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Check both files; return (register, activity, rejects with file, line, reason).

    Both tables get the files' ``synthetic`` label (see the module's notes).

    A file marked synthetic must also look like the generator's output: every group's
    alias is ``Synthetic group N`` (a real register pasted under a demo file's first line
    is refused rather than shown as synthetic).

    Raises
    ------
    InputFileError
        A file is unusable, one file is marked synthetic and the other is not, a marked
        register names groups the generator never writes, or no register row is valid.
    """
    reg_raw = read_csv_with_lines(register_bytes, register_label, REGISTER_COLUMNS)
    act_raw = read_csv_with_lines(activity_bytes, activity_label, ACTIVITY_COLUMNS)
    synthetic = is_marked_synthetic(register_bytes)
    if synthetic != is_marked_synthetic(activity_bytes):
        unmarked = activity_label if synthetic else register_label
        raise InputFileError(
            unmarked,
            f"has no '{SYNTHETIC_MARKER}' first line while the other file has one: "
            "a load is either all synthetic or all real",
        )
    register, reg_rejects = check_register(reg_raw)
    if register.empty:
        raise InputFileError(
            register_label,
            f"has no valid row ({len(reg_rejects)} rejected): nothing is stored, and what is stored now is kept",
        )
    if synthetic:
        odd = reg_raw.loc[~reg_raw["alias"].str.fullmatch(r"Synthetic group \d+"), ["line", "alias"]]
        if len(odd):
            line, alias = odd.iloc[0]
            raise InputFileError(
                register_label,
                f"is marked '{SYNTHETIC_MARKER}' but line {line} has alias {alias!r}, "
                "which the synthetic generator never writes: real groups under a demo "
                "file's first line? Refused",
            )
    activity, act_rejects = check_activity(act_raw, set(register["ocg_id"]))
    rejects = pd.concat(
        [reg_rejects.assign(file=register_label), act_rejects.assign(file=activity_label)], ignore_index=True
    )[["file", "line", "reason"]]
    for res, column in H3_COLUMNS.items():
        activity[column] = hexes.latlng_to_cells(
            activity["latitude"].to_numpy(float), activity["longitude"].to_numpy(float), res
        )
    register["synthetic"] = synthetic
    activity["synthetic"] = synthetic
    return register, activity, rejects


def load_files(
    register_bytes: bytes,
    register_label: str,
    activity_bytes: bytes,
    activity_label: str,
    demo: bool,
    store_dir: Path | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Check both files and store them; return (register, activity, rejects).

    The one way OCG files get into the store (command line and Data page alike).

    Parameters
    ----------
    demo : bool
        The app runs in demo mode: real (unmarked) files are refused.

    Raises
    ------
    InputFileError
        A file is unusable, the two files disagree on their label, or real data is loaded in
        demo mode. Nothing is written.
    """
    register, activity, rejects = validate_files(register_bytes, register_label, activity_bytes, activity_label)
    if demo and not is_marked_synthetic(register_bytes):
        raise InputFileError(
            register_label,
            f"is real OCG data (no '{SYNTHETIC_MARKER}' first line): real data "
            "cannot be loaded while the app runs in demo mode (PRECISION_MODE=demo)",
        )
    store_ocg(register, activity, f"{Path(register_label).name}, {Path(activity_label).name}", store_dir)
    return register, activity, rejects


def store_ocg(register: pd.DataFrame, activity: pd.DataFrame, source: str, store_dir: Path | None = None) -> None:
    """Write the tables (each with its ``synthetic`` column) and their provenance.

    Each file is replaced atomically; ``meta.json``, written last, gets a new ``commit``
    id, which :func:`token` returns for cache keys.
    """
    for name, frame in (("register", register), ("activity", activity)):
        if "synthetic" not in frame or frame["synthetic"].dtype != bool:
            raise ValueError(f"the {name} table needs a boolean 'synthetic' column")
    folder = (store_dir or get_settings().data_store_dir) / "ocg"
    with table_lock(store_dir):  # a backup copies the three files as one state
        _write_tables(register, activity, source, folder)


def _write_tables(register: pd.DataFrame, activity: pd.DataFrame, source: str, folder: Path) -> None:
    """Replace the tables and then ``meta.json`` (the caller holds :func:`table_lock`)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in (("register.parquet", register), ("activity.parquet", activity)):
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        atomic_write_bytes(folder / name, buffer.getvalue())
    meta = {"format": 2, "commit": uuid.uuid4().hex, "source": source}
    atomic_write_bytes(folder / "meta.json", json.dumps(meta).encode())


def drop_activity(drop: Callable[[pd.DataFrame], pd.Series], store_dir: Path | None = None) -> int:
    """Remove the activity records ``drop`` marks (retention), as one read-change-write under
    the tables' lock, the table replaced atomically; return how many were removed (nothing
    is written when none is, or no OCG data is stored).

    Parameters
    ----------
    drop : callable
        Given the activity table, returns a boolean Series: True for records to remove.
    """
    folder = (store_dir or get_settings().data_store_dir) / "ocg"
    with table_lock(store_dir):
        data = load_ocg(store_dir)
        if data is None:
            return 0
        gone = drop(data.activity).to_numpy(dtype=bool)
        if gone.any():
            buffer = io.BytesIO()
            data.activity[~gone].reset_index(drop=True).to_parquet(buffer, index=False)
            atomic_write_bytes(folder / "activity.parquet", buffer.getvalue())
            meta = json.loads((folder / "meta.json").read_text()) | {"commit": uuid.uuid4().hex}
            atomic_write_bytes(folder / "meta.json", json.dumps(meta).encode())
    return int(gone.sum())


def table_lock(store_dir: Path | None = None) -> contextlib.AbstractContextManager[None]:
    """The OCG tables' lock (``ocg/.lock``), held while they are replaced or backed up."""
    return locked((store_dir or get_settings().data_store_dir) / "ocg" / ".lock")


def record_disruption(
    data: OcgData,
    ocg_id: str,
    date: dt.date | str,
    level: str,
    strand: str,
    lsoa_code: str,
    store_dir: Path | None = None,
) -> OcgData:
    """Check one disruption of a registered OCG and store it with the activity.

    The record is located by its LSOA code only (no coordinates, so its H3 cells are 0), and
    carries its group's label: a disruption of a synthetic group is synthetic, of a real
    group real. Under the OCG tables' lock, the stored activity is read again and the record
    added to it (so two app processes recording at once both keep theirs), and the table is
    replaced atomically; auditing is the caller's.

    Parameters
    ----------
    data : OcgData
        What is stored now (the register and activity the record joins).
    date : datetime.date or str
        The day of the disruption (ISO ``YYYY-MM-DD`` when text).
    lsoa_code : str
        Where; case and surrounding spaces are ignored.

    Returns
    -------
    OcgData
        What is stored after the record.

    Raises
    ------
    RecordError
        The record fails the activity checks (:func:`records.ocg_schema.check_activity`): its
        ``reason`` says why. Nothing is written.
    """
    entry = pd.DataFrame(
        [
            {
                "ocg_id": ocg_id,
                "date": date.isoformat() if isinstance(date, dt.date) else str(date),
                "longitude": "",
                "latitude": "",
                "lsoa_code": lsoa_code.strip().upper(),
                "activity_type": "disruption",
                "disruption_level": level,
                "strand": strand,
                "line": 1,
            }
        ]
    )
    good, rejects = check_activity(entry, set(data.register["ocg_id"]))
    if len(rejects):
        raise RecordError(str(rejects["reason"].iloc[0]))
    good[list(H3_COLUMNS.values())] = 0
    # a record of a synthetic group is synthetic; of a real group, real
    good["synthetic"] = bool(data.register.loc[data.register["ocg_id"] == ocg_id, "synthetic"].all())
    folder = (store_dir or get_settings().data_store_dir) / "ocg"
    with table_lock(store_dir):  # read again under the lock: another process may have added one
        current = load_ocg(store_dir) or data
        activity = pd.concat([current.activity, good], ignore_index=True)
        _write_tables(current.register, activity, current.source, folder)
    return OcgData(current.register, activity, current.source)


def token(store_dir: Path | None = None) -> str:
    """An id that changes whenever the stored OCG data changes ("" when none is stored),
    for cache keys: a digest of ``meta.json``, which every write replaces last."""
    try:
        return hashlib.sha256(
            ((store_dir or get_settings().data_store_dir) / "ocg" / "meta.json").read_bytes()
        ).hexdigest()
    except FileNotFoundError:
        return ""


def load_ocg(store_dir: Path | None = None) -> OcgData | None:
    """The stored OCG data, or None when none is stored.

    Tables stored before rows were labelled have no ``synthetic`` column: their rows count
    as real, whatever the old ``meta.json`` claimed (a label is never assumed).
    """
    folder = (store_dir or get_settings().data_store_dir) / "ocg"
    if not (folder / "meta.json").exists():
        return None
    meta = json.loads((folder / "meta.json").read_text())
    tables = []
    for name in ("register.parquet", "activity.parquet"):
        frame = pd.read_parquet(folder / name)
        if "synthetic" not in frame:
            frame["synthetic"] = False
        tables.append(frame)
    return OcgData(tables[0], tables[1], str(meta["source"]))


def has_ocg(store_dir: Path | None = None) -> bool:
    """Whether OCG data is stored (without reading it)."""
    return ((store_dir or get_settings().data_store_dir) / "ocg" / "meta.json").exists()


def ensure_demo(store_dir: Path | None = None) -> OcgData:
    """Load the bundled synthetic demo files when no OCG data is stored; return what is stored."""
    if has_ocg(store_dir):
        return load_ocg(store_dir)  # type: ignore[return-value]
    register, activity, rejects = validate_files(
        DEMO_REGISTER.read_bytes(), str(DEMO_REGISTER), DEMO_ACTIVITY.read_bytes(), str(DEMO_ACTIVITY)
    )
    if len(rejects):
        raise InputFileError(DEMO_REGISTER, f"demo files have {len(rejects)} invalid rows")
    if not register["synthetic"].all():
        raise InputFileError(DEMO_REGISTER, f"demo file has no '{SYNTHETIC_MARKER}' first line")
    store_ocg(register, activity, "synthetic demonstration data (models/ocg_synthetic.py)", store_dir)
    return load_ocg(store_dir)  # type: ignore[return-value]
