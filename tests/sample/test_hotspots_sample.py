"""Hot spots, communities and the backtest on the real sample."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cli.backtest import run
from geo import boundaries, hexes
from geo.store import Store
from models.evaluation import DEFAULT_METHOD, evaluate_methods
from models.pipeline import HotspotParams, analyse_hotspots
from records.reference import read_harm_weights

pytestmark = pytest.mark.sample


@pytest.fixture(scope="module")
def sample(sample_store_dir: Path):
    lsoas = boundaries.read_lsoas()
    grid = hexes.lsoas_to_grid(lsoas, 9)
    incidents = Store(sample_store_dir).read_incidents()
    return lsoas, grid, incidents


def test_backtest_reproduces_the_checked_figures_and_default_beats_prior_counts(sample):
    _, grid, incidents = sample
    result = evaluate_methods(incidents, grid["cell"].to_numpy(), 9, ["2016-07"], ["2017-07"])
    assert result.n_cells == 21_783 and result.test_incidents == 26_986
    # field notes: prior counts 1 % -> 0.198; hindsight 1 % -> 0.237, 5 % -> 0.585 (PAI 11.69)
    assert result.at("prior counts", 0.01)["hit_rate"] == pytest.approx(0.198, abs=0.001)
    assert result.at("hindsight (test period itself)", 0.01)["hit_rate"] == pytest.approx(0.237, abs=0.001)
    assert result.at("hindsight (test period itself)", 0.05)["hit_rate"] == pytest.approx(0.585, abs=0.001)
    assert result.at("hindsight (test period itself)", 0.05)["pai"] == pytest.approx(11.69, abs=0.01)
    for coverage in (0.01, 0.02, 0.05, 0.10):
        assert (
            result.at(DEFAULT_METHOD, coverage)["hit_rate"]
            <= result.at("hindsight (test period itself)", coverage)["hit_rate"]
        )
    assert result.at(DEFAULT_METHOD, 0.05)["hit_rate"] >= result.at("prior counts", 0.05)["hit_rate"]


def test_backtest_command_json_and_missing_month(sample_store_dir: Path):
    code, text = run(
        ["--train", "2016-07", "--test", "2017-07", "--store", str(sample_store_dir), "--json", "--resolution", "8"]
    )
    assert code == 0
    payload = json.loads(text)
    assert payload["resolution"] == 8 and len(payload["results"]) == 6 * 4
    code, text = run(["--train", "2015-01", "--test", "2017-07", "--store", str(sample_store_dir)])
    assert code == 2 and "2015-01" in text and "not loaded" in text


def test_hot_spots_and_communities_on_west_yorkshire(sample):
    lsoas, grid, incidents = sample
    in_wy = incidents[incidents["district"].astype(str) != ""]
    analysis = analyse_hotspots(in_wy, grid, lsoas, read_harm_weights(), HotspotParams())
    r = analysis.result
    assert 500 < int((r.bins > 0).sum()) < 4_000
    # Leeds city centre (Leeds station) is a 99 % hot spot
    station = hexes.latlng_to_cells(np.array([53.7950]), np.array([-1.5476]), 9)[0]
    assert r.bins[np.searchsorted(r.cells, station)] == 3
    c = analysis.communities
    assert len(c) >= 20
    assert c["rank"].tolist() == list(range(1, len(c) + 1))
    assert c["harm"].is_monotonic_decreasing
    assert "Leeds" in c.iloc[0]["districts"]
    assert (c["residents"] > 0).all() and (c["n_cells"] >= 2).all()
    again = analyse_hotspots(in_wy, grid, lsoas, read_harm_weights(), HotspotParams())
    assert again.communities["name"].tolist() == c["name"].tolist()
