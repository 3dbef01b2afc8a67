"""A month in which a third of the rows carry 2021 LSOA codes, split and merged areas
included, goes through ingest beside a 2011-coded month: no row is lost or put in the wrong
district, the counts by code and by point are recorded, and the trends across the two
months agree with a hand count."""

from __future__ import annotations

import collections

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from core.settings import get_settings
from geo import boundaries
from geo.ingest import ingest
from geo.lsoa_lookup import on_2011_areas, read_generations
from geo.store import Store
from models import trends
from tests.conftest import SAMPLE_DIR

OLD_MONTH, NEW_MONTH = "2023-04", "2023-07"


@pytest.fixture(scope="module")
def generations():
    return read_generations()


def july_2017_rows() -> pd.DataFrame:
    """The real July 2017 West Yorkshire file, as published (text)."""
    return pd.read_csv(SAMPLE_DIR / "2017-07" / "2017-07-west-yorkshire-street.csv", dtype=str, keep_default_na=False)


def _far_from_district_edges(frame: pd.DataFrame, metres: float = 500.0) -> np.ndarray:
    """Rows with a point at least ``metres`` from every district boundary (their district is
    then the same whatever the generalisation of the polygons)."""
    crs = get_settings().crs_projected
    districts = boundaries.lsoas_to_districts(boundaries.read_lsoas()).to_crs(crs)
    edges = shapely.union_all(districts.boundary.values)
    mapped = (frame["Longitude"] != "").to_numpy()
    points = gpd.GeoSeries(
        shapely.points(frame.loc[mapped, "Longitude"].astype(float), frame.loc[mapped, "Latitude"].astype(float)),
        crs="EPSG:4326",
    ).to_crs(crs)
    out = np.zeros(len(frame), dtype=bool)
    out[mapped] = shapely.distance(points.values, edges) >= metres
    return out


def recode_to_2021(frame: pd.DataFrame, generations, rows: np.ndarray) -> tuple[pd.DataFrame, collections.Counter]:
    """Give the chosen rows the 2021 code of their area: the same code when unchanged, the
    part of a split area holding the point (else the first), the merged area."""
    lookup = generations.lookup
    children = lookup.groupby("LSOA11CD")["LSOA21CD"].apply(list).to_dict()
    kinds = lookup.groupby("LSOA11CD")["CHGIND"].first().to_dict()
    g21 = generations.lsoas21.set_index("lsoa_code")
    out = frame.copy()
    kinds_used: collections.Counter = collections.Counter()
    for i in np.flatnonzero(rows):
        old = out.at[i, "LSOA code"]
        if old not in children:
            continue
        options = children[old]
        new = options[0]
        if len(options) > 1 and out.at[i, "Longitude"]:
            point = shapely.Point(float(out.at[i, "Longitude"]), float(out.at[i, "Latitude"]))
            new = min(options, key=lambda c: shapely.distance(g21.geometry[c], point))
        out.at[i, "LSOA code"] = new
        out.at[i, "LSOA name"] = g21.at[new, "lsoa_name"]
        kinds_used[kinds[old]] += 1
    return out, kinds_used


@pytest.fixture(scope="module")
def months(tmp_path_factory: pytest.TempPathFactory, generations):
    """Two months of the same rows: one as published (2011 codes), one with a third of its
    rows recoded to 2021; in both, some rows far from district edges lose their code (placed
    by point)."""
    base = july_2017_rows()
    n = len(base)
    by_point = (
        (np.arange(n) % 40 == 7)
        & _far_from_district_edges(base)
        & base["LSOA code"].isin(set(generations.lsoas11["lsoa_code"])).to_numpy()
    )
    truth = base["LSOA code"].copy()  # the 2011 area of every row, as published
    base.loc[by_point, ["LSOA code", "LSOA name"]] = ""
    old = base.assign(Month=OLD_MONTH)
    third = (np.arange(n) % 3 == 0) & ~by_point
    new, kinds = recode_to_2021(base.assign(Month=NEW_MONTH), generations, third)
    folder = tmp_path_factory.mktemp("generations")
    for month, frame in ((OLD_MONTH, old), (NEW_MONTH, new)):
        (folder / month).mkdir()
        frame.to_csv(folder / month / f"{month}-west-yorkshire-street.csv", index=False)
    store = Store(folder / "store")
    summary = ingest([folder / OLD_MONTH, folder / NEW_MONTH], store)
    return {
        "store": store,
        "summary": summary,
        "truth": truth,
        "by_point": by_point,
        "third": third,
        "kinds": kinds,
        "new": new,
    }


def test_a_third_of_the_rows_carry_2021_codes_split_and_merged_included(months, generations):
    new, third = months["new"], months["third"]
    assert abs(third.mean() - 1 / 3) < 0.01
    kinds = months["kinds"]
    assert kinds["S"] >= 100 and kinds["M"] >= 5 and kinds["U"] > 7000
    assert new["LSOA code"].isin(generations.only_2021).sum() == kinds["S"] + kinds["M"]


def test_no_row_is_lost_and_every_row_is_in_its_own_district(months):
    store, truth = months["store"], months["truth"]
    lsoas = boundaries.read_lsoas().set_index("lsoa_code")
    expected = truth.map(lsoas["district"]).fillna("").to_numpy()
    for month in (OLD_MONTH, NEW_MONTH):
        stored = store.read_incidents([month]).sort_values("source_line")
        assert len(stored) == len(truth)  # nothing lost, nothing rejected
        assert stored["source_line"].tolist() == list(range(2, len(truth) + 2))
        assert (stored["district"].astype(str).to_numpy() == expected).all()
        outside = truth.ne("") & ~truth.isin(lsoas.index)
        assert (stored["outside"].to_numpy() == outside.to_numpy()).all()


def test_the_counts_placed_by_code_and_by_point_and_each_months_generation(months, generations):
    store, third, by_point = months["store"], months["third"], months["by_point"]
    manifest = store.manifest()["forces"]["West Yorkshire Police"]
    old, new = manifest[OLD_MONTH]["stats"], manifest[NEW_MONTH]["stats"]
    assert store.month_generations() == {OLD_MONTH: "2011", NEW_MONTH: "2021"}
    assert old["lsoa_codes_of_both"] is False and new["lsoa_codes_of_both"] is True
    kinds = months["kinds"]
    assert new["lsoa_matches"]["code_2021"] == kinds["S"] + kinds["M"]
    assert old["lsoa_matches"]["code_2021"] == 0
    truth = months["truth"]
    only_2011 = truth.isin(generations.only_2011).to_numpy()
    assert old["lsoa_matches"]["code_2011"] == int((only_2011 & ~by_point).sum())
    assert new["lsoa_matches"]["code_2011"] == int((only_2011 & ~by_point & ~third).sum())
    for stats in (old, new):
        assert stats["lsoa_matches"]["point"] == int(by_point.sum()) > 500
        assert sum(stats["lsoa_matches"].values()) == len(truth)
    text = months["summary"].to_text()
    assert f"by point: {2 * int(by_point.sum()):,}" in text
    assert f"on 2011 LSOAs: {OLD_MONTH}" in text and f"on 2021 LSOAs: {NEW_MONTH}" in text
    table = store.month_stats().set_index("month")
    assert table.loc[NEW_MONTH, "lsoa_generation"] == "2021" and table.loc[OLD_MONTH, "lsoa_generation"] == "2011"
    in_districts = int(truth.isin(generations.lsoas11["lsoa_code"]).sum())
    assert (table["by_code"] + table["by_point"] == in_districts).all()


def test_trends_across_the_2011_and_2021_coded_months_agree_with_a_hand_count(months, generations):
    store, truth, by_point = months["store"], months["truth"], months["by_point"]
    lsoas = boundaries.read_lsoas().set_index("lsoa_code")
    incidents = store.read_incidents()
    # by district: the hand count is the published 2011 area's district of every row
    hand = collections.Counter(truth.map(lsoas["district"]).dropna())
    series = trends.monthly_counts(incidents[incidents["district"] != ""], [OLD_MONTH, NEW_MONTH])
    for month in (OLD_MONTH, NEW_MONTH):
        got = series[series["month"] == month].set_index("district")["count"].to_dict()
        assert got == dict(hand)
    # by LSOA, on 2011 areas: the same rows give the same counts in both months, except that
    # the two merged 2021 areas are shared out between their 2011 areas by point
    on_2011 = on_2011_areas(incidents, generations)
    by_lsoa = trends.monthly_counts(on_2011[on_2011["lsoa_code"] != ""], [OLD_MONTH, NEW_MONTH], ("lsoa_code",))
    table = by_lsoa.pivot(index="lsoa_code", columns="month", values="count")
    hand_lsoa = collections.Counter(truth[~by_point & truth.ne("")])
    merged = set(generations.lookup.loc[generations.lookup["CHGIND"] == "M", "LSOA11CD"])
    assert table[OLD_MONTH].to_dict() == {c: hand_lsoa.get(c, 0) for c in table.index}
    exact = [c for c in table.index if c not in merged]
    assert (table.loc[exact, NEW_MONTH] == table.loc[exact, OLD_MONTH]).all()
    assert len(exact) > 1300
    groups = generations.lookup[generations.lookup["CHGIND"] == "M"].groupby("LSOA21CD")["LSOA11CD"].apply(list)
    for parents in groups:
        assert table.loc[parents, NEW_MONTH].sum() == table.loc[parents, OLD_MONTH].sum()


def test_the_generation_in_force_is_told_by_codes_first_then_by_date():
    from geo.ingest import generation_in_force

    assert generation_in_force(5, 1, "2017-07", "2023-06") == "2021"  # a code only 2021 has: made after the change
    assert generation_in_force(5, 0, "2024-01", "2023-06") == "2011"  # only-2011 codes, whatever the date
    assert generation_in_force(0, 0, "2023-05", "2023-06") == "2011"  # shared codes only: the date decides
    assert generation_in_force(0, 0, "2023-06", "2023-06") == "2021"


def test_the_2021_coded_month_is_analysed_on_2021_areas_with_the_same_hot_spots(months, generations):
    from numpy.testing import assert_allclose

    from models import analysis
    from models.counts import Filters
    from models.pipeline import HotspotParams
    from services.analyses import store_sources

    sources = store_sources(months["store"])
    params = HotspotParams(inference="analytical")
    assert sources.period_areas([NEW_MONTH], 9).generation == "2021"
    assert sources.period_areas([OLD_MONTH], 9).generation == "2011"
    assert sources.period_areas([OLD_MONTH, NEW_MONTH], 9).generation == "2011"  # a series: one generation
    old = analysis.county_analysis(sources, Filters(months=(OLD_MONTH,)), params)
    new = analysis.county_analysis(sources, Filters(months=(NEW_MONTH,)), params)
    # the same rows in the same cells: the same Gi*, the same communities and incidents
    assert_allclose(new.result.z, old.result.z)
    assert new.communities["incidents"].tolist() == old.communities["incidents"].tolist()
    assert [sorted(c) for c in new.communities["cells"]] == [sorted(c) for c in old.communities["cells"]]
    codes21, codes11 = set(generations.lsoas21["lsoa_code"]), set(generations.lsoas11["lsoa_code"])
    new_lsoas = {c for lsoas in new.communities["lsoas"] for c in lsoas}
    old_lsoas = {c for lsoas in old.communities["lsoas"] for c in lsoas}
    assert new_lsoas <= codes21 and old_lsoas <= codes11
    assert new_lsoas & generations.only_2021 and old_lsoas & generations.only_2011
    # census 2011 put on the 2021 areas (census 2021 not loaded) loses no resident or household
    on21 = sources.period_areas([NEW_MONTH], 9).lsoas
    assert len(on21) == len(codes21) and on21["district"].notna().all()
    assert_allclose(
        on21[["persons", "households"]].sum().to_numpy(), sources.lsoas()[["persons", "households"]].sum().to_numpy()
    )


def test_a_2021_period_keeps_the_ids_carried_from_a_2011_period_and_says_why(months, generations):
    """Ids follow hot spots (H3 cells), not codes: a community of a 2021-coded month that
    continues one of the month before (2011-coded) keeps its id, even when that id was named
    after a 2011-only LSOA; the communities page then says why (kept_id_note)."""
    import dataclasses

    from models import analysis
    from models.communities import id_to_lsoa, kept_id_note
    from models.counts import Filters
    from models.pipeline import HotspotParams
    from services.analyses import store_sources

    sources = store_sources(months["store"])
    stored = sources.incidents["month"].astype(str)
    before = "2023-06"  # the 2011-coded rows as the month before the 2021-coded one
    recorded = {before: "2011", NEW_MONTH: "2021"}
    assert sources.areas2021 is not None
    shifted = analysis.FrameSources(
        sources.incidents.assign(month=stored.where(stored != OLD_MONTH, before)),
        sources.lsoa_frame,
        sources.weights_by_type,
        (before, NEW_MONTH),
        None,
        dataclasses.replace(sources.areas2021, month_generations=recorded),
    )
    params = HotspotParams(inference="analytical")
    earlier = analysis.county_analysis(shifted, Filters(months=(before,)), params).communities
    later = analysis.county_analysis(shifted, Filters(months=(NEW_MONTH,)), params).communities
    assert (later["carried_from"] != "").all()  # the same rows: every hot spot continues
    assert later["community_id"].tolist() == earlier["community_id"].tolist()
    named = {id_to_lsoa(i) for i in later["community_id"]}
    assert named & generations.only_2011  # ids named after 2011-only areas are kept...
    assert not {c for lsoas in later["lsoas"] for c in lsoas} & generations.only_2011  # ...on 2021 areas
    note = kept_id_note(later)
    kept = [i for i, lsoas in zip(later["community_id"], later["lsoas"]) if id_to_lsoa(i) not in lsoas]
    assert kept and note.startswith(", ".join(kept[:5]))
    assert kept_id_note(earlier) == ""  # the 2011 period's ids name its own areas
