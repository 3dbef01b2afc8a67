"""First-start loading of the bundled sample, with progress shown."""

from __future__ import annotations

import streamlit as st

from geo import ocg_store
from geo.errors import PrecisionError
from geo.ingest import ingest
from geo.settings import get_settings
from geo.store import Store


def ensure_data(store: Store) -> str:
    """Ingest the bundled sample if the store is empty; return the store's commit id.

    Stops the page with a clear message if the sample cannot be read.
    """
    manifest = store.manifest()
    if manifest["months"]:
        return str(manifest["commit"])
    settings = get_settings()
    bar = st.progress(0.0, text="First start: loading the bundled data.police.uk sample…")
    try:
        summary = ingest(
            settings.sample_paths,
            store,
            settings,
            progress=lambda f, text: bar.progress(min(max(f, 0.0), 1.0), text=text),
        )
    except PrecisionError as exc:
        bar.empty()
        st.error(f"The bundled sample could not be loaded: {exc}")
        st.stop()
    bar.empty()
    st.toast(f"Loaded {summary.stored:,} incidents for {', '.join(summary.months)}.")
    return store.token()


def ensure_ocg_demo() -> None:
    """Store the bundled synthetic OCG demo files when no OCG data is stored (labelled
    synthetic wherever shown)."""
    if ocg_store.has_ocg():
        return
    try:
        ocg_store.ensure_demo()
    except PrecisionError as exc:
        st.error(f"The synthetic OCG demo files could not be loaded: {exc}")
