"""Precision Hotspots: entry point (``streamlit run app.py``).

Builds the navigation, loads the bundled sample on first start and draws the shared
sidebar filters on the pages that use them. Pages live in ``pages/``.
"""

from __future__ import annotations

import streamlit as st

from geo.settings import REPO_DIR
from ui import cache, filters, loading

st.set_page_config(page_title="Precision Hotspots", page_icon=str(REPO_DIR / "static" / "favicon.png"), layout="wide")

PAGES = {
    "home": st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    "map": st.Page("pages/hotspot_map.py", title="Hotspot map", icon=":material/map:", url_path="hotspot-map"),
}
#: Pages that show the shared filters.
FILTERED = {"map"}

navigation = st.navigation(list(PAGES.values()))
token = loading.ensure_data(cache.store())
st.session_state["store_token"] = token
if navigation.url_path in {PAGES[k].url_path for k in FILTERED}:
    st.session_state["filters"] = filters.sidebar_filters(cache.store().months())
navigation.run()
