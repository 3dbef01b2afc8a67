"""The one way to offer a file: a download button that writes an audit record when clicked."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from geo import audit
from ui import auth


def _record(kind: str, file_name: str, context: Mapping[str, object]) -> None:
    user = auth.current_user()
    audit.record(kind, user.username if user else "unknown", file_name, dict(context))


def download(
    label: str,
    data: bytes,
    file_name: str,
    mime: str,
    kind: str,
    context: Mapping[str, object] | None = None,
    key: str | None = None,
) -> None:
    """Draw a download button; a click is audited as ``kind`` with the file name and context."""
    st.download_button(
        label,
        data,
        file_name,
        mime,
        key=key or f"download:{file_name}",
        on_click=_record,
        args=(kind, file_name, dict(context or {})),
    )
