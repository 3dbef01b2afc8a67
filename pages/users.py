"""Users (admin): who may sign in, and with which role.

Adding, editing and removing are separate actions. Adding never replaces an account; an
edit or a removal happens only with its confirmation ticked, and only if the account is
still as shown. Every change is audited and the table is drawn again at once.
"""

from __future__ import annotations

import streamlit as st

from core.errors import UserError
from core.settings import get_settings
from security.policy import ROLES
from security.users import add_user, remove_user, update_user
from ui import session, users

st.title("Users")
admin = session.current_user()
sso = get_settings().auth_mode == "oidc"
accounts = session.users_now()
if done := st.session_state.pop("users_done", None):
    st.success(done)
users.show_users(accounts)

st.subheader("Add a user")
with st.form("add_user", clear_on_submit=True):
    c = st.columns(3)
    new_name = c[0].text_input("E-mail address (single sign-on)" if sso else "User name", max_chars=64, key="add_name")
    display = c[1].text_input("Display name", max_chars=100, key="add_display")
    role = c[2].selectbox(
        "Role", list(ROLES), index=None, placeholder="Choose a role", format_func=users.role_label, key="add_role"
    )
    p1 = None if sso else st.text_input("Password (12 characters or more)", type="password", key="add_password")
    p2 = None if sso else st.text_input("Password again", type="password", key="add_again")
    if st.form_submit_button("Add user", key="add_submit"):
        if problem := users.add_problem(role, p1, p2):
            st.error(problem)
        else:
            try:
                user = add_user(new_name, str(role), p1, display)
            except (UserError, ValueError) as exc:
                st.error(str(exc))
            else:
                session.audit_event("user_add", user.username, {"role": user.role, "sso": sso})
                users.done(f"Added {user.username} ({user.role}).")

st.subheader("Edit a user")
chosen = st.selectbox("User to edit", list(accounts), index=None, placeholder="Choose a user", key="edit_who")
if chosen is not None:
    shown = accounts[chosen]
    with st.form(f"edit_user_{chosen}", clear_on_submit=True):
        c = st.columns(2)
        role = c[0].selectbox(
            "Role",
            list(ROLES),
            index=list(ROLES).index(shown.role),
            format_func=users.role_label,
            key=f"edit_role_{chosen}",
        )
        display = c[1].text_input("Display name", value=shown.display_name, max_chars=100, key=f"edit_display_{chosen}")
        p1 = p2 = None
        if shown.password_hash:
            st.caption("Reset the password only if you must: leave both empty to keep it.")
            c = st.columns(2)
            p1 = (
                c[0].text_input("New password (12 characters or more)", type="password", key=f"edit_password_{chosen}")
                or None
            )
            p2 = c[1].text_input("New password again", type="password", key=f"edit_again_{chosen}") or None
        if chosen == admin.username:
            st.caption("Changing your own role or password signs you out.")
        confirmed = st.checkbox(f"Yes, change the account {chosen}", key=f"edit_sure_{chosen}")
        if st.form_submit_button("Save changes", key=f"edit_submit_{chosen}"):
            if problem := users.edit_problem(confirmed, chosen, p1, p2):
                st.error(problem)
            else:
                try:
                    change = update_user(chosen, role=role, display_name=display, password=p1, expected=shown)
                except (UserError, ValueError) as exc:
                    st.error(str(exc))
                else:
                    session.audit_event("user_edit", chosen, {"changes": list(change.changes)})
                    users.done(f"Changed {chosen}: {', '.join(change.changes)}.")

st.subheader("Remove a user")
others = [u for u in accounts if u != admin.username]
if others:
    gone = st.selectbox("User to remove", others, index=None, placeholder="Choose a user", key="remove_who")
    if gone is not None:
        sure = st.checkbox(
            f"Yes, remove {gone} ({accounts[gone].role}): they can no longer sign in", key=f"remove_sure_{gone}"
        )
        if st.button("Remove account", type="primary", key="remove_submit"):
            if not sure:
                st.error(f"Tick the box to confirm that {gone} is to be removed. Nothing was changed.")
            else:
                try:
                    removed = remove_user(gone, expected=accounts[gone])
                except UserError as exc:
                    st.error(str(exc))
                else:
                    if removed is None:
                        st.error(f"{gone} was removed by someone else already.")
                    else:
                        session.audit_event("user_remove", gone, {"role": removed.role})
                        users.done(f"Removed {gone}.")
else:
    st.caption("No other user to remove (you cannot remove yourself).")
