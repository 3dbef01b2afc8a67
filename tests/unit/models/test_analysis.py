"""models.analysis: the county analysis with carried ids, on hand-made inputs."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from models import analysis, pipeline
from models.counts import Filters
from models.pipeline import HotspotAnalysis, HotspotParams


def _sources(months: tuple[str, ...]) -> analysis.FrameSources:
    incidents = pd.DataFrame({"month": list(months), "district": "Leeds", "crime_type": "Robbery"})
    lsoas = gpd.GeoDataFrame({"lsoa_code": ["E1"]}, geometry=[box(-1.56, 53.79, -1.55, 53.80)], crs="EPSG:4326")
    return analysis.FrameSources(incidents, lsoas, {"Robbery": 9.0})


@pytest.fixture()
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[tuple[str, ...], str]]:
    """Record each period analysed (months, inference) instead of running Gi*."""
    seen: list[tuple[tuple[str, ...], str]] = []

    def fake(incidents, grid, lsoas, harm, params, weights):
        seen.append((tuple(sorted(incidents["month"].unique())), params.inference))
        ids = pd.DataFrame({"community_id": [f"HC-{len(seen)}"], "name": ["x"], "cells": [[1, 2]]})
        return HotspotAnalysis(None, ids, params)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "analyse_hotspots", fake)
    monkeypatch.setattr(analysis.FrameSources, "grid", lambda self, r: pd.DataFrame({"cell": [1, 2]}))
    monkeypatch.setattr(analysis.FrameSources, "ring_weights", lambda self, r, k: None)
    return seen


def test_the_earlier_comparable_period_is_analysed_analytically_and_its_ids_carried(calls, monkeypatch):
    carried: list[tuple[list[str], list[str]]] = []

    def keep(current, earlier, min_share=0.5):
        carried.append((current.communities["community_id"].tolist(), earlier["community_id"].tolist()))
        return current

    monkeypatch.setattr(pipeline, "keep_earlier_ids", keep)
    sources = _sources(("2016-07", "2017-07"))
    analysis.county_analysis(sources, Filters(districts=("Leeds",), months=("2017-07",)), HotspotParams())
    # the county (districts ignored), then the same month a year before, analytically
    assert calls == [(("2017-07",), "permutation"), (("2016-07",), "analytical")]
    assert carried == [(["HC-1"], ["HC-2"])]


def test_without_an_earlier_period_nothing_is_carried(calls, monkeypatch):
    monkeypatch.setattr(pipeline, "keep_earlier_ids", lambda *a, **k: pytest.fail("nothing to carry"))
    result = analysis.county_analysis(_sources(("2017-07",)), Filters(months=("2017-07",)), HotspotParams())
    assert calls == [(("2017-07",), "permutation")]
    assert result.communities["community_id"].tolist() == ["HC-1"]


def test_frame_sources_months_default_to_the_incidents_and_the_rows_keep_the_page_columns():
    sources = _sources(("2017-07", "2016-07", "2017-07"))
    assert sources.stored_months() == ["2016-07", "2017-07"]
    assert dataclasses.replace(sources, months=("2015-01",)).stored_months() == ["2015-01"]
    communities = pd.DataFrame({c: [1] for c in analysis.COMMUNITY_COLUMNS}).assign(harm=[12.345])
    rows = analysis.community_rows(communities.assign(extra=1))
    assert tuple(rows.columns) == analysis.COMMUNITY_COLUMNS and rows["harm"].tolist() == [12.3]


def test_county_emerging_runs_monthly_gi_over_every_stored_month_for_the_crime_types(monkeypatch):
    import numpy as np

    from models import emerging

    seen = {}

    def monthly_gi(frame, cells, resolution, months, weights, harm):
        seen.update(rows=len(frame), cells=list(cells), resolution=resolution, months=months, harm=harm)
        return np.zeros((len(months), len(cells)), dtype=int), np.zeros((len(months), len(cells)))

    monkeypatch.setattr(pipeline, "monthly_gi", monthly_gi)
    monkeypatch.setattr(emerging, "emerging_hotspots", lambda cells, bins, z: pd.DataFrame({"cell": cells}))
    monkeypatch.setattr(analysis.FrameSources, "grid", lambda self, r: pd.DataFrame({"cell": [1, 2]}))
    monkeypatch.setattr(analysis.FrameSources, "ring_weights", lambda self, r, k: None)
    sources = _sources(("2016-07", "2017-07", "2017-07"))
    out = analysis.county_emerging(sources, ("Robbery",), 9, harm_weighted=True)
    assert out["cell"].tolist() == [1, 2]
    assert seen == {
        "rows": 3,
        "cells": [1, 2],
        "resolution": 9,
        "months": ["2016-07", "2017-07"],
        "harm": {"Robbery": 9.0},
    }


def test_a_period_is_analysed_with_the_census_nearest_its_latest_month(monkeypatch):
    seen: list[list[float]] = []

    def fake(incidents, grid, lsoas, harm, params, weights):
        seen.append(lsoas["households"].tolist())
        return HotspotAnalysis(None, pd.DataFrame({"community_id": [], "cells": []}), params)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "analyse_hotspots", fake)
    monkeypatch.setattr(analysis.FrameSources, "grid", lambda self, r: pd.DataFrame({"cell": [1, 2]}))
    monkeypatch.setattr(analysis.FrameSources, "ring_weights", lambda self, r, k: None)
    lsoas = gpd.GeoDataFrame(
        {"lsoa_code": ["E1"], "persons": [1500], "households": [600]},
        geometry=[box(-1.56, 53.79, -1.55, 53.80)],
        crs="EPSG:4326",
    )
    census2021 = pd.DataFrame({"persons": [1800.0], "households": [720.0]}, index=pd.Index(["E1"], name="lsoa_code"))
    for months, households in ((("2020-12", "2021-02"), 600), (("2021-03",), 720)):
        incidents = pd.DataFrame({"month": list(months), "district": "Leeds", "crime_type": "Robbery"})
        sources = analysis.FrameSources(incidents, lsoas, {"Robbery": 9.0}, months, census2021)
        analysis.county_analysis(sources, Filters(months=months), HotspotParams())
        assert seen[-1] == [households]
    # until census 2021 is loaded every period uses census 2011, and the frame is never changed
    sources = analysis.FrameSources(incidents, lsoas, {"Robbery": 9.0}, ("2021-03",))
    assert sources.period_areas(("2021-03",), 9).lsoas is lsoas and lsoas["households"].tolist() == [600]
