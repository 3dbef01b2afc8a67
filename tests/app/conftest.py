"""AppTest fixtures: each test runs the app against its own store, with caches cleared."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from geo.settings import REPO_DIR, override_settings

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
