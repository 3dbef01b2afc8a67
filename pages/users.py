"""Users (admin): who may sign in, and with which role."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo import audit
from geo.access import ROLES, add_user, read_users, remove_user
from ui import auth

st.title("Users")
admin = auth.current_user()
users = read_users()
st.dataframe(
    pd.DataFrame(
        [
            {"User name": u.username, "Name": u.display_name, "Role": u.role, "May": ROLES[u.role]}
            for u in users.values()
        ]
    ),
    hide_index=True,
    width="stretch",
)

st.subheader("Add or replace a user")
with st.form("add_user", clear_on_submit=True):
    c = st.columns(3)
    username = c[0].text_input("User name", max_chars=64)
    name = c[1].text_input("Display name", max_chars=100)
    role = c[2].selectbox("Role", list(ROLES), format_func=lambda r: f"{r}: {ROLES[r]}")
    p1 = st.text_input("Password (12 characters or more)", type="password")
    p2 = st.text_input("Password again", type="password")
    if st.form_submit_button("Save user"):
        if p1 != p2:
            st.error("The two passwords differ.")
        else:
            try:
                user = add_user(username, role, p1, name)
            except ValueError as exc:
                st.error(str(exc))
            else:
                audit.record("user_added", admin.username, user.username, {"role": user.role})
                st.success(f"Saved {user.username} ({user.role}).")

st.subheader("Remove a user")
others = [u for u in users if u != admin.username]
if others:
    gone = st.selectbox("User", others)
    if st.button("Remove") and remove_user(gone):
        audit.record("user_removed", admin.username, gone)
        st.success(f"Removed {gone}.")
else:
    st.caption("No other user to remove (you cannot remove yourself).")
