"""Start the app with nothing left for its first user to wait for.

    python -m ui.serve [STREAMLIT OPTIONS ...]       (``make run`` and ``make serve`` use it)

Before the server accepts anyone, in this process:

1. esda's numba kernels are compiled (kept on disk where numba can: a restart loads most of
   them, :func:`models.hotspots.cache_kernels_on_disk`);
2. on a first start with no month of the home force stored, the bundled sample is ingested,
   or in the demo with ``PRECISION_DEMO_DATA=history`` the SYNTHETIC demonstration history
   is made and stored (as the app's own first start does, ``ui.loading.ensure_data``);
3. the store's incidents are read into the frame every session shares
   (:func:`ui.cache.commit_incidents`, a process-wide ``st.cache_resource``), so the first
   page after a restart does not read them;
4. the default county analyses of the store are computed from that frame and kept if they
   are not yet (:func:`services.analyses.precompute_store`).

Then Streamlit serves ``app.py`` in the same process (``streamlit run`` with the options
given), so the compiled kernels stay in memory for every session. Each step prints one line
with its time. A step that fails is reported and the server starts anyway: the app then does
the work when first asked, as before.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Sequence

import pandas as pd

from core.errors import PrecisionError
from core.settings import REPO_DIR, get_settings
from geo.ingest import ingest
from geo.store import Store
from models import hotspots
from services import analyses, demo

#: Streamlit's loggers that warn when a cached loader is used before the server runs.
_BARE_MODE_LOGGERS = ("caching.cache_data_api", "scriptrunner_utils.script_run_context")


def _step(text: str, work: Callable[[], object]) -> None:
    start = time.perf_counter()
    try:
        outcome = work()
    except (PrecisionError, OSError, ValueError) as exc:
        print(f"precision: {text}: failed ({exc}); the app will do it when first asked", flush=True)
        return
    extra = f" ({outcome})" if outcome not in (None, "") else ""
    print(f"precision: {text}: {time.perf_counter() - start:.1f} s{extra}", flush=True)


def prepare() -> None:
    """Steps 1-4 above, for the settings in force (``PRECISION_STORE`` and friends)."""
    settings = get_settings()
    store = Store(settings.data_store_dir)

    def first_start() -> str:
        if store.manifest()["forces"].get(settings.home_force):
            return "months stored already"
        if settings.demo_history:  # the demo's SYNTHETIC demonstration history, made once
            return demo.ensure_demo_history(store, settings) or "made by another process"
        summary = ingest(settings.sample_paths, store, settings)
        return f"first start: {summary.stored:,} incidents of {', '.join(summary.months)}"

    shared: dict[str, pd.DataFrame] = {}

    def shared_frame() -> str:
        # Streamlit warns once per cached loader that no server runs yet: true, and expected here
        import streamlit  # noqa: F401 - its loggers exist (and have their levels) once imported

        quiet = [logging.getLogger(f"streamlit.runtime.{name}") for name in _BARE_MODE_LOGGERS]
        levels = [logger.level for logger in quiet]
        for logger in quiet:
            logger.setLevel(logging.ERROR)
        try:
            from ui import cache  # Streamlit's process-wide resource cache, the one sessions read

            shared["incidents"] = cache.incidents(store.token())
        finally:
            for logger, level in zip(quiet, levels, strict=True):
                logger.setLevel(level)
        return f"{len(shared['incidents']):,} incidents"

    def kept() -> str:
        sources = analyses.store_sources(store, settings, shared.get("incidents"))  # the frame read once
        done = analyses.precompute_store(store, settings, sources)
        return f"{len(done)} computed now" if done else "kept already"

    _step("compiling the Gi* kernels", hotspots.warm_up)
    _step("the first start's data", first_start)
    _step("the shared incident frame", shared_frame)
    _step("the default analyses", kept)


def main(argv: Sequence[str] | None = None) -> int:
    """Prepare, then run ``streamlit run app.py`` with ``argv`` in this process."""
    prepare()
    from streamlit.web import cli as streamlit_cli

    sys.argv = ["streamlit", "run", str(REPO_DIR / "app.py"), *(sys.argv[1:] if argv is None else argv)]
    return int(streamlit_cli.main() or 0)


if __name__ == "__main__":
    raise SystemExit(main())
