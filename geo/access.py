"""Who may sign in: the user record and roles, password checks, sign-in throttling and the
users file.

The users file is JSON (default ``config/users.json``, git-ignored; ``PRECISION_USERS`` to
move it), with salted bcrypt password hashes::

    {"users": [{"username": "jsmith", "role": "silver", "display_name": "J Smith",
                "password_hash": "$2b$12$..."}]}

Checks are pure functions of :class:`User` records, so tests call them directly. What each
role may open and see is :mod:`ui.roles`; the command line is :mod:`cli.users`
(``python -m cli.users add|remove|list``). In secure mode, without a readable users file
nobody gets in (``ui.auth.setup_problem``); the demo mode is turned on on purpose.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import bcrypt

from geo.errors import InputFileError
from geo.settings import get_settings
from geo.store import atomic_write_bytes

#: Roles and what they are for.
ROLES: dict[str, str] = {
    "silver": "District Silver groups: every analysis page, organised crime group data included",
    "comms": "Corporate communications: hotspot map, communities and the comms plan; no OCG data",
    "opcc": "Police and Crime Commissioner's office: trends, accuracy and profiles; OCG counts only",
    "admin": "Administrators: data upload, user management and the audit log",
}

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


def add_user(username: str, role: str, password: str | None, display_name: str = "", path: Path | None = None) -> User:
    """Add or replace a user (the password is hashed here).

    A user with no password (``None``) is a single sign-on user: the user name is the
    e-mail address the identity provider signs them in with.
    """
    name = username.strip().lower()
    allowed = name.replace(".", "").replace("_", "").replace("-", "").replace("@", "").replace("+", "")
    if not name or not allowed.isalnum() or (password is None) != ("@" in name):
        raise ValueError("user names use letters, digits, '.', '_' and '-'; single sign-on users are e-mail addresses")
    user = User(name, role, "" if password is None else hash_password(password), display_name.strip() or name)
    users = read_users(path)
    users[name] = user
    write_users(users, path)
    return user


def remove_user(username: str, path: Path | None = None) -> bool:
    """Remove a user; return whether there was one."""
    users = read_users(path)
    found = users.pop(username.strip().lower(), None) is not None
    if found:
        write_users(users, path)
    return found
