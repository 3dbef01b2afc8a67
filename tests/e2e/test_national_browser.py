"""The National picture in a real headless Chromium: the funnel plot is drawn, its text
alternative holds the same 43 forces, and the PNG export is a landscape image."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from tests.e2e.conftest import ARTIFACTS, Session, wait_until

pytestmark = pytest.mark.e2e


def _share(path_or_bytes: str | bytes, rgb: tuple[int, int, int], tolerance: int = 40) -> float:
    """Share of pixels within ``tolerance`` of a colour."""
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    img = np.asarray(Image.open(source).convert("RGB")).astype(int)
    return float((np.abs(img - np.array(rgb)).sum(axis=2) < tolerance).mean())


def test_the_funnel_plot_is_drawn_with_its_text_alternative(app_url: str, session: Session):
    page = session.page
    session.open_page(app_url, "National picture")
    assert page.locator("h1").first.inner_text() == "National picture"
    assert page.get_by_text(
        "Trafficking in controlled drugs: 0.87 per 1,000 residents, 3rd of 43 forces"
    ).first.is_visible()

    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.scroll_into_view_if_needed()
    wait_until(lambda: chart.locator("canvas, svg").count() > 0, 60, "the funnel plot to be drawn")
    box = chart.bounding_box()
    assert box and box["width"] > 400 and box["height"] > 300
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = str(ARTIFACTS / "national_funnel.png")
    chart.screenshot(path=shot)
    assert _share(shot, (0xD5, 0x5E, 0x00)) > 0.0002  # West Yorkshire's point (Okabe-Ito vermilion)
    assert _share(shot, (0x00, 0x72, 0xB2)) > 0.0005  # the peer group's points
    assert _share(shot, (0x44, 0x44, 0x44), 30) > 0.001  # the control limit lines

    caption = page.get_by_text("Text alternative of the funnel plot").first
    assert "95 % and 99.8 % control limits" in caption.inner_text()
    grid = page.locator("[data-testid='stDataFrame']").nth(1).locator("[role='grid']")
    assert grid.get_attribute("aria-rowcount") == "44"  # a header and the 43 forces

    with page.expect_download() as download:
        page.get_by_role("button", name="Funnel plot (PNG)").click()
    image = Image.open(download.value.path())
    assert image.format == "PNG" and image.width > image.height  # landscape
    session.wait_idle()
    page.screenshot(path=str(ARTIFACTS / "national_picture.png"), full_page=True)
    assert session.errors == []
    assert session.external == []
