"""Backup and restore of everything the product keeps: one zip archive, checked by SHA-256.

A backup holds, as they are committed at one moment:

- ``store/manifest.json`` and every incident and rejected-row file it names (the Parquet
  months), never files a killed ingest left behind;
- ``store/delivery/``, ``store/ocg/``, ``store/outcomes/`` and ``store/national/`` (the
  delivery log, the OCG tables, the outcome tables and an uploaded national table, with
  their ``meta.json``);
- ``store/revoked_sessions.json`` (sign-ins ended by a sign-out);
- ``audit/audit.jsonl`` and ``audit/audit.jsonl.head`` (the audit log,
  ``settings.audit_file``, and its head file);
- ``users/users.json`` (``settings.users_file``);
- ``backup.json``: the format, the product and its version (:mod:`core.version`), when it
  was made, and every member's SHA-256 and size. It also says what is never included: the
  secret signing sign-in cookies (``store/session_secret``) and the audit key (kept outside
  the store). A restored store keeps the target's own secret, or makes a new one (every
  user then signs in again).

Consistency: :func:`write_backup` holds every table's lock at once, in one fixed order (the
incident store's lock first, waiting for an ingest under way to commit; the audit log's
last), and copies each file while holding them, so a backup is the state before an ingest
or after it, never between. Writers wait for the milliseconds a small table takes; an
ingest that starts while a backup holds the store's lock is refused, as it would be during
another ingest.

Restore (:func:`restore`) checks every member's SHA-256 against ``backup.json`` (and that
nothing is missing or added) before it changes anything, writes the store into a new folder
beside the target, checks it again, then swaps the folders with two renames under the
target's locks, and writes the users file; on any problem the target is left as it was.
The audit log is append-only evidence, so a restore never replaces an existing one: the
target's log is kept (the restore is recorded in it); only a store with no log gets the
backup's.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import uuid
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO

from core.errors import BackupError, StoreError
from core.files import atomic_write_bytes, fsync_path
from core.settings import Settings, get_settings
from core.version import PRODUCT, VERSION
from geo.store import MANIFEST, Store, entry_files
from records import delivery_log, national_table, ocg_store, outcome_files
from security import audit, signin_store, users

#: Format of the archive (``backup.json`` ``format``).
FORMAT = 1

#: The archive's own manifest.
BACKUP_MANIFEST = "backup.json"

#: What a backup never holds, and why (written into every ``backup.json``).
NEVER_INCLUDED = {
    "store/session_secret": "the secret signing sign-in cookies is never backed up; a restored store keeps the "
    "target's secret or makes a new one (users sign in again)",
    "audit key": "the audit chain's key is kept outside the store (PRECISION_AUDIT_KEY or config/audit_key) and is "
    "never backed up; keep it safe separately to verify a restored log",
}

#: Store folders whose files are all backed up (names starting with "." are locks and
#: temporary files, never data).
_TABLE_FOLDERS = ("delivery", "ocg", "outcomes", "national")

#: Members kept outside ``store/``: the audit log, its head file and the users file.
AUDIT_LOG, AUDIT_HEAD, USERS = "audit/audit.jsonl", "audit/audit.jsonl.head", "users/users.json"

_CHUNK = 1 << 20


@dataclasses.dataclass(frozen=True)
class BackupSummary:
    """What a backup holds.

    Attributes
    ----------
    files : int
        Members, ``backup.json`` not counted.
    bytes : int
        Their total size, uncompressed, in bytes.
    months : int
        Force months of the incident store.
    created : str
        When the snapshot was taken (UTC, ISO 8601).
    """

    files: int
    bytes: int
    months: int
    created: str


def _store_files(store_dir: Path) -> list[str]:
    """The store's files to back up, relative (posix), in a fixed order: the manifest and
    the files it names, the record tables, the revoked sign-ins."""
    store = Store(store_dir)
    manifest = store.manifest()
    named = sorted(
        {
            relative
            for months in manifest["forces"].values()
            for entry in months.values()
            for kind in ("incidents", "rejects")
            for relative in entry_files(entry, kind)
        }
    )
    out = [MANIFEST] if (store_dir / MANIFEST).exists() else []
    out += named
    for folder in _TABLE_FOLDERS:
        if (store_dir / folder).is_dir():
            out += sorted(
                p.relative_to(store_dir).as_posix()
                for p in (store_dir / folder).iterdir()
                if p.is_file() and not p.name.startswith(".")
            )
    if (store_dir / "revoked_sessions.json").exists():
        out.append("revoked_sessions.json")
    return out


@contextlib.contextmanager
def _all_locks(store_dir: Path, settings: Settings) -> Iterator[None]:
    """Hold every table's lock, in one fixed order (the incident store first, waiting for a
    commit under way; the audit log last)."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(Store(store_dir).held())
        stack.enter_context(delivery_log.table_lock(store_dir))
        stack.enter_context(ocg_store.table_lock(store_dir))
        stack.enter_context(outcome_files.table_lock(store_dir))
        stack.enter_context(national_table.table_lock(store_dir))
        stack.enter_context(signin_store.revoked_lock(dataclasses.replace(settings, store_dir=store_dir)))
        stack.enter_context(users.users_lock(settings.users_file))
        stack.enter_context(audit.held(_audit_file(store_dir, settings)))
        yield


def _audit_file(store_dir: Path, settings: Settings) -> Path:
    """The audit log of a store: ``settings.audit_path``, else ``audit.jsonl`` in it."""
    return settings.audit_path or store_dir / "audit.jsonl"


def _sources(store_dir: Path, settings: Settings) -> list[tuple[str, Path]]:
    """Every (member name, file) a backup holds now (called under :func:`_all_locks`)."""
    sources = [(f"store/{relative}", store_dir / relative) for relative in _store_files(store_dir)]
    log = _audit_file(store_dir, settings)
    for name, path in ((AUDIT_LOG, log), (AUDIT_HEAD, audit.head_path(log))):
        if path.exists() and path.stat().st_size:
            sources.append((name, path))
    if settings.users_file.exists():
        sources.append((USERS, settings.users_file))
    return sources


def _copy_member(archive: zipfile.ZipFile, name: str, path: Path) -> tuple[str, int]:
    """Copy one file into the archive as it streams; return its SHA-256 and size."""
    h = hashlib.sha256()
    size = 0
    method = zipfile.ZIP_STORED if name.endswith(".parquet") else zipfile.ZIP_DEFLATED
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = method
    try:
        with open(path, "rb") as src, archive.open(info, "w", force_zip64=True) as dst:
            while chunk := src.read(_CHUNK):
                h.update(chunk)
                dst.write(chunk)
                size += len(chunk)
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read for the backup ({exc.strerror or exc})") from exc
    return h.hexdigest(), size


def write_backup(out: IO[bytes], store_dir: Path | None = None, settings: Settings | None = None) -> BackupSummary:
    """Write a consistent backup of a store to an open binary file (a zip archive).

    Parameters
    ----------
    out : binary file
        Where the archive is written (a file, or ``io.BytesIO`` for a download).
    store_dir : Path or None
        The store (default ``settings.store_dir``).
    settings : Settings or None
        Gives the users file and the audit log (default: the settings in force).

    Returns
    -------
    BackupSummary
        Members, their size and the force months of the snapshot.
    """
    settings = settings or get_settings()
    store_dir = store_dir or settings.store_dir
    files: dict[str, dict[str, Any]] = {}
    with zipfile.ZipFile(out, "w") as archive:
        with _all_locks(store_dir, settings):
            created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            months = sum(len(m) for m in Store(store_dir).manifest()["forces"].values())
            for name, path in _sources(store_dir, settings):
                digest, size = _copy_member(archive, name, path)
                files[name] = {"sha256": digest, "bytes": size}
        manifest = {
            "format": FORMAT,
            "product": PRODUCT,
            "version": VERSION,
            "created": created,
            "store": str(store_dir),
            "months": months,
            "files": files,
            "never_included": NEVER_INCLUDED,
        }
        archive.writestr(BACKUP_MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
    return BackupSummary(len(files), sum(int(f["bytes"]) for f in files.values()), months, created)


def backup_to(dest: Path, store_dir: Path | None = None, settings: Settings | None = None) -> BackupSummary:
    """Write a backup to ``dest`` (a ``.zip``), atomically: a hidden file beside it, flushed,
    then renamed, so ``dest`` is a whole backup or is not there.

    Raises
    ------
    StoreError
        ``dest`` already exists (a backup is never overwritten), or a file cannot be read.
    """
    if dest.exists():
        raise StoreError(f"{dest}: already exists; a backup never replaces a file")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "wb") as fh:
            summary = write_backup(fh, store_dir, settings)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
        fsync_path(dest.parent)
    finally:
        tmp.unlink(missing_ok=True)
    return summary


# ----------------------------------------------------------------------------- restore
def _open_archive(src: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(src)
    except FileNotFoundError as exc:
        raise BackupError(src, "no such file") from exc
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BackupError(src, f"is not a whole backup archive (truncated or damaged: {exc})") from exc


def _read_manifest(src: Path, archive: zipfile.ZipFile) -> dict[str, Any]:
    """``backup.json``, checked for its format, product and member names."""
    label = f"{src}!{BACKUP_MANIFEST}"
    try:
        manifest = json.loads(archive.read(BACKUP_MANIFEST))
    except KeyError as exc:
        raise BackupError(label, "is missing: this is not a Precision Hotspots backup") from exc
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, zlib.error) as exc:
        raise BackupError(label, f"cannot be read ({exc})") from exc
    if (
        not isinstance(manifest, dict)
        or manifest.get("product") != PRODUCT
        or not isinstance(manifest.get("files"), dict)
    ):
        raise BackupError(label, f"is not a {PRODUCT} backup manifest")
    if manifest.get("format") != FORMAT:
        raise BackupError(
            label, f"has format {manifest.get('format')!r}; this version ({VERSION}) reads format {FORMAT}"
        )
    for name in manifest["files"]:
        inside_store = name.startswith("store/") and ".." not in PurePosixPath(name).parts
        if not (inside_store or name in {AUDIT_LOG, AUDIT_HEAD, USERS}):
            raise BackupError(f"{src}!{name}", "is not a place a backup may restore to")
        if name == "store/session_secret":
            raise BackupError(f"{src}!{name}", "a backup never holds the signing secret")
    return manifest


def _member_digest(src: Path, archive: zipfile.ZipFile, name: str, sink: BinaryIO | None = None) -> str:
    """Stream one member (into ``sink`` if given) and return its SHA-256; a damaged member
    (a zip CRC error, a cut-off archive) is refused naming it."""
    h = hashlib.sha256()
    try:
        with archive.open(name) as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
                if sink is not None:
                    sink.write(chunk)
    except KeyError as exc:
        raise BackupError(f"{src}!{name}", "is listed in backup.json but missing from the archive") from exc
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as exc:
        raise BackupError(f"{src}!{name}", f"is damaged ({exc})") from exc
    return h.hexdigest()


def check_backup(src: Path) -> dict[str, Any]:
    """Check a backup without changing anything: every member's SHA-256 against
    ``backup.json``, nothing missing, nothing added.

    Returns
    -------
    dict
        The backup's manifest.

    Raises
    ------
    BackupError
        Naming the archive or the member that is missing, damaged, changed or unexpected.
    """
    with _open_archive(src) as archive:
        manifest = _read_manifest(src, archive)
        listed: Mapping[str, Mapping[str, Any]] = manifest["files"]
        extra = sorted(set(archive.namelist()) - set(listed) - {BACKUP_MANIFEST})
        if extra:
            raise BackupError(f"{src}!{extra[0]}", "is in the archive but not in backup.json (added afterwards)")
        for name, expected in listed.items():
            if _member_digest(src, archive, name) != expected.get("sha256"):
                raise BackupError(f"{src}!{name}", "does not match its SHA-256 in backup.json (changed or damaged)")
    return manifest


@dataclasses.dataclass(frozen=True)
class RestoreSummary:
    """What a restore did.

    Attributes
    ----------
    files : int
        Files of the backup written.
    months : int
        Force months of the restored incident store.
    created : str
        When the backup was taken.
    version : str
        The product version that made it.
    audit_kept : bool
        The target's own audit log was kept (a restore never replaces one).
    users_restored : bool
        The backup's users file was written.
    """

    files: int
    months: int
    created: str
    version: str
    audit_kept: bool
    users_restored: bool


def _stage(src: Path, manifest: Mapping[str, Any], staging: Path) -> dict[str, bytes]:
    """Write the backup's store members into ``staging`` (each hashed again as written, in
    case the archive changed since it was checked); return the other members' bytes."""
    others: dict[str, bytes] = {}
    with _open_archive(src) as archive:
        for name, expected in manifest["files"].items():
            if name.startswith("store/"):
                target = staging / PurePosixPath(name).relative_to("store")
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(target, "wb") as fh:
                    digest = _member_digest(src, archive, name, fh)
                    fh.flush()
                    os.fsync(fh.fileno())
            else:
                buffer = io.BytesIO()
                digest = _member_digest(src, archive, name, buffer)
                others[name] = buffer.getvalue()
            if digest != expected["sha256"]:
                raise BackupError(f"{src}!{name}", "changed while it was being restored")
    for folder in sorted({p.parent for p in staging.rglob("*") if p.is_file()}, key=lambda p: -len(p.parts)):
        fsync_path(folder)
    Store(staging).manifest()  # the restored manifest reads, and names only files restored
    missing = [r for r in _store_files(staging) if not (staging / r).is_file()]
    if missing:
        raise BackupError(f"{src}!store/{missing[0]}", "is named by the store's manifest but not in the backup")
    return others


def _carry_over(target: Path, staging: Path, others: Mapping[str, bytes], settings: Settings) -> bool:
    """Put into ``staging`` what a restore keeps from the target (its signing secret, its
    audit log); return whether the target's audit log was kept. Called under the locks."""
    secret = target / "session_secret"
    if secret.exists():
        shutil.copy2(secret, staging / "session_secret")
    log = _audit_file(target, settings)
    kept = log.exists() and log.stat().st_size > 0
    if settings.audit_path is None:
        staged = staging / "audit.jsonl"
        if kept:
            for path, copy in ((log, staged), (audit.head_path(log), audit.head_path(staged))):
                if path.exists():
                    shutil.copy2(path, copy)
        else:
            _write_audit(others, staged)
    return kept


def _write_audit(others: Mapping[str, bytes], log: Path) -> None:
    """Write the backup's audit log and head file as ``log`` (when the target has none)."""
    for name, path in ((AUDIT_LOG, log), (AUDIT_HEAD, audit.head_path(log))):
        if name in others:
            atomic_write_bytes(path, others[name])


def _swap(target: Path, staging: Path) -> Path | None:
    """Put ``staging`` in place of ``target`` with two renames; return where the old store
    went (None when there was none)."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.replaced-{uuid.uuid4().hex[:8]}")
        os.rename(target, old)
    try:
        os.rename(staging, target)
    except OSError:
        if old is not None:
            os.rename(old, target)
        raise
    fsync_path(target.parent)
    return old


def _unswap(target: Path, staging: Path, old: Path | None) -> None:
    """Undo :func:`_swap` (the restored folder goes back to ``staging``)."""
    os.rename(target, staging)
    if old is not None:
        os.rename(old, target)
    fsync_path(target.parent)


def _write_outside(others: Mapping[str, bytes], settings: Settings, audit_kept: bool, users_file: Path | None) -> bool:
    """Write the members kept outside the store folder: the users file (when one is given),
    and the audit log when ``settings.audit_path`` puts it elsewhere and none is there yet;
    return whether the users file was written."""
    written = users_file is not None and USERS in others
    if users_file is not None and USERS in others:
        with users.users_lock(users_file):
            atomic_write_bytes(users_file, others[USERS])
    if settings.audit_path is not None and not audit_kept:
        _write_audit(others, settings.audit_path)
    return written


@contextlib.contextmanager
def _target_locks(target: Path, settings: Settings) -> Iterator[None]:
    """The target's incident-store lock (refused while an ingest or backup runs) and its
    audit log's lock (no line is lost between copying the log and the swap)."""
    with contextlib.ExitStack() as stack:
        if target.exists():
            stack.enter_context(Store(target).exclusive())
        stack.enter_context(audit.held(_audit_file(target, settings)))
        yield


def restore(
    src: Path, store_dir: Path, settings: Settings | None = None, *, users_file: Path | None = None
) -> RestoreSummary:
    """Restore a backup into ``store_dir`` (and ``users_file``), atomically.

    Every sum is checked first (:func:`check_backup`); the store is then written into a new
    folder beside ``store_dir`` and swapped in with two renames under the target's locks.
    On any problem (a bad member, a busy store, a failing write) ``store_dir`` and the users
    file are left as they were.

    Parameters
    ----------
    src : Path
        The backup archive.
    store_dir : Path
        The store folder to replace (made when it does not exist).
    settings : Settings or None
        Gives the audit log's place (default: the settings in force).
    users_file : Path or None
        Where the backup's users file goes; None leaves every users file alone (restoring
        into a scratch folder must never replace the live users).

    Raises
    ------
    BackupError
        The archive or one of its members (named) cannot be restored.
    StoreError
        An ingest or a backup is using the target store.
    """
    settings = settings or get_settings()
    manifest = check_backup(src)
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = store_dir.with_name(f".{store_dir.name}.restore-{uuid.uuid4().hex[:8]}")
    staging.mkdir()
    try:
        others = _stage(src, manifest, staging)
        with _target_locks(store_dir, settings):
            audit_kept = _carry_over(store_dir, staging, others, settings)
            old = _swap(store_dir, staging)
            try:
                users_restored = _write_outside(others, settings, audit_kept, users_file)
            except BaseException:
                _unswap(store_dir, staging, old)
                raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreSummary(
        len(manifest["files"]),
        int(manifest.get("months", 0)),
        str(manifest["created"]),
        str(manifest["version"]),
        audit_kept,
        users_restored,
    )
