"""The Users page cannot surprise: adding never replaces, edits and removals need their
confirmation, the table shows a change at once, and every change is audited with its kind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.settings import override_settings
from security import audit
from security.policy import ROLES
from security.users import add_user, authenticate, read_users
from tests.app.conftest import APP, PASSWORD, secure_store

pytestmark = pytest.mark.app


@pytest.fixture()
def users_file(sample_store_dir: Path, tmp_path: Path) -> Iterator[Path]:
    with secure_store(
        sample_store_dir, tmp_path, [("admin1", "admin", "Admin One"), ("silver1", "silver", "Silver One")]
    ) as users:
        yield users


@pytest.fixture()
def page(users_file: Path) -> AppTest:
    """The Users page, signed in as admin1."""
    at = AppTest.from_file(APP, default_timeout=300).run()
    at.text_input[0].set_value("admin1")
    at.text_input[1].set_value(PASSWORD)
    at.button[0].click().run()
    at.switch_page("pages/users.py").run()
    assert not at.exception
    return at


def _table(at: AppTest) -> dict[str, str]:
    frame = at.dataframe[0].value
    return dict(zip(frame["User name"], frame["Role"]))


def _kinds() -> list[str]:
    return audit.read()["kind"].tolist()


def _add(at: AppTest, name: str, role: str | None, password: str = PASSWORD, again: str = PASSWORD) -> AppTest:
    at.text_input(key="add_name").set_value(name)
    at.text_input(key="add_display").set_value(f"{name} display")
    if role is not None:
        at.selectbox(key="add_role").set_value(role)
    at.text_input(key="add_password").set_value(password)
    at.text_input(key="add_again").set_value(again)
    return at.button(key="add_submit").click().run()


def test_adding_an_existing_name_is_refused_with_a_message(page: AppTest, users_file: Path):
    before = users_file.read_bytes()
    stored = read_users(users_file)["silver1"]
    _add(page, "Silver1", "admin", "a different password", "a different password")
    assert not page.exception
    assert [e.value for e in page.error] == [
        "A user named 'silver1' exists already. Nothing was changed: to change their role, name or password, "
        "edit the account instead."
    ]
    assert users_file.read_bytes() == before and read_users(users_file)["silver1"] == stored
    assert "user_add" not in _kinds() and _table(page)["silver1"] == "silver"


def test_what_each_role_may_do_is_shown_in_full_under_the_table(page: AppTest):
    frame = page.dataframe[0].value
    assert list(frame.columns) == ["User name", "Name", "Role", "Signs in with"]  # no cut-short text column
    roles = next(c.value for c in page.caption if c.value.startswith("**silver**"))
    assert roles.split("  \n") == [f"**{role}**: {text}" for role, text in ROLES.items()]


def test_a_role_must_be_chosen(page: AppTest, users_file: Path):
    assert page.selectbox(key="add_role").value is None  # nothing preselected
    _add(page, "newbie", None)
    assert any("Choose a role" in e.value for e in page.error)
    assert "newbie" not in read_users(users_file)


def test_an_added_user_is_in_the_table_at_once_and_audited(page: AppTest, users_file: Path):
    _add(page, "newbie", "opcc")
    assert not page.exception and not page.error
    assert _table(page)["newbie"] == "opcc"
    assert [s.value for s in page.success] == ["Added newbie (opcc)."]
    event = audit.read().iloc[0]
    assert (event["kind"], event["user"], event["role"], event["what"]) == ("user_add", "admin1", "admin", "newbie")
    assert authenticate(read_users(users_file), "newbie", PASSWORD) is not None


def test_an_edit_needs_its_confirmation_and_shows_at_once(page: AppTest, users_file: Path):
    before = users_file.read_bytes()
    page.selectbox(key="edit_who").set_value("silver1").run()
    assert page.selectbox(key="edit_role_silver1").value == "silver"  # the account as it is
    page.selectbox(key="edit_role_silver1").set_value("opcc")
    page.text_input(key="edit_password_silver1").set_value("a brand new password")
    page.text_input(key="edit_again_silver1").set_value("a brand new password")
    page.button(key="edit_submit_silver1").click().run()
    assert any("Tick the box to confirm the change to silver1" in e.value for e in page.error)
    assert users_file.read_bytes() == before and "user_edit" not in _kinds()

    page.selectbox(key="edit_role_silver1").set_value("opcc")
    page.text_input(key="edit_password_silver1").set_value("a brand new password")
    page.text_input(key="edit_again_silver1").set_value("a brand new password")
    page.checkbox(key="edit_sure_silver1").check()
    page.button(key="edit_submit_silver1").click().run()
    assert not page.exception and not page.error
    assert _table(page)["silver1"] == "opcc"
    assert [s.value for s in page.success] == ["Changed silver1: role silver -> opcc, password reset."]
    users = read_users(users_file)
    assert users["silver1"].role == "opcc" and authenticate(users, "silver1", "a brand new password") is not None
    event = audit.read().iloc[0]
    assert (event["kind"], event["what"]) == ("user_edit", "silver1")
    assert "role silver -> opcc" in event["context"] and "a brand new password" not in event["context"]


def test_remove_without_confirmation_does_nothing(page: AppTest, users_file: Path):
    before = users_file.read_bytes()
    assert page.selectbox(key="remove_who").options == ["silver1"]  # never yourself
    page.selectbox(key="remove_who").set_value("silver1").run()
    page.button(key="remove_submit").click().run()
    assert [e.value for e in page.error] == [
        "Tick the box to confirm that silver1 is to be removed. Nothing was changed."
    ]
    assert users_file.read_bytes() == before and "user_remove" not in _kinds()
    assert "silver1" in _table(page)

    page.checkbox(key="remove_sure_silver1").check().run()
    page.button(key="remove_submit").click().run()
    assert not page.exception and not page.error
    assert "silver1" not in _table(page) and "silver1" not in read_users(users_file)
    assert [s.value for s in page.success] == ["Removed silver1."]
    event = audit.read().iloc[0]
    assert (event["kind"], event["user"], event["what"]) == ("user_remove", "admin1", "silver1")


def test_under_single_sign_on_users_are_added_by_address_without_password(users_file: Path):
    add_user("boss@westyorks.example", "admin", None, "Boss", path=users_file)
    with override_settings(auth_mode="oidc"):
        at = AppTest.from_file(APP, default_timeout=300)
        at.user = {"is_logged_in": True, "email": "boss@westyorks.example"}
        at.run()
        at.switch_page("pages/users.py").run()
        assert not at.exception
        assert not [t for t in at.text_input if t.key in ("add_password", "add_again")]
        at.text_input(key="add_name").set_value("Ana@westyorks.example")
        at.selectbox(key="add_role").set_value("opcc")
        at.button(key="add_submit").click().run()
        assert not at.exception and not at.error
        assert _table(at)["ana@westyorks.example"] == "opcc"
        ana = read_users(users_file)["ana@westyorks.example"]
        assert ana.password_hash == ""
        # an account signing in with single sign-on has no password to reset
        at.selectbox(key="edit_who").set_value("ana@westyorks.example").run()
        assert not [t for t in at.text_input if t.key == "edit_password_ana@westyorks.example"]
