"""The default analyses are computed when data lands and read back by the pages, exactly as
computed, and never for another state of the store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from core.settings import override_settings
from geo.ingest import ingest
from geo.store import Store
from models import analysis
from models.counts import Filters
from models.pipeline import HotspotParams
from services import analyses
from tests.conftest import SAMPLE_DIR

pytestmark = pytest.mark.sample


@pytest.fixture()
def store(sample_store_dir: Path, tmp_path: Path):
    store_dir = tmp_path / "store"
    shutil.copytree(sample_store_dir, store_dir)
    with override_settings(store_dir=store_dir, cookie_secret="s" * 40):
        yield Store(store_dir)


def test_precomputed_results_equal_a_fresh_analysis_and_are_computed_once(store: Store):
    lines: list[str] = []
    done = analyses.precompute_store(store, log=lines.append)
    assert done == [Filters(months=("2017-07",))]  # latest 1, 3 and 12 months are the same month here
    assert lines == [f"kept the county analysis of 2017-07 for commit {store.token()}"]
    assert analyses.precompute_store(store) == []  # kept already: nothing computed again

    kept = analyses.stored_analysis(store.token(), Filters(months=("2017-07",)), HotspotParams())
    fresh = analysis.county_analysis(analyses.store_sources(store), Filters(months=("2017-07",)), HotspotParams())
    assert kept is not None
    assert_array_equal(kept.result.bins, fresh.result.bins)
    pd.testing.assert_frame_equal(
        pd.DataFrame(kept.communities.drop(columns="geometry")),
        pd.DataFrame(fresh.communities.drop(columns="geometry")),
    )
    assert kept.communities.geometry.geom_equals(fresh.communities.geometry).all()


def test_a_new_commit_finds_no_result_of_the_old_one(store: Store):
    analyses.precompute_store(store)
    before = store.token()
    ingest([SAMPLE_DIR / "2017-07"], store)  # the same month again: a new commit
    assert store.token() != before
    assert analyses.stored_analysis(store.token(), Filters(months=("2017-07",)), HotspotParams()) is None


def test_communities_households_follow_the_census_of_their_period(store: Store):
    """An injected truth: census 2021 households twice census 2011's, on every 2011 LSOA. A
    period of March 2021 or later gets twice the households in every community (flyers with
    them); the same incidents in a 2017 period keep census 2011's."""
    from geo.boundaries import read_lsoas

    sources = analyses.store_sources(store)
    lsoas = read_lsoas()
    doubled = lsoas.set_index("lsoa_code")[["persons", "households"]].astype(float) * 2.0
    params = HotspotParams(permutations=99)
    base = analysis.county_analysis(sources, Filters(months=("2017-07",)), params).communities
    relabelled = sources.incidents.assign(month=sources.incidents["month"].astype(str).replace({"2017-07": "2023-07"}))
    later = analysis.FrameSources(relabelled, lsoas, sources.weights_by_type, ("2016-07", "2023-07"), doubled)
    moved = analysis.county_analysis(later, Filters(months=("2023-07",)), params).communities
    assert len(base) > 5 and moved["cells"].map(tuple).tolist() == base["cells"].map(tuple).tolist()
    assert (moved["households"] - 2 * base["households"]).abs().max() <= 1  # whole households, rounded once
    assert (moved["residents"] - 2 * base["residents"]).abs().max() <= 1
    still = analysis.FrameSources(sources.incidents, lsoas, sources.weights_by_type, ("2016-07", "2017-07"), doubled)
    same = analysis.county_analysis(still, Filters(months=("2017-07",)), params).communities
    assert same["households"].tolist() == base["households"].tolist()
