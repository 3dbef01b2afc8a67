"""The shared sidebar controls (one definition for every page that uses them).

Widget values are copied to plain session-state keys on every change, so a choice survives
visits to pages that do not show the controls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from core.settings import get_settings
from models.communities import CommunityParams
from models.counts import Filters
from models.pipeline import HotspotParams
from models.trends import latest_months, shift_month


def _kept(name: str, default: Any) -> Any:
    return st.session_state.get(f"filter:{name}", default)


def _keep(name: str) -> None:
    st.session_state[f"filter:{name}"] = st.session_state[f"_w:{name}"]


def _kept_widget(widget: Callable[..., Any], label: str, name: str, **kwargs: Any) -> Any:
    """Draw a widget whose value is kept under ``filter:<name>`` across pages."""
    return widget(label, key=f"_w:{name}", on_change=_keep, args=(name,), **kwargs)


def _kept_choice(name: str, options: Sequence[Any]) -> list[Any]:
    return [v for v in _kept(name, []) if v in options]


#: The period choices: label -> number of latest loaded months (None: the months chosen).
PERIODS: dict[str, int | None] = {
    "Latest month": 1,
    "Latest 3 months": 3,
    "Latest 12 months": 12,
    "Choose months": None,
}
DEFAULT_PERIOD = "Latest month"


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
        chosen_districts = _kept_widget(
            st.multiselect,
            "Districts",
            "districts",
            options=districts,
            default=_kept_choice("districts", districts),
            placeholder="All five districts",
        )
        period = _kept_widget(
            st.radio,
            "Period",
            "period",
            options=list(PERIODS),
            index=list(PERIODS).index(_kept("period", DEFAULT_PERIOD)),
            help="Analyses cover these months only: distant months are never pooled unless chosen.",
        )
        chosen_months: list[str] = []
        if PERIODS[period] is None:
            chosen_months = _kept_widget(
                st.multiselect,
                "Months",
                "months",
                options=list(months),
                default=_kept_choice("months", months) or list(months)[-1:],
                placeholder="Choose months",
            )
    chosen_months = latest_months(months, PERIODS[period], chosen_months)
    with st.sidebar:
        st.caption(f"Period: {months_in_words(chosen_months)}")
        chosen_types = _kept_widget(
            st.multiselect,
            "Crime types",
            "crime_types",
            options=list(settings.crime_types),
            default=_kept_choice("crime_types", settings.crime_types),
            placeholder="All crime types",
        )
        resolution = _kept_widget(
            st.select_slider,
            "Hexagon size (H3 resolution)",
            "resolution",
            options=list(settings.h3_resolutions),
            value=_kept("resolution", settings.h3_default_resolution),
            help="7: about 5 km² a hexagon; 8: 0.7 km²; 9: 0.1 km² (default); 10: 0.015 km².",
        )
    return Filters(
        districts=tuple(chosen_districts),
        months=tuple(chosen_months),
        crime_types=tuple(chosen_types),
        resolution=int(resolution),
    )


#: Confidence offered for communities: label -> smallest Gi* bin.
COMMUNITY_LEVELS = {"90 %": 1, "95 %": 2, "99 %": 3}


def sidebar_analysis(resolution: int) -> HotspotParams:
    """Draw the hot-spot analysis choices in the sidebar and return them."""
    with st.sidebar:
        st.header("Hot-spot analysis")
        harm = _kept_widget(
            st.toggle,
            "Weight by harm",
            "harm",
            value=_kept("harm", False),
            help="Weight each incident by its crime type's harm weight (data/harm_weights.csv) "
            "instead of counting it. Communities are always ranked by harm.",
        )
    with st.sidebar.expander("Advanced: statistics"):
        permutations = _kept_widget(
            st.radio,
            "Permutations",
            "permutations",
            options=[999, 9999],
            index=[999, 9999].index(_kept("permutations", 999)),
            horizontal=True,
            help="Conditional permutations confirming each hot spot: 999 takes about 2 s, "
            "9,999 about 7 s and gives finer p-values.",
        )
        level = _kept_widget(
            st.radio,
            "Community confidence",
            "level",
            options=list(COMMUNITY_LEVELS),
            index=list(COMMUNITY_LEVELS).index(_kept("level", "90 %")),
            horizontal=True,
            help="Smallest Gi* confidence of the hot cells grouped into communities.",
        )
    return HotspotParams(
        resolution=resolution,
        permutations=int(permutations),
        harm_weighted=bool(harm),
        community=CommunityParams(min_bin=COMMUNITY_LEVELS[level]),
    )


def months_in_words(months: Sequence[str]) -> str:
    """Months as a reader wants them: "2017-07", or "2017-05 to 2017-07 (3 months)", or a
    list when they are not consecutive."""
    months = sorted(months)
    if not months:
        return "no month loaded"
    if len(months) == 1:
        return months[0]
    if shift_month(months[0], len(months) - 1) == months[-1]:
        return f"{months[0]} to {months[-1]} ({len(months)} months)"
    return f"{', '.join(months)} ({len(months)} months, not consecutive)"


def describe(filters: Filters) -> str:
    """Return the filters in words, for captions and exports."""
    parts = [
        ", ".join(filters.districts) if filters.districts else "all districts",
        months_in_words(filters.months) if filters.months else "all loaded months",
        ", ".join(filters.crime_types) if filters.crime_types else "all crime types",
        f"H3 resolution {filters.resolution}",
    ]
    return " · ".join(parts)
