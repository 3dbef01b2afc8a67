"""Read, validate and store OCG register and activity files.

Files are CSV with the columns of :data:`models.ocg.REGISTER_COLUMNS` and
:data:`models.ocg.ACTIVITY_COLUMNS`; lines starting with ``#`` are comments (the synthetic
demo files say so in one). Every row is checked; rejected rows are reported with file, line
and reason; activity of an OCG not in the register is rejected. Nothing is written unless
both files are readable, and each stored table is replaced in one ``os.replace``.

    python -m geo.ocg_store REGISTER.csv ACTIVITY.csv [--synthetic] [--store DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from geo import hexes
from geo.errors import InputFileError, PrecisionError
from geo.settings import REPO_DIR, get_settings
from geo.store import atomic_write_bytes
from models.ocg import ACTIVITY_COLUMNS, REGISTER_COLUMNS, check_activity, check_register

#: The bundled synthetic demo files.
DEMO_REGISTER = REPO_DIR / "data" / "ocg_demo" / "ocg_register.csv"
DEMO_ACTIVITY = REPO_DIR / "data" / "ocg_demo" / "ocg_activity.csv"


@dataclasses.dataclass(frozen=True)
class OcgData:
    """What is stored: the register, the activity (with H3 cells) and where they came from."""

    register: pd.DataFrame
    activity: pd.DataFrame
    synthetic: bool
    source: str


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


def validate_files(register_bytes: bytes, register_label: str, activity_bytes: bytes, activity_label: str
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Check both files; return (register, activity, rejects with file, line, reason)."""
    reg_raw = read_csv_with_lines(register_bytes, register_label, REGISTER_COLUMNS)
    act_raw = read_csv_with_lines(activity_bytes, activity_label, ACTIVITY_COLUMNS)
    register, reg_rejects = check_register(reg_raw)
    activity, act_rejects = check_activity(act_raw, set(register["ocg_id"]))
    rejects = pd.concat([reg_rejects.assign(file=register_label), act_rejects.assign(file=activity_label)],
                        ignore_index=True)[["file", "line", "reason"]]
    for res in (7, 8, 9, 10):
        activity[f"h3_r{res}"] = hexes.latlng_to_cells(activity["latitude"].to_numpy(float), activity["longitude"].to_numpy(float), res)
    return register, activity, rejects


def store_ocg(register: pd.DataFrame, activity: pd.DataFrame, synthetic: bool, source: str, store_dir: Path | None = None) -> None:
    """Write the tables and their provenance (each file replaced atomically; meta last)."""
    folder = (store_dir or get_settings().store_dir) / "ocg"
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in (("register.parquet", register), ("activity.parquet", activity)):
        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        atomic_write_bytes(folder / name, buffer.getvalue())
    atomic_write_bytes(folder / "meta.json", json.dumps({"synthetic": synthetic, "source": source}).encode())


def load_ocg(store_dir: Path | None = None) -> OcgData | None:
    """The stored OCG data, or None when none is stored."""
    folder = (store_dir or get_settings().store_dir) / "ocg"
    if not (folder / "meta.json").exists():
        return None
    meta = json.loads((folder / "meta.json").read_text())
    return OcgData(pd.read_parquet(folder / "register.parquet"), pd.read_parquet(folder / "activity.parquet"),
                   bool(meta["synthetic"]), str(meta["source"]))


def has_ocg(store_dir: Path | None = None) -> bool:
    """Whether OCG data is stored (without reading it)."""
    return ((store_dir or get_settings().store_dir) / "ocg" / "meta.json").exists()


def ensure_demo(store_dir: Path | None = None) -> OcgData:
    """Load the bundled synthetic demo files when no OCG data is stored; return what is stored."""
    if has_ocg(store_dir):
        return load_ocg(store_dir)  # type: ignore[return-value]
    register, activity, rejects = validate_files(DEMO_REGISTER.read_bytes(), str(DEMO_REGISTER),
                                                 DEMO_ACTIVITY.read_bytes(), str(DEMO_ACTIVITY))
    if len(rejects):
        raise InputFileError(DEMO_REGISTER, f"demo files have {len(rejects)} invalid rows")
    store_ocg(register, activity, True, "synthetic demonstration data (models/ocg_synthetic.py)", store_dir)
    return load_ocg(store_dir)  # type: ignore[return-value]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.ocg_store", description="Load an OCG register and activity file.")
    parser.add_argument("register", type=Path)
    parser.add_argument("activity", type=Path)
    parser.add_argument("--synthetic", action="store_true", help="label the data as synthetic demonstration data")
    parser.add_argument("--store", type=Path)
    args = parser.parse_args(argv)
    try:
        register, activity, rejects = validate_files(args.register.read_bytes(), str(args.register),
                                                     args.activity.read_bytes(), str(args.activity))
    except (PrecisionError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    store_ocg(register, activity, args.synthetic, f"{args.register.name}, {args.activity.name}", args.store)
    print(f"OCGs stored: {len(register)}; activity records stored: {len(activity)}; rejected rows: {len(rejects)}")
    for r in rejects.itertuples():
        print(f"  {r.file}:{r.line}: {r.reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
