"""The monthly update against the local imitation of data.police.uk: which months are
fetched, each stored whole or not at all, missing neighbours and withdrawn months named,
reruns that do nothing, revisions fetched again when the site says it changed."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest

from core.errors import RemoteError, StoreError
from core.files import locked
from core.settings import Settings
from geo import boundaries
from geo.police_uk_remote import PoliceUkClient
from geo.store import Store
from geo.update import (
    UpdateReport,
    add_months,
    archive_for,
    freshness,
    gaps,
    newer_months,
    plan_months,
    read_state,
    update,
)
from tests.imitation.police_uk_site import Faults, PoliceUkSite, api_crimes, build_archive, home_csv

MONTHS = ["2026-07", "2026-08", "2026-09"]
GMP_AUGUST = "2026-08/2026-08-greater-manchester-street.csv"
NEIGHBOURS = {
    "North Yorkshire Police",
    "South Yorkshire Police",
    "Greater Manchester Police",
    "Lancashire Constabulary",
    "Derbyshire Constabulary",
}


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2026-09.zip: three months of West Yorkshire (100 rows each) and the neighbours, Greater
    Manchester missing from 2026-08 (as it is from the real 2026-07 archive)."""
    folder = tmp_path_factory.mktemp("archive")
    build_archive(folder / "2026-09.zip", MONTHS, home_rows=100, other_forces=("kent",), drop={GMP_AUGUST})
    return folder


@pytest.fixture(scope="module")
def lsoas() -> gpd.GeoDataFrame:
    return boundaries.read_lsoas(Settings())


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(store_dir=tmp_path / "store", http_timeout_s=2.0, http_retries=2, http_backoff_s=0.0)


def run(site: PoliceUkSite, settings: Settings, lsoas: gpd.GeoDataFrame, **kwargs: object) -> UpdateReport:
    client = PoliceUkClient(settings, site.url, sleep=lambda s: None)
    lines: list[str] = []
    report = update(Store(settings.store_dir), settings, log=lines.append, client=client, lsoas=lsoas, **kwargs)  # type: ignore[arg-type]
    report.lines = lines  # type: ignore[attr-defined]
    return report


# ---------------------------------------------------------------- planning
def test_months_are_counted_across_years() -> None:
    assert add_months("2026-11", 3) == "2027-02"
    assert add_months("2026-01", -1) == "2025-12"


def test_a_month_comes_from_the_newest_archive_while_it_is_in_its_window() -> None:
    assert archive_for("2024-01", "2026-09") == "2026-09"
    assert archive_for("2023-10", "2026-09") == "2026-09"  # 35 months before: the window's first
    assert archive_for("2023-09", "2026-09") == "2026-08"


def test_plan_takes_the_missing_months_of_the_window_and_refreshes_the_newest() -> None:
    published = [f"2026-{m:02d}" for m in range(1, 10)]
    stored = ["2026-05", "2026-06", "2026-08"]
    assert plan_months(published, stored, 4, None, 0) == (["2026-07", "2026-09"], [])
    assert plan_months(published, stored, 4, None, 1) == (["2026-07", "2026-09"], ["2026-08"])
    assert plan_months(published, stored, 36, "2026-06", 2) == (["2026-07", "2026-09"], ["2026-06", "2026-08"])
    assert plan_months(published, published, 36, None, 0) == ([], [])


def test_gaps_and_newer_months() -> None:
    assert gaps(["2026-01", "2026-02", "2026-05"]) == ["2026-03", "2026-04"]
    assert gaps([]) == []
    assert newer_months(["2026-07", "2026-08", "2026-09"], ["2016-07", "2026-07"]) == ["2026-08", "2026-09"]


# ---------------------------------------------------------------- runs
@pytest.mark.parametrize("ranges", [True, False])
def test_an_update_stores_every_missing_month_for_home_and_neighbours(
    archives: Path, settings: Settings, lsoas: gpd.GeoDataFrame, ranges: bool
) -> None:
    with PoliceUkSite(archives, MONTHS, faults=Faults(ranges=ranges)) as site:
        report = run(site, settings, lsoas)
    store = Store(settings.store_dir)
    assert report.exit_code == 0 and report.stored_months == MONTHS
    assert store.months("West Yorkshire Police") == MONTHS
    assert set(store.forces()) == {"West Yorkshire Police", *NEIGHBOURS}
    assert store.months("Greater Manchester Police") == ["2026-07", "2026-09"]
    assert "Kent Police" not in store.forces()  # never fetched: not a neighbour
    august = next(o for o in report.outcomes if o.month == "2026-08")
    assert august.missing_forces == ("Greater Manchester Police",)
    assert any("not in the archive: Greater Manchester Police" in line for line in report.lines)  # type: ignore[attr-defined]
    assert report.rows_added == 3 * 100 + 14 * 20
    assert list(settings.download_dir.iterdir()) == []  # nothing left behind


def test_a_rerun_with_nothing_new_fetches_nothing_and_says_so(
    archives: Path, settings: Settings, lsoas: gpd.GeoDataFrame
) -> None:
    with PoliceUkSite(archives, MONTHS) as site:
        run(site, settings, lsoas)
        commit = Store(settings.store_dir).token()
        site.served.clear()
        again = run(site, settings, lsoas)
    assert again.planned == [] and again.exit_code == 0
    assert "up to date" in again.to_text() and "up to date: nothing to fetch" in again.lines  # type: ignore[attr-defined]
    assert [s.path for s in site.served] == ["/api/crimes-street-dates", "/api/crime-last-updated"]
    assert Store(settings.store_dir).token() == commit


def test_when_the_site_is_updated_the_newest_months_are_fetched_again(
    archives: Path, settings: Settings, lsoas: gpd.GeoDataFrame
) -> None:
    revised = dataclasses.replace(settings, update_refresh_months=2)
    with PoliceUkSite(archives, MONTHS) as site:
        run(site, revised, lsoas)
        site.last_updated = "2026-12-01"
        report = run(site, revised, lsoas)
    assert report.planned == ["2026-08", "2026-09"] and all(o.refreshed for o in report.outcomes)
    assert read_state(revised)["last_updated"] == "2026-12-01"
    assert Store(revised.store_dir).month_stats()["stored"].tolist() == [100, 100, 100]  # replaced, not doubled


def test_only_the_window_is_fetched(archives: Path, settings: Settings, lsoas: gpd.GeoDataFrame) -> None:
    with PoliceUkSite(archives, MONTHS) as site:
        assert run(site, settings, lsoas, months=1).stored_months == ["2026-09"]
        assert run(site, settings, lsoas, since="2026-08").stored_months == ["2026-08"]


def test_a_month_withdrawn_after_the_listing_is_named_and_the_rest_kept(
    archives: Path, settings: Settings, lsoas: gpd.GeoDataFrame
) -> None:
    with PoliceUkSite(archives, MONTHS, faults=Faults(listed_extra=["2026-10"])) as site:
        report = run(site, settings, lsoas)
    assert report.exit_code == 1
    (failed,) = report.failed
    assert failed.month == "2026-10"
    assert "2026-10.zip: not found (HTTP 404)" in str(failed.problem)
    assert Store(settings.store_dir).months() == MONTHS
    assert read_state(settings)["failed"] == {"2026-10": failed.problem}


def test_a_month_gone_from_the_archive_is_named(tmp_path: Path, settings: Settings, lsoas: gpd.GeoDataFrame) -> None:
    build_archive(
        tmp_path / "a" / "2026-09.zip", MONTHS, home_rows=50, drop={"2026-08/2026-08-west-yorkshire-street.csv"}
    )
    with PoliceUkSite(tmp_path / "a", MONTHS) as site:
        report = run(site, settings, lsoas)
    assert [o.month for o in report.failed] == ["2026-08"]
    assert "holds no 2026-08/2026-08-west-yorkshire-street.csv (withdrawn since the listing?)" in str(
        report.failed[0].problem
    )
    assert Store(settings.store_dir).months() == ["2026-07", "2026-09"]
    assert Store(settings.store_dir).months("North Yorkshire Police") == ["2026-07", "2026-09"]  # all or nothing


def test_a_corrupt_month_is_stored_not_at_all_and_the_others_are(
    archives: Path, tmp_path: Path, settings: Settings, lsoas: gpd.GeoDataFrame
) -> None:
    folder = tmp_path / "corrupt"
    folder.mkdir()
    data = bytearray((archives / "2026-09.zip").read_bytes())
    with zipfile.ZipFile(archives / "2026-09.zip") as z:
        info = z.getinfo("2026-08/2026-08-south-yorkshire-street.csv")  # a neighbour: the month goes whole
    data[info.header_offset + 30 + len(info.filename) + 100] ^= 0xFF
    (folder / "2026-09.zip").write_bytes(bytes(data))
    with PoliceUkSite(folder, MONTHS) as site:
        report = run(site, settings, lsoas)
    assert [o.month for o in report.failed] == ["2026-08"]
    assert "2026-08-south-yorkshire-street.csv" in str(report.failed[0].problem)
    store = Store(settings.store_dir)
    assert store.months() == ["2026-07", "2026-09"]
    assert "2026-08" not in store.months("North Yorkshire Police")
    assert read_state(settings)["last_updated"] is None  # so the next run tries the revision again


def test_an_unreachable_site_changes_nothing(settings: Settings, lsoas: gpd.GeoDataFrame, tmp_path: Path) -> None:
    with (
        PoliceUkSite(tmp_path, MONTHS, faults=Faults(errors_500=10)) as site,
        pytest.raises(RemoteError, match="HTTP 500"),
    ):
        run(site, settings, lsoas)
    assert not (settings.store_dir / "manifest.json").exists()


def test_two_updates_never_run_at_once(archives: Path, settings: Settings, lsoas: gpd.GeoDataFrame) -> None:
    busy = pytest.raises(StoreError, match="another update is running")
    with PoliceUkSite(archives, MONTHS) as site, locked(settings.store_dir / ".update.lock"), busy:
        run(site, settings, lsoas)


def test_the_state_says_what_was_found(archives: Path, settings: Settings, lsoas: gpd.GeoDataFrame) -> None:
    with PoliceUkSite(archives, MONTHS) as site:
        run(site, settings, lsoas, months=1)
    state = json.loads(settings.update_state_file.read_text())
    assert state["published"] == MONTHS and state["newer_months"] == []
    assert state["last_updated"] == "2026-11-20" and state["checked_at"]


def test_rows_are_labelled_with_the_archive_and_member(
    archives: Path, settings: Settings, lsoas: gpd.GeoDataFrame
) -> None:
    with PoliceUkSite(archives, MONTHS) as site:
        run(site, settings, lsoas, months=1)
    files = Store(settings.store_dir).month_stats()["files"].tolist()
    assert files == ["2026-09.zip!2026-09/2026-09-west-yorkshire-street.csv"]


def test_freshness_names_the_newest_month_the_gaps_and_newer_months() -> None:
    state = {"published": ["2026-07", "2026-08", "2026-09"], "checked_at": "2026-12-04T06:30:12+00:00"}
    fresh = freshness(["2026-05", "2026-07"], state)
    assert fresh.sentence() == "Newest month stored: July 2026. Missing in the series: June 2026 (1 month)."
    two_runs = freshness(["2016-07", "2017-07", "2017-09"], {}).sentence()
    assert two_runs.endswith("Missing in the series: August 2016 to June 2017, August 2017 (12 months).")
    assert fresh.admin_sentence() == (
        "data.police.uk has 2 newer months (August 2026, September 2026) (checked 2026-12-04 06:30 UTC). "
        "Fetch them on the Data page or with `python -m cli.update`."
    )
    assert freshness(["2026-09"], state).admin_sentence() is None
    assert freshness([], {}).sentence() == "No month of data.police.uk data is stored yet."
    assert freshness(["2026-09"], {}).admin_sentence() is None


def test_the_api_fills_a_month_the_archive_lacks_until_the_archive_has_it(
    archives: Path, tmp_path: Path, settings: Settings, lsoas: gpd.GeoDataFrame
) -> None:
    home_august = "2026-08/2026-08-west-yorkshire-street.csv"
    build_archive(tmp_path / "a" / "2026-09.zip", MONTHS, home_rows=100, drop={home_august})
    api = {"2026-08": api_crimes(home_csv("2026-08", 100))}
    with PoliceUkSite(tmp_path / "a", MONTHS, api=api, api_limit=60) as site:
        report = run(site, settings, lsoas)
        answered = len(set(site.api_answered))
    august = next(o for o in report.outcomes if o.month == "2026-08")
    assert report.exit_code == 0 and august.source == "api"
    assert august.stored == {"West Yorkshire Police": answered} and 90 < answered <= 100
    assert any("stored from the API" in line for line in report.lines)  # type: ignore[attr-defined]
    assert read_state(settings)["from_api"] == ["2026-08"]
    files = Store(settings.store_dir).month_stats().set_index("month")["files"]
    assert files["2026-08"] == "api:crimes-street/all-crime?date=2026-08"
    with PoliceUkSite(archives, MONTHS) as site:  # the archive now holds it: fetched from there
        again = run(site, settings, lsoas)
    assert again.stored_months == ["2026-08"] and again.outcomes[0].source == "archive"
    assert read_state(settings)["from_api"] == []


def test_without_the_api_fallback_a_gap_stays_failed(
    tmp_path: Path, settings: Settings, lsoas: gpd.GeoDataFrame
) -> None:
    build_archive(
        tmp_path / "a" / "2026-09.zip", MONTHS, home_rows=20, drop={"2026-08/2026-08-west-yorkshire-street.csv"}
    )
    api = {"2026-08": api_crimes(home_csv("2026-08", 20))}
    with PoliceUkSite(tmp_path / "a", MONTHS, api=api) as site:
        report = run(site, dataclasses.replace(settings, update_api_fallback=False), lsoas)
        assert not site.api_answered
    assert [o.month for o in report.failed] == ["2026-08"]
