"""Process start: first-start loading of the bundled sample, or in the demo mode with
``PRECISION_DEMO_DATA=history`` the making of the synthetic demonstration history (with
progress shown), the OCG demo files, and exempting long-lived objects from garbage-collector
scans."""

from __future__ import annotations

import gc
import threading

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from core.errors import PrecisionError
from core.files import locked
from core.settings import get_settings
from geo.ingest import ingest, ingest_files
from geo.police_uk import read_text_rows
from geo.store import Store
from models import demo_history
from records import delivery_log, ocg_store
from records import outcome_files as outcomes
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
    return store.token()


def ensure_demo_history(store: Store) -> str:
    """Make the synthetic demonstration history (:mod:`models.demo_history`, the demo's seed)
    from the bundled real months and store it, with its delivery records and outcome tables,
    in the demonstration store (``settings.data_store_dir``); return the store's commit id.

    Takes about 15 s, once; stops the page with a clear message if it cannot be made.
    """
    settings = get_settings()
    params = demo_history.DemoParams()
    bar = st.progress(0.0, text=f"First start: making {params.months} months of SYNTHETIC demonstration data…")
    try:
        # one session makes it; another starting at the same time waits, then finds it stored
        with locked(settings.data_store_dir / ".demo_history.lock"):
            if store.manifest()["forces"].get(settings.home_force):
                bar.empty()
                return store.token()
            made = _make_demo_history(store, params, bar)
    except (PrecisionError, ValueError) as exc:
        bar.empty()
        st.error(f"The synthetic demonstration history could not be made: {exc}")
        st.stop()
    bar.empty()
    st.toast(made)
    return store.token()


def _make_demo_history(store: Store, params: demo_history.DemoParams, bar: DeltaGenerator) -> str:
    """Generate and store the history, its delivery records and outcome tables; return what
    was made, in words."""
    settings = get_settings()
    pattern = demo_history.prepare_pattern(read_text_rows(settings.sample_paths))
    history = demo_history.generate(pattern, params)
    bar.progress(0.2, text="First start: storing the SYNTHETIC demonstration history…")
    ingest_files(
        demo_history.street_sources(history.incidents, history.truth.months),
        store,
        settings,
        progress=lambda f, text: bar.progress(0.2 + 0.8 * min(max(f, 0.0), 1.0), text=text),
        lsoas=cache.lsoas(),
    )
    delivery_log.seed_demo_log(history.deliveries)
    for kind in outcomes.KINDS:
        if not outcomes.load_outcomes().loaded(kind):
            content = demo_history.outcome_csv(getattr(history, kind), params.seed)
            outcomes.store_demo_file(kind, content, f"demo_history/{kind}.csv")
    months = history.truth.months
    return f"Made {len(history.incidents):,} SYNTHETIC incidents, {months[0]} to {months[-1]}."


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
