"""What every analysis page starts from: the store commit, the filters and the analysis
choices that app.py put in the session, and the page's heading (with how current the data
is)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import streamlit as st

from core.settings import get_settings
from geo.update import state_stamp
from models import areas
from models.counts import Filters
from models.data_age import DataAge, data_age
from models.pipeline import HotspotParams
from records import census
from ui import cache, session
from ui import filters as filter_panel


@dataclasses.dataclass(frozen=True)
class PageContext:
    """The store commit id, the user's filters and hot-spot analysis choices (None on pages
    without them)."""

    token: str
    filters: Filters
    params: HotspotParams | None


def analysis_page(title: str, residents: bool = False, nearest: bool = False) -> PageContext:
    """Draw the page title, the filters in words and the areas (and, for a page using
    residents or households, the census) its figures are on; return the page's context."""
    ctx = PageContext(st.session_state["store_token"], st.session_state["filters"], st.session_state.get("analysis"))
    st.title(title)
    st.caption(filter_panel.describe(ctx.filters))
    freshness_line(ctx.token)
    show_age()
    months = list(ctx.filters.months) or cache.store().months()
    st.caption(areas_note(ctx.token, months, residents, nearest))
    return ctx


def freshness_line(token: str) -> None:
    """Say how current the store is: its newest month and any month missing in the series;
    to admins, also the newer months data.police.uk had at the last check."""
    fresh = cache.freshness(token, state_stamp(get_settings()))
    st.caption(fresh.sentence())
    user = session.current_user()
    if user is not None and user.role == "admin" and (line := fresh.admin_sentence()):
        st.info(line)


def areas_note(token: str, months: list[str], residents: bool = False, nearest: bool = False) -> str:
    """The LSOA generation a period is shown on and, with ``residents``, the census used.

    A period whose every month was published on the 2021 LSOAs is shown on them
    (:func:`on_2021_note`), except on a page of series (``nearest``: Trends and the District
    profile, on the 2011 areas); ``nearest`` pages' rates use census 2021 for months from
    March 2021 once it is loaded, else census 2011 for every month."""
    if not nearest and cache.on_2021_areas(token, months):
        return on_2021_note(months, residents)
    newer = areas.months_on_2021_areas(cache.month_generations(token), months, get_settings().lsoa2021_from_month)
    text = "Areas: LSOAs (2011)."
    if newer:
        text += (
            f" Published with 2021 LSOAs: {filter_panel.months_in_words(newer)}; their LSOAs are shown on the "
            "2011 areas through the LSOA 2011–2021 lookup (split areas exactly, merged ones by the incident's point)."
        )
    if not residents:
        return text
    later = areas.months_needing_census_2021(months)
    loaded = cache.census2021(census.token()) is not None
    if nearest and loaded:
        text += " Residents: census 2011 for months before March 2021"
        return text + (f", census 2021 for {filter_panel.months_in_words(later)}." if later else ".")
    return text + shares_note(months, later, loaded)


def on_2021_note(months: list[str], residents: bool) -> str:
    """The areas and census of a period whose every month was published on the 2021 LSOAs
    (analysed on them: :func:`models.areas.period_on_2021_areas`)."""
    text = "Areas: LSOAs (2021): every month of the period was published on them."
    if not residents:
        return text
    if cache.census2021_lsoas(census.token()) is not None:
        return text + " Residents and households: census 2021."
    return text + (
        " Residents and households: census 2011 put on the 2021 areas through the LSOA lookup (split areas by "
        "their size); census 2021 figures are not loaded."
    )


def communities_note(token: str, months: Sequence[str]) -> str:
    """On a page of series (Trends, the District profile), the areas of the hotspot
    communities it lists: those of the Hotspot communities page for ``months``, so on the
    2021 LSOAs (their ids and residents) when every month was published on them; "" when
    they are on the 2011 areas, as the page's areas note already says."""
    if not cache.on_2021_areas(token, months):
        return ""
    return (
        "These communities are those of the Hotspot communities page for "
        f"{filter_panel.months_in_words(list(months))}, found on the LSOAs (2021) (every month was published on "
        "them): ids and residents are on the 2021 areas."
    )


def shares_note(months: list[str], later: list[str], loaded: bool) -> str:
    """The census of a period's community residents and households and flyer counts: the
    census nearest its latest month (census 2021 on the 2011 areas once both tables are
    loaded), else census 2011 and why."""
    if areas.period_census_year(months) == 2021 and cache.census2021_lsoas(census.token()) is not None:
        return (
            f" Residents and households: census 2021, the census nearest {filter_panel.months_in_words([max(months)])}, "
            "put on the 2011 areas through the LSOA lookup."
        )
    if not later:
        return " Residents and households: census 2011."
    why = "census 2021 households (TS041) are not loaded, so " if loaded else "census 2021 figures are not loaded, so "
    return f" Residents and households: census 2011; {why}2011 figures are also used for {filter_panel.months_in_words(later)}."


def age() -> DataAge:
    """How old the newest loaded month is today (:func:`models.data_age.data_age`)."""
    return data_age(cache.store().months(), dt.date.today())


def show_age() -> DataAge:
    """Say how old the newest month is when it is old (plans then follow the data); return it."""
    found = age()
    if found.sentence:
        st.info(found.sentence, icon=":material/schedule:")
    return found
