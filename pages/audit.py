"""Audit log (admin): sign-ins, uploads and exports, newest first."""

from __future__ import annotations

import streamlit as st

from geo import audit

st.title("Audit log")
log = audit.read()
actions = st.multiselect("Actions", list(audit.ACTIONS), placeholder="All actions")
shown = log[log["action"].isin(actions)] if actions else log
st.caption(f"{len(shown):,} of {len(log):,} events. The log is append-only.")
st.dataframe(shown, hide_index=True, width="stretch")
