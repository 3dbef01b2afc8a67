"""Pages over a store holding a month published with 2021 LSOAs: each says which areas and
which census its figures are on, and shows LSOAs of one generation only."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from core.settings import override_settings
from geo.ingest import ingest
from geo.lsoa_lookup import read_generations
from geo.store import Store
from tests.app.conftest import APP
from tests.unit.geo.test_ingest_generations import july_2017_rows, recode_to_2021

pytestmark = pytest.mark.app


@pytest.fixture()
def app_with_2021_month(sample_store_dir: Path, tmp_path: Path):
    """The sample store (2016-07, 2017-07) plus 2023-07: the July 2017 rows with every third
    one recoded to its 2021 LSOA."""
    store_dir = tmp_path / "store"
    shutil.copytree(sample_store_dir, store_dir)
    generations = read_generations()
    base = july_2017_rows().assign(Month="2023-07")
    recoded, _ = recode_to_2021(base, generations, np.arange(len(base)) % 3 == 0)
    (tmp_path / "2023-07").mkdir()
    recoded.to_csv(tmp_path / "2023-07" / "2023-07-west-yorkshire-street.csv", index=False)
    ingest([tmp_path / "2023-07"], Store(store_dir))
    st.cache_data.clear()
    st.cache_resource.clear()
    with override_settings(store_dir=store_dir, map_tiles=None, users_file=tmp_path / "no-users.json", mode="demo"):
        yield AppTest.from_file(APP, default_timeout=120), generations
    st.cache_data.clear()
    st.cache_resource.clear()


def _lsoa_codes(at: AppTest) -> set[str]:
    """Every LSOA code on the page: in its tables, and in its texts (a community's "LSOAs (n):
    ..." list)."""
    codes: set[str] = set()
    for frame in (d.value for d in at.dataframe):
        for column in frame.columns:
            codes |= {c for v in frame[column].astype(str) for c in re.findall(r"E0[12]\d{6}", v)}
    for text in (m.value for m in at.markdown):
        codes |= set(re.findall(r"E0[12]\d{6}", text))
    return codes


def test_pages_say_which_areas_and_census_and_show_lsoas_of_one_generation(app_with_2021_month):
    at, generations = app_with_2021_month
    at.run()
    # a series (Trends over 2016, 2017 and 2023) is on the 2011 areas
    at.switch_page("pages/trends.py").run(timeout=300)
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Areas: LSOAs (2011). Published with 2021 LSOAs: 2023-07" in captions
    assert "2011 figures are also used for 2023-07" in captions
    assert not _lsoa_codes(at) & generations.only_2021
    new_ids = {i for d in at.dataframe for c in d.value.columns for i in d.value[c].astype(str) if i.endswith("-new")}
    assert new_ids  # the movers of 2017-07 against 2016-07 include such an id here, and say what it means
    assert all(any(i in c.value and "mark a community new" in c.value for c in at.caption) for i in new_ids)
    # Impact compares campaigns over every stored month: a series, on 2011 areas
    at.switch_page("pages/impact.py").run(timeout=300)
    assert not at.exception
    assert any(c.value.startswith("Areas: LSOAs (2011). Published with 2021 LSOAs: 2023-07") for c in at.caption)
    # the District profile is a series on 2011 areas, but its communities are the period's
    at.switch_page("pages/profile.py").run(timeout=300)
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Areas: LSOAs (2011)." in captions
    assert "These communities are those of the Hotspot communities page for 2023-07, found on the LSOAs (2021)" in (
        captions
    )
    # the default period, July 2023, was published on 2021 LSOAs: it is analysed on them
    for page in ("pages/communities.py", "pages/hotspot_map.py"):
        at.switch_page(page).run(timeout=300)
        assert not at.exception, page
        captions = " ".join(c.value for c in at.caption)
        assert "Areas: LSOAs (2021): every month of the period was published on them." in captions, page
        residents = "census 2011 put on the 2021 areas" in captions
        assert residents == (page == "pages/communities.py"), page
    # the map's hexagon details list the 2021 LSOAs of the same rows
    from ui import cache

    token, filters = at.session_state["store_token"], at.session_state["filters"]
    shown_rows, stored_rows = cache.period_filtered(token, filters), cache.filtered(token, filters)
    assert len(shown_rows) == len(stored_rows)
    placed = shown_rows.loc[stored_rows["lsoa_code"].astype(str).ne("").to_numpy(), "lsoa_code"]
    assert set(placed) <= set(generations.lsoas21["lsoa_code"]) and set(placed) & generations.only_2021
    column = f"h3_r{filters.resolution}"
    cell = int(shown_rows.loc[shown_rows["lsoa_code"].isin(generations.only_2021), column].iloc[0])
    details = cache.hexagon_profile(token, filters, cell)  # what a click on that hexagon lists
    assert details.total == int((stored_rows[column] == cell).sum())
    assert set(details.lsoas["lsoa_code"]) & generations.only_2021
    assert not set(details.lsoas["lsoa_code"]) & generations.only_2011
    # communities' ids and LSOA lists, and the comms plan's drop zones, are 2021 codes
    for page in ("pages/communities.py", "pages/comms_plan.py"):
        shown = _lsoa_codes(at.switch_page(page).run(timeout=300))
        assert not at.exception, page
        assert shown and not shown & generations.only_2011, page
        assert shown & generations.only_2021, page  # the split and merged areas' new codes


def test_the_comms_exports_of_a_2021_period_are_in_2021_codes_and_say_so(app_with_2021_month, monkeypatch):
    from ui import download

    at, generations = app_with_2021_month
    made: dict[str, bytes] = {}
    offer = download.download

    def record(file, *args, **kwargs):
        made[file.file_name] = file.content
        return offer(file, *args, **kwargs)

    monkeypatch.setattr(download, "download", record)
    at.run()
    at.switch_page("pages/comms_plan.py").run(timeout=300)
    assert not at.exception
    drops = pd.read_csv(io.BytesIO(made["precision_drop_zones.csv"]), encoding="utf-8-sig", dtype=str)
    assert len(drops) and set(drops["LSOA"]) <= set(generations.lsoas21["lsoa_code"])
    assert set(drops["LSOA areas"]) == {"LSOA 2021"}
    assert set(drops["Households from"]) == {"census 2011 put on the 2021 LSOAs by area size"}
    zones = json.loads(made["precision_drop_zones.geojson"])
    assert sorted(f["properties"]["lsoa_code"] for f in zones["features"]) == sorted(drops["LSOA"])
    assert all(f["geometry"] for f in zones["features"])  # every drop zone drawn on its 2021 area
    brief = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(made["precision_comms_brief.pdf"])).pages)
    assert "census 2011 put on the 2021 LSOAs by area size" in " ".join(brief.split())
    assert "Drop zones (LSOA 2021: flyers)" in brief
    assert not set(re.findall(r"E01\d{6}", brief)) & generations.only_2011


def test_a_store_of_2011_months_says_so(app_with_sample: AppTest):
    at = app_with_sample.run()
    at.switch_page("pages/trends.py").run(timeout=300)
    captions = [c.value for c in at.caption]
    assert "Areas: LSOAs (2011). Residents and households: census 2011." in captions


def test_with_census_2021_loaded_rates_use_the_census_nearest_each_month(app_with_2021_month):
    from records.census import store_census
    from tests.unit.records.test_census import ts001, ts041

    at, generations = app_with_2021_month
    lsoas = generations.lsoas21[["lsoa_code", "lsoa_name", "district"]]
    store_census(ts001(lsoas), "census2021-ts001-lsoa.csv")  # a small extract in the ONS format
    store_census(ts041(lsoas), "census2021-ts041-lsoa.csv")
    persons = {
        d: sum(1500 + i % 7 for i, dd in enumerate(lsoas["district"]) if dd == d) for d in set(lsoas["district"])
    }
    at.run()
    at.switch_page("pages/trends.py").run(timeout=300)
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Residents: census 2011 for months before March 2021, census 2021 for 2023-07." in captions
    table = at.dataframe[0].value.set_index(["month", "district"])
    new = table.loc[("2023-07", "Bradford")]
    assert new["rate"] == pytest.approx(new["count"] * 1000 / persons["Bradford"])
    old = table.loc[("2017-07", "Bradford")]
    assert old["rate"] == pytest.approx(old["count"] * 1000 / 522_452)  # census 2011 for 2017
    at.switch_page("pages/profile.py").run(timeout=300)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Residents (census 2021)"] == f"{persons['Bradford']:,}"
    # the communities' residents and households (and so the flyer counts) use census 2021 too
    # for the 2023 period, put on the 2011 areas; the period of 2017 keeps census 2011
    at.switch_page("pages/communities.py").run(timeout=300)
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "Areas: LSOAs (2021)" in captions and "Residents and households: census 2021." in captions


#: Every page the demo registers after Home (the Data, Users and Audit pages are for a
#: signed-in admin).
DEMO_PAGES = (
    "hotspot_map",
    "communities",
    "comms_plan",
    "trends",
    "profile",
    "ocg",
    "accuracy",
    "national",
    "delivery",
    "impact",
    "public_summary",
    "accessibility",
)


def test_every_page_and_export_runs_on_the_store_with_the_2021_coded_month(app_with_2021_month, monkeypatch):
    """Every page of the demo runs on the store holding the mixed month (2016-07, 2017-07 on
    2011 LSOAs, 2023-07 a third recoded to 2021) and offers each of its files, whose LSOA codes
    are all real codes of one generation or the other."""
    from tests.app.test_downloads import EXPECTED
    from ui import download

    at, generations = app_with_2021_month
    made: dict[str, bytes] = {}
    offer = download.download

    def record(file, *args, **kwargs):
        made[file.file_name] = file.content if isinstance(file.content, bytes) else b""
        return offer(file, *args, **kwargs)

    monkeypatch.setattr(download, "download", record)
    at.run()  # Home
    assert not at.exception
    for page in DEMO_PAGES:
        at.switch_page(f"pages/{page}.py").run(timeout=300)
        assert not at.exception, page
    offered = {n.replace("2017-07", "2023-07") for files in EXPECTED.values() for n in files.values()}
    offered -= {"precision_audit_log.csv"}  # an admin's, in secure mode
    assert offered <= set(made), offered - set(made)
    # the profile and Silver pack of 2023-07 say their communities' areas, and give no older change as its own
    for name in ("precision_profile_bradford.pdf", "precision_meeting_pack_bradford_2023-07.pdf"):
        text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(made[name])).pages)
        assert "communities on the LSOAs (2021)" in text, name
        assert "No year-on-year change for 2023-07: 2022-07 is not loaded." in text, name
        assert "2017-07 against 2016-07" not in text, name
    known = set(generations.lsoas11["lsoa_code"]) | set(generations.lsoas21["lsoa_code"])
    for name, content in made.items():
        if name.endswith((".csv", ".geojson", ".html")):
            codes = set(re.findall(r"E01\d{6}", content.decode("utf-8-sig")))
            assert codes <= known, (name, codes - known)
