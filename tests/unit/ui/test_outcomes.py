"""ui.outcomes: the outcome figures a page may show; real rows are withheld in demo mode (review finding M1)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st

from core.settings import override_settings
from records import outcome_files as outcomes
from ui import outcomes as outcome_ui


@pytest.fixture()
def store(tmp_path: Path):
    st.cache_data.clear()
    with override_settings(store_dir=tmp_path / "store", users_file=tmp_path / "none.json"):
        yield tmp_path / "store"
    st.cache_data.clear()


def test_real_outcome_rows_are_withheld_in_demo_mode(store: Path):
    outcomes.ensure_demo()
    real = b"district,month,reports\nLeeds,2017-01,30\nBradford,2017-01,12\n"
    outcomes.load_outcome_file(real, "real.csv", "crimestoppers", demo=False)  # loaded in secure mode
    assert len(outcome_ui.current().crimestoppers) == 2  # secure mode: shown
    with override_settings(store_dir=store, mode="demo"):
        shown = outcome_ui.current()
        assert shown.crimestoppers.empty  # real: withheld
        assert shown.synthetic("survey") and len(shown.survey) > 0  # synthetic: shown
