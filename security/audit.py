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

Tamper evidence: a keyed hash chain
-----------------------------------
Each line also carries ``seq`` (1, 2, ... since the chain began), ``prev`` (the ``hash`` of
the line before) and ``hash``: HMAC-SHA256, under the audit key, of the line's other fields
(canonical JSON). The next ``seq`` and ``prev`` are read from the last line under the same
lock that appends, so two writers never fork the chain. :func:`verify` walks the chain and
names the first line that was changed (its hash no longer matches), removed (``seq`` jumps)
or inserted (a line that does not follow its predecessor, or has no chain). A head file
(``audit.jsonl.head``: the last ``seq`` and ``hash``, itself keyed) is replaced after each
append, so lines cut from the end are noticed too.

Why keyed: a plain SHA-256 chain can be recomputed end to end by anyone who can edit the
file, so it only shows accidents. With HMAC, rewriting the chain needs the key, which is
kept outside the store: ``PRECISION_AUDIT_KEY`` or the owner-only file
``settings.audit_key_file`` (``config/audit_key``, beside the users file, made on first use
like the sign-in secret), so neither a copy of the store nor a backup carries it. The cost:
whoever verifies needs the same key (the app and the command-line tools share it), and a
lost key means the old chain can no longer be checked (new lines start a new one).

Logs written before the chain existed are read as they are and reported as unchained: the
first chained line's ``prev`` is ``sha256:`` plus the SHA-256 of every byte before it, so
those earlier lines cannot be changed afterwards without the change being noticed either.
A line written while no key could be had carries ``"hash": null`` and is reported.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import getpass
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path, PurePath
from typing import BinaryIO
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from core.csv_safe import frame_to_csv
from core.files import atomic_write_bytes, owner_only_secret
from core.settings import Settings, get_settings

_log = logging.getLogger(__name__)

#: Shortest usable audit key, in bytes.
MIN_KEY_BYTES = 32

#: The chain's fields, added to every line written now.
CHAIN_FIELDS = ("seq", "prev", "hash")

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
    "download_zip": "Downloaded backup (.zip)",
    "backup": "Backup made",
    "restore": "Backup restored",
    "retention": "Deleted under the retention policy",
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
    ".zip": "download_zip",
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
    and the number of rows involved, and the filters or settings in play; chained to the
    line before (see the module's notes).

    Raises
    ------
    ValueError
        ``kind`` is not one of :data:`KINDS`.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown audit kind {kind!r}")
    settings = get_settings()
    path = path or settings.audit_file
    path.parent.mkdir(parents=True, exist_ok=True)
    event: dict[str, object] = {
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "user": user,
        "role": role,
        "kind": kind,
        "what": what,
        "file": file_name,
        "rows": None if rows is None else int(rows),
        "context": dict(context or {}),
    }
    # Through JSON once, so that the hash covers exactly what is read back (default=str).
    event = json.loads(json.dumps(event, default=str, ensure_ascii=False))
    key = audit_key(settings)
    with open(path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            seq, prev = _next_link(fh)
            event["seq"], event["prev"] = seq, prev
            event["hash"] = None if key is None else _mac(key, event)
            fh.seek(0, os.SEEK_END)
            fh.write(json.dumps(event, ensure_ascii=False).encode("utf-8") + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
            if key is not None:
                _write_head(path, key, seq, str(event["hash"]))
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


#: The role recorded for changes made from the command line (:func:`record_cli`).
CLI_ROLE = "command line"


def cli_actor() -> str:
    """Who ran a command-line tool, as the log names them: the operating-system user,
    marked as a command-line change (``"jo (command line)"``)."""
    return f"{getpass.getuser()} (command line)"


def record_cli(
    kind: str,
    what: str = "",
    context: Mapping[str, object] | None = None,
    *,
    file_name: str = "",
    rows: int | None = None,
    store_dir: Path | None = None,
) -> None:
    """Append one event made from the command line (every ``cli`` tool that changes the
    store calls this): the actor is :func:`cli_actor`, the role :data:`CLI_ROLE`, and the
    context says ``"via": "command line"``.

    Parameters
    ----------
    kind, what, context, file_name, rows
        As :func:`record`.
    store_dir : Path or None
        The store the tool changed (its ``--store``): the event goes to that store's log,
        ``audit.jsonl`` in it, unless ``settings.audit_path`` puts the log elsewhere. None
        uses ``settings.audit_file``.
    """
    settings = get_settings()
    path = settings.audit_path or (store_dir / "audit.jsonl" if store_dir is not None else settings.audit_file)
    record(
        kind,
        cli_actor(),
        what,
        {**dict(context or {}), "via": "command line"},
        role=CLI_ROLE,
        file_name=file_name,
        rows=rows,
        path=path,
    )


@contextlib.contextmanager
def held(path: Path | None = None) -> Iterator[None]:
    """Hold the audit log's lock (the one :func:`record` appends under) for a block: no line
    is appended meanwhile (a backup or restore copies the log and its head as one state)."""
    path = path or get_settings().audit_file
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def audit_key(settings: Settings) -> bytes | None:
    """The key of the audit chain, or None (with the reason in the server's log) when there
    is no usable one; the line is then written with ``"hash": null``.

    ``settings.audit_key`` (``PRECISION_AUDIT_KEY``) wins; otherwise
    ``settings.audit_key_file`` is read, or made (32 random bytes as hex, mode 0600) when it
    does not exist. A file readable by group or others, or shorter than
    :data:`MIN_KEY_BYTES`, is not used.
    """
    if settings.audit_key is not None:
        key = settings.audit_key.encode("utf-8")
        if len(key) < MIN_KEY_BYTES:
            _log.error("PRECISION_AUDIT_KEY is shorter than %d bytes: audit lines are written unkeyed", MIN_KEY_BYTES)
            return None
        return key
    made, problem = owner_only_secret(settings.audit_key_file, MIN_KEY_BYTES)
    if made is None:
        _log.error("the audit key: %s: audit lines are written unkeyed", problem)
    return made


def canonical(event: Mapping[str, object]) -> bytes:
    """The bytes a line's hash covers: every field but ``hash``, as sorted, compact JSON."""
    body = {k: v for k, v in event.items() if k != "hash"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _mac(key: bytes, event: Mapping[str, object]) -> str:
    """A line's hash: HMAC-SHA256 of :func:`canonical` under the audit key, hex."""
    return hmac.new(key, canonical(event), hashlib.sha256).hexdigest()


def _last_line(fh: BinaryIO) -> tuple[bytes, int]:
    """The last non-empty line of an open log and the offset where it starts (read back
    from the end a block at a time, never the whole log)."""
    end = fh.seek(0, os.SEEK_END)
    block = 1 << 16
    start = end
    tail = b""
    while start > 0:
        start = max(0, start - block)
        fh.seek(start)
        tail = fh.read(end - start)
        stripped = tail.rstrip(b"\n")
        if b"\n" in stripped or start == 0:
            cut = stripped.rfind(b"\n") + 1
            return stripped[cut:], start + cut
    return b"", 0


def _digest_before(fh: BinaryIO, offset: int) -> str:
    """``sha256:`` and the SHA-256 of a log's first ``offset`` bytes (the unchained lines a
    new chain seals)."""
    fh.seek(0)
    h = hashlib.sha256()
    remaining = offset
    while remaining > 0:
        chunk = fh.read(min(remaining, 1 << 20))
        if not chunk:
            break
        h.update(chunk)
        remaining -= len(chunk)
    return "sha256:" + h.hexdigest()


def _next_link(fh: BinaryIO) -> tuple[int, str]:
    """The ``seq`` and ``prev`` of the line about to be appended: after a chained last line,
    its successor; otherwise a new chain sealing every byte before it."""
    last, _ = _last_line(fh)
    raw = _parse(last) if last else None
    seq, last_hash = (raw.get("seq"), raw.get("hash")) if raw is not None else (None, None)
    if isinstance(seq, int) and isinstance(last_hash, str):
        return seq + 1, last_hash
    if isinstance(seq, int) and raw is not None and "hash" in raw:  # written without a key: carry on
        return seq + 1, str(raw.get("prev") or "")
    end = fh.seek(0, os.SEEK_END)
    return 1, _digest_before(fh, end)


def _parse(line: bytes | str) -> dict[str, object] | None:
    """A line as a JSON object, or None."""
    try:
        raw = json.loads(line)
    except ValueError:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
        return None
    return raw if isinstance(raw, dict) else None


def log_stamp(path: Path | None = None) -> tuple[str, ...]:
    """What changes whenever the log or its head changes (a cache key for :func:`verify`):
    the log's path, then the size and modification time (ns) of the log and its head."""
    path = path or get_settings().audit_file
    parts = [str(path)]
    for file in (path, head_path(path)):
        try:
            info = file.stat()
        except FileNotFoundError:
            parts += ["", ""]
        else:
            parts += [str(info.st_size), str(info.st_mtime_ns)]
    return tuple(parts)


def head_path(path: Path) -> Path:
    """The head file of a log: ``<log>.head``."""
    return path.with_name(path.name + ".head")


def _head_mac(key: bytes, seq: int, last_hash: str) -> str:
    return hmac.new(key, f"head:{seq}:{last_hash}".encode(), hashlib.sha256).hexdigest()


def _write_head(path: Path, key: bytes, seq: int, last_hash: str) -> None:
    """Replace the head file: the last line's ``seq`` and ``hash``, keyed."""
    head = {"seq": seq, "hash": last_hash, "mac": _head_mac(key, seq, last_hash)}
    atomic_write_bytes(head_path(path), json.dumps(head).encode("utf-8"))


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


def csv_bytes(log: pd.DataFrame) -> bytes:
    """The events as CSV (UTF-8 with BOM, opens in Excel): :func:`readable`'s table,
    written by :func:`core.csv_safe.frame_to_csv` (a file name or "what" starting with ``=``
    is written with a leading apostrophe, never as a formula)."""
    return frame_to_csv(readable(log))


@dataclasses.dataclass(frozen=True)
class ChainCheck:
    """What :func:`verify` found.

    Attributes
    ----------
    intact : bool
        Every chained line is as written, none removed or inserted.
    lines : int
        Non-empty lines in the log.
    unchained : int
        Lines before the chain began (written by earlier versions): read, never rejected.
    since : datetime.datetime or None
        Time (UTC) of the first chained line; None when no line is chained.
    line : int or None
        The first line (1-based, counting every line of the file) found changed, removed
        before, or inserted; None when intact.
    problem : str
        That line's problem in one sentence; empty when intact.
    """

    intact: bool
    lines: int
    unchained: int
    since: dt.datetime | None
    line: int | None = None
    problem: str = ""

    def summary(self) -> str:
        """The finding in one sentence, as the command line and the Audit log page say it."""
        earlier = f"; {self.unchained:,} earlier line{'s are' if self.unchained != 1 else ' is'} unchained (written before the chain existed)"
        earlier = earlier if self.unchained else ""
        if not self.intact:
            return f"Audit chain broken: line {self.line} {self.problem}{earlier}."
        if self.since is None:
            return f"No line of the audit log is chained yet{earlier}."
        chained = self.lines - self.unchained
        when = self.since.astimezone(UK).strftime("%Y-%m-%d %H:%M %Z")
        return f"Audit chain intact: {chained:,} line{'s' if chained != 1 else ''} chained since {when}{earlier}."


def _link_problem(raw: Mapping[str, object], seq: int, prev: str) -> str:
    """Why a chained line with a good hash does not follow the line before (empty if it does)."""
    line_seq, line_prev = raw.get("seq"), raw.get("prev")
    if line_seq == seq + 1 and line_prev == prev:
        return ""
    if isinstance(line_seq, int) and line_seq > seq + 1:
        missing = line_seq - seq - 1
        return f"follows a removed line: {missing} line{'s' if missing > 1 else ''} before it {'were' if missing > 1 else 'was'} removed (seq {seq + 1} to {line_seq - 1})"
    return "was inserted: it does not follow the line before it (seq or prev out of place)"


def _bad_hash_problem(seq: int, prev: str, following: Mapping[str, object] | None) -> str:
    """Why a line whose hash does not match: inserted (the next line follows the one before
    it) or changed."""
    if following is not None and following.get("seq") == seq + 1 and following.get("prev") == prev:
        return "was inserted: the line after it follows the line before it"
    return "was changed: its content does not match its hash"


def verify(path: Path | None = None, key: bytes | None = None) -> ChainCheck:
    """Check the audit log's chain; name the first line changed, removed or inserted.

    Parameters
    ----------
    path : Path or None
        The log (default ``settings.audit_file``).
    key : bytes or None
        The audit key (default :func:`audit_key` of the settings in force).

    Returns
    -------
    ChainCheck
        ``intact`` False with the first bad ``line`` and its ``problem``; earlier lines
        without a chain are counted as ``unchained``, never a problem.
    """
    settings = get_settings()
    path = path or settings.audit_file
    key = key if key is not None else audit_key(settings)
    content = path.read_bytes() if path.exists() else b""
    raws = content.split(b"\n")
    numbered = [(i + 1, line) for i, line in enumerate(raws) if line.strip()]
    parsed = [_parse(line) for _, line in numbered]
    offsets = [0]
    for line in raws:
        offsets.append(offsets[-1] + len(line) + 1)
    seq, prev, unchained, since = 0, "", 0, None

    def broken(line: int, problem: str) -> ChainCheck:
        return ChainCheck(False, len(numbered), unchained, since, line, problem)

    for index, ((number, _), raw) in enumerate(zip(numbered, parsed, strict=True)):
        chained = raw is not None and "hash" in raw and "seq" in raw
        if not chained:
            if since is None:
                unchained += 1
                continue
            return broken(number, "was inserted or changed: it has no chain (seq, prev, hash)")
        assert raw is not None
        following = parsed[index + 1] if index + 1 < len(parsed) else None
        if since is None:  # the chain's first line seals every byte before it
            prev = "sha256:" + hashlib.sha256(content[: offsets[number - 1]]).hexdigest()
            stamp = pd.to_datetime(raw.get("time"), utc=True, errors="coerce")
            since = dt.datetime.min.replace(tzinfo=dt.UTC) if pd.isna(stamp) else stamp.to_pydatetime()
        if raw.get("hash") is None:
            return broken(number, "has no hash: it was written while the audit key could not be read")
        if key is None or not hmac.compare_digest(str(raw["hash"]), _mac(key, raw)):
            return broken(number, _bad_hash_problem(seq, prev, following))
        if seq == 0 and raw.get("seq") == 1 and raw.get("prev") != prev:
            return broken(number, "starts the chain, but a line before it was changed, removed or inserted")
        if problem := _link_problem(raw, seq, prev):
            return broken(number, problem)
        seq, prev = int(str(raw["seq"])), str(raw["hash"])
    if key is not None and (problem := _head_problem(path, key, seq)):
        return broken(numbered[-1][0] if numbered else 1, problem)
    return ChainCheck(True, len(numbered), unchained, since)


def _head_problem(path: Path, key: bytes, seq: int) -> str:
    """Whether lines were cut from the end: the head file names a later line than the log
    ends with, or is missing or changed while the log has chained lines (a head behind the
    log is a write interrupted after its line: not a problem)."""
    try:
        head = json.loads(head_path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        if seq == 0:
            return ""
        return f"(the end): the head file {head_path(path).name} is missing, so lines cut from the end would not show"
    except (OSError, ValueError):
        return f"(the end): the head file {head_path(path).name} cannot be read"
    head_seq = head.get("seq") if isinstance(head, dict) else None
    if not isinstance(head_seq, int) or not hmac.compare_digest(
        str(head.get("mac")), _head_mac(key, head_seq, str(head.get("hash")))
    ):
        return f"(the end): the head file {head_path(path).name} was changed"
    if head_seq > seq:
        cut = head_seq - seq
        return f"(the end): {cut} line{'s' if cut > 1 else ''} after it {'were' if cut > 1 else 'was'} removed from the end (the head records seq {head['seq']})"
    return ""
