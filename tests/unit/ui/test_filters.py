"""ui.filters: the shared sidebar filters (kept across pages) and the filters in words."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from models.counts import Filters
from ui.filters import describe, months_in_words


@pytest.mark.parametrize(
    ("months", "words"),
    [
        ([], "no month loaded"),
        (["2017-07"], "2017-07"),
        (["2017-07", "2017-05", "2017-06"], "2017-05 to 2017-07 (3 months)"),
        (["2016-12", "2017-01"], "2016-12 to 2017-01 (2 months)"),  # across a year end
        (["2016-07", "2017-07"], "2016-07, 2017-07 (2 months, not consecutive)"),
    ],
)
def test_months_read_as_a_run_or_a_list(months: list[str], words: str):
    assert months_in_words(months) == words


def test_filters_are_described_in_words():
    assert describe(Filters()) == "all districts · all loaded months · all crime types · H3 resolution 9"
    chosen = Filters(
        districts=("Leeds", "Bradford"), months=("2017-06", "2017-07"), crime_types=("Drugs",), resolution=8
    )
    assert describe(chosen) == "Leeds, Bradford · 2017-06 to 2017-07 (2 months) · Drugs · H3 resolution 8"


def _sidebar() -> None:
    import streamlit as st

    from ui import filters

    st.session_state["chosen"] = filters.sidebar_filters(["2017-05", "2017-06", "2017-07"])
    st.session_state["params"] = filters.sidebar_analysis(st.session_state["chosen"].resolution)


def test_the_sidebar_defaults_to_the_latest_month_everywhere():
    at = AppTest.from_function(_sidebar).run()
    assert not at.exception
    chosen = at.session_state["chosen"]
    assert chosen == Filters(districts=(), months=("2017-07",), crime_types=(), resolution=9)
    params = at.session_state["params"]
    assert (params.resolution, params.permutations, params.harm_weighted, params.community.min_bin) == (
        9,
        999,
        False,
        1,
    )
    assert "Period: 2017-07" in [c.value for c in at.sidebar.caption]


def test_choices_are_kept_under_filter_keys_and_restored_on_another_page():
    at = AppTest.from_function(_sidebar).run()
    at.sidebar.multiselect(key="_w:districts").select("Leeds").run()
    at.sidebar.radio(key="_w:period").set_value("Latest 3 months").run()
    at.sidebar.toggle(key="_w:harm").set_value(True).run()
    assert at.session_state["chosen"].districts == ("Leeds",)
    assert at.session_state["chosen"].months == ("2017-05", "2017-06", "2017-07")
    assert at.session_state["params"].harm_weighted
    kept = {k: at.session_state[k] for k in ("filter:districts", "filter:period", "filter:harm")}
    assert kept == {"filter:districts": ["Leeds"], "filter:period": "Latest 3 months", "filter:harm": True}
    # another page: the widgets are new, the kept choice is what they start from
    again = AppTest.from_function(_sidebar)
    for key, value in kept.items():
        again.session_state[key] = value
    again.run()
    assert again.session_state["chosen"].districts == ("Leeds",)
    assert again.session_state["chosen"].months == ("2017-05", "2017-06", "2017-07")
    assert again.session_state["params"].harm_weighted


def test_chosen_months_and_the_community_level_reach_the_filters():
    at = AppTest.from_function(_sidebar).run()
    at.sidebar.radio(key="_w:period").set_value("Choose months").run()
    at.sidebar.multiselect(key="_w:months").set_value(["2017-05", "2017-07"]).run()
    at.sidebar.radio(key="_w:level").set_value("99 %").run()
    assert at.session_state["chosen"].months == ("2017-05", "2017-07")
    assert at.session_state["params"].community.min_bin == 3
    assert "Period: 2017-05, 2017-07 (2 months, not consecutive)" in [c.value for c in at.sidebar.caption]
