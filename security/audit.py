"""The audit log: sign-ins, uploads, disruptions, downloads and user changes, append-only
(JSON lines), and the pure functions that filter it and make it readable.

Each event is one line appended under an exclusive lock and flushed to disk; nothing in the
product rewrites or deletes lines. A line holds the time (UTC), the user and their role, the
kind of event (:data:`KINDS`), what it was about, the file name and the number of rows
involved (when there are any), and a context of filters or settings::

    {"time": "2026-11-25T11:45:03+00:00", "user": "jo", "role": "silver",
     "kind": "download_pdf", "what": "District profile: Leeds",
     "file": "precision_profile_leeds.pdf", "rows": null, "context": {"district": "Leeds"}}

Lines written by earlier versions (``action`` and ``detail`` instead of ``kind`` and
``what``; kinds in :data:`LEGACY_KINDS`) are read as they are.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path, PurePath
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from core.settings import get_settings

#: Kinds of event recorded, and how the audit page names them.
KINDS: dict[str, str] = {
    "sign_in": "Signed in",
    "sign_in_failed": "Sign-in failed",
    "sign_out": "Signed out",
    "upload": "Crime data loaded",
    "upload_ocg": "OCG data loaded",
    "upload_rejected": "Upload refused",
    "disruption": "Disruption recorded",
    "download_csv": "Downloaded CSV",
    "download_pdf": "Downloaded PDF",
    "download_png": "Downloaded PNG image",
    "download_ics": "Downloaded calendar (.ics)",
    "download_geojson": "Downloaded GeoJSON",
    "download_html": "Downloaded web page (HTML)",
    "user_add": "User added",
    "user_edit": "User changed",
    "user_remove": "User removed",
    "delivery_add": "Delivery recorded",
    "delivery_edit": "Delivery corrected",
    "outcome_upload": "Outcome data loaded",
    "data_update": "Data updated from data.police.uk",
}

#: Kinds found in logs written by earlier versions: read and shown, never written.
LEGACY_KINDS: dict[str, str] = {
    "export": "Export (earlier version)",
    "disruption_recorded": "Disruption recorded (earlier version)",
    "user_added": "User added or replaced (earlier version)",
    "user_removed": "User removed (earlier version)",
    "unreadable": "Unreadable line",
}

#: The download kind of each file extension (:func:`download_kind`).
DOWNLOAD_KINDS: dict[str, str] = {
    ".csv": "download_csv",
    ".pdf": "download_pdf",
    ".png": "download_png",
    ".ics": "download_ics",
    ".geojson": "download_geojson",
    ".html": "download_html",
}

#: Columns of :func:`read`.
COLUMNS = ("time", "user", "role", "kind", "what", "file", "rows", "context")

#: Columns of :func:`readable` (the audit page's table and its CSV).
READABLE_COLUMNS = ("Time (UK)", "User", "Role", "Kind", "What", "File", "Rows", "Details")

#: The time zone the log is shown in (the log itself is in UTC).
UK = ZoneInfo("Europe/London")


def download_kind(file_name: str) -> str:
    """The audit kind of downloading ``file_name``, from its extension.

    Raises
    ------
    ValueError
        The extension has no download kind (add it to :data:`DOWNLOAD_KINDS`).
    """
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in DOWNLOAD_KINDS:
        raise ValueError(f"no audit kind for downloading {file_name!r}; kinds exist for {', '.join(DOWNLOAD_KINDS)}")
    return DOWNLOAD_KINDS[suffix]


def record(
    kind: str,
    user: str,
    what: str = "",
    context: Mapping[str, object] | None = None,
    *,
    role: str = "",
    file_name: str = "",
    rows: int | None = None,
    path: Path | None = None,
) -> None:
    """Append one event: when (UTC), who (and their role), what kind, what about, the file
    and the number of rows involved, and the filters or settings in play.

    Raises
    ------
    ValueError
        ``kind`` is not one of :data:`KINDS`.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown audit kind {kind!r}")
    path = path or get_settings().audit_file
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(
        {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "user": user,
            "role": role,
            "kind": kind,
            "what": what,
            "file": file_name,
            "rows": None if rows is None else int(rows),
            "context": dict(context or {}),
        },
        default=str,
        ensure_ascii=False,
    )
    with open(path, "a", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _event(line: str) -> dict[str, object]:
    """One line of the log as a row of :func:`read` (earlier versions' lines included)."""
    try:
        raw = json.loads(line)
        if not isinstance(raw, dict):
            raise ValueError("not an object")
    except ValueError:  # json.JSONDecodeError is a ValueError
        return {
            "time": None,
            "user": "",
            "role": "",
            "kind": "unreadable",
            "what": line[:200],
            "file": "",
            "rows": None,
            "context": "",
        }
    context = raw.get("context") or {}
    return {
        "time": raw.get("time"),
        "user": str(raw.get("user") or ""),
        "role": str(raw.get("role") or ""),
        "kind": str(raw.get("kind") or raw.get("action") or ""),
        "what": str(raw.get("what") or raw.get("detail") or ""),
        "file": str(raw.get("file") or ""),
        "rows": raw.get("rows"),
        "context": json.dumps(context, ensure_ascii=False) if context else "",
    }


def read(path: Path | None = None) -> pd.DataFrame:
    """All events, newest first.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`: ``time`` (tz-aware UTC; NaT for an unreadable line),
        ``rows`` (nullable integer), the others text (``context`` as JSON).
    """
    path = path or get_settings().audit_file
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    frame = pd.DataFrame([_event(line) for line in lines if line.strip()], columns=list(COLUMNS))
    frame["time"] = pd.to_datetime(frame["time"], utc=True, errors="coerce", format="ISO8601")
    frame["rows"] = pd.to_numeric(frame["rows"], errors="coerce").astype("Int64")
    return frame.iloc[::-1].reset_index(drop=True)


def kind_label(kind: str) -> str:
    """How the audit page names a kind (the kind itself when unknown)."""
    return KINDS.get(kind, LEGACY_KINDS.get(kind, kind))


def kinds_in(log: pd.DataFrame) -> list[str]:
    """The kinds a filter may offer: every kind recorded now (:data:`KINDS`, in order), then
    any other kind found in ``log`` (earlier versions'), sorted."""
    others = sorted(set(log["kind"]) - set(KINDS))
    return [*KINDS, *others]


def date_range(days: dt.date | Sequence[dt.date] | None) -> tuple[dt.date | None, dt.date | None]:
    """First and last day of a date picker's value: nothing (no limit), one day (that day),
    or two days in either order."""
    if days is None:
        return None, None
    if isinstance(days, dt.date):
        return days, days
    chosen = sorted(days)
    if not chosen:
        return None, None
    return chosen[0], chosen[-1]


def filter_events(
    log: pd.DataFrame,
    users: Collection[str] = (),
    kinds: Collection[str] = (),
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """The events of some users, of some kinds, between two dates (UK local time).

    Parameters
    ----------
    log : pandas.DataFrame
        Events as :func:`read` returns them.
    users, kinds : collection of str
        Keep these users and kinds; empty keeps all.
    start, end : datetime.date or None
        First and last day kept, inclusive, as days in the UK (Europe/London); None leaves
        that side open. Events with no readable time are dropped once either is given.

    Returns
    -------
    pandas.DataFrame
        The rows of ``log`` kept, in its order.
    """
    keep = pd.Series(True, index=log.index)
    if users:
        keep &= log["user"].isin(list(users))
    if kinds:
        keep &= log["kind"].isin(list(kinds))
    if start is not None or end is not None:
        day = log["time"].dt.tz_convert(UK).dt.date
        keep &= log["time"].notna()
        if start is not None:
            keep &= day >= start
        if end is not None:
            keep &= day <= end
    return log[keep]


def readable(log: pd.DataFrame) -> pd.DataFrame:
    """Events as people read them: UK local time (GMT or BST named), kinds in words, row
    counts with thousands separators and blank where a field does not apply (never "None").

    The audit page shows this table and its CSV export is this table, so both agree.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`READABLE_COLUMNS`, in ``log``'s order.
    """
    local = log["time"].dt.tz_convert(UK)
    return pd.DataFrame(
        {
            "Time (UK)": local.dt.strftime("%Y-%m-%d %H:%M:%S %Z").fillna(""),
            "User": log["user"],
            "Role": log["role"],
            "Kind": log["kind"].map(kind_label),
            "What": log["what"],
            "File": log["file"],
            "Rows": log["rows"].map(_rows_text).astype(object),
            "Details": log["context"],
        },
        columns=list(READABLE_COLUMNS),
    ).reset_index(drop=True)


def _rows_text(rows: object) -> str:
    """A row count as read (``12,345``); blank where the event counts no rows."""
    return f"{int(rows):,}" if isinstance(rows, int | np.integer) else ""


def to_csv(log: pd.DataFrame) -> bytes:
    """The events as CSV (UTF-8 with BOM, opens in Excel): :func:`readable`'s table."""
    text: str = readable(log).to_csv(index=False)
    return text.encode("utf-8-sig")
