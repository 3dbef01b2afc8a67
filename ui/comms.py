"""Widgets of the communications plan (inputs only; the plan itself is models.targeting).

The widgets' limits are the model's (the ``MAX_*`` constants of :mod:`models.targeting`);
inputs the widgets cannot bound (a money budget, the window's length) are checked by
:class:`models.targeting.PlanConstraints`, whose message is shown instead of a plan.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import geopandas as gpd
import pandas as pd
import streamlit as st

from core.errors import ConstraintError
from models.targeting import (
    MAX_DAYS_BETWEEN,
    MAX_FLYER_BUDGET,
    MAX_SESSIONS_PER_DISTRICT,
    MAX_SESSIONS_PER_MONTH,
    MAX_SPARE_MARGIN,
    PlanConstraints,
    carry_choice,
    flyers_from_cost,
)

#: Communities pre-selected, by rank, before the user chooses.
DEFAULT_SELECTED = 10


def _chosen_by_hand(key: str) -> None:
    """Keep the user's own choice of communities (and forget an old note of dropped ones)."""
    st.session_state["comms_choice"] = list(st.session_state[key])
    st.session_state.pop("comms_dropped", None)


def plan_controls(
    communities: gpd.GeoDataFrame, themes: pd.DataFrame, today: dt.date
) -> tuple[PlanConstraints | None, list[str], str]:
    """Draw the plan's inputs; return the constraints, the chosen community ids and the contact.

    When the inputs break a limit of :class:`PlanConstraints`, its message is shown as an
    error and the constraints returned are None.
    """
    selected = _community_choice(communities)
    flyers, margin, sessions = _budget_inputs()
    d = st.columns(4)
    start_default = today + dt.timedelta(days=7)
    window = d[0].date_input(
        "Campaign window", value=(start_default, start_default + dt.timedelta(days=90)), key="comms_window"
    )
    gap = d[1].number_input(
        "Days between sessions in one community", min_value=1, max_value=MAX_DAYS_BETWEEN, value=14, key="comms_gap"
    )
    minimum = d[2].number_input(
        "Sessions per district (minimum)", min_value=0, max_value=MAX_SESSIONS_PER_DISTRICT, value=1, key="comms_min"
    )
    priority = d[3].multiselect("Priority themes", sorted(themes["theme"].unique()), key="comms_priority")
    contact = st.text_input("Contact on the brief (name, team, phone)", key="comms_contact", max_chars=200)
    start, end = (
        window
        if isinstance(window, tuple) and len(window) == 2
        else (start_default, start_default + dt.timedelta(days=90))
    )
    try:
        constraints = PlanConstraints(
            flyer_budget=int(flyers),
            spare_margin=margin / 100,
            sessions_per_month=int(sessions),
            start=start,
            end=end,
            min_days_between=int(gap),
            min_sessions_per_district=int(minimum),
            priority_themes=tuple(priority),
        )
    except ConstraintError as err:
        st.error(f"The plan cannot be made with these inputs: {err}")
        return None, selected, contact
    return constraints, selected, contact


def _community_choice(communities: gpd.GeoDataFrame) -> list[str]:
    """The communities in play: the user's own choice kept across filter changes (those no
    longer offered are named and dropped), the top ones by rank at first."""
    ids = communities["community_id"].tolist()
    names = dict(zip(communities["community_id"], communities["name"]))
    previous = st.session_state.get("comms_choice")  # the user's own choice, once made
    kept, dropped = carry_choice(previous, ids, DEFAULT_SELECTED)
    if dropped:
        known = st.session_state.get("comms_names", {})
        text = "; ".join(f"{i} · {known.get(i, '')}" for i in dropped)
        if not kept:
            kept = ids[:DEFAULT_SELECTED]
            text += f". None of your choice is left, so the top {len(kept)} here are chosen instead"
        st.session_state["comms_dropped"] = text
        st.session_state["comms_choice"] = kept
    # The widget is keyed by the communities offered: when the filters change them, it is
    # rebuilt from the choices that still exist, never left showing places that are gone.
    signature = hashlib.sha1("|".join(ids).encode()).hexdigest()[:12]
    key = f"comms_selected:{signature}"
    selected: list[str] = st.multiselect(
        "Communities in play (the top 10 by rank at first; add or drop any)",
        ids,
        default=kept,
        format_func=lambda i: f"{i} · {names[i]}",
        key=key,
        on_change=_chosen_by_hand,
        args=(key,),
    )
    if st.session_state.get("comms_dropped"):
        st.warning(
            "No longer hotspot communities under these filters, so dropped from your choice: "
            + st.session_state["comms_dropped"]
            + "."
        )
    st.session_state["comms_names"] = {**st.session_state.get("comms_names", {}), **names}
    return selected


def _budget_inputs() -> tuple[int, float, float]:
    """The flyer budget (as flyers, or pounds at a cost per flyer), the spare margin in per
    cent and the Facebook Live sessions a month."""
    c = st.columns(4)
    mode = c[0].radio("Flyer budget as", ["Number of flyers", "Cost (£)"], key="comms_budget_mode")
    if mode == "Number of flyers":
        flyers = int(
            c[1].number_input(
                "Flyers", min_value=0, max_value=MAX_FLYER_BUDGET, value=20_000, step=1_000, key="comms_flyers"
            )
        )
    else:
        pounds = c[1].number_input("Budget (£)", min_value=0.0, value=1_500.0, step=100.0, key="comms_pounds")
        unit = c[1].number_input(
            "Cost per flyer (£)", min_value=0.001, value=0.06, step=0.01, format="%.3f", key="comms_unit"
        )
        flyers = flyers_from_cost(pounds, unit)
        c[1].caption(f"= {flyers:,} flyers")
    margin = c[2].slider("Spare flyers (%)", 0, round(100 * MAX_SPARE_MARGIN), 10, key="comms_margin")
    sessions = c[3].number_input(
        "Facebook Live sessions a month", min_value=0, max_value=MAX_SESSIONS_PER_MONTH, value=4, key="comms_sessions"
    )
    return flyers, margin, sessions
