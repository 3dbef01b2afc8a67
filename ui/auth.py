"""Sign-in, sign-out, the demo banner and audit helpers for pages."""

from __future__ import annotations

import streamlit as st

from geo import audit
from geo.errors import InputFileError
from geo.settings import get_settings
from geo.users import read_users
from models.access import DEMO_USER, SIGN_IN_FAILED, Throttle, User, authenticate, user_for_identity


@st.cache_resource
def throttle() -> Throttle:
    """The process-wide counter of failed sign-ins (a shared handle)."""
    return Throttle()


def is_demo() -> bool:
    """Demo mode: no users file, so public data only and no sign-in."""
    return not get_settings().users_file.exists()


def current_user() -> User | None:
    """The signed-in user of this session (the demo user in demo mode)."""
    if is_demo():
        return DEMO_USER
    if get_settings().auth_mode == "oidc":
        if not _sso_signed_in():
            return None
        return user_for_identity(read_users(), st.user.get("email"))
    return st.session_state.get("user")


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
        users = read_users()
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
    st.session_state["user"] = user
    audit.record("sign_in", user.username, context={"role": user.role})
    st.rerun()


def account_panel(user: User) -> None:
    """Who is signed in, and the sign-out button, in the sidebar."""
    with st.sidebar:
        st.caption(f"Signed in as **{user.display_name or user.username}** ({user.role})")
        if st.button("Sign out", key="sign_out"):
            audit.record("sign_out", user.username)
            st.session_state.clear()
            if get_settings().auth_mode == "oidc":
                st.logout()
            st.rerun()


def demo_banner() -> None:
    """The banner of the demo mode."""
    st.warning(
        "Demo mode, no sign-in: public data.police.uk crime data, and SYNTHETIC organised "
        "crime group data made for demonstration. No police intelligence is shown here.",
        icon=":material/info:",
    )


def record_export(what: str, context: dict[str, object]) -> None:
    """Audit an export (used as a download button's on_click)."""
    user = current_user()
    audit.record("export", user.username if user else "unknown", what, context)


def may_see_ocg_details() -> bool:
    """Silver users see OCG details; so does the demo mode, whose OCG data is synthetic."""
    user = current_user()
    return user is not None and (user.role == "silver" or is_demo())


def may_see_ocg_counts() -> bool:
    """OPCC users see OCG counts only; silver and the demo mode see them too."""
    user = current_user()
    return user is not None and (user.role in {"silver", "opcc"} or is_demo())
