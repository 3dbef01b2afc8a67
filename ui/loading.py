"""Process start: first-start loading of the bundled sample, or in the demo mode with
``PRECISION_DEMO_DATA=history`` the making of the synthetic demonstration history (with
progress shown), the OCG demo files, and exempting long-lived objects from garbage-collector
scans."""

from __future__ import annotations

import gc
import threading

import streamlit as st

from core.errors import PrecisionError
from core.settings import get_settings
from geo.ingest import ingest
from geo.store import Store
from records import ocg_store
from records import outcome_files as outcomes
from services import analyses, demo
from ui import cache


def ensure_data(store: Store) -> str:
    """Ingest the bundled sample if no month of the home force is stored; return the
    store's commit id.

    Stops the page with a clear message if the sample cannot be read.
    """
    manifest = store.manifest()
    if manifest["forces"].get(get_settings().home_force):
        return str(manifest["commit"])
    settings = get_settings()
    if settings.demo_history:
        return ensure_demo_history(store)
    bar = st.progress(0.0, text="First start: loading the bundled data.police.uk sample…")
    try:
        summary = ingest(
            settings.sample_paths,
            store,
            settings,
            progress=lambda f, text: bar.progress(min(max(f, 0.0), 1.0), text=text),
            lsoas=cache.lsoas(),  # read once: the pages use the same cached frame
        )
    except PrecisionError as exc:
        bar.empty()
        st.error(f"The bundled sample could not be loaded: {exc}")
        st.stop()
    bar.empty()
    st.toast(f"Loaded {summary.stored:,} incidents for {', '.join(summary.months)}.")
    prepare_analyses(store)
    return store.token()


def prepare_analyses(store: Store) -> None:
    """Compute and keep the default analyses of the store as it is now (after data lands),
    with a spinner: the next user of any process reads them (:func:`services.analyses.
    precompute_store`)."""
    with st.spinner("Preparing the default hot-spot analyses (latest 1, 3 and 12 months)…"):
        analyses.precompute_store(store)


def ensure_demo_history(store: Store) -> str:
    """Make and store the synthetic demonstration history with a progress bar
    (:func:`services.demo.ensure_demo_history`), then keep its default analyses; return the
    store's commit id. Stops the page with a clear message if it cannot be made."""
    bar = st.progress(0.0, text="First start: making the SYNTHETIC demonstration history…")
    try:
        made = demo.ensure_demo_history(
            store, progress=lambda f, text: bar.progress(min(max(f, 0.0), 1.0), text=text), lsoas=cache.lsoas()
        )
    except (PrecisionError, ValueError) as exc:
        bar.empty()
        st.error(f"The synthetic demonstration history could not be made: {exc}")
        st.stop()
    bar.empty()
    if made:
        st.toast(made)
        prepare_analyses(store)
    return store.token()


def ensure_ocg_demo() -> None:
    """Store the bundled synthetic OCG demo files when no OCG data is stored (demo mode
    only; each row is labelled synthetic from the files' marker line)."""
    if ocg_store.has_ocg():
        return
    try:
        ocg_store.ensure_demo()
    except PrecisionError as exc:
        st.error(f"The synthetic OCG demo files could not be loaded: {exc}")


def ensure_outcomes_demo() -> None:
    """Store the bundled synthetic Crimestoppers and survey files for each kind not stored
    yet (demo mode only; labelled synthetic from the files' marker line)."""
    if outcomes.token():
        return
    try:
        outcomes.ensure_demo()
    except PrecisionError as exc:
        st.error(f"The synthetic outcome demo files could not be loaded: {exc}")


_freeze_lock = threading.Lock()
_frozen = False


def freeze_startup_objects() -> bool:
    """Once per process, after a first full page: exempt every object alive now from the
    cyclic garbage collector's scans (``gc.freeze``); return True the time it happens.

    Modules, Streamlit itself and the data loaded so far live as long as the process. A
    cached map layer is copied out of ``st.cache_data`` on every rerun (about 100,000
    objects), which sets off a full collection that scanned all of them: about 0.2 s of
    a rerun, now and then (bench.map). Frozen objects are skipped by those scans; objects
    made later are collected as usual.
    """
    global _frozen
    with _freeze_lock:
        if _frozen:
            return False
        _frozen = True
    gc.freeze()
    return True
