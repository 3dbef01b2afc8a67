"""ui.comms: the comms plan's input widgets, their defaults, and a choice of communities
rebuilt when the communities offered change."""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from ui.comms import DEFAULT_SELECTED

TODAY = dt.date(2027, 1, 4)


def _controls(n, today) -> None:  # run by AppTest on its own: no annotations to resolve
    import geopandas as gpd
    import pandas as pd
    import streamlit as st

    from ui import comms

    communities = gpd.GeoDataFrame(
        {"community_id": [f"HC-{i:02d}" for i in range(1, n + 1)], "name": [f"Place {i}" for i in range(1, n + 1)]}
    )
    themes = pd.DataFrame({"theme": ["Gangs", "County lines", "Gangs"]})
    st.session_state["out"] = comms.plan_controls(communities, themes, today)


def test_the_defaults_plan_the_top_ten_over_ninety_days_from_next_week():
    at = AppTest.from_function(_controls, args=(12, TODAY)).run()
    assert not at.exception
    constraints, selected, contact = at.session_state["out"]
    assert DEFAULT_SELECTED == 10 and selected == [f"HC-{i:02d}" for i in range(1, 11)]
    assert contact == ""
    assert (constraints.flyer_budget, constraints.spare_margin, constraints.sessions_per_month) == (20_000, 0.1, 4)
    assert (constraints.start, constraints.end) == (dt.date(2027, 1, 11), dt.date(2027, 4, 11))
    assert (constraints.min_days_between, constraints.min_sessions_per_district) == (14, 1)
    assert constraints.priority_themes == ()
    assert at.multiselect(key="comms_priority").options == ["County lines", "Gangs"]  # each theme once, sorted


def test_a_money_budget_becomes_flyers_and_a_budget_over_the_limit_is_refused():
    at = AppTest.from_function(_controls, args=(3, TODAY)).run()
    at.radio(key="comms_budget_mode").set_value("Cost (£)").run()
    constraints, _, _ = at.session_state["out"]
    assert constraints.flyer_budget == 25_000  # £1,500 at 6p
    assert "= 25,000 flyers" in [c.value for c in at.caption]
    at.number_input(key="comms_pounds").set_value(1_000_000.0).run()
    constraints, selected, _ = at.session_state["out"]
    assert constraints is None and selected == ["HC-01", "HC-02", "HC-03"]
    assert at.error and at.error[0].value.startswith("The plan cannot be made with these inputs:")


def test_a_choice_is_kept_and_places_no_longer_offered_are_named_when_dropped():
    at = AppTest.from_function(_controls, args=(12, TODAY)).run()
    key = at.multiselect[0].key
    at.multiselect(key=key).set_value(["HC-02", "HC-12"]).run()
    assert at.session_state["comms_choice"] == ["HC-02", "HC-12"]
    # the filters change: only 5 communities are offered now
    at = _rerun_with(at, 5)
    _, selected, _ = at.session_state["out"]
    assert selected == ["HC-02"]
    assert "dropped from your choice: HC-12 · Place 12." in at.warning[0].value


def _rerun_with(at: AppTest, n: int) -> AppTest:
    """The same session, the page now offering ``n`` communities."""
    again = AppTest.from_function(_controls, args=(n, TODAY))
    for key in ("comms_choice", "comms_names"):
        again.session_state[key] = at.session_state[key]
    return again.run()
