"""What every analysis page starts from: the store commit, the filters and the analysis
choices that app.py put in the session, and the page's heading."""

from __future__ import annotations

import dataclasses
import datetime as dt

import streamlit as st

from models.counts import Filters
from models.data_age import DataAge, data_age
from models.pipeline import HotspotParams
from ui import cache
from ui import filters as filter_panel


@dataclasses.dataclass(frozen=True)
class PageContext:
    """The store commit id, the user's filters and hot-spot analysis choices (None on pages
    without them)."""

    token: str
    filters: Filters
    params: HotspotParams | None


def analysis_page(title: str) -> PageContext:
    """Draw the page title and the filters in words; return the page's context."""
    ctx = PageContext(st.session_state["store_token"], st.session_state["filters"], st.session_state.get("analysis"))
    st.title(title)
    st.caption(filter_panel.describe(ctx.filters))
    show_age()
    return ctx


def age() -> DataAge:
    """How old the newest loaded month is today (:func:`models.data_age.data_age`)."""
    return data_age(cache.store().months(), dt.date.today())


def show_age() -> DataAge:
    """Say how old the newest month is when it is old (plans then follow the data); return it."""
    found = age()
    if found.sentence:
        st.info(found.sentence, icon=":material/schedule:")
    return found
