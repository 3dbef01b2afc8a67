"""The pages and panels of signing in and out: the set-up page, the sign-in form, single
sign-on, the account panel, and the script that keeps the browser's sign-in cookie in step
with the session (:mod:`ui.session` holds who is signed in).
"""

from __future__ import annotations

import time

import streamlit as st

from core.errors import InputFileError, TokenError
from core.settings import get_settings
from security import audit
from security.policy import SIGN_IN_FAILED
from security.signin_token import read_token
from security.users import (
    User,
    authenticate,
)
from ui.session import (
    COOKIE,
    cookie_value,
    end_session,
    setup_problem,
    signing_secret,
    sso_signed_in,
    start_session,
    throttle,
    users_now,
)


def setup_page() -> None:
    """The one page shown when the app is not set up: what is wrong, and no data."""
    st.title("Precision Hotspots: set-up needed")
    st.error(setup_problem() or "The app is not set up.", icon=":material/lock:")
    st.markdown("Nothing is shown until an administrator finishes the set-up. See the README's *Access* section.")


def settings_problems() -> None:
    """Show each setting from the environment that could not be used (the safe default was)."""
    for problem in get_settings().problems:
        st.warning(problem, icon=":material/warning:")


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


def sync_cookie() -> None:
    """Make the browser's cookie match this session (call once per run, from ``app.py``):
    this session's token while signed in, cleared otherwise (a refused cookie stays refused
    on the server whatever the browser does)."""
    text = st.session_state.get("session_token")
    secret = signing_secret()
    if text and secret is not None:
        try:  # the cookie lives as long as its token, not a full lifetime from each run
            left = read_token(text, secret, time.time()).expires - time.time()
        except TokenError:
            left = 0
        data = {"name": COOKIE, "value": text, "max_age": max(0, int(left))}
    elif cookie_value() or st.session_state.get("ended"):
        data = {"name": COOKIE, "value": "", "max_age": 0}
    else:
        return
    _cookie_writer(data=data, key="precision_session_cookie")


def sso_page() -> None:
    """Single sign-on: the identity provider signs the user in; the users file gives the role."""
    st.title("Precision Hotspots")
    st.caption("West Yorkshire serious and organised crime partnership. Authorised users only.")
    if sso_signed_in():
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
    start_session(user)
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
            end_session()
            st.session_state["ended"] = True  # clears the cookie; the one sent at page load is revoked
            if get_settings().auth_mode == "oidc":
                st.logout()
            st.rerun()
