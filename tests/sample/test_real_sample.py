"""Tests on the real bundled data.police.uk sample (July 2016 and July 2017)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import get_settings
from geo import boundaries, hexes
from geo.ingest import ingest
from geo.schemas import H3_COLUMNS, INCIDENT_CHECK
from geo.store import Store
from models.counts import Filters, cell_counts, filter_incidents, stored_breakdown
from tests.conftest import SAMPLE_DIR

pytestmark = pytest.mark.sample


def test_rows_read_per_month_match_the_published_files(sample_store_dir: Path):
    stats = Store(sample_store_dir).month_stats().set_index("month")
    assert stats.loc["2016-07", "rows_read"] == 27_176
    assert stats.loc["2017-07", "rows_read"] == 28_537
    assert stats["rejected"].sum() == 0
    assert stats.loc["2016-07", "unmapped"] == 1_347
    assert stats.loc["2017-07", "unmapped"] == 1_541
    assert (stats["stored"] == stats["rows_read"]).all()


def test_every_mapped_incident_in_a_district_has_cells(sample_store_dir: Path):
    df = Store(sample_store_dir).read_incidents()
    INCIDENT_CHECK.validate(df)  # the stored-incident contract (pandera)
    in_wy = df[df["district"].astype(str) != ""]
    mapped = in_wy[in_wy["longitude"].notna()]
    assert (mapped[H3_COLUMNS[9]] != 0).all()
    assert (df.loc[df["longitude"].isna(), H3_COLUMNS[9]] == 0).all()
    # outside rows carry LSOA names of neighbouring areas
    outside = df[df["outside"]]
    assert len(outside) > 0
    assert not outside["lsoa_name"].astype(str).str.match(r"^(Bradford|Calderdale|Kirklees|Leeds|Wakefield) ").any()


def test_stored_incidents_reconcile_with_the_districts_and_the_manifest(sample_store_dir: Path):
    store = Store(sample_store_dir)
    df = store.read_incidents()
    out = stored_breakdown(df, sorted(get_settings().districts.values()))
    stats = store.month_stats()
    # Home's headline: stored = in a district + without coordinates + outside, each part
    # counted once, and the same figures as the ingest recorded in the manifest.
    assert out.stored == out.in_districts + out.unmapped + out.outside + out.unplaced
    assert out.unplaced == 0
    assert out.stored == int(stats["stored"].sum())
    assert out.unmapped == int(stats["unmapped"].sum())
    assert out.outside == int(stats["outside"].sum())
    assert out.in_districts == int(out.by_district["incidents"].sum())
    per = out.by_district.set_index("district")["incidents"]
    assert per["Leeds"] > per["Calderdale"]


def test_grid_of_the_five_districts_and_cells_on_it(sample_store_dir: Path):
    lsoas = boundaries.read_lsoas()
    assert len(lsoas) == 1_388
    assert int(lsoas["persons"].sum()) == 2_226_058 and int(lsoas["households"].sum()) == 922_452
    grid = hexes.lsoas_to_grid(lsoas, 9)
    assert len(grid) == 21_783
    df = Store(sample_store_dir).read_incidents()
    counts = cell_counts(filter_incidents(df, Filters(months=("2017-07",))), 9)
    on_grid = counts[counts["cell"].isin(grid["cell"])]["count"].sum()
    assert on_grid / counts["count"].sum() > 0.99


def test_reingesting_the_sample_keeps_the_same_totals(tmp_path: Path):
    store = Store(tmp_path / "s")
    first = ingest([SAMPLE_DIR / "2017-07"], store)
    second = ingest([SAMPLE_DIR / "2017-07"], store)
    assert first.stored == second.stored == len(store.read_incidents()) == 28_537
