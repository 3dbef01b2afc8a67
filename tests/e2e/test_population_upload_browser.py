"""An administrator loads mid-year population estimates on the Data page, in a real headless
browser: a bad file is named with its line and stores nothing, a good one is stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import override_settings
from records.force_populations import read_stored_populations
from tests.e2e.conftest import ARTIFACTS, Session
from tests.e2e.test_data_upload_browser import admin_app, sign_in_and_open_data  # noqa: F401 - the fixture
from tests.unit.records.test_force_populations import bundled_forces_file

pytestmark = pytest.mark.e2e


def _upload(session: Session, name: str, content: bytes) -> str:
    page = session.page
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="Mid-year population estimates")
    uploader.locator("input[type='file']").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )
    button = page.get_by_role("button", name="Load population estimates")
    session.wait_idle(180, expect=button)
    button.click()
    session.wait_idle(180)
    return page.inner_text("body")


def test_an_admin_loads_mid_year_population_estimates(admin_app: tuple[str, Path], session: Session):  # noqa: F811
    url, root = admin_app
    sign_in_and_open_data(session, url)
    body = _upload(session, "mye-bad.csv", b"mid_year,force,persons\n2017,West Yorks,2300000\n")
    assert "Nothing was stored" in body and "mye-bad.csv: line 2: force 'West Yorks'" in body
    with override_settings(store_dir=root / "store"):
        assert read_stored_populations().empty
    body = _upload(session, "mye-2017.csv", bundled_forces_file(2017, 1.05))
    session.page.screenshot(path=str(ARTIFACTS / "population_upload.png"), full_page=True)
    assert "Stored mid-year population estimates for mid-2017: 43 forces" in body
    with override_settings(store_dir=root / "store"):
        assert read_stored_populations()["mid_year"].unique().tolist() == [2017]
    assert session.errors == []
