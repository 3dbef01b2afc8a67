"""ui.context: an analysis page starts from what app.py put in the session."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from models.counts import Filters
from models.pipeline import HotspotParams
from ui.context import PageContext

FILTERS = Filters(districts=("Leeds",), months=("2017-07",), crime_types=("Drugs",), resolution=8)


def _page() -> None:
    import streamlit as st

    from ui import context

    st.session_state["ctx"] = context.analysis_page("Hotspot communities")


def test_the_page_gets_the_commit_filters_and_choices_and_says_what_they_are():
    at = AppTest.from_function(_page)
    at.session_state["store_token"] = "commit-42"
    at.session_state["filters"] = FILTERS
    at.session_state["analysis"] = HotspotParams(resolution=8)
    at.run()
    assert at.session_state["ctx"] == PageContext("commit-42", FILTERS, HotspotParams(resolution=8))
    assert at.title[0].value == "Hotspot communities"
    assert at.caption[0].value == "Leeds · 2017-07 · Drugs · H3 resolution 8"


def test_a_page_without_analysis_choices_gets_none():
    at = AppTest.from_function(_page)
    at.session_state["store_token"] = "commit-42"
    at.session_state["filters"] = Filters()
    at.run()
    assert at.session_state["ctx"].params is None


def test_without_the_session_app_py_prepares_the_page_fails_loudly():
    at = AppTest.from_function(_page).run()
    assert at.exception and not at.title  # no page is drawn from a session app.py did not prepare


def test_the_context_is_a_frozen_value():
    ctx = PageContext("t", Filters(), None)
    with pytest.raises(AttributeError):
        ctx.token = "other"  # type: ignore[misc]
