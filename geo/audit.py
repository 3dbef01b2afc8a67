"""The audit log: sign-ins, uploads and exports, append-only (JSON lines).

Each event is one line appended under an exclusive lock and flushed to disk; nothing in the
product rewrites or deletes lines.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from geo.settings import get_settings

#: Actions recorded.
ACTIONS = (
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "upload",
    "upload_rejected",
    "disruption_recorded",
    "export",
    "user_added",
    "user_removed",
    "delivery_add",
    "delivery_edit",
    "outcome_upload",
)


def record(
    action: str, user: str, detail: str = "", context: Mapping[str, object] | None = None, path: Path | None = None
) -> None:
    """Append one event: when (UTC), who, what, and the filters or file involved."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    path = path or get_settings().audit_file
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(
        {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "user": user,
            "action": action,
            "detail": detail,
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


def read(path: Path | None = None) -> pd.DataFrame:
    """All events, newest first (columns time, user, action, detail, context)."""
    path = path or get_settings().audit_file
    if not path.exists():
        return pd.DataFrame(columns=["time", "user", "action", "detail", "context"])
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            rows.append({"time": "", "user": "", "action": "unreadable line", "detail": line[:200], "context": {}})
    frame = pd.DataFrame(rows, columns=["time", "user", "action", "detail", "context"])
    frame["context"] = frame["context"].map(lambda c: json.dumps(c, ensure_ascii=False) if c else "")
    return frame.iloc[::-1].reset_index(drop=True)
