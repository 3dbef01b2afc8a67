"""ui.ocg_gate: the one OCG gate; the public level never gets the OCG data itself (review finding S1)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st

from core.settings import override_settings
from ui import ocg_gate


@pytest.fixture()
def store(tmp_path: Path):
    st.cache_data.clear()
    with override_settings(store_dir=tmp_path / "store", users_file=tmp_path / "none.json"):
        yield tmp_path / "store"
    st.cache_data.clear()


def test_the_public_level_never_gets_the_ocg_data_itself(store: Path):
    with pytest.raises(ValueError, match="'counts' or 'details' only"):
        ocg_gate.visible_ocg("public")
