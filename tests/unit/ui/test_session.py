"""ui.session's sign-in from the cookie (as ui.signin's cookie glue uses it): a refresh (a new
session sent the cookie) signs in, a revoked or changed sign-in does not, and single sign-on
follows the same token."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import override_settings
from security.users import add_user, read_users, write_users
from ui import session

PASSWORD = "correct horse battery staple"


@dataclasses.dataclass
class Browser:
    """What a test controls: the session state, the cookie sent at page load, the provider."""

    session: dict[str, object]
    cookie: str | None = None
    sso_email: str | None = None
    logged_out: int = 0


@pytest.fixture()
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    users = tmp_path / "users.json"
    add_user("silver1", "silver", PASSWORD, path=users)
    state = Browser(session={})
    monkeypatch.setattr(session.st, "session_state", state.session)
    monkeypatch.setattr(session, "cookie_value", lambda: state.cookie)
    monkeypatch.setattr(session, "sso_signed_in", lambda: state.sso_email is not None)
    monkeypatch.setattr(session, "sso_user", lambda: session.users_now().get(state.sso_email or ""))

    def logout() -> None:
        state.logged_out += 1
        state.sso_email = None

    monkeypatch.setattr(session.st, "logout", logout)
    with override_settings(users_file=users, store_dir=tmp_path / "store", audit_path=tmp_path / "audit.jsonl"):
        yield state


def _refresh(browser: Browser, cookie: str | None) -> None:
    """A reload: a new, empty session; the browser sends its cookie."""
    browser.session.clear()
    browser.cookie = cookie


def test_a_refresh_signs_in_from_the_cookie_until_sign_out(browser: Browser):
    user = read_users(session.get_settings().users_file)["silver1"]
    session.start_session(user)
    token = browser.session["session_token"]
    assert isinstance(token, str)
    _refresh(browser, token)
    assert session.current_user() == user and browser.session["session_token"] == token
    _refresh(browser, token)  # a second tab: the same cookie
    assert session.current_user() == user
    session.end_session()  # sign-out in one tab
    assert session.current_user() is None
    _refresh(browser, token)
    assert session.current_user() is None  # revoked on the server, whatever the browser kept


def test_an_open_tab_is_signed_out_by_another_tabs_sign_out(browser: Browser):
    user = read_users(session.get_settings().users_file)["silver1"]
    session.start_session(user)
    other_tab = dict(browser.session)
    session.end_session()
    browser.session.update(other_tab)  # the other tab's session, still holding the token
    assert session.current_user() is None and "user" not in browser.session and browser.session["ended"]


def test_a_changed_password_ends_the_cookie(browser: Browser):
    path = session.get_settings().users_file
    session.start_session(read_users(path)["silver1"])
    token = browser.session["session_token"]
    records = read_users(path)
    records["silver1"] = dataclasses.replace(
        records["silver1"], password_hash=records["silver1"].password_hash[:-2] + "xx"
    )
    write_users(records, path)
    _refresh(browser, token)
    assert session.current_user() is None


def test_without_a_usable_secret_there_is_no_cookie_sign_in(browser: Browser):
    user = read_users(session.get_settings().users_file)["silver1"]
    with override_settings(cookie_secret="too short"):
        session.start_session(user)
        assert "session_token" not in browser.session  # this session only, as before
        assert session.current_user() == user


def test_single_sign_on_issues_the_same_token_and_sign_out_ends_the_provider_session(browser: Browser):
    path = session.get_settings().users_file
    records = read_users(path)
    records["ann@example.org"] = dataclasses.replace(records["silver1"], username="ann@example.org", password_hash="")
    write_users(records, path)
    with override_settings(auth_mode="oidc"):
        browser.sso_email = "ann@example.org"
        assert session.current_user().username == "ann@example.org"  # the provider signed in: a token is issued
        token = browser.session["session_token"]
        _refresh(browser, token)
        assert session.current_user().username == "ann@example.org"
        other_tab = dict(browser.session)
        session.end_session()  # sign-out in this tab revokes the token
        browser.session.update(other_tab)
        assert session.current_user() is None and browser.logged_out == 1  # the other tab: the provider too


def test_an_upload_is_audited_and_named_whether_stored_or_refused(monkeypatch: pytest.MonkeyPatch):
    from core.errors import InputFileError

    events: list[tuple[str, str, object, str, object]] = []
    monkeypatch.setattr(
        session,
        "audit_event",
        lambda kind, what="", context=None, *, file_name="", rows=None: events.append(
            (kind, what, context, file_name, rows)
        ),
    )

    class Screen:
        def __init__(self) -> None:
            self.said: list[tuple[str, str]] = []

        def error(self, text: str) -> None:
            self.said.append(("error", text))

        def success(self, text: str) -> None:
            self.said.append(("success", text))

    def load(content: bytes, name: str) -> int:
        if not content:
            raise InputFileError(name, "is empty")
        return len(content)

    screen = Screen()

    def describe(n: int) -> session.Loaded:
        return session.Loaded(f"{n} bytes", {"n": n}, n)

    assert session.audited_upload("bad.csv", b"", load, describe, screen) is None
    assert session.audited_upload("good.csv", b"abc", load, describe, screen) == 3
    assert events == [
        ("upload_rejected", "bad.csv: is empty", {"files": ["bad.csv"]}, "bad.csv", None),
        ("upload", "3 bytes", {"n": 3}, "good.csv", 3),
    ]
    assert screen.said == [("error", "Nothing was stored. bad.csv: is empty"), ("success", "3 bytes")]
