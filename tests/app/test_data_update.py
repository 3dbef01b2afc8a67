"""The Data page's "Fetch new months" button (admins) against the local imitation of
data.police.uk, and the "how fresh" line on Home and the analysis pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.settings import get_settings, override_settings
from geo.store import Store
from tests.app.conftest import signed_in
from tests.imitation.police_uk_site import PoliceUkSite, build_archive

MONTHS = ["2026-08", "2026-09"]


@pytest.fixture()
def site(tmp_path: Path) -> PoliceUkSite:
    build_archive(tmp_path / "archive" / "2026-09.zip", MONTHS, home_rows=50, neighbours=("north-yorkshire",))
    return PoliceUkSite(tmp_path / "archive", MONTHS)


def test_home_names_the_newest_month_and_the_gap(secured: Path) -> None:
    at = signed_in("silver1")
    assert not at.exception
    captions = [c.value for c in at.caption]
    assert "Newest month stored: July 2017. Missing in the series: August 2016 to June 2017 (11 months)." in captions
    at.switch_page("pages/trends.py").run(timeout=300)
    assert any(c.value.startswith("Newest month stored: July 2017.") for c in at.caption)


def test_an_admin_fetches_new_months_with_the_button(secured: Path, site: PoliceUkSite) -> None:
    with site, override_settings(police_uk_url=site.url, http_retries=0):
        at = signed_in("admin1")
        at.switch_page("pages/data.py").run(timeout=300)
        assert not at.exception
        button = next(b for b in at.button if b.label == "Fetch new months")
        at = button.click().run(timeout=300)
        assert not at.exception
    assert not at.error
    store = Store(secured)
    assert store.months() == ["2016-07", "2017-07", *MONTHS]
    assert store.months("North Yorkshire Police") == MONTHS
    assert any(c.value.startswith("Newest month stored: September 2026.") for c in at.caption)
    events = [json.loads(line) for line in get_settings().audit_file.read_text().splitlines()]
    update = next(e for e in events if e["kind"] == "data_update")
    assert update["user"] == "admin1" and update["role"] == "admin" and update["rows"] == 2 * 50 + 2 * 20
    assert update["context"]["months"] == MONTHS


def test_admins_are_told_when_the_site_has_newer_months(secured: Path) -> None:
    state = {"published": ["2017-07", "2017-08", "2017-09"], "checked_at": "2026-12-04T06:30:00+00:00"}
    (secured / "update_state.json").write_text(json.dumps(state))
    at = signed_in("admin1")
    newer = [i.value for i in at.info if i.value.startswith("data.police.uk has")]
    assert newer == [
        "data.police.uk has 2 newer months (August 2017, September 2017) (checked 2026-12-04 06:30 UTC). "
        "Fetch them on the Data page or with `python -m cli.update`."
    ]
    # for admins only (everyone is told how old the newest month is)
    assert not [i for i in signed_in("silver1").info if i.value.startswith("data.police.uk has")]
