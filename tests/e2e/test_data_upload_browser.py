"""An administrator loads a new month through the Data page, in a real headless browser."""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import override_settings
from geo.store import Store
from security import audit
from security.users import add_user
from tests.conftest import SAMPLE_DIR
from tests.e2e.conftest import ARTIFACTS, Session, serve_app

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def admin_app(sample_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app with an administrator, over a copy of the sample store; yields (URL, root)."""
    root = tmp_path_factory.mktemp("upload")
    store_dir = root / "store"
    shutil.copytree(sample_store_dir, store_dir)
    users = root / "users.json"
    add_user("admin1", "admin", PASSWORD, path=users)
    with serve_app(store_dir, root, PRECISION_USERS=str(users)) as url:
        yield url, root


def _month_zip() -> bytes:
    """The real July 2017 file relabelled August 2017, zipped as data.police.uk delivers it,
    with one malformed line added at the end."""
    text = (SAMPLE_DIR / "2017-07" / "2017-07-west-yorkshire-street.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    body = [lines[0], *(line.replace(",2017-07,", ",2017-08,", 1) for line in lines[1:]), "2017-08,too,few,fields"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("2017-08/2017-08-west-yorkshire-street.csv", "\n".join(body) + "\n")
    return buf.getvalue()


def sign_in_and_open_data(session: Session, url: str) -> None:
    page = session.page
    page.goto(url)
    session.wait_idle()
    page.get_by_label("User name").fill("admin1")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    session.wait_idle(180, expect=page.locator("[data-testid='stSidebarNav']"))  # no navigation before sign-in
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Data").click()
    session.wait_idle(180)


def _upload(session: Session, name: str, content: bytes) -> None:
    page = session.page
    page.locator("[data-testid='stFileUploader'] input[type='file']").first.set_input_files(
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": content}]
    )
    # the file is sent over HTTP before the app reruns: the Load button is the sign of that rerun
    session.wait_idle(180, expect=page.get_by_role("button", name="Load", exact=True))
    page.get_by_role("button", name="Load", exact=True).click()
    session.wait_idle(180)


def test_an_admin_loads_a_month_from_a_zip(admin_app: tuple[str, Path], session: Session):
    url, root = admin_app
    sign_in_and_open_data(session, url)
    _upload(session, "2017-08.zip", _month_zip())
    page = session.page
    page.screenshot(path=str(ARTIFACTS / "data_upload.png"), full_page=True)
    body = page.inner_text("body")
    assert "Stored 28,537 incidents for 2017-08." in body
    assert "Loaded now: 2016-07, 2017-07, 2017-08" in body  # the caption follows the load
    summary = page.locator("[data-testid='stCode']").first.inner_text()
    assert "rows read:        28,538" in summary and "malformed_row" in summary
    assert not session.errors
    store = Store(root / "store")
    assert store.months() == ["2016-07", "2017-07", "2017-08"]
    assert store.month_stats().set_index("month").loc["2017-08", ["stored", "rejected"]].tolist() == [28537, 1]
    with override_settings(store_dir=root / "store"):
        log = audit.read()
    assert log[["kind", "user", "role"]].iloc[0].tolist() == ["upload", "admin1", "admin"]  # newest first
    # the new month is there for every page after the next rerun
    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Home").click()
    session.wait_idle(180)
    months = page.locator("[data-testid='stMetric']").filter(has_text="Months").first.inner_text()
    assert months.split()[-1] == "3"
    page.screenshot(path=str(ARTIFACTS / "data_upload_home.png"), full_page=True)


def test_a_file_that_is_not_a_street_csv_stores_nothing(admin_app: tuple[str, Path], session: Session):
    url, root = admin_app
    before = (root / "store" / "manifest.json").read_bytes()
    sign_in_and_open_data(session, url)
    _upload(session, "2017-09-west-yorkshire-street.csv", b"\x89PNG\r\n\x1a\n\x00\x00binary")
    body = session.page.inner_text("body")
    assert "Nothing was stored." in body and "2017-09-west-yorkshire-street.csv" in body and "binary" in body
    assert (root / "store" / "manifest.json").read_bytes() == before
