"""The demonstration history's first start: make it and store it, once, wherever it is asked.

The app's first start (``ui.loading.ensure_data``) and the launcher (``python -m ui.serve``,
before the server listens) both call :func:`ensure_demo_history`, so a demo started with
``make run`` has the history made, stored and its analyses kept before anyone opens a page.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd

from core.files import locked
from core.settings import Settings, get_settings
from geo.ingest import ingest_files
from geo.police_uk import read_text_rows
from geo.store import Store
from models import demo_history
from records import delivery_log
from records import outcome_files as outcomes

__all__ = ["ensure_demo_history"]


def ensure_demo_history(
    store: Store,
    settings: Settings | None = None,
    progress: Callable[[float, str], None] = lambda fraction, text: None,
    lsoas: gpd.GeoDataFrame | None = None,
) -> str:
    """Make the synthetic demonstration history (:mod:`models.demo_history`, the demo's seed)
    from the bundled real months and store it, with its delivery records and outcome tables,
    in ``store`` (``settings.data_store_dir``), unless it is stored already; return what was
    made, in words ("" when it was there).

    One process makes it: another starting at the same time waits on the lock, then finds
    it stored. About 15 s on two cores.

    Parameters
    ----------
    progress : callable
        Told (fraction done, what is happening) as it goes.
    lsoas : geopandas.GeoDataFrame, optional
        The LSOAs, if already read.

    Raises
    ------
    PrecisionError, ValueError
        It could not be made; nothing of it is stored.
    """
    settings = settings or get_settings()
    with locked(settings.data_store_dir / ".demo_history.lock"):
        if store.manifest()["forces"].get(settings.home_force):
            return ""
        params = demo_history.DemoParams()
        progress(0.0, f"First start: making {params.months} months of SYNTHETIC demonstration data…")
        pattern = demo_history.prepare_pattern(read_text_rows(settings.sample_paths))
        history = demo_history.generate(pattern, params)
        progress(0.2, "First start: storing the SYNTHETIC demonstration history…")
        ingest_files(
            demo_history.street_sources(history.incidents, history.truth.months),
            store,
            settings,
            progress=lambda f, text: progress(0.2 + 0.8 * min(max(f, 0.0), 1.0), text),
            lsoas=lsoas,
        )
        delivery_log.seed_demo_log(history.deliveries)
        for kind in outcomes.KINDS:
            if not outcomes.load_outcomes().loaded(kind):
                content = demo_history.outcome_csv(getattr(history, kind), params.seed)
                outcomes.store_demo_file(kind, content, f"demo_history/{kind}.csv")
    months = history.truth.months
    return f"Made {len(history.incidents):,} SYNTHETIC incidents, {months[0]} to {months[-1]}."
