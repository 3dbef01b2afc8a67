"""Issue 17 in the browser: a community's id and name are the same on the communities page,
in the comms plan's choices and in the Silver meeting pack downloaded from the profile."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from security import audit
from tests.e2e.conftest import ARTIFACTS, Session, wait_until

pytestmark = pytest.mark.e2e


def test_the_top_community_keeps_its_id_and_name_across_pages_and_the_meeting_pack(
    app_url: str, session: Session, tmp_path: Path, e2e_store: Path
):
    page = session.page
    session.open_page(app_url, "Hotspot communities", 240)
    heading = page.locator("h3").filter(has_text=re.compile(r"^HC-E0\d+")).first
    heading.wait_for(state="visible", timeout=60_000)
    label = heading.inner_text().strip()
    community_id, name = label.split(" · ", 1)
    district = re.search(r"\((\w+) \d+\)$", name).group(1)  # "... (Leeds 111)"

    nav = page.locator("[data-testid='stSidebarNav']")
    nav.get_by_role("link", name="Comms plan").click()
    session.wait_idle(240)
    chips = page.locator("[data-testid='stMultiSelect']").filter(has_text="Communities in play")
    assert label in chips.inner_text()

    nav.get_by_role("link", name="District profile").click()
    session.wait_idle(240)
    page.locator("[data-testid='stSelectbox']").filter(has_text="District").first.click()
    page.keyboard.type(district)
    page.keyboard.press("Enter")
    session.wait_idle(240, expect=page.get_by_text(re.compile(f"All recorded crime in {district}")))
    with page.expect_download() as info:
        page.get_by_role("button", name="Silver meeting pack (PDF)").click()
    path = tmp_path / "pack.pdf"
    info.value.save_as(path)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages]
    whole = "\n".join(pages)
    assert f"{district} Silver meeting pack" in whole
    assert community_id in whole and name.split(" (")[0].split(" & ")[0] in whole
    # the demo shows synthetic OCG data, so the pack holds OCG rows and is marked for it
    marking = "OFFICIAL-SENSITIVE" if "Organised crime groups active" in whole else "OFFICIAL"
    assert all(marking in text for text in pages)

    def audited() -> bool:
        log = audit.read(e2e_store / "audit.jsonl")
        return bool(
            ((log["kind"] == "download_pdf") & log["file"].astype(str).str.startswith("precision_meeting_pack")).any()
        )

    wait_until(audited, 60, "the audit record of the meeting pack")
    session.wait_idle(240)
    page.screenshot(path=str(ARTIFACTS / "district_profile.png"), full_page=True)
    assert session.errors == []
    assert session.external == []
