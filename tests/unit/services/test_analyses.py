"""services.analyses: the default analyses are computed once per state of the store, kept
under its commit and read back; a command's --store gets its own results and secret."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from core.settings import get_settings, override_settings
from models import analysis
from models.counts import Filters
from models.pipeline import HotspotAnalysis, HotspotParams
from services import analyses


class _Store:
    """What precompute_store reads of a store: its folder, commit and months."""

    def __init__(self, root: Path, commit: str, months: list[str]) -> None:
        self.root, self.commit, self.stored = root, commit, months

    def token(self) -> str:
        return self.commit

    def months(self) -> list[str]:
        return self.stored


@pytest.fixture()
def counted(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """Stand in for Gi*: record the months of each county analysis run."""
    runs: list[tuple[str, ...]] = []

    def fake(sources, filters, params):
        runs.append(filters.months)
        return HotspotAnalysis(None, pd.DataFrame({"community_id": [f"HC-{len(runs)}"]}), params)  # type: ignore[arg-type]

    monkeypatch.setattr(analysis, "county_analysis", fake)
    monkeypatch.setattr(
        analysis,
        "county_emerging",
        lambda sources, types, res, harm: runs.append(("emerging",)) or pd.DataFrame({"cell": [1]}),
    )
    return runs


def _sources(months: list[str]) -> analysis.FrameSources:
    return analysis.FrameSources(pd.DataFrame({"month": months}), None, {}, months)  # type: ignore[arg-type]


def test_each_default_period_is_kept_once_under_the_commit(tmp_path: Path, counted: list[tuple[str, ...]]):
    months = [f"2016-{m:02d}" for m in range(1, 13)] + ["2017-01"]
    with override_settings(store_dir=tmp_path / "store", cookie_secret="x" * 40):
        store = _Store(tmp_path / "store", "c1", months)
        lines: list[str] = []
        done = analyses.precompute_store(store, sources=_sources(months), log=lines.append)  # type: ignore[arg-type]
        assert [f.months for f in done] == [("2017-01",), ("2016-11", "2016-12", "2017-01"), tuple(months[1:])]
        assert counted == [*(f.months for f in done), ("emerging",)] and len(lines) == 4  # 13 months: emerging too
        assert analyses.stored_emerging("c1", 9)["cell"].tolist() == [1]
        assert analyses.precompute_store(store, sources=_sources(months)) == []  # type: ignore[arg-type]
        kept = analyses.stored_analysis("c1", Filters(months=("2017-01",)), HotspotParams())
        assert kept is not None and kept.communities["community_id"].tolist() == ["HC-1"]
        assert analyses.stored_analysis("c2", Filters(months=("2017-01",)), HotspotParams()) is None


def test_an_empty_store_computes_nothing(tmp_path: Path, counted: list[tuple[str, ...]]):
    with override_settings(store_dir=tmp_path / "store", cookie_secret="x" * 40):
        assert analyses.precompute_store(_Store(tmp_path / "store", "", []), sources=_sources([])) == []  # type: ignore[arg-type]
    assert counted == []


def test_another_store_folder_gets_its_own_results(tmp_path: Path, counted: list[tuple[str, ...]]):
    with override_settings(store_dir=tmp_path / "main", cookie_secret="x" * 40):
        other = _Store(tmp_path / "other", "c9", ["2017-07"])
        assert analyses.settings_for(other).store_dir == tmp_path / "other"  # type: ignore[arg-type]
        assert analyses.settings_for(_Store(tmp_path / "main", "c1", [])) is get_settings()  # type: ignore[arg-type]
        analyses.precompute_store(other, sources=_sources(["2017-07"]))  # type: ignore[arg-type]
    assert (tmp_path / "other" / "results" / "c9").is_dir() and not (tmp_path / "main" / "results").exists()


def test_a_result_kept_under_other_rules_is_never_shown_and_is_computed_again(
    tmp_path: Path, counted: list[tuple[str, ...]], monkeypatch: pytest.MonkeyPatch
):
    """An upgrade that changes what an analysis holds (e.g. 2021 areas for a 2021 period)
    must not leave results kept by the old code on screen for the same store commit."""
    months, request = ["2023-07"], Filters(months=("2023-07",))
    rules = analysis.RULES
    with override_settings(store_dir=tmp_path / "store", cookie_secret="x" * 40):
        store = _Store(tmp_path / "store", "c1", months)
        monkeypatch.setattr(analysis, "RULES", rules - 1)  # kept by the previous version
        analyses.precompute_store(store, sources=_sources(months))  # type: ignore[arg-type]
        assert analyses.stored_analysis("c1", request, HotspotParams()) is not None
        monkeypatch.setattr(analysis, "RULES", rules)  # the upgrade, same store commit
        assert analyses.stored_analysis("c1", request, HotspotParams()) is None
        assert [f.months for f in analyses.precompute_store(store, sources=_sources(months))] == [("2023-07",)]  # type: ignore[arg-type]
        kept = analyses.stored_analysis("c1", request, HotspotParams())
        assert kept is not None and kept.communities["community_id"].tolist() == ["HC-2"]


def test_a_kept_result_on_census_2021_is_not_shown_once_the_census_changes(
    tmp_path: Path, counted: list[tuple[str, ...]]
):
    from geo.boundaries import read_lsoas, read_lsoas_2021
    from records.census import store_census
    from tests.unit.records.test_census import ts001, ts041

    old, new = Filters(months=("2017-07",)), Filters(months=("2023-07",))
    lsoas21 = read_lsoas_2021()
    with override_settings(store_dir=tmp_path / "store", cookie_secret="x" * 40):
        analyses.precompute_store(_Store(tmp_path / "store", "c0", ["2017-07"]), sources=_sources(["2017-07"]))  # type: ignore[arg-type]
        store_census(ts001(lsoas21), "census2021-ts001-lsoa.csv")
        assert analyses.census2021_on_2011_areas(read_lsoas()) is None  # households not loaded yet
        store_census(ts041(lsoas21), "census2021-ts041-lsoa.csv")
        assert analyses.stored_analysis("c0", old, HotspotParams()) is not None  # 2017: census 2011 still
        analyses.precompute_store(_Store(tmp_path / "store", "c1", ["2023-07"]), sources=_sources(["2023-07"]))  # type: ignore[arg-type]
        assert analyses.stored_analysis("c1", new, HotspotParams()) is not None
        # another census 2021 households table: the 2023 period's kept result is stale, never shown
        store_census(ts041(lsoas21.iloc[::-1]), "census2021-ts041-lsoa.csv")
        assert analyses.stored_analysis("c1", new, HotspotParams()) is None
        on_2011 = analyses.census2021_on_2011_areas(read_lsoas())
        assert on_2011 is not None and len(on_2011) == 1388
        assert round(on_2011["households"].sum()) == sum(600 + i % 5 for i in range(len(lsoas21)))
