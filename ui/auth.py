"""Sign-in, sign-out, the set-up check, the demo banner, who may see OCG data, and audit
helpers for pages.

Access fails closed: the demo mode is on only when the settings say so
(``PRECISION_MODE=demo``); otherwise every page needs a signed-in user, and without a
readable users file the app shows :func:`setup_problem`'s message and no data.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import time
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import streamlit as st

from core.errors import InputFileError, TokenError
from core.settings import get_settings
from models.ocg import quarterly_return
from records import ocg_store
from records.ocg_store import OcgData
from security import audit
from security import signin_store as session_store
from security.signin_token import issue_token, read_token, user_of_token
from security.users import (
    DEMO_USER,
    Throttle,
    User,
    authenticate,
    read_users,
    user_for_identity,
)
from ui import cache, synthetic
from ui.roles import SIGN_IN_FAILED, ocg_allows, ocg_level

_log = logging.getLogger(__name__)


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


def setup_page() -> None:
    """The one page shown when the app is not set up: what is wrong, and no data."""
    st.title("Precision Hotspots: set-up needed")
    st.error(setup_problem() or "The app is not set up.", icon=":material/lock:")
    st.markdown("Nothing is shown until an administrator finishes the set-up. See the README's *Access* section.")


def settings_problems() -> None:
    """Show each setting from the environment that could not be used (the safe default was)."""
    for problem in get_settings().problems:
        st.warning(problem, icon=":material/warning:")


#: The sign-in cookie: a token of :mod:`security.signin_token`, set with ``Path=/``,
#: ``SameSite=Strict``, ``Max-Age`` its lifetime, and ``Secure`` when the page is served over
#: https. It is set by script (Streamlit's runs cannot send headers), so it cannot be
#: ``HttpOnly``; it holds no secret, and sign-out revokes it on the server.
COOKIE = "precision_session"

_COOKIE_JS = """
export default function (component) {
  const d = component.data;
  if (!d || !d.name) return;
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  const value = d.value ? encodeURIComponent(d.value) : "";
  document.cookie = `${d.name}=${value}; Max-Age=${d.value ? d.max_age : 0}; Path=/; SameSite=Strict${secure}`;
}
"""

_cookie_writer = st.components.v2.component("precision_session_cookie", js=_COOKIE_JS)


@functools.lru_cache(maxsize=4)
def _secret_of(store_dir: str, configured: str | None) -> bytes | None:
    del store_dir, configured  # the cache key
    return session_store.signing_secret(get_settings())


def _secret() -> bytes | None:
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
    return session_store.revoked_ids(get_settings())


def _token_user(text: str) -> User | None:
    """The user a cookie token signs in now, or None (the reason goes to the server log)."""
    secret, revoked = _secret(), _revoked()
    if secret is None or revoked is None:
        return None
    try:
        user, _ = user_of_token(text, secret, time.time(), users_now(), revoked)
    except (TokenError, InputFileError) as exc:
        _log.info("sign-in cookie refused: %s", exc)
        return None
    return user


def _start_session(user: User) -> None:
    """Hold ``user`` in this session and, when a secret is usable, in a signed cookie."""
    st.session_state["user"] = user
    secret = _secret()
    if secret is not None:
        hours = get_settings().session_hours
        st.session_state["session_token"] = issue_token(user, secret, time.time(), hours * 3600)


def _end_session() -> None:
    """Forget this session's sign-in and revoke its token everywhere (other tabs too)."""
    text = st.session_state.get("session_token")
    secret = _secret()
    if text and secret is not None:
        try:
            token = read_token(text, secret, time.time())
        except TokenError:
            token = None  # expired already: nothing to revoke
        if token is not None:
            session_store.revoke(get_settings(), token.token_id, token.expires, time.time())
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
    if sso and st.session_state.get("ended") and _sso_signed_in():
        st.logout()  # this tab's sign-in ended: the provider's session here ends too
        return None
    cookie = _cookie_value()
    if cookie and not st.session_state.get("ended"):
        user = _token_user(cookie)
        if user is not None and (not sso or (_sso_signed_in() and _sso_user() == user)):
            st.session_state["user"] = user
            st.session_state["session_token"] = cookie
            return user
    if sso and _sso_signed_in():
        user = _sso_user()
        if user is not None:
            _start_session(user)  # its sign-in is audited once per session by account_panel
        return user
    return None


def _sso_user() -> User | None:
    """The user the identity provider's e-mail address names in the users file, or None."""
    return user_for_identity(users_now(), st.user.get("email"))


def _cookie_value() -> str | None:
    """The sign-in cookie the browser sent when this page was loaded (None without one)."""
    value = st.context.cookies.get(COOKIE)
    return value or None


def sync_cookie() -> None:
    """Make the browser's cookie match this session (call once per run, from ``app.py``):
    this session's token while signed in, cleared otherwise (a refused cookie stays refused
    on the server whatever the browser does)."""
    text = st.session_state.get("session_token")
    secret = _secret()
    if text and secret is not None:
        try:  # the cookie lives as long as its token, not a full lifetime from each run
            left = read_token(text, secret, time.time()).expires - time.time()
        except TokenError:
            left = 0
        data = {"name": COOKIE, "value": text, "max_age": max(0, int(left))}
    elif _cookie_value() or st.session_state.get("ended"):
        data = {"name": COOKIE, "value": "", "max_age": 0}
    else:
        return
    _cookie_writer(data=data, key="precision_session_cookie")


def _sso_signed_in() -> bool:
    """Whether the identity provider has signed this browser in (False when SSO is not set up)."""
    return bool(st.user.get("is_logged_in", False))


def sso_page() -> None:
    """Single sign-on: the identity provider signs the user in; the users file gives the role."""
    st.title("Precision Hotspots")
    st.caption("West Yorkshire serious and organised crime partnership. Authorised users only.")
    if _sso_signed_in():
        st.error("You are signed in, but your account has no role here. Ask an administrator.")
        st.button("Sign out", on_click=st.logout)
        return
    st.button("Sign in with single sign-on", type="primary", on_click=st.login)


def sign_in_page() -> None:
    """The sign-in form: one message for any failure, slowed down after repeated failures."""
    st.title("Precision Hotspots")
    st.caption("West Yorkshire serious and organised crime partnership. Authorised users only.")
    with st.form("sign_in", clear_on_submit=False):
        username = st.text_input("User name", max_chars=64)
        password = st.text_input("Password", type="password", max_chars=256)
        submitted = st.form_submit_button("Sign in")
    if not submitted:
        return
    guard = throttle()
    guard.wait(username)
    try:
        users = users_now()
    except InputFileError as exc:
        st.error(f"The users file cannot be read: {exc.problem}. Ask an administrator.")
        return
    user = authenticate(users, username, password)
    if user is None:
        guard.failed(username)
        audit.record("sign_in_failed", username.strip().lower()[:64])
        st.error(SIGN_IN_FAILED)
        return
    guard.succeeded(username)
    st.session_state.pop("ended", None)
    _start_session(user)
    audit.record("sign_in", user.username, role=user.role)
    st.rerun()


def account_panel(user: User) -> None:
    """Who is signed in, and the sign-out button, in the sidebar.

    Under single sign-on the identity provider signs people in, so the first run of each
    session that finds a user records their ``sign_in`` here.
    """
    if get_settings().auth_mode == "oidc" and st.session_state.get("sso_audited") != user.username:
        st.session_state["sso_audited"] = user.username
        audit.record("sign_in", user.username, "single sign-on", role=user.role)
    with st.sidebar:
        st.caption(f"Signed in as **{user.display_name or user.username}** ({user.role})")
        if st.button("Sign out", key="sign_out"):
            audit.record("sign_out", user.username, role=user.role)
            _end_session()
            st.session_state["ended"] = True  # clears the cookie; the one sent at page load is revoked
            if get_settings().auth_mode == "oidc":
                st.logout()
            st.rerun()


@dataclasses.dataclass(frozen=True)
class OcgView:
    """The OCG data a viewer may see now.

    Attributes
    ----------
    data : OcgData or None
        The stored data, or None when nothing may be shown (none stored, the role may not
        see it, or real data in demo mode).
    notice : str or None
        Why stored data is withheld, when the viewer should be told (real data in demo mode).
    allowed : bool
        Whether the viewer's role may see this level of OCG data at all.
    token : str
        The OCG state ``data`` was loaded for (:func:`records.ocg_store.token`), to key caches
        of figures made from it ("" without data).
    """

    data: OcgData | None
    notice: str | None = None
    allowed: bool = True
    token: str = ""


def visible_ocg(needed: str = "details") -> OcgView:
    """The stored OCG data if this viewer may see what needs ``needed`` ("counts" or
    "details"); the one gate every page, map layer, table, profile and export goes through.

    In demo mode nothing is shown unless every stored row is synthetic. The data is cached
    by :func:`records.ocg_store.token`, which changes with every OCG write. The "public" level
    never gets the data itself: :func:`public_disruptions` hands it the public figures only.
    """
    if needed not in ("counts", "details"):
        raise ValueError(f"visible_ocg gives OCG data at 'counts' or 'details' only, not {needed!r}")
    return _ocg_view(needed)


def _ocg_view(needed: str) -> OcgView:
    user = current_user()
    if user is None or not ocg_allows(ocg_level(user.role, is_demo()), needed):
        return OcgView(None, allowed=False)
    token = ocg_store.token()
    data = cache.ocg(token)
    if data is None:
        return OcgView(None)
    if is_demo() and not data.synthetic:
        return OcgView(None, ocg_store.REAL_DATA_IN_DEMO)
    return OcgView(data, token=token)


def public_disruptions() -> tuple[pd.DataFrame | None, bool, str | None]:
    """Disruptions by quarter, level and 4P strand (:func:`models.ocg.quarterly_return`), the
    only OCG-derived figures the public level may have: no register, no activity rows, no
    group. Returns the table (None when none may be shown), whether its rows are synthetic,
    and why stored data is withheld (real data in demo mode)."""
    view = _ocg_view("public")
    if view.data is None:
        return None, False, view.notice
    return quarterly_return(view.data.activity), view.data.synthetic, None


def demo_banner() -> None:
    """The banner of the demo mode, worded from what is stored."""
    view = visible_ocg()
    crime = (
        "a SYNTHETIC demonstration history of crime (invented, patterned on real data.police.uk months)"
        if synthetic.label()
        else "public data.police.uk crime data"
    )
    if view.notice:
        text = f"Demo mode, no sign-in: {crime} only. " + view.notice
    elif view.data is not None:
        text = (
            f"Demo mode, no sign-in: {crime}, and SYNTHETIC organised crime group "
            f"data made for demonstration ({len(view.data.register)} groups, every row synthetic). "
            "No police intelligence is shown here."
        )
    else:
        text = f"Demo mode, no sign-in: {crime} only. No organised crime group data is loaded."
    st.warning(text, icon=":material/info:")


def audit_event(
    kind: str,
    what: str = "",
    context: Mapping[str, object] | None = None,
    *,
    file_name: str = "",
    rows: int | None = None,
) -> None:
    """Audit an action of this session's user, with their role (:func:`security.audit.record`;
    also a download button's on_click, see :func:`ui.exports.download`)."""
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
