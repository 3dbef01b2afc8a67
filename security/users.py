"""Who may sign in: the user record and roles, password checks, sign-in throttling and the
users file.

The users file is JSON (default ``config/users.json``, git-ignored; ``PRECISION_USERS`` to
move it), with salted bcrypt password hashes::

    {"users": [{"username": "jsmith", "role": "silver", "display_name": "J Smith",
                "password_hash": "$2b$12$..."}]}

Checks are pure functions of :class:`User` records, so tests call them directly. What each
role may open and see is :mod:`security.policy`; the command line is :mod:`cli.users`
(``python -m cli.users add|edit|remove|list``). In secure mode, without a readable users file
nobody gets in (``ui.session.setup_problem``); the demo mode is turned on on purpose.

Changes cannot surprise: :func:`add_user` never replaces an account
(:class:`~core.errors.UserExistsError`), :func:`update_user` and :func:`remove_user` can be
told the record the administrator saw and refuse if it changed meanwhile, the last
administrator cannot be removed or demoted, and every change is one locked
read-change-write ending in an atomic replace of the file. Callers audit each change
(``user_add``, ``user_edit``, ``user_remove``; :mod:`security.audit`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import bcrypt

from core.errors import InputFileError, UserError, UserExistsError
from core.files import atomic_write_bytes, locked
from core.settings import get_settings
from security.policy import ROLES

_DUMMY_HASH = bcrypt.hashpw(b"not a password", bcrypt.gensalt(rounds=12)).decode()


@dataclasses.dataclass(frozen=True)
class User:
    """A person who may sign in.

    Attributes
    ----------
    username : str
        Sign-in name (case-insensitive).
    role : str
        One of :data:`ROLES`.
    password_hash : str
        bcrypt hash (salted, cost 12); empty for the demo user.
    display_name : str
        Name shown in the app and the audit log.
    """

    username: str
    role: str
    password_hash: str = ""
    display_name: str = ""

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; roles are {', '.join(ROLES)}")


#: The user of the demo mode.
DEMO_USER = User("demo", "comms", "", "Demo (public data only)")


def hash_password(password: str) -> str:
    """Return a salted bcrypt hash of a password (cost 12)."""
    if len(password) < 12:
        raise ValueError("passwords need at least 12 characters")
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=12)).decode()


def authenticate(users: dict[str, User], username: str, password: str) -> User | None:
    """Return the user if the password matches, else None.

    An unknown user name costs the same bcrypt check as a wrong password, so timing does not
    tell which part was wrong.
    """
    user = users.get(username.strip().lower())
    candidate = user.password_hash if user and user.password_hash else _DUMMY_HASH
    ok = bcrypt.checkpw(password.encode("utf-8"), candidate.encode())
    return user if (ok and user is not None and user.password_hash) else None


def user_for_identity(users: dict[str, User], email: str | None) -> User | None:
    """The user an identity provider's signed-in e-mail address maps to (single sign-on).

    Users signed in through OIDC are listed in the users file under their e-mail address,
    with no password. An address not listed gets no access.
    """
    if not email:
        return None
    return users.get(email.strip().lower())


class Throttle:
    """Slows repeated failed sign-ins: after ``free`` failures for a name, each further
    attempt waits 2, 4, 8 … seconds (at most ``cap``), counted per user name, for the process.
    """

    def __init__(self, free: int = 3, cap: float = 30.0) -> None:
        self.free = free
        self.cap = cap
        self._failures: dict[str, int] = {}
        self._lock = threading.Lock()

    def delay(self, username: str) -> float:
        """Seconds the next attempt for this name must wait."""
        n = self._failures.get(username.strip().lower(), 0)
        return 0.0 if n < self.free else min(self.cap, 2.0 ** (n - self.free + 1))

    def failed(self, username: str) -> None:
        """Count a failed attempt."""
        key = username.strip().lower()
        with self._lock:
            self._failures[key] = self._failures.get(key, 0) + 1

    def succeeded(self, username: str) -> None:
        """Forget the failures of a name after a successful sign-in."""
        with self._lock:
            self._failures.pop(username.strip().lower(), None)

    def wait(self, username: str, sleep: Callable[[float], object] = time.sleep) -> float:
        """Sleep for the delay due, and return it."""
        seconds = self.delay(username)
        if seconds:
            sleep(seconds)
        return seconds


def read_users(path: Path | None = None) -> dict[str, User]:
    """Return username -> User from the users file (empty when there is no file).

    Raises
    ------
    InputFileError
        The file is not valid JSON of the expected shape, or a role is unknown.
    """
    path = path or get_settings().users_file
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        records = data["users"]
        users = [
            User(r["username"].strip().lower(), r["role"], r["password_hash"], r.get("display_name", ""))
            for r in records
        ]
    except (OSError, json.JSONDecodeError, KeyError, TypeError, AttributeError, ValueError) as exc:
        raise InputFileError(path, f"is not a valid users file ({exc})") from exc
    return {u.username: u for u in users}


def write_users(users: dict[str, User], path: Path | None = None) -> None:
    """Write the users file atomically."""
    path = path or get_settings().users_file
    records = [
        {"username": u.username, "role": u.role, "display_name": u.display_name, "password_hash": u.password_hash}
        for u in sorted(users.values(), key=lambda u: u.username)
    ]
    atomic_write_bytes(path, json.dumps({"users": records}, indent=1).encode("utf-8"))


def _user_name(username: str, password: str | None) -> str:
    """The stored form of a user name (stripped, lower case), checked.

    Raises
    ------
    ValueError
        Empty, or characters other than letters, digits, '.', '_', '-' (and '@', '+' in
        e-mail addresses), or a password given for an e-mail address (single sign-on) or
        missing for a plain name.
    """
    name = username.strip().lower()
    allowed = name.replace(".", "").replace("_", "").replace("-", "").replace("@", "").replace("+", "")
    if not name or not allowed.isalnum() or (password is None) != ("@" in name):
        raise ValueError("user names use letters, digits, '.', '_' and '-'; single sign-on users are e-mail addresses")
    return name


def users_lock(path: Path | None = None) -> contextlib.AbstractContextManager[None]:
    """The users file's lock (default ``settings.users_file``), held while it changes, is
    backed up or restored."""
    return _users_locked(path or get_settings().users_file)


def _users_locked(path: Path) -> contextlib.AbstractContextManager[None]:
    """Hold the users file's lock (a ``.lock`` file beside it) for a read-change-write, so
    two administrators saving at once never lose one another's change."""
    return locked(path.with_name(f".{path.name}.lock"))


def _check_unchanged(users: dict[str, User], name: str, expected: User | None) -> User:
    """The stored record of ``name``; refused if there is none, or if it differs from the
    record the administrator was shown (``expected``, when given)."""
    stored = users.get(name)
    if stored is None:
        raise UserError(name, f"There is no user named {name!r}. Nothing was changed.")
    if expected is not None and stored != expected:
        raise UserError(
            name,
            f"The account {name!r} was changed by someone else since it was shown. Nothing was changed: "
            "check it and try again.",
        )
    return stored


def _check_admin_left(name: str, before: dict[str, User], after: dict[str, User]) -> None:
    """Refuse a change that takes away the last administrator (nobody could manage users
    in the app any more)."""
    if any(u.role == "admin" for u in before.values()) and not any(u.role == "admin" for u in after.values()):
        raise UserError(name, f"{name!r} is the last administrator: add another first. Nothing was changed.")


def add_user(username: str, role: str, password: str | None, display_name: str = "", path: Path | None = None) -> User:
    """Add a new user (the password is hashed here); an existing account is never replaced.

    A user with no password (``None``) is a single sign-on user: the user name is the
    e-mail address the identity provider signs them in with.

    Raises
    ------
    UserExistsError
        An account of that name exists (whatever its role); the file is unchanged.
    ValueError
        The name, role or password cannot be used.
    """
    name = _user_name(username, password)
    user = User(name, role, "" if password is None else hash_password(password), display_name.strip() or name)
    path = path or get_settings().users_file
    with _users_locked(path):
        users = read_users(path)
        if name in users:
            raise UserExistsError(name)
        users[name] = user
        write_users(users, path)
    return user


@dataclasses.dataclass(frozen=True)
class UserChange:
    """An account before and after an edit.

    Attributes
    ----------
    before, after : User
        The stored record before the edit and as written.
    """

    before: User
    after: User

    @property
    def changes(self) -> tuple[str, ...]:
        """What changed, in words for the page and the audit log (never a password or hash)."""
        out = []
        if self.before.role != self.after.role:
            out.append(f"role {self.before.role} -> {self.after.role}")
        if self.before.display_name != self.after.display_name:
            out.append(f"name {self.before.display_name!r} -> {self.after.display_name!r}")
        if self.before.password_hash != self.after.password_hash:
            out.append("password reset")
        return tuple(out)


def update_user(
    username: str,
    *,
    role: str | None = None,
    display_name: str | None = None,
    password: str | None = None,
    expected: User | None = None,
    path: Path | None = None,
) -> UserChange:
    """Change an existing account's role, display name or password (None keeps each).

    Parameters
    ----------
    username : str
        The account (case-insensitive).
    role, display_name, password : str or None
        The new values; None (or an empty name) keeps the stored one. A password is hashed
        here; single sign-on accounts have none to reset.
    expected : User or None
        The record the administrator saw; when given, the edit is refused if the stored
        record is no longer that (someone else changed it meanwhile).
    path : Path or None
        The users file (default ``settings.users_file``).

    Raises
    ------
    UserError
        No such account, it changed since shown, nothing would change, or the last
        administrator would lose the role; the file is unchanged.
    ValueError
        The role or password cannot be used.
    """
    name = username.strip().lower()
    new_hash = None if password is None else hash_password(password)
    path = path or get_settings().users_file
    with _users_locked(path):
        users = read_users(path)
        before = _check_unchanged(users, name, expected)
        if new_hash is not None and not before.password_hash:
            raise UserError(name, f"{name!r} signs in with single sign-on and has no password to reset.")
        after = dataclasses.replace(
            before,
            role=role or before.role,
            display_name=(display_name or "").strip() or before.display_name,
            password_hash=new_hash or before.password_hash,
        )
        if after == before:
            raise UserError(name, f"Nothing to change: {name!r} already has that role and name.")
        changed = {**users, name: after}
        _check_admin_left(name, users, changed)
        write_users(changed, path)
    return UserChange(before, after)


def remove_user(username: str, path: Path | None = None, *, expected: User | None = None) -> User | None:
    """Remove a user; return the removed record, or None when there was no such user.

    Raises
    ------
    UserError
        The stored record differs from ``expected`` (when given), or it is the last
        administrator; nothing was removed.
    """
    name = username.strip().lower()
    path = path or get_settings().users_file
    with _users_locked(path):
        users = read_users(path)
        if name not in users:
            return None
        removed = _check_unchanged(users, name, expected)
        rest = {k: u for k, u in users.items() if k != name}
        _check_admin_left(name, users, rest)
        write_users(rest, path)
    return removed
