"""Pages read the analyses kept when the data landed: the first user after a restart does
not wait for Gi*, and a store changed since is never shown a stale result."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core.settings import get_settings, override_settings
from geo.store import Store
from models import analysis
from models.counts import Filters
from models.pipeline import HotspotParams
from services import analyses

pytestmark = pytest.mark.app


def test_the_communities_page_reads_the_kept_analysis(app_with_sample: AppTest, monkeypatch: pytest.MonkeyPatch):
    store = Store(get_settings().store_dir)
    with override_settings(cookie_secret="p" * 40):
        assert analyses.precompute_store(store)
        kept = analyses.stored_analysis(store.token(), Filters(months=("2017-07",)), HotspotParams())

        def no_gi_star(*args, **kwargs):
            raise AssertionError("the page computed an analysis that was kept")

        monkeypatch.setattr(analysis, "county_analysis", no_gi_star)
        at = app_with_sample.run()
        at.switch_page("pages/communities.py").run(timeout=300)
    assert not at.exception
    shown = at.dataframe[0].value
    assert shown["community_id"].tolist() == kept.communities["community_id"].tolist()


def test_another_choice_is_computed_on_demand(app_with_sample: AppTest, monkeypatch: pytest.MonkeyPatch):
    store = Store(get_settings().store_dir)
    with override_settings(cookie_secret="p" * 40):
        analyses.precompute_store(store)
        calls: list[object] = []
        real = analysis.county_analysis
        monkeypatch.setattr(analysis, "county_analysis", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
        at = app_with_sample.run()
        at.session_state["filter:crime_types"] = ["Burglary"]
        at.switch_page("pages/communities.py").run(timeout=300)
    assert not at.exception
    assert calls and all(f.crime_types == ("Burglary",) for f in calls)
