"""An administrator loads census 2021 tables on the Data page, in a real headless browser:
a bad file is named with its line and stores nothing, good ones are stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import override_settings
from geo.boundaries import read_lsoas_2021
from records.census import read_stored_census
from tests.e2e.conftest import ARTIFACTS, Session
from tests.e2e.test_data_upload_browser import admin_app, sign_in_and_open_data  # noqa: F401 - the fixture
from tests.unit.records.test_census import ts001, ts041

pytestmark = pytest.mark.e2e


def _upload_census(session: Session, files: list[tuple[str, bytes]]) -> None:
    page = session.page
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="Census 2021 tables")
    uploader.locator("input[type='file']").set_input_files(
        files=[{"name": n, "mimeType": "text/csv", "buffer": c} for n, c in files]
    )
    button = page.get_by_role("button", name="Load census tables")
    session.wait_idle(180, expect=button)
    button.click()
    session.wait_idle(180)


def test_an_admin_loads_census_2021_tables(admin_app: tuple[str, Path], session: Session):  # noqa: F811
    url, root = admin_app
    lsoas = read_lsoas_2021()[["lsoa_code", "lsoa_name"]]
    bad = ts001(lsoas).replace(b",E01010568,", b",E0101056,")
    sign_in_and_open_data(session, url)
    _upload_census(
        session,
        [
            ("bad-ts001.csv", bad),
            ("census2021-ts001-lsoa.csv", ts001(lsoas)),
            ("census2021-ts041-lsoa.csv", ts041(lsoas)),
        ],
    )
    page = session.page
    page.screenshot(path=str(ARTIFACTS / "census_upload.png"), full_page=True)
    body = page.inner_text("body")
    assert "Nothing was stored. bad-ts001.csv" in body and "is not an LSOA code" in body and "line " in body
    assert "census 2021 TS001 (usual residents): 1,404 LSOAs" in body
    assert "census 2021 TS041 (households): 1,404 LSOAs" in body
    with override_settings(store_dir=root / "store"):
        stored = read_stored_census()
    assert stored is not None and stored["households"].notna().all()
    assert session.errors == []
