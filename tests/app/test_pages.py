"""Every page runs under Streamlit's AppTest, on the real sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.settings import override_settings
from geo.store import Store
from models import targeting
from tests.app.conftest import APP

pytestmark = pytest.mark.app


def test_first_start_ingests_the_bundled_sample(tmp_path: Path):
    st.cache_data.clear()
    st.cache_resource.clear()
    with override_settings(
        store_dir=tmp_path / "store", map_tiles=None, users_file=tmp_path / "no-users.json", mode="demo"
    ):
        at = AppTest.from_file(APP, default_timeout=120).run()
        assert not at.exception
        assert Store(tmp_path / "store").months() == ["2016-07", "2017-07"]
    st.cache_data.clear()
    st.cache_resource.clear()


def test_home_shows_what_is_loaded_and_per_district(app_with_sample: AppTest):
    at = app_with_sample.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Months"] == "2"
    # the headline explains its parts: stored = in a district + without coordinates + outside
    assert metrics["Incidents stored"] == "55,713"
    assert metrics["In a district"] == "52,745"
    assert metrics["Without coordinates"] == "2,888"
    assert metrics["Outside West Yorkshire"] == "80"
    assert any(
        "55,713 incidents stored = 52,745 in a district + 2,888 without coordinates + 80" in c.value for c in at.caption
    )
    districts = at.dataframe[1].value
    assert sorted(districts["district"]) == ["Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield"]
    assert districts["incidents"].sum() == 52_745 and "mapped" not in districts
    # a short header that fits its column, with the full meaning on hover
    share = json.loads(at.dataframe[1].proto.columns)["share"]
    assert share["label"] == "Share (%)" and share["help"] == "Share of West Yorkshire's incidents in the district (%)"
    assert not at.sidebar.multiselect  # no filters on Home


def test_hotspot_map_filters_change_the_hexagon_count(app_with_sample: AppTest):
    at = app_with_sample.run()
    at.switch_page("pages/hotspot_map.py").run()
    assert not at.exception
    assert at.title[0].value == "Hotspot map"
    all_text = at.markdown[0].value
    at.sidebar.multiselect(key="_w:districts").set_value(["Calderdale"]).run()
    at.sidebar.multiselect(key="_w:crime_types").set_value(["Burglary"]).run()
    assert not at.exception
    narrowed = at.markdown[0].value
    assert narrowed != all_text
    n_all = int(all_text.split("**")[1].replace(",", ""))
    n_narrow = int(narrowed.split("**")[1].replace(",", ""))
    assert 0 < n_narrow < n_all
    assert "Calderdale" in at.caption[0].value and "Burglary" in at.caption[0].value
    at.sidebar.select_slider(key="_w:resolution").set_value(7).run()
    assert "H3 resolution 7" in at.caption[0].value


def test_filters_are_restored_from_the_kept_choice(app_with_sample: AppTest):
    # A choice is kept under "filter:<name>" when made, and restored when the page is drawn
    # again after a visit elsewhere (the round trip itself is checked in the browser test).
    at = app_with_sample.run()
    at.session_state["filter:districts"] = ["Leeds"]
    at.session_state["filter:resolution"] = 8
    at.switch_page("pages/hotspot_map.py").run()
    assert at.sidebar.multiselect(key="_w:districts").value == ["Leeds"]
    assert at.sidebar.select_slider(key="_w:resolution").value == 8
    assert "Leeds" in at.caption[0].value


def test_communities_page_ranks_and_profiles(app_with_sample: AppTest):
    at = app_with_sample.run()
    at.switch_page("pages/communities.py").run(timeout=300)
    assert not at.exception
    assert at.title[0].value == "Hotspot communities"
    table = at.dataframe[0].value
    assert table["rank"].tolist()[:3] == [1, 2, 3]
    first, second = table["community_id"].tolist()[:2]
    assert first.startswith("HC-E0") and first in at.subheader[1].value
    at.selectbox[0].set_value(second).run(timeout=300)
    assert second in at.subheader[1].value
    assert any("need at least 10 months" in i.value for i in at.info)  # emerging: two months loaded


def test_accuracy_page_shows_the_backtest(app_with_sample: AppTest):
    at = app_with_sample.run()
    at.switch_page("pages/accuracy.py").run(timeout=300)
    assert not at.exception
    table = at.dataframe[0].value
    assert "hindsight (test period itself)" in table["Method"].tolist()
    assert table.loc[table["Method"] == "prior counts", "Hit rate at 1%"].iat[0] == pytest.approx(0.198, abs=0.001)
    # Gi* and ring-smoothed counts rank alike on the sample (same row in the table): the page says so
    same = table.set_index("Method").loc[["ring-smoothed counts", "Gi* z-score"]]
    assert (same.iloc[0] == same.iloc[1]).all()
    assert any("ring-smoothed counts and Gi* z-score" in c.value and "coincide" in c.value for c in at.caption)
    at.multiselect[1].set_value([]).run(timeout=300)
    assert at.warning


def test_map_page_shows_gi_star_bins(app_with_sample: AppTest):
    at = app_with_sample.run()
    at.switch_page("pages/hotspot_map.py").run(timeout=300)
    at.radio[0].set_value("Gi* hot spots").run(timeout=300)
    assert not at.exception
    assert "hotspot communities" in at.markdown[0].value


def test_comms_plan_page_plans_and_changes_with_the_selection(app_with_sample: AppTest):
    at = app_with_sample.run()
    at.switch_page("pages/comms_plan.py").run(timeout=300)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Communities in the plan"].endswith("of 10")
    flyers = int(metrics["Flyers to print"].replace(",", ""))
    assert 0 < flyers <= 20_000
    chips = next(m for m in at.multiselect if str(m.key).startswith("comms_selected:"))
    chips.set_value(chips.value[:1]).run(timeout=300)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Communities in the plan"] == "1 of 1"
    at.number_input(key="comms_flyers").set_value(100).run(timeout=300)
    assert {m.label: m.value for m in at.metric}["Communities in the plan"] == "0 of 1"
    assert at.warning


def test_comms_plan_page_total_is_the_drop_zones_and_limits_are_the_models(app_with_sample: AppTest):
    at = app_with_sample.run()
    at.switch_page("pages/comms_plan.py").run(timeout=300)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    drops = next(d.value for d in at.dataframe if {"lsoa_code", "flyers"} <= set(d.value.columns))
    # the page's totals are the drop zones' (what the CSV sends to the printer)
    assert int(metrics["Flyers to print"].replace(",", "")) == drops["flyers"].sum() <= 20_000
    assert int(metrics["Households covered"].replace(",", "")) == drops["households"].sum()
    # the widgets' limits are the model's
    assert at.number_input(key="comms_flyers").proto.max == targeting.MAX_FLYER_BUDGET
    assert at.number_input(key="comms_sessions").proto.max == targeting.MAX_SESSIONS_PER_MONTH
    assert at.slider(key="comms_margin").proto.max == round(100 * targeting.MAX_SPARE_MARGIN)
    # a money budget has no widget limit: a mistyped one is refused in words, not by a crash
    at.radio(key="comms_budget_mode").set_value("Cost (£)").run(timeout=300)
    at.number_input(key="comms_pounds").set_value(1e9).run(timeout=300)
    assert not at.exception
    assert any("flyer_budget" in e.value and "2,000,000" in e.value for e in at.error)
    assert not at.metric  # no plan is shown for inputs out of limits


def test_trends_page_compares_with_the_year_before(app_with_sample: AppTest):
    at = app_with_sample.run()
    at.switch_page("pages/trends.py").run(timeout=300)
    assert not at.exception
    assert {"month", "district", "count", "rate"} <= set(at.dataframe[0].value.columns)  # the chart's table
    assert any("Comparing 2017-07 with 2016-07" in c.value for c in at.caption)
    table = at.dataframe[1].value
    assert {"district", "crime_type", "before", "after", "p_value"} <= set(table.columns)
    assert table["before"].sum() > 20_000 and table["after"].sum() > 20_000
    sentences = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert sentences and all(("unlikely to be chance" in s) or ("could be chance" in s) for s in sentences)
    community_movers = at.dataframe[4].value
    assert community_movers.empty or community_movers["community_id"].str.startswith("HC-E0").all()
    at.multiselect(key="trend_latest").set_value(["2016-07"]).run(timeout=300)
    assert any("2015-07 not loaded" in i.value for i in at.info)
    at.radio[0].set_value("Per 1,000 residents").run(timeout=300)
    assert not at.exception


def test_district_profile_page(app_with_sample: AppTest):
    at = app_with_sample.run()
    at.switch_page("pages/profile.py").run(timeout=300)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Residents (census 2011)"] == "522,452"  # Bradford, first in the list
    assert any("2017-07 against 2016-07" in m.value and "Bradford" in m.value for m in at.markdown)
    assert any("Period: 2017-07." in c.value for c in at.caption)  # the latest month, said on the page
    at.selectbox(key="profile_district").set_value("Calderdale").run(timeout=300)
    assert {m.label: m.value for m in at.metric}["Residents (census 2011)"] == "203,826"
    assert at.dataframe[1].value["community_id"].iloc[0].startswith("HC-E0")


def test_ocg_page_shows_synthetic_data_and_records_a_disruption(app_with_sample: AppTest):
    at = app_with_sample.run()
    at.switch_page("pages/ocg.py").run(timeout=300)
    assert not at.exception
    assert any("SYNTHETIC DEMONSTRATION DATA" in e.value for e in at.error)
    table = at.dataframe[0].value
    assert table.set_index("principal_criminality").loc["Total", "Total"] == 146
    before = len(at.dataframe[1].value)
    at.text_input[0].set_value("E01011365")
    at.button[0].click().run(timeout=300)
    assert any("Recorded a" in s.value for s in at.success)
    assert len(at.dataframe[1].value) == before + 1
    at.text_input[0].set_value("not a code")
    at.button[0].click().run(timeout=300)
    assert any("Not recorded" in e.value for e in at.error)


def test_communities_page_lists_ocgs_in_demo_mode(app_with_sample: AppTest):
    at = app_with_sample.run()
    at.switch_page("pages/communities.py").run(timeout=300)
    assert any("Organised crime groups active here" in m.value for m in at.markdown)
