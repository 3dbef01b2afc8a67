"""ui.delivery: the plan being delivered, the log as the page shows it, and a delivery
recorded through the form (fails closed without a user)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.settings import override_settings
from models.targeting import PlanConstraints
from records import delivery_log
from tests.unit.records.test_delivery_log import TODAY, session_record
from ui.delivery import LOG_HEADINGS, log_table


@pytest.fixture()
def store(tmp_path: Path):
    st.cache_data.clear()
    with override_settings(store_dir=tmp_path / "store", audit_path=tmp_path / "audit.jsonl"):
        yield tmp_path / "store"
    st.cache_data.clear()


def test_the_log_is_shown_newest_first_with_readable_headings(store: Path):
    delivery_log.add_delivery(session_record(date="2027-02-10"), "comms1", "comms", today=TODAY)
    delivery_log.add_delivery(
        session_record(kind="flyer_drop", date="2027-02-20", live_viewers=0, later_views=0, comments=0, flyers=500,
                       lsoa_codes=["E01000004", "E01000005"]),
        "comms1",
        "comms",
        today=TODAY,
    )  # fmt: skip
    table = log_table(delivery_log.read_log())
    assert table.columns.tolist() == list(LOG_HEADINGS.values())
    assert table["Date"].tolist() == ["2027-02-20", "2027-02-10"]
    assert table["Kind"].tolist() == ["flyer drop", "Facebook Live session"]
    assert table["LSOAs"].iloc[0] == "E01000004, E01000005"
    assert table["Flyers delivered"].tolist() == [500, 0]


def _plan_args(ids: list[str], saved) -> None:  # run by AppTest on its own: no annotations to resolve
    import datetime as dt

    import geopandas as gpd
    import streamlit as st

    from ui import delivery

    if saved is not None:
        st.session_state[delivery.PLAN_KEY] = saved
    st.session_state["out"] = delivery.plan_args(gpd.GeoDataFrame({"community_id": ids}), dt.date(2027, 1, 4))


def test_the_plan_to_deliver_is_the_one_last_shown_else_the_comms_pages_defaults():
    ids = [f"HC-{i:02d}" for i in range(1, 13)]
    at = AppTest.from_function(_plan_args, args=(ids, None)).run()
    constraints, chosen, from_page = at.session_state["out"]
    assert not from_page and chosen == tuple(ids[:10])
    assert (constraints.start, constraints.end) == (dt.date(2027, 1, 11), dt.date(2027, 4, 11))
    shown = PlanConstraints(flyer_budget=5_000)
    at = AppTest.from_function(_plan_args, args=(ids, (shown, ["HC-12", "HC-99"]))).run()
    assert at.session_state["out"] == (shown, ("HC-12",), True)  # a place no longer offered is left out
    at = AppTest.from_function(_plan_args, args=(ids, (shown, ["HC-99"]))).run()
    assert at.session_state["out"][1:] == (tuple(ids[:10]), False)  # nothing of it left: the defaults


def _media_form() -> None:
    import datetime as dt

    import geopandas as gpd

    from ui import delivery

    communities = gpd.GeoDataFrame({"community_id": ["HC-01"], "name": ["Briggate"], "cells": [[1]], "lsoas": [[]]})
    delivery.add_unplanned(communities, 9, dt.date.today())  # the log refuses a date in the future


def _add_media_piece(at: AppTest) -> AppTest:
    at.run()
    at.radio(key="delivery_unplanned_kind").set_value("media").run()
    at.text_input[0].input("Yorkshire Evening Post")
    at.text_input[1].input("Police and residents clear Briggate")
    at.text_input[2].input("J Smith")
    at.selectbox[1].set_value("Leeds")
    at.button[0].click()
    return at.run()


def test_an_unplanned_media_piece_is_recorded_for_the_signed_in_user(store: Path, tmp_path: Path):
    with override_settings(store_dir=store, mode="demo", users_file=tmp_path / "none.json"):
        at = _add_media_piece(AppTest.from_function(_media_form))
        assert not at.exception and not at.error
        log = delivery_log.read_log()
    assert len(log) == 1
    row = log.iloc[0]
    assert (row["kind"], row["outlet"], row["district"], row["recorded_by"]) == (
        "media",
        "Yorkshire Evening Post",
        "Leeds",
        "demo",
    )
    assert at.session_state["delivery_done"] == f"Added: local media piece on {row['date']}."


def test_without_a_signed_in_user_nothing_is_recorded(store: Path, tmp_path: Path):
    users = tmp_path / "users.json"
    users.write_text('{"users": []}')
    with override_settings(store_dir=store, mode="secure", users_file=users):
        at = _add_media_piece(AppTest.from_function(_media_form))
        assert [e.value for e in at.error] == ["Not recorded: sign in first."]
        assert delivery_log.read_log().empty
