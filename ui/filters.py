"""The shared sidebar filters (one definition for every page that uses them).

Widget values are copied to plain session-state keys on every change, so a choice survives
visits to pages that do not show the filters.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from geo.settings import get_settings
from models.counts import Filters

_KEYS = ("districts", "months", "crime_types", "resolution")


def _kept(name: str, default: object) -> object:
    return st.session_state.get(f"filter:{name}", default)


def _keep(name: str) -> None:
    st.session_state[f"filter:{name}"] = st.session_state[f"_w:{name}"]


def sidebar_filters(months: Sequence[str]) -> Filters:
    """Draw the filters in the sidebar and return the user's choice.

    Parameters
    ----------
    months : sequence of str
        Months loaded in the store (``'YYYY-MM'``), offered for selection.
    """
    settings = get_settings()
    districts = sorted(settings.districts.values())
    with st.sidebar:
        st.header("Filters")
        chosen_districts = st.multiselect(
            "Districts",
            districts,
            default=[d for d in _kept("districts", []) if d in districts],  # type: ignore[union-attr]
            key="_w:districts",
            on_change=_keep,
            args=("districts",),
            placeholder="All five districts",
        )
        chosen_months = st.multiselect(
            "Months",
            list(months),
            default=[m for m in _kept("months", []) if m in months],  # type: ignore[union-attr]
            key="_w:months",
            on_change=_keep,
            args=("months",),
            placeholder="All loaded months",
        )
        chosen_types = st.multiselect(
            "Crime types",
            list(settings.crime_types),
            default=[t for t in _kept("crime_types", []) if t in settings.crime_types],  # type: ignore[union-attr]
            key="_w:crime_types",
            on_change=_keep,
            args=("crime_types",),
            placeholder="All crime types",
        )
        resolution = st.select_slider(
            "Hexagon size (H3 resolution)",
            options=list(settings.h3_resolutions),
            value=_kept("resolution", settings.h3_default_resolution),
            key="_w:resolution",
            on_change=_keep,
            args=("resolution",),
            help="7: about 5 km² a hexagon; 8: 0.7 km²; 9: 0.1 km² (default); 10: 0.015 km².",
        )
    return Filters(
        districts=tuple(chosen_districts),
        months=tuple(chosen_months),
        crime_types=tuple(chosen_types),
        resolution=int(resolution),
    )


def describe(filters: Filters) -> str:
    """Return the filters in words, for captions and exports."""
    parts = [
        ", ".join(filters.districts) if filters.districts else "all districts",
        ", ".join(filters.months) if filters.months else "all loaded months",
        ", ".join(filters.crime_types) if filters.crime_types else "all crime types",
        f"H3 resolution {filters.resolution}",
    ]
    return " · ".join(parts)
