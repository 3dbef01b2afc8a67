"""The Users page's table, its input checks and its messages (the users file itself is
:mod:`security.users`)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from security.policy import ROLES
from security.users import User

#: Session-state keys of the page's user pickers, reset after a change.
PICKERS = ("edit_who", "remove_who")


def users_table(users: dict[str, User]) -> pd.DataFrame:
    """One row per account (never a hash): user name, display name, role and how they sign
    in (what each role may do is :func:`roles_caption`, under the table)."""
    return pd.DataFrame(
        [
            {
                "User name": u.username,
                "Name": u.display_name,
                "Role": u.role,
                "Signs in with": "password" if u.password_hash else "single sign-on",
            }
            for u in sorted(users.values(), key=lambda u: u.username)
        ],
        columns=["User name", "Name", "Role", "Signs in with"],
    )


def roles_caption() -> str:
    """What each role may do, one line a role (shown in full under the users table, where a
    table cell would cut it short)."""
    return "  \n".join(f"**{role}**: {text}" for role, text in ROLES.items())


def show_users(users: dict[str, User]) -> None:
    """The users table, then what each role may do."""
    st.dataframe(
        users_table(users),
        hide_index=True,
        width="stretch",
        column_config={"Role": st.column_config.TextColumn("Role", help="What each role may do is listed below")},
    )
    st.caption(roles_caption())


def role_label(role: str) -> str:
    """A role as the pickers show it: its name and what it may do."""
    return f"{role}: {ROLES[role]}"


def add_problem(role: str | None, password: str | None, again: str | None) -> str | None:
    """Why an addition cannot be made as typed, or None (the name and the password's length
    are checked by :func:`security.users.add_user`)."""
    if role is None:
        return "Choose a role: no role is given unless you choose one. Nothing was changed."
    if password != again:
        return "The two passwords differ. Nothing was changed."
    return None


def edit_problem(confirmed: bool, username: str, password: str | None, again: str | None) -> str | None:
    """Why an edit cannot be made as typed, or None."""
    if password != again:
        return "The two new passwords differ. Nothing was changed."
    if not confirmed:
        return f"Tick the box to confirm the change to {username}. Nothing was changed."
    return None


def done(message: str) -> None:
    """After a change: keep the message for the next run, reset the pickers and run the
    page again, so its table shows the change at once."""
    st.session_state["users_done"] = message
    for key in PICKERS:
        st.session_state.pop(key, None)
    st.rerun()
