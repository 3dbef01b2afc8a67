"""Small cached loaders around pure functions of ``geo`` and ``models``.

Every loader takes plain, hashable arguments (a store commit id, a Filters object), never a
big frame, so hashing stays cheap (a frame passed as an ``_underscored`` argument is not
hashed: a token argument keys it). Nothing here writes anything. The incident frames
(:func:`incidents`, :func:`filtered`) and the OCG tables (:func:`ocg`) are shared by every
session with ``st.cache_resource`` and must never be modified in place (tested); everything
else is ``st.cache_data``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st
from libpysal.weights import W

from core.errors import StoreError
from core.settings import get_settings
from geo import boundaries, hexes, lsoa_lookup
from geo import update as update_mod
from geo.national_store import NationalStore
from geo.store import Store
from models import (
    analysis,
    areas,
    counts,
    crossborder,
    demo_history,
    evaluation,
    hotspots,
    impact,
    profile,
    targeting,
    trends,
)
from models import delivery as delivery_model
from models import meeting_pack as meeting_pack_mod
from models import national as national_model
from models import ocg as ocg_model
from models.counts import CellProfile, Filters
from models.pipeline import HotspotAnalysis, HotspotParams
from models.profile import DistrictProfile
from models.targeting import Plan, PlanConstraints
from records import census as census_store
from records import delivery_log, force_populations, ocg_store, reference
from records import national_table as national
from records import outcome_files as outcomes_store
from security import audit
from services import analyses
from ui import briefs, charts, download, exports, maps, synthetic
from ui.filters import describe


@st.cache_resource
def store() -> Store:
    """Return the handle on the store folder of the settings (shared, stateless)."""
    return Store(get_settings().data_store_dir)


@st.cache_data(show_spinner=False, max_entries=4)
def incident_label(token: str) -> str:
    """The synthetic label of the stored incidents (:func:`ui.synthetic.words`): "" when no row
    carries the synthetic mark in its ``Context``, for the store commit ``token``."""
    frame = incidents(token)
    return synthetic.words(int(demo_history.is_synthetic_context(frame["context"]).sum()), len(frame))


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


def store_commit(token: str) -> str:
    """The store's commit id inside a pages' data token (:func:`with_census`)."""
    return token.split("|", 1)[0]


def census_of(token: str) -> str:
    """The census 2021 tables' state inside a pages' token (:func:`with_census`); the state
    now for a bare commit id."""
    return token.split("|", 1)[1] if "|" in token else census_store.token()


def with_census(store_token: str) -> str:
    """The pages' data token: the store's commit id and the loaded census 2021 tables, so
    that loading a census table refreshes every figure that uses residents."""
    return f"{store_token}|{census_store.token()}"


@st.cache_data(show_spinner=False, max_entries=2)
def census2021_lsoas(census_token: str) -> pd.DataFrame | None:
    """Census 2021 residents and households on the 2011 LSOAs, or None until both tables are
    loaded (:func:`services.analyses.census2021_on_2011_areas`); ``census_token`` keys the cache."""
    del census_token
    return analyses.census2021_on_2011_areas(lsoas())


def shares_census_year(token: str, months: Sequence[str]) -> int:
    """The census of a period's community residents and households (flyer counts) for the
    pages' token: 2021 when the period's latest month is from March 2021 and both census 2021
    tables are loaded, else 2011 (as :meth:`CachedSources.period_areas` chooses)."""
    if areas.period_census_year(months) == 2021 and census2021_lsoas(census_of(token)) is not None:
        return 2021
    return 2011


@st.cache_data(show_spinner=False, max_entries=2)
def census2021(census_token: str) -> pd.DataFrame | None:
    """The loaded census 2021 figures by 2021 LSOA (:func:`records.census.read_stored_census`),
    or None until TS001 is loaded; ``census_token`` keys the cache."""
    del census_token
    return census_store.read_stored_census()


def district_census(months: list[str], column: str = "persons") -> dict[str, tuple[int, dict[str, int]]]:
    """Month -> (census year, district -> residents or households) from the census nearest
    each month (:func:`models.areas.district_residents`)."""
    base = {str(d): int(n) for d, n in zip(districts()["district"], districts()[column])}
    loaded = census2021(census_store.token())
    newer = census_store.district_totals(loaded, column) if loaded is not None else None
    return {m: (year, dict(values)) for m, (year, values) in areas.district_residents(months, base, newer).items()}


@st.cache_resource(show_spinner=False)
def generations() -> lsoa_lookup.Generations:
    """Both generations of LSOAs and the lookup in force (shared, read-only)."""
    return lsoa_lookup.read_generations()


@st.cache_data(show_spinner=False, max_entries=4)
def month_generations(token: str) -> dict[str, str]:
    """Each stored month's LSOA generation, for the store commit ``token``."""
    del token
    return store().month_generations()


def on_2021_areas(token: str, months: Sequence[str]) -> bool:
    """Whether a period is analysed on the 2021 LSOAs (:func:`models.areas.period_on_2021_areas`)
    for the pages' token; the 2021 areas are built only for such a period."""
    return areas.period_on_2021_areas(month_generations(token), months, get_settings().lsoa2021_from_month)


def incidents(token: str) -> pd.DataFrame:
    """Every stored incident for the store commit of ``token`` (a pages' token or the commit
    id itself: one frame either way, :func:`commit_incidents`)."""
    return commit_incidents(store_commit(token))


@st.cache_resource(show_spinner="Reading incidents…", max_entries=2)
def commit_incidents(commit: str) -> pd.DataFrame:
    """Every stored incident, for the store commit ``commit``, with LSOAs on the 2011 areas
    (:func:`geo.lsoa_lookup.on_2011_areas`: months published with 2021 codes are put on
    them through the lookup, so series crossing the change count each area one way).

    One frame shared by every session (``st.cache_resource``: no copy per call, where
    ``st.cache_data`` unpickles a fresh copy on every call of every run). Read-only: nothing
    modifies it in place (pandas copy-on-write keeps derived frames apart), which
    ``tests/app/test_shared_frames.py`` checks with a hash before and after the pages run.
    """
    del commit  # the cache key: a new commit means new data
    return analyses.read_incidents(store())


@st.cache_data(show_spinner="Checking the audit log's chain…", max_entries=4)
def audit_chain(stamp: tuple[str, ...]) -> audit.ChainCheck:
    """The audit log's chain check (:func:`security.audit.verify`), redone only when the log
    or its head changes (``stamp``: :func:`security.audit.log_stamp`)."""
    return audit.verify(Path(stamp[0]))


@st.cache_data(show_spinner=False, max_entries=4)
def freshness(token: str, state_stamp: int) -> update_mod.Freshness:
    """How current the store is (newest month, gaps, newer months at the last check), for
    the store commit ``token`` and the update state written at ``state_stamp``."""
    del token, state_stamp
    try:
        state = update_mod.read_state(get_settings())
    except StoreError:  # an unreadable state file: the months stored are still known
        state = {}
    return update_mod.freshness(store().months(), state)


@st.cache_data(show_spinner=False, max_entries=4)
def month_stats(token: str) -> pd.DataFrame:
    """Per-month ingest figures for the store commit ``token``."""
    del token
    return store().month_stats()


@st.cache_data(show_spinner=False, max_entries=4)
def stored_breakdown(token: str) -> counts.StoredBreakdown:
    """Where the stored incidents are (districts, without coordinates, outside)."""
    return counts.stored_breakdown(incidents(token), sorted(get_settings().districts.values()))


@st.cache_data(show_spinner=False, max_entries=4)
def force_stats(token: str) -> pd.DataFrame:
    """Per-force figures (every force stored) for the store commit ``token``."""
    del token
    return store().force_stats()


@st.cache_resource(show_spinner=False, max_entries=32)
def filtered(token: str, filters: Filters) -> pd.DataFrame:
    """Incidents passing the filters: shared and read-only, like :func:`incidents`."""
    return counts.filter_incidents(incidents(token), filters)


def period_filtered(token: str, filters: Filters) -> pd.DataFrame:
    """:func:`filtered` with the LSOA codes and names of the areas the period is analysed on
    (:func:`models.analysis.period_incidents`): the shared frame itself for a period on 2011
    areas, a copy with 2021 codes for a period published on the 2021 LSOAs."""
    if not on_2021_areas(token, filters.months):
        return filtered(token, filters)
    return _filtered_on_2021(token, filters)


@st.cache_data(show_spinner=False, max_entries=64)
def hexagon_profile(token: str, filters: Filters, cell: int) -> CellProfile:
    """What the period's incidents in one H3 cell are (:func:`models.counts.cell_profile` of
    :func:`period_filtered`: LSOAs in the period's areas); read only for a clicked hexagon."""
    return counts.cell_profile(period_filtered(token, filters), cell, filters.resolution)


@st.cache_data(show_spinner=False, max_entries=4)
def _filtered_on_2021(token: str, filters: Filters) -> pd.DataFrame:
    period = CachedSources(token).period_areas(filters.months, filters.resolution)
    return analysis.period_incidents(filtered(token, filters), period, filters.resolution)


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


@st.cache_data(show_spinner=False, max_entries=2)
def areas2021(token: str) -> analysis.Areas2021:
    """What a period published on the 2021 LSOAs is analysed with, for the pages' token (the
    store commit's month generations and the census loaded; :func:`services.analyses.areas_2021`)."""
    del token
    return analyses.areas_2021(store(), lsoas(), analyses.loaded_census2021())


@st.cache_data(show_spinner=False, max_entries=4)
def grid2021(token: str, resolution: int) -> pd.DataFrame:
    """The grid with its cells' 2021 LSOAs (:meth:`models.analysis.Areas2021.grid`)."""
    return areas2021(token).grid(grid(resolution), resolution)


@dataclasses.dataclass(frozen=True)
class CachedSources:
    """The analysis inputs (:class:`models.analysis.Sources`) of the store commit ``token``,
    each served by this module's cached loaders."""

    token: str

    def filtered(self, filters: Filters) -> pd.DataFrame:
        return filtered(self.token, filters)

    def grid(self, resolution: int) -> pd.DataFrame:
        return grid(resolution)

    def lsoas(self) -> gpd.GeoDataFrame:
        return lsoas()

    def period_areas(self, months: Sequence[str], resolution: int) -> analysis.PeriodAreas:
        if on_2021_areas(self.token, months):
            return analysis.PeriodAreas("2021", grid2021(self.token, resolution), areas2021(self.token).lsoas)
        census = census2021_lsoas(census_of(self.token))
        return analysis.PeriodAreas("2011", grid(resolution), analysis.lsoas_with_census(lsoas(), months, census))

    def harm_weights(self) -> dict[str, float]:
        return harm_weights()

    def ring_weights(self, resolution: int, k: int) -> W:
        return ring_weights(resolution, k)

    def stored_months(self) -> list[str]:
        return store().months()


@st.cache_data(show_spinner="Finding hot spots (Gi* with conditional permutations)…", max_entries=16)
def county_analysis(token: str, filters: Filters, params: HotspotParams) -> HotspotAnalysis:
    """:func:`models.analysis.county_analysis` of the store commit ``token``: the one kept
    when the data landed (:func:`services.analyses.stored_analysis`), else computed now."""
    kept = analyses.stored_analysis(store_commit(token), filters, params)
    if kept is not None:
        return kept
    return analysis.county_analysis(CachedSources(token), filters, params)


def hotspot_analysis(token: str, filters: Filters, params: HotspotParams) -> HotspotAnalysis:
    """Gi* and communities under the filters: the county-wide analysis of the filters' months
    and crime types, seen in the filters' districts (:func:`models.analysis.district_analysis`),
    so every page names a community the same way."""
    county = county_analysis(token, dataclasses.replace(filters, districts=()), params)
    return analysis.district_analysis(county, CachedSources(token), filters.districts, params.resolution)


@st.cache_data(show_spinner=False, max_entries=16)
def gi_star_layer(token: str, filters: Filters, params: HotspotParams) -> maps.HexLayer:
    """The Gi* bins of :func:`hotspot_analysis` as a map layer, made once with what the
    browser receives (both map pages draw it)."""
    r = hotspot_analysis(token, filters, params).result
    return maps.bins_to_hex_layer(r.cells, r.bins, r.z, hotspots.BIN_LABELS)


@st.cache_data(show_spinner="Computing monthly Gi* for the trend…", max_entries=8)
def county_emerging(token: str, crime_types: tuple[str, ...], resolution: int, harm_weighted: bool) -> pd.DataFrame:
    """:func:`models.analysis.county_emerging` of the store commit ``token``: the one kept when
    the data landed (every crime type, unweighted), else computed now."""
    if not crime_types and not harm_weighted:
        kept = analyses.stored_emerging(store_commit(token), resolution)
        if kept is not None:
            return kept
    return analysis.county_emerging(CachedSources(token), crime_types, resolution, harm_weighted)


@st.cache_data(show_spinner=False, max_entries=8)
def emerging(token: str, filters: Filters, harm_weighted: bool) -> pd.DataFrame:
    """Emerging hot-spot category of every cell of the filters' districts, from monthly Gi*
    against the whole county over every loaded month (a trend needs the long series, whatever
    the period chosen) for the filters' crime types."""
    categories = county_emerging(token, filters.crime_types, filters.resolution, harm_weighted)
    if not filters.districts:
        return categories
    district_of = grid(filters.resolution).set_index("cell")["district"].astype(str)
    return categories[district_of.reindex(categories["cell"]).isin(filters.districts).to_numpy()].reset_index(drop=True)


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
    """Monthly incidents and rates per 1,000 residents for each district under the filters'
    districts and crime types, over every loaded month on a calendar
    (:func:`models.trends.calendar_series`: months not loaded are gaps, not zeros)."""
    every_month = dataclasses.replace(filters, months=())
    frame = filtered(token, every_month)
    loaded = store().months()
    counts = trends.monthly_counts(frame, loaded, ("district",))
    census = district_census(loaded)  # the census nearest each month
    residents = [census[m][1][d] for m, d in zip(counts["month"], counts["district"])]
    counts["rate"] = trends.rate_per_1000(counts["count"], np.asarray(residents, dtype=float))
    return trends.calendar_series(counts, loaded)


@st.cache_data(show_spinner=False, max_entries=32)
def period_movers(
    token: str, filters: Filters, earlier: tuple[str, ...], later: tuple[str, ...], level: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The areas rising and falling most between two periods at ``level`` ("lsoa" or
    "community"): :func:`models.trends.movers` of :func:`period_comparison`."""
    return trends.movers(period_comparison(token, filters, earlier, later, level, tests=False))


@st.cache_data(show_spinner=False, max_entries=16)
def change_sentences(
    token: str, filters: Filters, earlier: tuple[str, ...], later: tuple[str, ...], top: int = 5
) -> list[str]:
    """The ``top`` rows of :func:`period_comparison` in words (:func:`models.trends.describe_change`)."""
    table = period_comparison(token, filters, earlier, later)
    return [
        trends.describe_change(
            row.crime_type, row.district, trends.compare_counts(row.before, row.after, len(earlier), len(later))
        )
        for row in table.head(top).itertuples()
    ]


@st.cache_data(show_spinner=False, max_entries=64)
def community_ocg_rows(
    ocg_token: str, _data: ocg_store.OcgData, cells: tuple[int, ...], resolution: int
) -> pd.DataFrame:
    """OCGs active inside a community's cells (:func:`models.ocg.ocgs_in_cells`).

    ``_data`` is what :func:`ui.ocg_gate.visible_ocg` handed the caller (never loaded here, so
    this loader is no way around the gate), and ``ocg_token`` the OCG state it was loaded
    for (``OcgView.token``), which keys the cache in its place."""
    del ocg_token  # the cache key of _data
    return ocg_model.ocgs_in_cells(_data.activity, _data.register, list(cells), resolution)


@st.cache_data(show_spinner=False, max_entries=16)
def trend_chart(token: str, filters: Filters, value: str) -> tuple[dict, str]:
    """The Trends chart of ``value`` ("count" or "rate") as a Vega-Lite spec, and its text
    alternative (:func:`ui.charts.monthly_summary` of the loaded months drawn)."""
    series = trend_series(token, filters)
    title = synthetic.title(charts.TREND_TITLES[value])
    description = charts.monthly_summary(series[series["loaded"]], value, title)
    return charts.to_spec(charts.monthly_lines(series, value, title), description), description


@st.cache_data(show_spinner=False, max_entries=4)
def district_chart(token: str) -> tuple[dict, str]:
    """Home's bars of incidents per district (:func:`stored_breakdown`) as a Vega-Lite spec,
    and its text alternative."""
    frame = stored_breakdown(token).by_district.rename(columns={"district": "District", "incidents": "Incidents"})
    description = charts.counts_summary(frame, "District", "Incidents", "Incidents per district, every loaded month")
    return charts.to_spec(
        charts.bars(frame[["District", "Incidents"]], "District", "Incidents"), description
    ), description


@st.cache_data(show_spinner=False, max_entries=16)
def period_comparison(
    token: str,
    filters: Filters,
    earlier: tuple[str, ...],
    later: tuple[str, ...],
    level: str = "district",
    tests: bool = True,
) -> pd.DataFrame:
    """Change between two periods by district and crime type, by LSOA, or by community (the
    communities found in the later period, with the ids every page gives them, counted on
    the same cells in both periods)."""
    every_month = dataclasses.replace(filters, months=())
    frame = counts.filter_incidents(incidents(token), every_month)
    if level == "community":
        later_period = dataclasses.replace(filters, months=tuple(later))
        communities = hotspot_analysis(token, later_period, HotspotParams(resolution=filters.resolution)).communities
        owners = communities[["community_id", "name", "cells"]].explode("cells")
        owner_id = pd.Series(owners["community_id"].to_numpy(), index=owners["cells"].astype("int64").to_numpy())
        owner_name = pd.Series(owners["name"].to_numpy(), index=owner_id.index)
        cells = frame[filters.cell_column].astype("int64")
        found = cells.isin(owner_id.index)
        frame = frame.loc[found].assign(
            community_id=cells[found].map(owner_id).to_numpy(), community=cells[found].map(owner_name).to_numpy()
        )
        return trends.compare_groups(frame, earlier, later, ("community_id", "community"), tests)
    by = ("district", "crime_type") if level == "district" else ("lsoa_code", "lsoa_name")
    return trends.compare_groups(frame, earlier, later, by, tests)


@st.cache_data(show_spinner="Building the profile…", max_entries=8)
def district_profile(token: str, district: str, months: tuple[str, ...]) -> DistrictProfile:
    """The profile of one district over a period (communities at resolution 9, found against
    the whole county as on every page)."""
    frame = incidents(token)
    latest = max(months) if months else "2011-03"  # an empty period: census 2011
    year, persons = district_census([latest], "persons")[latest]
    homes_year, homes = district_census([latest], "households")[latest]
    if homes_year != year:  # TS001 loaded without TS041: one census for both figures
        year, persons = district_census(["2011-03"], "persons")["2011-03"]
        homes = district_census(["2011-03"], "households")["2011-03"][1]
    communities = hotspot_analysis(token, Filters(months=months), HotspotParams()).communities
    built = profile.district_profile(
        frame,
        district,
        months,
        int(persons[district]),
        int(homes[district]),
        communities,
        loaded=store().months(),
    )
    return dataclasses.replace(
        built, census_year=year, community_areas="2021" if on_2021_areas(token, months) else "2011"
    )


@st.cache_data(show_spinner="Preparing the meeting pack…", max_entries=8)
def meeting_pack(token: str, district: str, months: tuple[str, ...]) -> meeting_pack_mod.MeetingPack:
    """A district's meeting pack for a period, without OCG data (added by the page through
    ``ui.ocg_gate.visible_ocg``): the profile, the communities of the county-wide analysis seen
    in the district, their change since last year and emerging hot spots over every loaded
    month."""
    params = HotspotParams()
    period = Filters(districts=(district,), months=months)
    seen = hotspot_analysis(token, period, params)
    loaded = store().months()
    categories, note = meeting_pack_mod.emerging_section(
        loaded,
        lambda: emerging(token, Filters(districts=(district,), resolution=params.resolution), params.harm_weighted),
    )
    return meeting_pack_mod.build_meeting_pack(
        district_profile(token, district, months),
        seen.communities,
        seen.result.cells,
        seen.result.bins,
        filtered(token, Filters(resolution=params.resolution)),  # in a district, as the communities count
        loaded,
        period.cell_column,
        categories,
        note,
    )


@st.cache_resource(show_spinner=False, max_entries=2)
def ocg(ocg_token: str) -> ocg_store.OcgData | None:
    """The stored OCG data (None when none is stored), for the OCG state ``ocg_token``
    (:func:`records.ocg_store.token`, which every OCG write changes; OCG files are not part of
    the incident store's commits). Pages get it through ``ui.ocg_gate.visible_ocg`` only.

    Shared and read-only like :func:`incidents`: every run of every page asks for it (the
    demo banner, the gate), and ``st.cache_data`` unpickled both tables each time, a
    twentieth of the server's time with 20 sessions. ``tests/app/test_shared_frames.py``
    checks that no page changes it."""
    del ocg_token  # the cache key
    return ocg_store.load_ocg()


#: The comms plan's exports: (button label, file name, media type).
@st.cache_data(show_spinner="Preparing the exports…", max_entries=8)
def comms_exports(
    token: str,
    filters: Filters,
    params: HotspotParams,
    constraints: PlanConstraints,
    selected: tuple[str, ...],
    contact: str,
) -> list[download.ExportFile]:
    """The plan's five export files, built once per plan (the PDF draws a map per community);
    each with the number of records it holds, for the audit."""
    the_plan = plan(token, filters, params, constraints, selected)
    communities = hotspot_analysis(token, filters, params).communities
    period = CachedSources(token).period_areas(filters.months, params.resolution)  # the drop zones' areas
    period_lsoas = period.lsoas
    source = areas.households_source(period.generation == "2021", shares_census_year(token, filters.months))
    drops, sessions = len(the_plan.drops), len(the_plan.sessions)
    chosen = int(the_plan.communities["chosen"].sum())
    return [
        download.ExportFile(
            "Drop zones (CSV)",
            exports.drops_csv(the_plan, source),
            "precision_drop_zones.csv",
            "Comms plan drop zones",
            drops,
        ),
        download.ExportFile(
            "Sessions (CSV)",
            exports.sessions_csv(the_plan),
            "precision_facebook_live.csv",
            "Comms plan Facebook Live sessions",
            sessions,
        ),
        download.ExportFile(
            "Drop zones (GeoJSON)",
            exports.drop_zones_geojson(the_plan, communities, period_lsoas, source),
            "precision_drop_zones.geojson",
            "Comms plan drop zones (map)",
            drops,
        ),
        download.ExportFile(
            "Sessions (Outlook .ics)",
            exports.sessions_ics(the_plan, themes()),
            "precision_facebook_live.ics",
            "Comms plan Facebook Live calendar",
            sessions,
        ),
        download.ExportFile(
            "Brief (PDF)",
            briefs.brief_pdf(the_plan, communities, period_lsoas, themes(), contact, source),
            "precision_comms_brief.pdf",
            "Comms plan brief (one page per community)",
            chosen,
        ),
    ]


@st.cache_data(show_spinner=False, max_entries=8)
def trend_png(token: str, filters: Filters, value: str, made: str, label: str) -> bytes:
    """The Trends chart as a landscape PNG with title, source and date (rendered offline);
    ``label`` is the session's synthetic label (:func:`ui.synthetic.label`), passed in because
    the PNG is made when its button is clicked, outside the page's run."""
    chart = charts.monthly_lines(trend_series(token, filters), value, charts.TREND_TITLES[value])
    title = synthetic.title(f"{charts.TREND_TITLES[value]} by district, West Yorkshire", label)
    years = sorted({year for year, _ in district_census(store().months()).values()})
    residents = " and ".join(f"census {y}" for y in years) or "census 2011"
    source = synthetic.source(
        f"data.police.uk street-level crime (OGL v3.0); {residents} residents (nearest each month). ", label
    ) + describe(dataclasses.replace(filters, months=tuple(store().months())))
    return charts.chart_png(charts.export_chart(chart, title, source, made))


@st.cache_data(show_spinner=False, max_entries=8)
def profile_pdf(
    token: str, district: str, months: tuple[str, ...], ocg_counts: pd.DataFrame | None, ocg_note: str
) -> bytes:
    """A district profile as PDF, with the OCG counts and note the page shows (keyed by them)."""
    return briefs.profile_pdf(district_profile(token, district, months), ocg_counts, ocg_note)


# ---------------------------------------------------------------- national picture
@st.cache_data(show_spinner=False, max_entries=2)
def national_tables(table_token: str) -> tuple[national.RecordedCrime, pd.DataFrame]:
    """The recorded crime table in use and the district table, for the table state
    ``table_token`` (:func:`records.national_table.table_token`)."""
    del table_token
    areas = national.read_force_areas()
    return national.read_recorded_crime(areas=areas), areas


@st.cache_data(show_spinner=False, max_entries=8)
def national_populations(table_token: str, year: str) -> force_populations.PopulationsInUse:
    """The force residents a financial year's rates use: the loaded mid-year estimates of
    the year, else census 2011 (:func:`records.force_populations.populations_for_year`)."""
    _, areas = national_tables(table_token)
    return force_populations.populations_for_year(year, areas, force_populations.read_stored_populations())


@st.cache_data(show_spinner=False, max_entries=8)
def national_default_peers(table_token: str, year: str) -> tuple[str, ...]:
    """The default peer group of the home force (the nearest forces, see
    :func:`models.national.peer_group`)."""
    table, areas = national_tables(table_token)
    populations = national_populations(table_token, year).populations
    settings = get_settings()
    counts = national_model.measure_counts(table.rows, year)
    # density and household size from one census (estimates over 2011 households would drift)
    features = national_model.peer_features(counts, national.force_populations(areas))
    small = national_model.small_base_forces(populations, settings.small_base_residents)
    return tuple(national_model.peer_group(features, settings.home_force_national, settings.peer_group_size, small))


@st.cache_data(show_spinner="Comparing forces…", max_entries=16)
def national_picture(
    table_token: str, year: str, peers: tuple[str, ...], allow_overdispersion: bool
) -> national_model.NationalPicture:
    """The home force in the national picture for a year and a peer group."""
    table, _ = national_tables(table_token)
    settings = get_settings()
    return national_model.national_picture(
        table.rows,
        national_populations(table_token, year).populations,
        settings.home_force_national,
        year,
        peers=peers,
        small_base=settings.small_base_residents,
        allow_overdispersion=allow_overdispersion,
    )


@st.cache_data(show_spinner=False, max_entries=16)
def national_funnel(
    table_token: str, year: str, peers: tuple[str, ...], allow_overdispersion: bool, measure: str
) -> national_model.Funnel:
    """The funnel plot of one measure."""
    picture = national_picture(table_token, year, peers, allow_overdispersion)
    return national_model.funnel(picture.rates, measure, allow_overdispersion)


@dataclasses.dataclass(frozen=True)
class FunnelView:
    """What a funnel plot shows: the national table (``table_token``), the year, the peer
    group, whether over-dispersion widens the limits, the measure, the table's source line
    and the day it is made (for its title block). The page's chart and its PNG take the same
    value, so they are one drawing."""

    table_token: str
    year: str
    peers: tuple[str, ...]
    allow_overdispersion: bool
    measure: str
    source: str
    made: dt.date


def national_funnel_chart(view: FunnelView) -> tuple[object, pd.DataFrame]:
    """The funnel chart (title, source and date in its title block) and its figures: what
    the page draws, its text alternative, and what the PNG and CSV hold."""
    settings = get_settings()
    f = national_funnel(view.table_token, view.year, view.peers, view.allow_overdispersion, view.measure)
    home = settings.home_force_national
    subtitle = [
        f"{home} against the forces of England and Wales, {view.year}; national rate {f.national_rate:,.2f} per 1,000.",
        f"Source: {view.source}; residents: {national_populations(view.table_token, view.year).description}. "
        f"Made {view.made:%d %B %Y} by Precision Hotspots.",
    ]
    chart = charts.funnel_chart(f, home, view.peers, f"{view.measure}: offences per 1,000 residents", subtitle)
    return chart, charts.funnel_points(f, home, view.peers)


@st.cache_data(show_spinner="Drawing the PNG…", max_entries=8)
def national_funnel_png(view: FunnelView) -> bytes:
    """The funnel plot as a landscape PNG (the chart the page draws, made the same day)."""
    chart, _ = national_funnel_chart(view)
    return exports.chart_png_landscape(chart)


# ---------------------------------------------------------------- cross-border view
@st.cache_resource
def national_store() -> NationalStore:
    """The DuckDB query engine over the store (shared; one per process)."""
    return NationalStore(store())


@st.cache_data(show_spinner=False)
def border_area() -> object:
    """The county and a band of ``settings.border_buffer_m`` around it (EPSG:4326)."""
    settings = get_settings()
    return crossborder.border_area(districts(), settings.border_buffer_m, settings.crs_projected)


@st.cache_data(show_spinner="Counting across the border…", max_entries=16)
def border_cells(token: str, filters: Filters) -> pd.DataFrame:
    """Neighbouring forces' hexagons near the county under the month and crime type filters."""
    del token  # the cache key: the manifest read below is the commit's
    settings = get_settings()
    engine = national_store()
    forces = crossborder.neighbour_forces(engine.store.forces(), settings.neighbour_forces)
    parts = [
        engine.cell_counts(
            force,
            filters.resolution,
            months=filters.months or None,
            crime_types=filters.crime_types or None,
            bounds=settings.force_area_bounds,
        ).assign(force=force)
        for force in forces
    ]
    counts = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["cell", "incidents", "force"])
    return crossborder.border_cells(counts, border_area())


# --------------------------------------------------------------- delivery and impact (issue 13)
@st.cache_data(show_spinner=False, max_entries=4)
def deliveries(delivery_token: str) -> pd.DataFrame:
    """The delivery log (:func:`records.delivery_log.read_log`), for the log state ``delivery_token``
    (:func:`records.delivery_log.token`, which every change of the log changes)."""
    del delivery_token  # the cache key
    return delivery_log.read_log()


@st.cache_data(show_spinner=False, max_entries=4)
def outcome_data(outcomes_token: str) -> outcomes_store.Outcomes:
    """Stored Crimestoppers and survey tables, for the state ``outcomes_token``
    (:func:`records.outcome_files.token`)."""
    del outcomes_token
    return outcomes_store.load_outcomes()


@st.cache_data(show_spinner=False, max_entries=16)
def plan_items(
    token: str, filters: Filters, params: HotspotParams, constraints: PlanConstraints, selected: tuple[str, ...]
) -> pd.DataFrame:
    """The plan's flyer drops and sessions as items to mark delivered (:func:`models.delivery.plan_items`)."""
    communities = hotspot_analysis(token, filters, params).communities
    return delivery_model.plan_items(
        plan(token, filters, params, constraints, selected), communities, params.resolution
    )


@st.cache_data(show_spinner="Evaluating the campaigns…", max_entries=8)
def campaign_impacts(token: str, delivery_token: str, params: impact.ImpactParams) -> list[impact.CampaignImpact]:
    """Every delivered campaign's evaluation over every stored month; comparison communities
    from the hot-spot analysis of all months at the campaign's resolution."""
    found = delivery_model.campaigns(deliveries(delivery_token))
    if found.empty:
        return []
    months = store().months()
    frame = incidents(token)
    results = []
    for resolution, group in found.groupby("resolution"):
        res = int(resolution)
        every = Filters(resolution=res)
        communities = hotspot_analysis(token, every, HotspotParams(resolution=res)).communities
        delivered = {int(c) for cells in group["cells"] for c in cells}
        pool = impact.comparison_pool(communities, delivered, params.adjacent_rings)
        counts_ = impact.cell_month_counts(frame, every.cell_column, months)
        cells_by_district = grid(res).groupby("district")["cell"].apply(list).to_dict()
        for row in group.to_dict(orient="records"):
            results.append(
                impact.evaluate_campaign(row, counts_, months, pool, cells_by_district.get(row["district"], []), params)
            )
    return sorted(results, key=lambda r: (r.start_month, r.community_name))
