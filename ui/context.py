"""What every analysis page starts from: the store commit, the filters and the analysis
choices that app.py put in the session, and the page's heading (with how current the data
is)."""

from __future__ import annotations

import dataclasses

import streamlit as st

from core.settings import get_settings
from geo.update import state_stamp
from models.counts import Filters
from models.pipeline import HotspotParams
from ui import cache, session
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
    freshness_line(ctx.token)
    return ctx


def freshness_line(token: str) -> None:
    """Say how current the store is: its newest month and any month missing in the series;
    to admins, also the newer months data.police.uk had at the last check."""
    fresh = cache.freshness(token, state_stamp(get_settings()))
    st.caption(fresh.sentence())
    user = session.current_user()
    if user is not None and user.role == "admin" and (line := fresh.admin_sentence()):
        st.info(line)
