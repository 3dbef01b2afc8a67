"""The county analyses of a store: read its inputs, and compute and keep the defaults.

:func:`store_sources` gives ``models.analysis`` the stored incidents, LSOAs and harm weights;
:func:`precompute_store` runs ``models.analysis.precompute`` when data lands and keeps each
result with :mod:`records.analysis_results`, keyed by the store's commit; :func:`stored_analysis`
reads one back. ``python -m cli.ingest`` and ``python -m cli.analyse --precompute`` call them,
as does the app (first start, Data page, ``python -m ui.serve`` before it serves).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

import pandas as pd

from core.settings import Settings, get_settings
from geo import boundaries, lsoa_lookup
from geo.store import Store
from models import analysis, areas
from models.counts import Filters
from models.emerging import enough_months
from models.pipeline import HotspotAnalysis, HotspotParams
from records import analysis_results
from records import census as census_store
from records.reference import read_harm_weights

__all__ = [
    "precompute_store",
    "read_incidents",
    "settings_for",
    "store_sources",
    "stored_analysis",
    "stored_emerging",
]

_log = logging.getLogger(__name__)


def settings_for(store: Store, settings: Settings | None = None) -> Settings:
    """The settings with ``store_dir`` pointing at ``store`` (a command's ``--store``), so its
    results and signing secret are those of that store."""
    settings = settings or get_settings()
    if store.root.resolve() in {settings.store_dir.resolve(), settings.data_store_dir.resolve()}:
        return settings  # the store in force (the demonstration history's, in that demo)
    return dataclasses.replace(settings, store_dir=store.root)


def read_incidents(store: Store) -> pd.DataFrame:
    """Every stored incident of the home force, its LSOAs on the 2011 areas (rows of months
    published with 2021 LSOAs through the lookup, :func:`geo.lsoa_lookup.on_2011_areas`), as
    every page reads them."""
    return lsoa_lookup.on_2011_areas(store.read_incidents(), lsoa_lookup.read_generations())


def census2021_on_2011_areas(lsoas: pd.DataFrame, settings: Settings | None = None) -> pd.DataFrame | None:
    """The loaded census 2021 residents and households on the 2011 LSOAs
    (:func:`models.areas.census_on_2011_areas`), or None until both TS001 and TS041 are loaded."""
    loaded = loaded_census2021(settings)
    if loaded is None:
        return None
    return areas.census_on_2011_areas(loaded, lsoa_lookup.read_generations(settings).lookup, lsoas)


def census_part(months: tuple[str, ...], settings: Settings | None = None) -> str:
    """What of the census a period's kept result depends on: the loaded census 2021 tables'
    state for a period whose shares use census 2021, else nothing."""
    return census_store.token(settings) if areas.period_census_year(months) == 2021 else ""


def areas_2021(
    store: Store, lsoas: pd.DataFrame, census2021: pd.DataFrame | None, settings: Settings | None = None
) -> analysis.Areas2021:
    """What a period of ``store`` published on the 2021 LSOAs is analysed with: those LSOAs
    with census 2021 (``census2021``, the loaded tables with households, or None: census 2011
    put on them), the lookup and the stored months' generations."""
    settings = settings or get_settings()
    generations = lsoa_lookup.read_generations(settings)
    frame = areas.lsoas_2021_frame(generations.lsoas21, census2021, lsoas, generations.lookup, settings.crs_projected)
    return analysis.Areas2021(frame, generations.lookup, store.month_generations(), settings.lsoa2021_from_month)


def loaded_census2021(settings: Settings | None = None) -> pd.DataFrame | None:
    """The census 2021 tables by 2021 LSOA once both are loaded, else None."""
    loaded = census_store.read_stored_census(settings)
    if loaded is None or loaded["households"].isna().any() or loaded["persons"].isna().any():
        return None
    return loaded


def store_sources(
    store: Store, settings: Settings | None = None, incidents: pd.DataFrame | None = None
) -> analysis.FrameSources:
    """The analysis inputs of ``store``: :func:`read_incidents` (or ``incidents``, already
    read so), the LSOAs with census figures (and census 2021 on them once loaded), and the
    harm weights (read now, once)."""
    settings = settings or get_settings()
    lsoas = boundaries.read_lsoas(settings)
    return analysis.FrameSources(
        read_incidents(store) if incidents is None else incidents,
        lsoas,
        read_harm_weights(settings=settings),
        store.months(),
        census2021_on_2011_areas(lsoas, settings),
        areas_2021(store, lsoas, loaded_census2021(settings), settings),
    )


def stored_analysis(
    commit: str, filters: Filters, params: HotspotParams, settings: Settings | None = None
) -> HotspotAnalysis | None:
    """The analysis stored for the store commit ``commit`` and this request (and, for a
    period on census 2021, the census tables loaded: :func:`census_part`), or None."""
    found = analysis_results.load_result(commit, _request_key(filters, params, settings), settings)
    return found if isinstance(found, HotspotAnalysis) else None


def _request_key(filters: Filters, params: HotspotParams, settings: Settings | None) -> str:
    """The kept result's key: the rules' version (:data:`models.analysis.RULES`), the request
    and, for a period on census 2021, the census tables loaded."""
    census = census_part(filters.months, settings)
    parts: tuple[object, ...] = (f"rules {analysis.RULES}", filters, params) + ((census,) if census else ())
    return analysis_results.request_key(*parts)


def stored_emerging(commit: str, resolution: int, settings: Settings | None = None) -> pd.DataFrame | None:
    """The county's emerging hot-spot categories kept for the store commit ``commit`` (every
    crime type, not harm-weighted, at ``resolution``), or None."""
    found = analysis_results.load_result(
        commit, analysis_results.request_key("emerging", (), resolution, False), settings
    )
    return found if isinstance(found, pd.DataFrame) else None


def precompute_store(
    store: Store,
    settings: Settings | None = None,
    sources: analysis.FrameSources | None = None,
    log: Callable[[str], None] = _log.info,
) -> list[Filters]:
    """Compute and keep the default analyses (``models.analysis.default_requests``) of the
    store as it is now, and, with enough months, the county's emerging hot spots; those kept
    already are skipped. Returns the period requests computed.

    Parameters
    ----------
    store : Store
        The incident store (its commit id keys every result).
    settings : Settings, optional
        Default :func:`core.settings.get_settings`.
    sources : FrameSources, optional
        The inputs, if already read (default: :func:`store_sources`).
    log : callable
        Told one line per analysis computed.
    """
    settings = settings_for(store, settings)
    commit = store.token()
    if not commit or not store.months():
        return []

    def have(filters: Filters, params: HotspotParams) -> bool:
        return stored_analysis(commit, filters, params, settings) is not None

    def save(filters: Filters, params: HotspotParams, result: HotspotAnalysis) -> None:
        if analysis_results.save_result(commit, _request_key(filters, params, settings), result, settings):
            log(f"kept the county analysis of {', '.join(filters.months)} for commit {commit}")
        else:
            log("no signing secret: analyses are computed when first opened instead")

    sources = sources or store_sources(store, settings)
    done = analysis.precompute(sources, save, have)
    if enough_months(store.months())[0] and stored_emerging(commit, 9, settings) is None:
        categories = analysis.county_emerging(sources, (), 9, False)
        if analysis_results.save_result(
            commit, analysis_results.request_key("emerging", (), 9, False), categories, settings
        ):
            log(f"kept the county's emerging hot spots over {len(store.months())} months for commit {commit}")
    return done
