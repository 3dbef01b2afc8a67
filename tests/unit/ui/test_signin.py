"""ui.signin: the set-up page, the sign-in form (one message for any failure, every attempt
audited) and the account panel's sign-out, through small AppTest scripts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.settings import override_settings
from security import audit
from security.policy import SIGN_IN_FAILED
from security.users import add_user

PASSWORD = "correct horse battery staple"


@pytest.fixture()
def secured(tmp_path: Path) -> Iterator[Path]:
    """Secure mode with one user; the audit log in the test's folder."""
    users = tmp_path / "users.json"
    add_user("jo", "silver", PASSWORD, "Jo Smith", path=users)
    st.cache_data.clear()
    with override_settings(
        mode="secure", users_file=users, store_dir=tmp_path / "store", audit_path=tmp_path / "audit.jsonl"
    ):
        yield tmp_path / "audit.jsonl"
    st.cache_data.clear()


def _setup() -> None:
    from ui import signin

    signin.settings_problems()
    signin.setup_page()


def test_the_setup_page_names_the_missing_file_and_shows_no_data(tmp_path: Path):
    with override_settings(
        mode="secure", users_file=tmp_path / "config" / "users.json", problems=("PRECISION_MODE='dmeo' ...",)
    ):
        at = AppTest.from_function(_setup).run()
    assert at.title[0].value == "Precision Hotspots: set-up needed"
    assert "No users file `users.json`" in at.error[0].value and str(tmp_path) not in at.error[0].value
    assert [w.value for w in at.warning] == ["PRECISION_MODE='dmeo' ..."]


def _sign_in() -> None:
    import streamlit as st

    from ui import session, signin

    user = session.current_user()
    if user is None:
        signin.sign_in_page()
    else:
        st.session_state["signed_in_as"] = user.username
        signin.account_panel(user)


def _submit(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click()
    return at.run()


@pytest.mark.parametrize(("username", "password"), [("jo", "wrong password"), ("nobody", PASSWORD)])
def test_a_failed_sign_in_says_one_thing_and_is_audited(secured: Path, username: str, password: str):
    at = _submit(AppTest.from_function(_sign_in).run(), username, password)
    assert [e.value for e in at.error] == [SIGN_IN_FAILED]
    assert "signed_in_as" not in at.session_state
    events = audit.read(secured)
    assert events[["kind", "user"]].values.tolist() == [["sign_in_failed", username]]


def test_a_sign_in_starts_the_session_and_a_sign_out_ends_it(secured: Path):
    at = _submit(AppTest.from_function(_sign_in).run(), " JO ", PASSWORD)
    assert not at.exception and at.session_state["signed_in_as"] == "jo"
    assert isinstance(at.session_state["session_token"], str)
    assert "Signed in as **Jo Smith** (silver)" in [c.value for c in at.sidebar.caption]
    at.sidebar.button(key="sign_out").click().run()
    assert "session_token" not in at.session_state and at.session_state["ended"] is True
    assert at.title[0].value == "Precision Hotspots"  # the sign-in form again
    events = audit.read(secured)
    assert events[["kind", "user", "role"]].values.tolist() == [
        ["sign_out", "jo", "silver"],
        ["sign_in", "jo", "silver"],
    ]
