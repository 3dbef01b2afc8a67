"""File helpers used by every writer: atomic replace, an exclusive lock, a content digest.

One copy of each, so that every table the product keeps (incident store manifest, users,
revoked sign-ins, delivery log, OCG tables, outcome files, national tables, audit log) is
written and locked the same way. POSIX only (``fcntl``), like the servers it runs on.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import secrets
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

from core.errors import StoreError

__all__ = ["atomic_write_bytes", "content_digest", "fsync_path", "locked", "owner_only_secret"]


def atomic_write_bytes(path: Path, content: bytes) -> None:
    """Write a file so that readers see the old content or the new, never a part.

    The bytes go to a hidden temporary file beside ``path``, are flushed to disk, and replace
    ``path`` with one ``os.replace``; a failing write leaves ``path`` as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def fsync_path(path: Path) -> None:
    """Flush a file's or a folder's content to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def locked(lock_path: Path, *, wait: bool = True, busy: str = "") -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``lock_path`` (created if missing) for a block.

    The lock is advisory and held across processes on one machine, so two app processes,
    or the app and a command-line tool, never interleave a read-change-write.

    Parameters
    ----------
    lock_path : Path
        The lock file (its folder is created). Each table keeps its own.
    wait : bool
        ``True`` waits for another holder (changes take milliseconds); ``False`` refuses at
        once with :class:`~core.errors.StoreError` naming ``busy``.
    busy : str
        What the error says when ``wait`` is ``False`` and the lock is held.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as fh:
        flags = fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB
        try:
            fcntl.flock(fh, flags)
        except BlockingIOError as exc:
            raise StoreError(f"{lock_path.parent}: {busy or 'another process holds the lock'}") from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def content_digest(*parts: bytes | str, length: int = 16) -> str:
    """A short SHA-256 hex digest of some bytes or text (a cache key or change marker).

    Parameters
    ----------
    parts : bytes or str
        Hashed in order, text as UTF-8, each followed by a NUL so that ("ab", "c") and
        ("a", "bc") differ.
    length : int
        Hex characters kept (default 16, i.e. 64 bits).
    """
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:length]


def owner_only_secret(path: Path, min_bytes: int) -> tuple[bytes | None, str]:
    """A secret kept in a file only its owner may read: read it, or make it (32 random bytes
    as hex, mode 0600, created exclusively so two processes never both write one).

    Returns
    -------
    (bytes or None, str)
        The secret, or None and why it cannot be used (it cannot be made or read, others may
        read it, or it is shorter than ``min_bytes``): a secret that might have leaked is
        never used.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as exc:
        return None, f"cannot make {path} ({exc})"
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
            fh.flush()
            os.fsync(fh.fileno())
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"cannot read {path} ({exc})"
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return None, f"{path} may be read by others (mode {mode & 0o777:o})"
    if len(text) < min_bytes:
        return None, f"{path} is too short"
    return text.encode("ascii"), ""
