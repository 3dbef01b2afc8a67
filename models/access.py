"""Who may see what: roles, the pages of each role, password checks and sign-in throttling.

No Streamlit and no file access here: users come in as :class:`User` records (read by
:mod:`geo.users`) and checks are pure functions, so tests can call them directly.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable

import bcrypt

#: Roles and what they are for.
ROLES: dict[str, str] = {
    "silver": "District Silver groups: every analysis page, organised crime group data included",
    "comms": "Corporate communications: hotspot map, communities and the comms plan; no OCG data",
    "opcc": "Police and Crime Commissioner's office: trends, accuracy and profiles; OCG counts only",
    "admin": "Administrators: data upload, user management and the audit log",
}

#: Pages each role may open (keys of app.PAGES).
ROLE_PAGES: dict[str, frozenset[str]] = {
    "silver": frozenset({"home", "map", "communities", "comms", "trends", "profile", "ocg", "accuracy"}),
    "comms": frozenset({"home", "map", "communities", "comms"}),
    "opcc": frozenset({"home", "trends", "profile", "accuracy"}),
    "admin": frozenset({"home", "data", "users", "audit"}),
}

#: Pages of the demo mode (no sign-in): public crime data, and OCG data only where every
#: row is synthetic.
DEMO_PAGES: frozenset[str] = frozenset({"home", "map", "communities", "comms", "trends", "profile", "ocg", "accuracy"})

#: How much organised crime group data a viewer may see, least first: nothing, counts of
#: groups (by district and criminality), or details (groups, activity, disruptions).
OCG_LEVELS: tuple[str, ...] = ("none", "counts", "details")

#: The OCG level of each role; a role not listed sees none.
ROLE_OCG_LEVEL: dict[str, str] = {"silver": "details", "opcc": "counts"}

#: The message for every failed sign-in (it never says which part was wrong).
SIGN_IN_FAILED = "Sign-in failed: check your user name and password."

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


def ocg_level(role: str | None, demo: bool) -> str:
    """The OCG level (:data:`OCG_LEVELS`) of a viewer.

    The demo mode sees details, of synthetic data only: real rows are withheld where the
    data is read (``ui.auth.visible_ocg``), whatever this returns. An unknown role sees none.
    """
    if demo:
        return "details"
    return ROLE_OCG_LEVEL.get(role or "", "none")


def ocg_allows(level: str, needed: str) -> bool:
    """Whether a viewer at ``level`` may see what needs ``needed`` (unknown levels: no)."""
    if level not in OCG_LEVELS or needed not in OCG_LEVELS:
        return False
    return OCG_LEVELS.index(level) >= OCG_LEVELS.index(needed) and needed != "none"


def pages_for(role: str | None, demo: bool = False) -> frozenset[str]:
    """Pages a role may open (the demo pages in demo mode; none for an unknown role)."""
    if demo:
        return DEMO_PAGES
    return ROLE_PAGES.get(role or "", frozenset())


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
