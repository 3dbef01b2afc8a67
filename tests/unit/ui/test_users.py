"""ui.users: the Users page's table (never a hash), what each role may do, and the checks of
what an administrator typed."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from security.policy import ROLES
from security.users import User
from ui import users as users_ui

USERS = {
    "jo": User("jo", "silver", "$2b$12$abcdefghijklmnopqrstuv", "Jo Smith"),
    "ana": User("ana", "comms", "", "Ana Jones"),  # no password: signs in with single sign-on
}


def test_the_table_lists_accounts_by_name_and_how_they_sign_in_never_a_hash():
    table = users_ui.users_table(USERS)
    assert table.values.tolist() == [
        ["ana", "Ana Jones", "comms", "single sign-on"],
        ["jo", "Jo Smith", "silver", "password"],
    ]
    assert "$2b$" not in table.to_csv()
    assert users_ui.users_table({}).columns.tolist() == ["User name", "Name", "Role", "Signs in with"]


def test_every_role_is_explained_once_in_the_caption_and_in_its_picker_label():
    lines = users_ui.roles_caption().split("  \n")
    assert [line.split("**")[1] for line in lines] == list(ROLES)
    assert users_ui.role_label("silver") == f"silver: {ROLES['silver']}"


def test_additions_and_edits_are_checked_as_typed():
    assert users_ui.add_problem(None, "pw", "pw").startswith("Choose a role")
    assert users_ui.add_problem("opcc", "pw", "pv") == "The two passwords differ. Nothing was changed."
    assert users_ui.add_problem("opcc", "pw", "pw") is None
    assert users_ui.add_problem("opcc", None, None) is None  # single sign-on: no password
    assert users_ui.edit_problem(True, "jo", "a", "b") == "The two new passwords differ. Nothing was changed."
    assert (
        users_ui.edit_problem(False, "jo", None, None)
        == "Tick the box to confirm the change to jo. Nothing was changed."
    )
    assert users_ui.edit_problem(True, "jo", None, None) is None


def _page() -> None:
    import streamlit as st

    from ui import users as users_ui

    st.session_state["runs"] = st.session_state.get("runs", 0) + 1
    if st.button("Change", key="change"):
        users_ui.done("Added ana.")


def test_after_a_change_the_message_is_kept_the_pickers_reset_and_the_page_run_again():
    at = AppTest.from_function(_page)
    at.session_state["edit_who"] = "jo"
    at.session_state["remove_who"] = "ana"
    at.run()
    assert at.session_state["runs"] == 1
    at.button(key="change").click().run()
    assert at.session_state["users_done"] == "Added ana."
    assert "edit_who" not in at.session_state and "remove_who" not in at.session_state
    assert at.session_state["runs"] == 3  # the click's run, then the rerun it asked for
