"""The server's side of sign-in cookies: the signing secret and the sign-ins ended by a
sign-out.

The secret is ``settings.cookie_secret`` (``PRECISION_COOKIE_SECRET``) or, without it, the
store folder's ``session_secret`` file, made on first start with owner-only permissions
(0600). Access fails closed: a secret that is too short, a file that others may read or
that cannot be read or made gives no secret, and then no cookie sign-in (a refresh signs
the user out, as before).

Revoked sign-ins are a small JSON file (token id -> expiry in Unix seconds), replaced
atomically under a lock; entries past their expiry are dropped at each write, since an
expired token is refused anyway. An unreadable file is never replaced (that would forget
earlier revocations): while it is unreadable no cookie is accepted at all.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from pathlib import Path

from core.errors import StoreError
from core.files import locked, owner_only_secret
from core.settings import Settings
from security.signin_token import MIN_SECRET_BYTES

_log = logging.getLogger(__name__)


def signing_secret(settings: Settings) -> bytes | None:
    """The secret signing sign-in cookies, or None when there is no usable one.

    Parameters
    ----------
    settings : Settings
        ``cookie_secret`` wins; otherwise ``session_secret_file`` is read, or made (32
        random bytes, hex, mode 0600) when it does not exist.

    Returns
    -------
    bytes or None
        None (with the reason in the server's log) when the configured secret is shorter
        than :data:`security.signin_token.MIN_SECRET_BYTES`, or the file is readable by group or
        others, too short, or cannot be read or made.
    """
    if settings.cookie_secret is not None:
        secret = settings.cookie_secret.encode("utf-8")
        if len(secret) < MIN_SECRET_BYTES:
            _log.error("PRECISION_COOKIE_SECRET is shorter than %d bytes: cookie sign-in is off", MIN_SECRET_BYTES)
            return None
        return secret
    made, problem = owner_only_secret(settings.session_secret_file, MIN_SECRET_BYTES)
    if made is None:
        _log.error("the session secret: %s: cookie sign-in is off", problem)
    return made


def revoked_lock(settings: Settings) -> contextlib.AbstractContextManager[None]:
    """The revoked sign-ins file's lock, held while it changes or is backed up."""
    return _locked(settings.revoked_sessions_file)


def _locked(path: Path) -> contextlib.AbstractContextManager[None]:
    return locked(path.with_name(path.name + ".lock"))


def _read(path: Path) -> dict[str, int]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        # Unreadable: fail closed by refusing every cookie until it is mended (see revoked_ids).
        raise StoreError(f"{path}: not a revoked-sign-ins file ({exc})") from exc
    if not isinstance(data, dict) or not all(isinstance(v, int) for v in data.values()):
        raise StoreError(f"{path}: not a revoked-sign-ins file (not an object of token id -> expiry)")
    return {str(k): v for k, v in data.items()}


def revoked_ids(settings: Settings) -> frozenset[str] | None:
    """Token ids ended by a sign-out, or None when the file cannot be read (then no cookie
    may be trusted: the caller refuses them all).

    Parameters
    ----------
    settings : Settings
        Gives ``revoked_sessions_file``.
    """
    try:
        return frozenset(_read(settings.revoked_sessions_file))
    except StoreError as exc:
        _log.error("%s: cookie sign-in is off until it is mended", exc)
        return None


def revoke(settings: Settings, token_id: str, expires: int, now: float) -> None:
    """End a sign-in everywhere: record its token id until it would have expired.

    Parameters
    ----------
    settings : Settings
        Gives ``revoked_sessions_file``.
    token_id : str
        The sign-in's id (:attr:`security.signin_token.SessionToken.token_id`).
    expires : int
        Its expiry, in Unix seconds; kept until then.
    now : float
        The time, in Unix seconds: entries already expired are dropped.
    """
    path = settings.revoked_sessions_file
    with _locked(path):
        try:
            entries = _read(path)
        except StoreError as exc:
            # Left as it is: replacing it would forget earlier revocations, and while it is
            # unreadable every cookie is refused (revoked_ids gives None), this one included.
            _log.error("%s: left for an administrator to mend; no cookie is accepted meanwhile", exc)
            return
        entries = {k: v for k, v in entries.items() if v > now}
        entries[token_id] = int(expires)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".revoked-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(entries, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
