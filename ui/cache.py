"""Small cached loaders around pure functions of ``geo`` and ``models``.

Every loader takes plain, hashable arguments (a store commit id, a Filters object), never a
big frame, so hashing stays cheap. Nothing here writes anything.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import boundaries, hexes
from geo.settings import get_settings
from geo.store import Store
from models import counts
from models.counts import Filters
from ui import maps


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


@st.cache_data(show_spinner="Reading incidents…", max_entries=2)
def incidents(token: str) -> pd.DataFrame:
    """Every stored incident, for the store commit ``token``."""
    del token  # the cache key: a new commit means new data
    return store().read_incidents()


@st.cache_data(show_spinner=False, max_entries=4)
def month_stats(token: str) -> pd.DataFrame:
    """Per-month ingest figures for the store commit ``token``."""
    del token
    return store().month_stats()


@st.cache_data(show_spinner=False, max_entries=32)
def filtered(token: str, filters: Filters) -> pd.DataFrame:
    """Incidents passing the filters."""
    return counts.filter_incidents(incidents(token), filters)


@st.cache_data(show_spinner=False, max_entries=32)
def cell_counts(token: str, filters: Filters) -> pd.DataFrame:
    """Non-empty cells and their counts under the filters."""
    return counts.cell_counts(filtered(token, filters), filters.resolution)


@st.cache_data(show_spinner=False, max_entries=16)
def hex_layer(token: str, filters: Filters, scheme: str) -> maps.HexLayer:
    """Hexagon features and classes under the filters (the costly part of the map)."""
    settings = get_settings()
    return maps.counts_to_hex_layer(
        cell_counts(token, filters), settings.map_classes, scheme, settings.map_coordinate_decimals
    )


@st.cache_data(show_spinner=False)
def district_outlines() -> dict:
    """Simplified district boundaries as GeoJSON."""
    return maps.district_outlines(districts())
