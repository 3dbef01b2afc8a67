"""In a real browser: tables holding OCG data offer no download of their own, and the
page's audited download gives the file and writes its audit record."""

from __future__ import annotations

from pathlib import Path

import pytest

from security import audit
from tests.e2e.conftest import ARTIFACTS, Session, wait_until

pytestmark = pytest.mark.e2e


def test_ocg_tables_offer_no_unaudited_download(app_url: str, session: Session, tmp_path: Path, e2e_store: Path):
    page = session.page
    session.open_page(app_url, "Organised crime groups", 240)
    table = page.locator("[data-testid='stDataFrame']").first
    table.hover()
    toolbar = page.locator("[data-testid='stElementToolbar']").first
    # the table's toolbar is drawn (its search is there) but has no download button
    toolbar.locator("[aria-label^='Search']").first.wait_for(state="visible", timeout=30_000)
    assert page.locator("[aria-label^='Download as CSV']").count() == 0
    page.screenshot(path=str(ARTIFACTS / "ocg_table_toolbar.png"))

    def audited() -> bool:
        log = audit.read(e2e_store / "audit.jsonl")
        return "precision_ocg_quarterly_return.csv" in set(log.loc[log["kind"] == "download_csv", "file"])

    with page.expect_download() as info:
        page.get_by_role("button", name="Quarterly return (CSV)").click()
    saved = tmp_path / "return.csv"
    info.value.save_as(saved)
    assert saved.read_text(encoding="utf-8-sig").startswith("# SYNTHETIC DEMONSTRATION DATA\n")
    wait_until(audited, 60, "the audit record of the quarterly return")
    session.wait_idle(120)
    assert session.errors == []
