"""The users file: who may sign in, with salted bcrypt password hashes.

A JSON file (default ``config/users.json``, git-ignored; ``PRECISION_USERS`` to move it)::

    {"users": [{"username": "jsmith", "role": "silver", "display_name": "J Smith",
                "password_hash": "$2b$12$..."}]}

The command line is :mod:`cli.users` (``python -m cli.users add|remove|list``).

With no users file the app runs in demo mode: public data only, under a banner.
"""

from __future__ import annotations

import json
from pathlib import Path

from geo.errors import InputFileError
from geo.settings import get_settings
from geo.store import atomic_write_bytes
from models.access import User, hash_password


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
        users = [User(r["username"].strip().lower(), r["role"], r["password_hash"], r.get("display_name", "")) for r in records]
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
