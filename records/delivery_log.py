"""The delivery log: flyer drops, Facebook Live sessions and local media pieces delivered.

One Parquet table, ``<store>/delivery/log.parquet``, checked with a pandera schema
(:data:`LOG_SCHEMA`) whenever it is read or written. Every change is a read, a check and a
whole-table write under an exclusive lock on ``<store>/delivery/.lock`` (so two users
recording at once never lose a record), the new table written to a temporary file and put
in place with one ``os.replace`` (:func:`core.files.atomic_write_bytes`): a failing write
leaves the old table as it was. Each change is then appended to the audit log
(``delivery_add``, ``delivery_edit``).

Each record keeps the community's id **and** its name, district, LSOA codes and H3 cells
(``;``-joined) as they were when it was recorded, so the evaluation never depends on how
community ids are made. A record entered by a person is checked by :func:`check_record`,
which raises :class:`core.errors.RecordError` with the reason. A record made in the demo mode
is flagged ``synthetic`` (demonstration data), so every figure made from it says so
(:func:`synthetic`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import re
import uuid
from collections.abc import Mapping
from pathlib import Path

import h3
import pandas as pd
import pandera.pandas as pdm
from pandera.errors import SchemaError, SchemaErrors

from core.errors import RecordError, StoreError
from core.files import atomic_write_bytes, locked
from core.settings import DISTRICTS, STORED_RESOLUTIONS, get_settings
from security import audit
from security.policy import ROLES

#: Kinds of delivery and their words.
KINDS: dict[str, str] = {
    "flyer_drop": "flyer drop",
    "facebook_live": "Facebook Live session",
    "media": "local media piece",
}

#: Counts recorded per kind (others are 0 for that kind).
COUNT_FIELDS: dict[str, tuple[str, ...]] = {
    "flyer_drop": ("flyers",),
    "facebook_live": ("live_viewers", "later_views", "comments"),
    "media": (),
}

#: Stored columns, in order.
LOG_COLUMNS = [
    "record_id",
    "kind",
    "planned_item",
    "date",
    "community_id",
    "community_name",
    "district",
    "lsoa_codes",
    "cells",
    "resolution",
    "flyers",
    "live_viewers",
    "later_views",
    "comments",
    "outlet",
    "title",
    "spoc",
    "recorded_by",
    "recorded_at",
    "edited_by",
    "edited_at",
    "synthetic",
]
_COUNTS = ("flyers", "live_viewers", "later_views", "comments")
_TEXT = [c for c in LOG_COLUMNS if c not in (*_COUNTS, "resolution", "synthetic")]
_LSOAS = r"^(E01\d{6}(;E01\d{6})*)?$"
_CELLS = r"^(\d+(;\d+)*)?$"
#: Largest count a record may hold (a typo guard: West Yorkshire has about 922,000 households).
MAX_COUNT = 10_000_000

LOG_SCHEMA = pdm.DataFrameSchema(
    {
        "record_id": pdm.Column(str, pdm.Check.str_matches(r"^[0-9a-f]{12}$"), unique=True),
        "kind": pdm.Column(str, pdm.Check.isin(list(KINDS))),
        "planned_item": pdm.Column(str, pdm.Check.str_matches(r"^([0-9a-f]{12})?$")),
        "date": pdm.Column(str, pdm.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")),
        "community_id": pdm.Column(str),
        "community_name": pdm.Column(str),
        "district": pdm.Column(str, pdm.Check.isin(sorted(DISTRICTS.values()))),
        "lsoa_codes": pdm.Column(str, pdm.Check.str_matches(_LSOAS)),
        "cells": pdm.Column(str, pdm.Check.str_matches(_CELLS)),
        "resolution": pdm.Column("int64", pdm.Check.isin([0, *STORED_RESOLUTIONS])),
        **{c: pdm.Column("int64", pdm.Check.in_range(0, MAX_COUNT)) for c in _COUNTS},
        "outlet": pdm.Column(str),
        "title": pdm.Column(str),
        "spoc": pdm.Column(str),
        "recorded_by": pdm.Column(str, pdm.Check.str_length(min_value=1)),
        "recorded_at": pdm.Column(str),
        "edited_by": pdm.Column(str),
        "edited_at": pdm.Column(str),
        "synthetic": pdm.Column(bool),
    },
    strict=True,
    ordered=True,
)


#: File name of the demo mode's own log.
DEMO_LOG = "demo_log.parquet"


def log_path(store_dir: Path | None = None) -> Path:
    """Where the log is stored: ``delivery/log.parquet``, or ``delivery/demo_log.parquet`` in
    the demo mode, so that records made by anonymous demo visitors never reach the real log
    (nor its evaluation or public figures) and demo visitors never see real records."""
    settings = get_settings()
    name = DEMO_LOG if settings.mode == "demo" else "log.parquet"
    return (store_dir or settings.data_store_dir) / "delivery" / name


def empty_log() -> pd.DataFrame:
    """A log with no record, typed as stored."""
    dtypes = {**dict.fromkeys(LOG_COLUMNS, str), **dict.fromkeys((*_COUNTS, "resolution"), "int64"), "synthetic": bool}
    return pd.DataFrame({c: pd.Series(dtype=dtypes[c]) for c in LOG_COLUMNS})


def validate_log(frame: pd.DataFrame, label: str = "delivery log") -> pd.DataFrame:
    """Check a whole log against :data:`LOG_SCHEMA`; return it.

    Raises
    ------
    StoreError
        The table breaks the schema (named with ``label``, the column and the value).
    """
    try:
        return LOG_SCHEMA.validate(frame, lazy=True)
    except (SchemaErrors, SchemaError) as exc:
        raise StoreError(f"{label}: does not match the delivery log's schema ({str(exc).splitlines()[0]})") from exc


def read_log(store_dir: Path | None = None) -> pd.DataFrame:
    """The stored log, checked (an empty log when none is stored).

    Each record's ``synthetic`` flag says whether it is demonstration data (recorded in the
    demo mode, see :func:`add_delivery`). A log stored before the flag existed gets it from
    the file it is in: the demo log (:func:`log_path`) only ever held demo visitors' records.
    """
    path = log_path(store_dir)
    if not path.exists():
        return empty_log()
    frame = pd.read_parquet(path)
    if "synthetic" not in frame.columns:
        frame["synthetic"] = path.name == DEMO_LOG
    return validate_log(frame, str(path))


def synthetic(log: pd.DataFrame) -> bool:
    """Whether a log holds synthetic demonstration records (any record flagged
    ``synthetic``): figures made from it must say so."""
    return bool(len(log)) and bool(log["synthetic"].any())


def token(store_dir: Path | None = None) -> str:
    """An id that changes whenever the log changes ("" when none is stored), for cache keys."""
    path = log_path(store_dir)
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return ""


def table_lock(store_dir: Path | None = None) -> contextlib.AbstractContextManager[None]:
    """The log's lock (``delivery/.lock``), held while it changes or is backed up."""
    return _locked(log_path(store_dir).parent)


def _locked(folder: Path) -> contextlib.AbstractContextManager[None]:
    """Hold the log's exclusive lock (waits for another writer: a change takes milliseconds)."""
    return locked(folder / ".lock")


def write_log(frame: pd.DataFrame, store_dir: Path | None = None) -> None:
    """Check and replace the stored log atomically (the caller holds the lock)."""
    validate_log(frame)
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    atomic_write_bytes(log_path(store_dir), buffer.getvalue())


def seed_demo_log(records: pd.DataFrame, store_dir: Path | None = None) -> bool:
    """Store a demonstration history's delivery records as the log when no log is stored
    yet (under the log's lock); return whether they were stored.

    Raises
    ------
    StoreError
        A record is not flagged ``synthetic`` or the table breaks the schema; nothing is written.
    """
    if len(records) and not bool(records["synthetic"].all()):
        raise StoreError("demonstration delivery records: every record must be flagged synthetic")
    folder = log_path(store_dir).parent
    with _locked(folder):
        if log_path(store_dir).exists():
            return False
        write_log(
            validate_log(records[LOG_COLUMNS].reset_index(drop=True), "demonstration delivery records"), store_dir
        )
    return True


def _int(record: Mapping[str, object], field: str) -> int:
    value = record.get(field, 0)
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    try:
        number = float(str(value).replace(",", "")) if isinstance(value, str) else float(value)  # type: ignore[arg-type]
    except ValueError as exc:
        raise RecordError(f"{field}: {value!r} is not a number") from exc
    if number != int(number) or not 0 <= number <= MAX_COUNT:
        raise RecordError(f"{field}: {value!r} must be a whole number from 0 to {MAX_COUNT:,}")
    return int(number)


def check_record(record: Mapping[str, object], today: dt.date | None = None) -> dict[str, object]:
    """Check one delivery typed in by a person; return it in stored form (no audit fields).

    Rules: a known kind; a real date, not in the future; a district of West Yorkshire;
    LSOA codes ``E01`` and six digits; cells valid H3 cells of one stored resolution; a flyer
    drop names its community, at least one LSOA and the flyers delivered (more than 0); a
    Facebook Live session names its community, and its viewers, later views and comments
    are whole numbers from 0; a media piece names its outlet, its title and the district
    media SPOC it went through.

    Raises
    ------
    RecordError
        The first rule broken, in plain words.
    """
    kind = _check_kind(record)
    day = _check_date(record, today or dt.date.today())
    district = _check_district(record)
    lsoas = _check_lsoas(record)
    cells, resolution = _check_cells(record)
    name = str(record.get("community_name", "")).strip()
    counts = _check_counts(record, kind, name, cells, lsoas)
    text = _check_text(record, kind, name)
    planned = str(record.get("planned_item", "") or "")
    if planned and not re.fullmatch(r"[0-9a-f]{12}", planned):
        raise RecordError(f"planned_item: {planned!r} is not a plan item id")
    return {
        "kind": kind,
        "planned_item": planned,
        "date": day.isoformat(),
        "community_id": str(record.get("community_id", "") or "").strip(),
        "community_name": name,
        "district": district,
        "lsoa_codes": ";".join(lsoas),
        "cells": ";".join(str(c) for c in cells),
        "resolution": resolution if cells else 0,
        **counts,
        **text,
    }


def _check_kind(record: Mapping[str, object]) -> str:
    kind = str(record.get("kind", ""))
    if kind not in KINDS:
        raise RecordError(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
    return kind


def _check_date(record: Mapping[str, object], today: dt.date) -> dt.date:
    raw_date = record.get("date")
    try:
        day = raw_date if isinstance(raw_date, dt.date) else dt.date.fromisoformat(str(raw_date))
    except ValueError as exc:
        raise RecordError(f"date: {raw_date!r} is not a real date (YYYY-MM-DD)") from exc
    if day > today:
        raise RecordError(f"date: {day} is in the future; record a delivery once it has happened")
    return day


def _check_district(record: Mapping[str, object]) -> str:
    district = str(record.get("district", "")).strip()
    if district not in DISTRICTS.values():
        raise RecordError(f"district: {district!r} is not one of {', '.join(sorted(DISTRICTS.values()))}")
    return district


def _check_lsoas(record: Mapping[str, object]) -> list[str]:
    lsoas = [str(x).strip().upper() for x in _as_list(record.get("lsoa_codes"))]
    bad = [x for x in lsoas if not re.fullmatch(r"E01\d{6}", x)]
    if bad:
        raise RecordError(f"lsoa_codes: {bad[0]!r} is not an LSOA code (E01 and six digits)")
    return lsoas


def _check_cells(record: Mapping[str, object]) -> tuple[list[int], int]:
    """The record's H3 cells and their one stored resolution."""
    try:
        cells = [int(str(x)) for x in _as_list(record.get("cells"))]
    except ValueError as exc:
        raise RecordError("cells: not all are H3 cell numbers") from exc
    resolution = int(str(record.get("resolution", 0) or 0))
    if cells:
        if any(not h3.is_valid_cell(h3.int_to_str(c)) for c in cells):
            raise RecordError("cells: not all are valid H3 cells")
        found = {h3.get_resolution(h3.int_to_str(c)) for c in cells}
        if found != {resolution} or resolution not in STORED_RESOLUTIONS:
            raise RecordError(f"cells: must all be of resolution {resolution} (found {sorted(found)})")
    return cells, resolution


def _check_counts(
    record: Mapping[str, object], kind: str, name: str, cells: list[int], lsoas: list[str]
) -> dict[str, int]:
    """The kind's counts (whole numbers from 0), and what a drop or a session must name."""
    counts = {f: _int(record, f) for f in _COUNTS}
    if kind in ("flyer_drop", "facebook_live") and not (name and cells):
        raise RecordError(f"community: a {KINDS[kind]} must name the community it was in")
    if kind == "flyer_drop":
        if not lsoas:
            raise RecordError("lsoa_codes: a flyer drop lists at least one LSOA it covered")
        if counts["flyers"] <= 0:
            raise RecordError("flyers: a flyer drop delivered at least one flyer")
    for f in _COUNTS:
        if f not in COUNT_FIELDS[kind] and counts[f]:
            raise RecordError(f"{f}: not recorded for a {KINDS[kind]}")
    return counts


def _check_text(record: Mapping[str, object], kind: str, name: str) -> dict[str, str]:
    """A media piece's outlet, title and SPOC; every text under 300 characters."""
    text = {f: str(record.get(f, "") or "").strip() for f in ("outlet", "title", "spoc")}
    if kind == "media":
        for f, what in (("outlet", "the outlet"), ("title", "the piece's title"), ("spoc", "the media SPOC")):
            if not text[f]:
                raise RecordError(f"{f}: a media piece names {what}")
    if any(len(v) > 300 for v in (*text.values(), name)):
        raise RecordError("text: keep each text under 300 characters")
    return text


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v for v in value.split(";") if v.strip()]
    return list(value) if isinstance(value, (list, tuple, set, pd.Series)) else [value]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"role: {role!r} is not one of {', '.join(ROLES)}; every delivery change is audited with it")


def add_delivery(
    record: Mapping[str, object],
    user: str,
    role: str,
    store_dir: Path | None = None,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Check and store one delivery; audit it (``delivery_add``, with the user and their
    ``role``, one of :data:`security.users.ROLES`); return the new log.

    Raises
    ------
    RecordError
        The record breaks a rule (:func:`check_record`); nothing is written.
    ValueError
        ``role`` is not a role; nothing is written.
    """
    _check_role(role)
    row = check_record(record, today)
    folder = log_path(store_dir).parent
    with _locked(folder):
        log = read_log(store_dir)
        if row["planned_item"] and (log["planned_item"] == row["planned_item"]).any():
            raise RecordError("planned_item: this plan item is already marked delivered; edit that record instead")
        entry = {"record_id": uuid.uuid4().hex[:12], **row, "recorded_by": user, "recorded_at": _now()}
        # a demo visitor's record is demonstration data, and stays marked so wherever it is shown
        entry.update(edited_by="", edited_at="", synthetic=get_settings().mode == "demo")
        new = pd.concat([log, pd.DataFrame([entry])], ignore_index=True)[LOG_COLUMNS]
        new = new.astype({**{c: "int64" for c in (*_COUNTS, "resolution")}, "synthetic": bool})
        write_log(new, store_dir)
    audit.record(
        "delivery_add",
        user,
        f"{KINDS[str(row['kind'])]} {row['date']} {row['community_name'] or row['district']}",
        {"record_id": entry["record_id"], **{k: row[k] for k in ("kind", "date", "district", *_COUNTS)}},
        role=role,
    )
    return new


def edit_delivery(
    record_id: str,
    changes: Mapping[str, object],
    user: str,
    role: str,
    store_dir: Path | None = None,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Change fields of a stored delivery (checked as a whole again); audit it
    (``delivery_edit``, with the fields changed, the user and their ``role``); return the
    new log.

    Raises
    ------
    RecordError
        No such record, or the changed record breaks a rule; nothing is written.
    ValueError
        ``role`` is not a role; nothing is written.
    """
    _check_role(role)
    folder = log_path(store_dir).parent
    with _locked(folder):
        log = read_log(store_dir)
        where = log.index[log["record_id"] == record_id]
        if not len(where):
            raise RecordError(f"record_id: no delivery {record_id!r} is stored")
        old = log.loc[where[0]].to_dict()
        row = check_record({**old, **changes}, today)
        changed = {k: (old[k], v) for k, v in row.items() if str(old[k]) != str(v)}
        log.loc[where[0], list(row)] = pd.Series(row)
        log.loc[where[0], ["edited_by", "edited_at"]] = [user, _now()]
        log = log.astype({**{c: "int64" for c in (*_COUNTS, "resolution")}, "synthetic": bool})
        write_log(log, store_dir)
    audit.record(
        "delivery_edit",
        user,
        f"{KINDS[str(row['kind'])]} {record_id}",
        {"record_id": record_id, "changed": {k: f"{a} -> {b}" for k, (a, b) in changed.items()}},
        role=role,
    )
    return log
