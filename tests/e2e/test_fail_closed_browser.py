"""Access fails closed, seen in a real headless browser: a mistyped users path shows the
set-up message and no data; real OCG data stays hidden in demo mode."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from records.ocg_store import DEMO_ACTIVITY, DEMO_REGISTER, store_ocg, validate_files
from tests.conftest import without_marker
from tests.e2e.conftest import ARTIFACTS, MAP_IFRAME, Session, serve_app

pytestmark = pytest.mark.e2e

DATA_URLS = [
    "",
    "hotspot-map",
    "hotspot-communities",
    "communications-plan",
    "crime-trends",
    "district-profile",
    "organised-crime-groups",
    "backtest-accuracy",
    "data-upload",
    "user-management",
    "audit-log",
]


@pytest.fixture(scope="module")
def mistyped_url(sample_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("mistyped")
    store_dir = root / "store"
    shutil.copytree(sample_store_dir, store_dir)
    with serve_app(store_dir, root, PRECISION_USERS=str(root / "usres.json")) as url:  # no PRECISION_MODE
        yield url


@pytest.fixture(scope="module")
def demo_with_real_ocg_url(
    sample_store_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, set[str]]]:
    root = tmp_path_factory.mktemp("demo-real-ocg")
    store_dir = root / "store"
    shutil.copytree(sample_store_dir, store_dir)
    register, activity, _ = validate_files(
        without_marker(DEMO_REGISTER), "register.csv", without_marker(DEMO_ACTIVITY), "activity.csv"
    )
    store_ocg(register, activity, "register.csv, activity.csv", store_dir)
    with serve_app(store_dir, root, PRECISION_USERS=str(root / "none.json"), PRECISION_MODE="demo") as url:
        yield url, set(register["ocg_id"]) | set(register["alias"])


def test_a_mistyped_users_path_shows_set_up_needed_and_no_data(mistyped_url: str, session: Session):
    page = session.page
    for path in DATA_URLS:
        page.goto(f"{mistyped_url}/{path}")
        page.get_by_text("Precision Hotspots: set-up needed").wait_for(timeout=90_000)
        session.wait_idle()
        if path == "":
            page.screenshot(path=str(ARTIFACTS / "set_up_needed.png"), full_page=True)
        body = page.locator("body").inner_text()
        assert "usres.json" in body, path
        assert page.locator("[data-testid='stMetric'], [data-testid='stDataFrame'], iframe").count() == 0, path
        assert page.get_by_role("button", name="Sign in").count() == 0, path
    # the only console errors are Streamlit's answers to unregistered page URLs
    assert {e for e in session.errors if "404" not in e and "does not seem to exist" not in e} == set(), session.errors[
        :5
    ]


def test_real_ocg_data_stays_hidden_in_demo_mode(demo_with_real_ocg_url: tuple[str, set[str]], session: Session):
    url, secrets = demo_with_real_ocg_url
    page = session.page
    session.open_page(url, "Organised crime groups")
    page.get_by_text("It is not shown in demo mode").first.wait_for(timeout=120_000)
    page.screenshot(path=str(ARTIFACTS / "demo_real_ocg.png"), full_page=True)
    body = page.locator("body").inner_text()
    assert "Real organised crime group data is loaded" in body and "SYNTHETIC" not in body
    assert not [s for s in secrets if s and s in body]
    assert page.locator("[data-testid='stDataFrame']").count() == 0
    session.open_page(url, "Hotspot map")
    page.locator(MAP_IFRAME).wait_for(timeout=120_000)
    body = page.locator("body").inner_text()
    assert "OCG activity by principal criminality" not in body
    assert not [s for s in secrets if s and s in body]
    assert session.errors == []
