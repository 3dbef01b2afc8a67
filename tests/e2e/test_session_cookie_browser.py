"""Signed in means signed in: a refresh and a second tab keep the sign-in; sign-out ends it
everywhere. In a real headless Chromium against `streamlit run` (password sign-in)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from security.users import add_user
from tests.e2e.conftest import Session, serve_app
from tests.e2e.test_accessibility_browser import PASSWORD, sign_in

pytestmark = pytest.mark.e2e

COOKIE = "precision_session"


@pytest.fixture(scope="module")
def secured(sample_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The secure app with one silver user; yields its URL and its store folder."""
    root = tmp_path_factory.mktemp("cookie")
    store_dir = root / "store"
    shutil.copytree(sample_store_dir, store_dir)
    users = root / "users.json"
    add_user("silver1", "silver", PASSWORD, path=users)
    with serve_app(store_dir, root, PRECISION_USERS=str(users)) as url:
        yield url, store_dir


def _signed_in(session: Session) -> bool:
    return session.page.locator("[data-testid='stSidebarNav']").count() > 0


def _cookie(session: Session) -> dict[str, object] | None:
    found = [c for c in session.page.context.cookies() if c["name"] == COOKIE]
    return found[0] if found else None


def _reload(session: Session) -> None:
    session.page.reload()
    session.wait_idle(180)


def test_a_refresh_and_a_second_tab_stay_signed_in_and_sign_out_ends_both(secured: tuple[str, Path], session: Session):
    url, store_dir = secured
    page = session.page
    page.goto(url)
    session.wait_idle(180)
    assert not _signed_in(session) and _cookie(session) is None
    sign_in(session, "silver1")
    cookie = _cookie(session)
    assert cookie is not None, "no sign-in cookie after signing in"
    assert cookie["sameSite"] == "Strict" and cookie["path"] == "/" and not cookie["secure"]  # http here
    assert 7.9 * 3600 < cookie["expires"] - __import__("time").time() <= 8 * 3600  # the default 8 hours
    assert oct((store_dir / "session_secret").stat().st_mode & 0o777) == "0o600"

    _reload(session)
    assert _signed_in(session), "a refresh signed the user out"
    assert "silver1" in page.locator("[data-testid='stSidebar']").inner_text()

    second = page.context.new_page()  # a second tab of the same browser
    tab = Session(second)
    second.goto(url)
    tab.wait_idle(180)
    assert _signed_in(tab), "a second tab is not signed in"

    page.get_by_role("button", name="Sign out").click()
    session.wait_idle(180, expect=page.get_by_role("button", name="Sign in"))
    assert _cookie(session) is None or not _cookie(session)["value"], "sign-out left the cookie"
    _reload(session)
    assert not _signed_in(session) and page.get_by_role("button", name="Sign in").is_visible()

    # the other tab, signed in before: its next run finds its sign-in revoked
    second.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Trends").click()
    tab.wait_idle(180)
    assert not _signed_in(tab) and second.get_by_role("button", name="Sign in").is_visible()
    assert session.errors == [] and tab.errors == []


def test_a_stolen_cookie_is_refused_after_sign_out(secured: tuple[str, Path], browser: object):
    url, _ = secured
    context = browser.new_context()
    session = Session(context.new_page())
    session.page.goto(url)
    session.wait_idle(180)
    sign_in(session, "silver1")
    copied = _cookie(session)
    assert copied is not None
    session.page.get_by_role("button", name="Sign out").click()
    session.wait_idle(180, expect=session.page.get_by_role("button", name="Sign in"))
    context.close()

    other = browser.new_context()  # another browser presenting the copied cookie
    other.add_cookies([{k: copied[k] for k in ("name", "value", "domain", "path", "sameSite", "expires")}])
    thief = Session(other.new_page())
    thief.page.goto(url)
    thief.wait_idle(180)
    assert not _signed_in(thief) and thief.page.get_by_role("button", name="Sign in").is_visible()
    other.close()
