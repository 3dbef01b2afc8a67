"""ui.cache: each loader is a key and a call into geo, records or models, keyed by the store's
commit, and the shared incident frames are shared, on a tiny hand-made store."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

from core.settings import REPO_DIR, override_settings
from geo.ingest import ingest
from geo.store import Store
from models import counts
from models.counts import Filters
from records import reference
from tests.conftest import street_csv, street_row
from ui import cache

#: In Leeds 011A (a bundled LSOA): two incidents in one place, one nearby, one without coordinates.
LEEDS = {"lon": "-1.68092", "lat": "53.87031", "lsoa_code": "E01011264", "lsoa_name": "Leeds 011A"}
ROWS = [
    street_row(crime_id="a1", crime_type="Drugs", **LEEDS),
    street_row(crime_id="a2", crime_type="Drugs", **LEEDS),
    street_row(crime_id="a3", crime_type="Robbery", **{**LEEDS, "lon": "-1.6805"}),
    street_row(crime_id="", lon="", lat="", lsoa_code="", crime_type="Burglary"),  # no coordinates
]


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    """A store of one hand-made month, installed as the settings' store; caches cleared."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "2017-07-west-yorkshire-street.csv").write_bytes(street_csv(ROWS))
    st.cache_data.clear()
    st.cache_resource.clear()
    with override_settings(store_dir=tmp_path / "store"):
        handle = Store(tmp_path / "store")
        ingest([tmp_path / "in"], handle)
        yield handle
    st.cache_data.clear()
    st.cache_resource.clear()


def test_the_incident_frames_are_read_once_per_commit_and_shared(store: Store, tmp_path: Path):
    token = store.token()
    first = cache.incidents(token)
    assert len(first) == 4 and cache.incidents(token) is first  # one frame for every session
    assert cache.incidents(cache.with_census(token)) is first  # the pages' token: the same frame
    drugs = Filters(crime_types=("Drugs",))
    assert cache.filtered(token, drugs) is cache.filtered(token, drugs)
    assert cache.filtered(token, drugs).equals(counts.filter_incidents(first, drugs))
    # a new commit is a new key, and the new data is read
    (tmp_path / "in" / "2017-08-west-yorkshire-street.csv").write_bytes(
        street_csv([street_row(month="2017-08", **LEEDS)])
    )
    ingest([tmp_path / "in" / "2017-08-west-yorkshire-street.csv"], store)
    assert store.token() != token and len(cache.incidents(store.token())) == 5
    assert cache.store().months() == ["2017-07", "2017-08"]


def test_loaders_give_what_the_functions_they_call_give(store: Store):
    token = store.token()
    frame = cache.incidents(token)
    filters = Filters(months=("2017-07",))
    assert cache.cell_counts(token, filters).equals(counts.cell_counts(counts.filter_incidents(frame, filters), 9))
    assert cache.cell_counts(token, filters)["count"].sum() == 3  # the row without coordinates is on no map
    breakdown = cache.stored_breakdown(token)
    assert (breakdown.stored, breakdown.unmapped) == (4, 1)
    assert cache.month_stats(token)["month"].tolist() == ["2017-07"]
    assert cache.harm_weights() == reference.read_harm_weights()


def test_every_loader_is_cached_except_the_two_that_combine_cached_ones():
    tree = ast.parse((REPO_DIR / "ui" / "cache.py").read_text(encoding="utf-8"))
    uncached = [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and not any("cache_data" in ast.unparse(d) or "cache_resource" in ast.unparse(d) for d in node.decorator_list)
    ]
    # three token helpers (the store commit and the census state in a pages' token, the token
    # with the census loaded), six that combine cached loaders, and the shared frame by the
    # commit of a token
    assert uncached == [
        "store_commit",
        "census_of",
        "with_census",
        "shares_census_year",
        "district_census",
        "on_2021_areas",
        "incidents",
        "period_filtered",
        "hotspot_analysis",
        "national_funnel_chart",
    ]
