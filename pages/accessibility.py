"""Accessibility statement (docs/accessibility.md), linked from every role's navigation."""

from __future__ import annotations

import streamlit as st

from core.settings import get_settings
from ui import a11y

st.markdown(a11y.statement(get_settings().accessibility_contact))
