"""AppTest fixtures: each test runs the app against its own store, with caches cleared."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.settings import REPO_DIR, override_settings
from security.users import add_user

APP = str(REPO_DIR / "app.py")


@pytest.fixture()
def app_with_sample(sample_store_dir: Path, tmp_path: Path) -> Iterator[AppTest]:
    """The app over a copy of the ingested sample store, no map tiles."""
    store_dir = tmp_path / "store"
    shutil.copytree(sample_store_dir, store_dir)
    st.cache_data.clear()
    st.cache_resource.clear()
    # the demo mode, turned on on purpose (public data and synthetic OCG data, no sign-in)
    with override_settings(store_dir=store_dir, map_tiles=None, users_file=tmp_path / "no-users.json", mode="demo"):
        yield AppTest.from_file(APP, default_timeout=120)
    st.cache_data.clear()
    st.cache_resource.clear()


#: Password of every user of :func:`secured`.
PASSWORD = "correct horse battery staple"

#: The roles :func:`secured` signs up, one user each (``<role>1``).
ROLES = ("silver", "comms", "opcc", "admin")


@contextlib.contextmanager
def secure_store(sample_store_dir: Path, tmp_path: Path, accounts: Sequence[tuple[str, str, str]]) -> Iterator[Path]:
    """The app in secure mode over a copy of the sample store, with these accounts (user
    name, role, display name; password :data:`PASSWORD`), caches cleared before and after;
    yields the users file."""
    store_dir = tmp_path / "store"
    shutil.copytree(sample_store_dir, store_dir)
    users = tmp_path / "users.json"
    for username, role, name in accounts:
        add_user(username, role, PASSWORD, name, path=users)
    st.cache_data.clear()
    st.cache_resource.clear()
    with override_settings(store_dir=store_dir, map_tiles=None, users_file=users):
        yield users
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture()
def secured(sample_store_dir: Path, tmp_path: Path) -> Iterator[Path]:
    """The app in secure mode over a copy of the sample store, with one user per role
    (``silver1``, ``comms1``, ``opcc1``, ``admin1``, password :data:`PASSWORD`)."""
    with secure_store(sample_store_dir, tmp_path, [(f"{role}1", role, "") for role in ROLES]) as users:
        yield users.parent / "store"


def signed_in(username: str, password: str = PASSWORD) -> AppTest:
    """A new session of the app, signed in through the sign-in form."""
    at = AppTest.from_file(APP, default_timeout=300).run()
    at.text_input[0].set_value(username)
    at.text_input[1].set_value(password)
    return at.button[0].click().run()
