"""Small cached loaders around pure functions of ``geo`` and ``models``.

Every loader takes plain, hashable arguments (a store commit id, a Filters object), never a
big frame, so hashing stays cheap. Nothing here writes anything. The incident frames
(:func:`incidents`, :func:`filtered`) are shared by every session with ``st.cache_resource``
and must never be modified in place (tested); everything else is ``st.cache_data``.
"""

from __future__ import annotations

import dataclasses
import threading

import geopandas as gpd
import pandas as pd
import streamlit as st
from libpysal.weights import W

from geo import boundaries, hexes, ocg_store, reference
from geo.settings import get_settings
from geo.store import Store
from models import counts, evaluation, hotspots, pipeline, profile, targeting, trends
from models import emerging as emerging_mod
from models.counts import Filters
from models.pipeline import HotspotAnalysis, HotspotParams
from models.profile import DistrictProfile
from models.targeting import Plan, PlanConstraints
from ui import charts, exports, maps


@st.cache_resource
def store() -> Store:
    """Return the handle on the store folder of the settings (shared, stateless)."""
    return Store(get_settings().store_dir)


@st.cache_data(show_spinner=False)
def lsoas() -> gpd.GeoDataFrame:
    """LSOA polygons with census figures (EPSG:4326)."""
    return boundaries.read_lsoas()


@st.cache_data(show_spinner=False)
def districts() -> gpd.GeoDataFrame:
    """District polygons (EPSG:4326)."""
    return boundaries.lsoas_to_districts(lsoas())


@st.cache_data(show_spinner=False)
def grid(resolution: int) -> pd.DataFrame:
    """The full H3 grid of the five districts at a resolution."""
    return hexes.lsoas_to_grid(lsoas(), resolution)


@st.cache_resource(show_spinner="Reading incidents…", max_entries=2)
def incidents(token: str) -> pd.DataFrame:
    """Every stored incident, for the store commit ``token``.

    One frame shared by every session (``st.cache_resource``: no copy per call, where
    ``st.cache_data`` unpickles a fresh copy on every call of every run). Read-only: nothing
    modifies it in place (pandas copy-on-write keeps derived frames apart), which
    ``tests/app/test_shared_frames.py`` checks with a hash before and after the pages run.
    """
    del token  # the cache key: a new commit means new data
    return store().read_incidents()


@st.cache_data(show_spinner=False, max_entries=4)
def month_stats(token: str) -> pd.DataFrame:
    """Per-month ingest figures for the store commit ``token``."""
    del token
    return store().month_stats()


@st.cache_data(show_spinner=False, max_entries=4)
def force_stats(token: str) -> pd.DataFrame:
    """Per-force figures (every force stored) for the store commit ``token``."""
    del token
    return store().force_stats()


@st.cache_resource(show_spinner=False, max_entries=32)
def filtered(token: str, filters: Filters) -> pd.DataFrame:
    """Incidents passing the filters: shared and read-only, like :func:`incidents`."""
    return counts.filter_incidents(incidents(token), filters)


@st.cache_data(show_spinner=False, max_entries=32)
def cell_counts(token: str, filters: Filters) -> pd.DataFrame:
    """Non-empty cells and their counts under the filters (filtering only the columns the
    count needs: with 36 months, copying every column of the filtered rows took 0.4 s)."""
    needed = incidents(token)[["district", "month", "crime_type", filters.cell_column]]
    return counts.cell_counts(counts.filter_incidents(needed, filters), filters.resolution)


@st.cache_data(show_spinner=False, max_entries=16)
def hex_layer(token: str, filters: Filters, scheme: str) -> maps.HexLayer:
    """Hexagon cells, counts and classes under the filters (the map and its table)."""
    return maps.counts_to_hex_layer(cell_counts(token, filters), get_settings().map_classes, scheme)


@st.cache_data(show_spinner=False)
def district_outlines() -> dict:
    """Simplified district boundaries as GeoJSON."""
    return maps.district_outlines(districts())


@st.cache_data(show_spinner=False)
def harm_weights() -> dict[str, float]:
    """Crime type -> harm weight (data/harm_weights.csv)."""
    return reference.read_harm_weights()


@st.cache_data(show_spinner=False, max_entries=4)
def ring_weights(resolution: int, k: int = 1) -> W:
    """Gi* ring weights of the district grid (they depend only on the grid)."""
    return hotspots.ring_weights(grid(resolution)["cell"].to_numpy(), k)


@st.cache_data(show_spinner="Finding hot spots (Gi* with conditional permutations)…", max_entries=16)
def hotspot_analysis(token: str, filters: Filters, params: HotspotParams) -> HotspotAnalysis:
    """Gi* and communities for the filtered incidents."""
    return pipeline.analyse_hotspots(
        filtered(token, filters),
        grid(params.resolution),
        lsoas(),
        harm_weights(),
        params,
        ring_weights(params.resolution, params.k),
    )


@st.cache_data(show_spinner="Computing monthly Gi* for the trend…", max_entries=8)
def emerging(token: str, filters: Filters, harm_weighted: bool) -> pd.DataFrame:
    """Emerging hot-spot category of every cell over the filtered months."""
    frame = filtered(token, filters)
    months = sorted(frame["month"].astype(str).unique())
    cells = grid(filters.resolution)["cell"].to_numpy()
    bins, z = pipeline.monthly_gi(
        frame,
        cells,
        filters.resolution,
        months,
        ring_weights(filters.resolution),
        harm_weights() if harm_weighted else None,
    )
    return emerging_mod.emerging_hotspots(cells, bins, z)


@st.cache_data(show_spinner="Backtesting the rankings…", max_entries=8)
def backtest(token: str, resolution: int, train: tuple[str, ...], test: tuple[str, ...]) -> evaluation.Backtest:
    """Hit rate and PAI of every ranking method for a train/test split."""
    return evaluation.evaluate_methods(incidents(token), grid(resolution)["cell"].to_numpy(), resolution, train, test)


@st.cache_resource
def numba_warm_up() -> threading.Thread:
    """Start compiling esda's numba kernels in the background, once per process.

    The first Gi* of a process otherwise waits about 18 s for the compilation; started
    from app.py, it runs while the user reads the home page.
    """
    thread = threading.Thread(target=hotspots.warm_up, name="esda-numba-warm-up", daemon=True)
    thread.start()
    return thread


@st.cache_data(show_spinner=False)
def themes() -> pd.DataFrame:
    """The comms theme table (data/comms_themes.csv)."""
    return reference.read_themes()


@st.cache_data(show_spinner=False, max_entries=32)
def plan(
    token: str, filters: Filters, params: HotspotParams, constraints: PlanConstraints, selected: tuple[str, ...]
) -> Plan:
    """The communications plan for the chosen communities and constraints."""
    communities = hotspot_analysis(token, filters, params).communities
    return targeting.make_plan(communities, constraints, themes(), harm_weights(), selected)


@st.cache_data(show_spinner=False, max_entries=16)
def trend_series(token: str, filters: Filters) -> pd.DataFrame:
    """Monthly incidents and rates per 1,000 residents for each district under the filters."""
    frame = filtered(token, filters)
    months = store().months() if not filters.months else sorted(filters.months)
    counts = trends.monthly_counts(frame, months, ("district",))
    residents = dict(zip(districts()["district"], districts()["persons"]))
    counts["rate"] = trends.rate_per_1000(counts["count"], counts["district"].map(residents))
    return counts


@st.cache_data(show_spinner=False, max_entries=16)
def period_comparison(
    token: str, filters: Filters, earlier: tuple[str, ...], later: tuple[str, ...], level: str = "district"
) -> pd.DataFrame:
    """Change between two periods by district and crime type (or by LSOA)."""
    every_month = dataclasses.replace(filters, months=())
    frame = counts.filter_incidents(incidents(token), every_month)
    if level == "community":
        communities = hotspot_analysis(token, every_month, HotspotParams(resolution=filters.resolution)).communities
        owner = {cell: (row.community_id, row.name) for row in communities.itertuples() for cell in row.cells}
        found = frame[filters.cell_column].map(lambda c: owner.get(int(c)))
        frame = frame.loc[found.notna()].assign(
            community_id=[o[0] for o in found.dropna()], community=[o[1] for o in found.dropna()]
        )
        return trends.compare_groups(frame, earlier, later, ("community_id", "community"))
    by = ("district", "crime_type") if level == "district" else ("lsoa_code", "lsoa_name")
    return trends.compare_groups(frame, earlier, later, by)


@st.cache_data(show_spinner="Building the profile…", max_entries=8)
def district_profile(token: str, district: str) -> DistrictProfile:
    """The profile of one district over every loaded month (communities at resolution 9)."""
    frame = incidents(token)
    residents = districts().set_index("district")
    communities = hotspot_analysis(token, Filters(), HotspotParams()).communities
    return profile.district_profile(
        frame,
        district,
        store().months(),
        int(residents.loc[district, "persons"]),
        int(residents.loc[district, "households"]),
        communities,
    )


@st.cache_data(show_spinner=False, max_entries=2)
def ocg(ocg_token: str) -> ocg_store.OcgData | None:
    """The stored OCG data (None when none is stored), for the OCG state ``ocg_token``
    (:func:`geo.ocg_store.token`, which every OCG write changes; OCG files are not part of
    the incident store's commits). Pages get it through ``ui.auth.visible_ocg`` only."""
    del ocg_token  # the cache key
    return ocg_store.load_ocg()


#: The comms plan's exports: (button label, file name, media type).
COMMS_EXPORTS = (
    ("Drop zones (CSV)", "precision_drop_zones.csv", "text/csv"),
    ("Sessions (CSV)", "precision_facebook_live.csv", "text/csv"),
    ("Drop zones (GeoJSON)", "precision_drop_zones.geojson", "application/geo+json"),
    ("Sessions (Outlook .ics)", "precision_facebook_live.ics", "text/calendar"),
    ("Brief (PDF)", "precision_comms_brief.pdf", "application/pdf"),
)


@st.cache_data(show_spinner="Preparing the exports…", max_entries=8)
def comms_exports(
    token: str,
    filters: Filters,
    params: HotspotParams,
    constraints: PlanConstraints,
    selected: tuple[str, ...],
    contact: str,
) -> list[tuple[str, bytes, str, str]]:
    """The plan's five export files, built once per plan (the PDF draws a map per community)."""
    the_plan = plan(token, filters, params, constraints, selected)
    communities = hotspot_analysis(token, filters, params).communities
    contents = [
        exports.drops_csv(the_plan),
        exports.sessions_csv(the_plan),
        exports.drop_zones_geojson(the_plan, communities, lsoas()),
        exports.sessions_ics(the_plan, themes()),
        exports.brief_pdf(the_plan, communities, lsoas(), themes(), contact),
    ]
    return [(label, content, name, mime) for (label, name, mime), content in zip(COMMS_EXPORTS, contents)]


@st.cache_data(show_spinner=False, max_entries=8)
def trend_png(token: str, filters: Filters, value: str) -> bytes:
    """The Trends chart as PNG (rendered offline, once per filter and measure)."""
    return charts.chart_png(charts.monthly_lines(trend_series(token, filters), value, charts.TREND_TITLES[value]))


@st.cache_data(show_spinner=False, max_entries=8)
def profile_pdf(token: str, district: str, ocg_counts: pd.DataFrame | None, ocg_note: str) -> bytes:
    """A district profile as PDF, with the OCG counts and note the page shows (keyed by them)."""
    return exports.profile_pdf(district_profile(token, district), ocg_counts, ocg_note)
