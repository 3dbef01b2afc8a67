"""Precision Hotspots: entry point (``streamlit run app.py``).

Builds the navigation, loads the bundled sample on first start and draws the shared
sidebar filters on the pages that use them. Pages live in ``pages/``.
"""

from __future__ import annotations

import streamlit as st

from core.settings import REPO_DIR, get_settings
from security import policy
from ui import a11y, cache, filters, loading, ocg_gate, session, signin, synthetic

# Every download is audited (ui.download.download), so tables' own CSV download stays off even
# when the app is started without this folder's .streamlit/config.toml (from the next run on).
st.set_option("client.disableDataExport", True)
st.set_page_config(page_title="Precision Hotspots", page_icon=str(REPO_DIR / "static" / "favicon.png"), layout="wide")

# URL paths differ from the file names on purpose: Streamlit still treats a `pages/` folder as
# a legacy multipage app at the start of a run, and a URL matching a file name would run that
# page without this script (no navigation, no shared filters).
PAGES = {
    "home": st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    "map": st.Page("pages/hotspot_map.py", title="Hotspot map", icon=":material/map:", url_path="hotspot-map"),
    "communities": st.Page(
        "pages/communities.py", title="Hotspot communities", icon=":material/groups:", url_path="hotspot-communities"
    ),
    "comms": st.Page(
        "pages/comms_plan.py", title="Comms plan", icon=":material/campaign:", url_path="communications-plan"
    ),
    "trends": st.Page("pages/trends.py", title="Trends", icon=":material/trending_up:", url_path="crime-trends"),
    "profile": st.Page(
        "pages/profile.py", title="District profile", icon=":material/location_city:", url_path="district-profile"
    ),
    "ocg": st.Page(
        "pages/ocg.py", title="Organised crime groups", icon=":material/hub:", url_path="organised-crime-groups"
    ),
    "accuracy": st.Page("pages/accuracy.py", title="Accuracy", icon=":material/target:", url_path="backtest-accuracy"),
    "national": st.Page(
        "pages/national.py", title="National picture", icon=":material/public:", url_path="national-picture"
    ),
    "delivery": st.Page(
        "pages/delivery.py", title="Delivery log", icon=":material/task_alt:", url_path="campaign-delivery"
    ),
    "impact": st.Page("pages/impact.py", title="Impact", icon=":material/insights:", url_path="campaign-impact"),
    "public": st.Page(
        "pages/public_summary.py", title="Public summary", icon=":material/summarize:", url_path="performance-summary"
    ),
    "accessibility": st.Page(
        "pages/accessibility.py",
        title="Accessibility",
        icon=":material/accessibility:",
        url_path="accessibility-statement",
    ),
    "data": st.Page("pages/data.py", title="Data", icon=":material/upload:", url_path="data-upload"),
    "users": st.Page("pages/users.py", title="Users", icon=":material/manage_accounts:", url_path="user-management"),
    "audit": st.Page("pages/audit.py", title="Audit log", icon=":material/history:", url_path="audit-log"),
}
#: Pages that show figures made from the stored incidents (they carry the incidents' synthetic
#: label when the rows are marked synthetic; the others show none of them).
INCIDENT_PAGES = {"home", "map", "communities", "comms", "trends", "profile", "accuracy", "delivery", "impact"}
#: Pages that show the shared filters, and those that also show the analysis choices.
FILTERED = {"map", "communities", "comms", "trends", "delivery"}
ANALYSED = {"map", "communities", "comms", "delivery"}

a11y.apply()  # page-wide CSS (contrast, target sizes, focus) and map iframe labels
signin.settings_problems()
if session.setup_problem() is not None:
    # Secure mode without a usable users file: one set-up message, no data page at all.
    st.navigation([st.Page(signin.setup_page, title="Set-up needed", icon=":material/lock:", url_path="set-up")]).run()
    st.stop()
user = session.current_user()
signin.sync_cookie()  # the browser's sign-in cookie follows this session: set, kept or cleared
if user is None:
    sign_in = signin.sso_page if get_settings().auth_mode == "oidc" else signin.sign_in_page
    st.navigation([st.Page(sign_in, title="Sign in", icon=":material/login:", url_path="sign-in")]).run()
    st.stop()
# Only the role's pages are registered: any other page is absent from the navigation, and
# its URL falls back to the home page.
allowed = policy.pages_for(user.role, demo=session.is_demo())
navigation = st.navigation([page for key, page in PAGES.items() if key in allowed], expanded=True)  # every page listed
st.session_state["pages"] = {key: page for key, page in PAGES.items() if key in allowed}
cache.numba_warm_up()
token = loading.ensure_data(cache.store())
# the incidents' synthetic label, read from the stored rows' marks, on every page and export
synthetic.remember(cache.incident_label(token))
if session.is_demo():
    loading.ensure_ocg_demo()
    loading.ensure_outcomes_demo()
    ocg_gate.demo_banner()  # worded from what is stored, so after the first-start loads
else:
    signin.account_panel(user)
st.session_state["store_token"] = cache.with_census(token)
current = next(k for k, page in PAGES.items() if page.url_path == navigation.url_path)
if current in INCIDENT_PAGES:
    synthetic.banner()
if current in FILTERED:
    st.session_state["filters"] = filters.sidebar_filters(cache.month_stats(token)["month"].tolist())
if current in ANALYSED:
    st.session_state["analysis"] = filters.sidebar_analysis(st.session_state["filters"].resolution)
navigation.run()
loading.freeze_startup_objects()  # after the first full page, once per process
