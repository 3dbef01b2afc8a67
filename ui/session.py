"""This session's user and mode, and auditing what they do.

Access fails closed: the demo mode is on only when the settings say so
(``PRECISION_MODE=demo``); otherwise every page needs a signed-in user, and without a
readable users file the app shows :func:`setup_problem`'s message and no data. The sign-in
forms and the cookie glue are in :mod:`ui.signin`; the OCG gate in :mod:`ui.ocg_gate`.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from core.errors import InputFileError, PrecisionError, TokenError
from core.settings import get_settings
from security import audit, signin_store
from security.signin_token import issue_token, read_token, user_of_token
from security.users import (
    DEMO_USER,
    Throttle,
    User,
    read_users,
    user_for_identity,
)

_log = logging.getLogger(__name__)

T = TypeVar("T")


@st.cache_resource
def throttle() -> Throttle:
    """The process-wide counter of failed sign-ins (a shared handle)."""
    return Throttle()


def is_demo() -> bool:
    """Demo mode: turned on on purpose (``PRECISION_MODE=demo``); never inferred."""
    return get_settings().demo


def setup_problem() -> str | None:
    """Why the app cannot let anyone in (secure mode only), or None.

    Secure mode needs a readable users file holding at least one user (single sign-on too:
    the file gives each address its role). A missing or unreadable file means no access.
    The message names the file but not its folder, and not the parser's error (anyone can
    see the set-up page); the full reason goes to the server's log.
    """
    settings = get_settings()
    if settings.demo:
        return None
    path = settings.users_file
    try:
        users = users_now()
    except InputFileError as exc:
        _log.error("users file unusable: %s", exc)
        return (
            f"The users file `{path.name}` cannot be read (the server log says why). Ask an administrator to "
            "mend it or to add users again with `python -m cli.users add NAME --role admin`."
        )
    if not path.exists():
        _log.error("no users file at %s", path)
        return (
            f"No users file `{path.name}` where `PRECISION_USERS` points (or in `config/`). Add the first user "
            "with `python -m cli.users add NAME --role admin`, or start the public demo on purpose with "
            "`PRECISION_MODE=demo`."
        )
    if not users:
        return f"The users file `{path.name}` lists no user. Add one with `python -m cli.users add NAME --role admin`."
    return None


def users_now() -> dict[str, User]:
    """The users file as it is now, read again only when it changes.

    Every run asks several times (set-up check, the session's user, each gate); the file is
    read once per version of it: its inode, size and modification time in nanoseconds
    (every write replaces the file, see :func:`security.users.write_users`).

    Raises
    ------
    InputFileError
        The file is not a valid users file.
    """
    path = get_settings().users_file
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    return dict(_users_of(str(path), (stat.st_ino, stat.st_size, stat.st_mtime_ns)))  # a copy: the cache is shared


@functools.lru_cache(maxsize=4)
def _users_of(path: str, version: tuple[int, int, int]) -> dict[str, User]:
    del version  # the cache key
    return read_users(Path(path))


#: The sign-in cookie: a token of :mod:`security.signin_token`, set with ``Path=/``,
#: ``SameSite=Strict``, ``Max-Age`` its lifetime, and ``Secure`` when the page is served over
#: https. It is set by script (Streamlit's runs cannot send headers), so it cannot be
#: ``HttpOnly``; it holds no secret, and sign-out revokes it on the server.
COOKIE = "precision_session"


@functools.lru_cache(maxsize=4)
def _secret_of(store_dir: str, configured: str | None) -> bytes | None:
    del store_dir, configured  # the cache key
    return signin_store.signing_secret(get_settings())


def signing_secret() -> bytes | None:
    """The cookie's signing secret, or None: no cookie sign-in (fails closed)."""
    settings = get_settings()
    return _secret_of(str(settings.store_dir), settings.cookie_secret)


def _revoked() -> frozenset[str] | None:
    """Revoked token ids, read again only when the file changes (None: unreadable)."""
    path = get_settings().revoked_sessions_file
    try:
        stat = path.stat()
    except FileNotFoundError:
        return frozenset()
    return _revoked_of(str(path), (stat.st_ino, stat.st_size, stat.st_mtime_ns))


@functools.lru_cache(maxsize=4)
def _revoked_of(path: str, version: tuple[int, int, int]) -> frozenset[str] | None:
    del path, version  # the cache key
    return signin_store.revoked_ids(get_settings())


def _token_user(text: str) -> User | None:
    """The user a cookie token signs in now, or None (the reason goes to the server log)."""
    secret, revoked = signing_secret(), _revoked()
    if secret is None or revoked is None:
        return None
    try:
        user, _ = user_of_token(text, secret, time.time(), users_now(), revoked)
    except (TokenError, InputFileError) as exc:
        _log.info("sign-in cookie refused: %s", exc)
        return None
    return user


def start_session(user: User) -> None:
    """Hold ``user`` in this session and, when a secret is usable, in a signed cookie."""
    st.session_state["user"] = user
    secret = signing_secret()
    if secret is not None:
        hours = get_settings().session_hours
        st.session_state["session_token"] = issue_token(user, secret, time.time(), hours * 3600)


def end_session() -> None:
    """Forget this session's sign-in and revoke its token everywhere (other tabs too)."""
    text = st.session_state.get("session_token")
    secret = signing_secret()
    if text and secret is not None:
        try:
            token = read_token(text, secret, time.time())
        except TokenError:
            token = None  # expired already: nothing to revoke
        if token is not None:
            signin_store.revoke(get_settings(), token.token_id, token.expires, time.time())
    st.session_state.clear()


def current_user() -> User | None:
    """The signed-in user of this session (the demo user in demo mode; None when the app
    is not set up).

    Signed in means, in order: this session holds a user whose record has not changed and
    whose token (if any) is neither revoked nor expired; or the browser's sign-in cookie
    (sent when the page was loaded: a refresh or a second tab) holds a valid token; or, with
    single sign-on, the identity provider has signed this browser in (a new token is issued).
    A sign-in that ends while this tab is open (signed out in another tab, expired, the
    user's record changed) signs single sign-on out too.
    """
    if is_demo():
        return DEMO_USER
    if setup_problem() is not None:
        return None
    sso = get_settings().auth_mode == "oidc"
    signed_in: User | None = st.session_state.get("user")
    if signed_in is not None:
        # Checked against the users file on every run: a user removed, given another role or
        # another password since signing in must sign in again; and against sign-outs
        # elsewhere (another tab's sign-out revokes the shared token) and the token's expiry.
        now = users_now().get(signed_in.username)
        text = st.session_state.get("session_token")
        if (
            now is not None
            and (now.role, now.password_hash) == (signed_in.role, signed_in.password_hash)
            and (not text or _token_user(text) == now)
        ):
            return now
        st.session_state.pop("user", None)
        st.session_state.pop("session_token", None)
        st.session_state["ended"] = True
    if sso and st.session_state.get("ended") and sso_signed_in():
        st.logout()  # this tab's sign-in ended: the provider's session here ends too
        return None
    cookie = cookie_value()
    if cookie and not st.session_state.get("ended"):
        user = _token_user(cookie)
        if user is not None and (not sso or (sso_signed_in() and sso_user() == user)):
            st.session_state["user"] = user
            st.session_state["session_token"] = cookie
            return user
    if sso and sso_signed_in():
        user = sso_user()
        if user is not None:
            start_session(user)  # its sign-in is audited once per session by account_panel
        return user
    return None


def sso_user() -> User | None:
    """The user the identity provider's e-mail address names in the users file, or None."""
    return user_for_identity(users_now(), st.user.get("email"))


def cookie_value() -> str | None:
    """The sign-in cookie the browser sent when this page was loaded (None without one)."""
    value = st.context.cookies.get(COOKIE)
    return value or None


def sso_signed_in() -> bool:
    """Whether the identity provider has signed this browser in (False when SSO is not set up)."""
    return bool(st.user.get("is_logged_in", False))


def audit_event(
    kind: str,
    what: str = "",
    context: Mapping[str, object] | None = None,
    *,
    file_name: str = "",
    rows: int | None = None,
) -> None:
    """Audit an action of this session's user, with their role (:func:`security.audit.record`;
    also a download button's on_click, see :func:`ui.download.download`)."""
    user = current_user()
    audit.record(
        kind,
        user.username if user else "unknown",
        what,
        context,
        role=user.role if user else "",
        file_name=file_name,
        rows=rows,
    )


@dataclasses.dataclass(frozen=True)
class Loaded:
    """What an upload that was stored tells the audit log and the user.

    Attributes
    ----------
    what : str
        One line for the audit log (and, with ``message``, the screen).
    context : Mapping[str, object]
        The audit record's context (years, table ...).
    rows : int
        Rows or lines read.
    message : str
        What the user is told; default ``what``.
    """

    what: str
    context: Mapping[str, object]
    rows: int
    message: str = ""


def audited_upload(
    name: str, content: bytes, load: Callable[[bytes, str], T], describe: Callable[[T], Loaded], where: Any = st
) -> T | None:
    """Load one uploaded file and audit it: a file that is refused is audited
    (``upload_rejected``) and named on screen with its problem, storing nothing; one that is
    stored is audited (``upload``) and confirmed. Returns what ``load`` gave, or None.

    Parameters
    ----------
    name, content : str, bytes
        The upload's file name and bytes.
    load : callable
        Checks and stores the file (``records`` functions such as
        :func:`records.census.store_census`); raises :class:`core.errors.PrecisionError`.
    describe : callable
        What the stored file tells the audit log and the user (:class:`Loaded`).
    where : streamlit container
        Where the message is written (default the page).
    """
    try:
        loaded = load(content, name)
    except PrecisionError as exc:
        audit_event("upload_rejected", str(exc), {"files": [name]}, file_name=name)
        where.error(f"Nothing was stored. {exc}")  # the error names the file
        return None
    said = describe(loaded)
    audit_event("upload", said.what, said.context, file_name=name, rows=said.rows)
    where.success(said.message or said.what)
    return loaded
