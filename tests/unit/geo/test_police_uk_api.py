"""The street-level crime API as a gap filler, against the imitation: the 503 split, the
mapping of its JSON to the street CSV's columns."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pytest
from shapely.geometry import Polygon, box

from core.errors import RemoteError
from core.settings import POLICE_UK_COLUMNS, Settings
from geo.police_uk_api import crimes_in_area, poly_parameter, quarters, street_csv
from geo.police_uk_remote import PoliceUkClient
from tests.imitation.police_uk_site import PoliceUkSite, api_crimes, home_csv

AREA = box(-2.2, 53.5, -1.2, 54.0)  # West Yorkshire and a margin


@pytest.fixture(scope="module")
def crimes() -> list[dict[str, object]]:
    return api_crimes(home_csv("2026-08", 400))


def client(url: str, tmp_path: Path) -> PoliceUkClient:
    return PoliceUkClient(Settings(store_dir=tmp_path, http_retries=1, http_backoff_s=0.0), url, sleep=lambda s: None)


def test_the_polygon_is_lat_lng_pairs_and_never_too_long() -> None:
    assert (
        poly_parameter(box(-1.5, 53.7, -1.4, 53.8))
        == "53.70000,-1.40000:53.80000,-1.40000:53.80000,-1.50000:53.70000,-1.50000"
    )
    circle = Polygon([(-1.5 + 0.1 * math.cos(t / 100), 53.7 + 0.1 * math.sin(t / 100)) for t in range(628)])
    assert len(poly_parameter(circle).split(":")) <= 200
    assert sum(q.area for q in quarters(circle)) == pytest.approx(circle.area)


def test_an_area_over_the_limit_is_split_until_every_crime_is_had_once(
    crimes: list[dict[str, object]], tmp_path: Path
) -> None:
    with PoliceUkSite(tmp_path, [], api={"2026-08": crimes}, api_limit=60) as site:
        lines: list[str] = []
        found = crimes_in_area(client(site.url, tmp_path), AREA, "2026-08", log=lines.append)
        statuses = [s.status for s in site.served]
    assert 503 in statuses and statuses.count(200) > 4
    assert any("asking for its four quarters" in line for line in lines)
    ids = [c["id"] for c in found]
    assert len(ids) == len(set(ids)) == len(set(site.api_answered))
    assert len(ids) > 300  # nearly all 400 rows lie in the box; the rest are outside it


def test_an_area_that_cannot_be_split_enough_is_refused(crimes: list[dict[str, object]], tmp_path: Path) -> None:
    too_many = pytest.raises(RemoteError, match="split 2 times still holds more than 10,000 crimes")
    with PoliceUkSite(tmp_path, [], api={"2026-08": crimes}, api_limit=0) as site, too_many:
        crimes_in_area(client(site.url, tmp_path), AREA, "2026-08", max_depth=2)


def test_the_json_becomes_the_street_csv_columns() -> None:
    crime = {
        "category": "violent-crime",
        "location": {"latitude": "53.79", "longitude": "-1.54", "street": {"id": 1, "name": "On or near Park Row"}},
        "context": "",
        "outcome_status": {"category": "Under investigation", "date": "2026-08"},
        "persistent_id": "abc123",
        "id": 7,
        "month": "2026-08",
    }
    asb = {**crime, "category": "anti-social-behaviour", "persistent_id": "", "outcome_status": None, "id": 8}
    rows = list(csv.DictReader(io.StringIO(street_csv([crime, asb], "2026-08", "West Yorkshire Police").decode())))
    assert list(rows[0]) == list(POLICE_UK_COLUMNS)
    assert rows[0] == {
        "Crime ID": "abc123",
        "Month": "2026-08",
        "Reported by": "West Yorkshire Police",
        "Falls within": "West Yorkshire Police",
        "Longitude": "-1.54",
        "Latitude": "53.79",
        "Location": "On or near Park Row",
        "LSOA code": "",
        "LSOA name": "",
        "Crime type": "Violence and sexual offences",
        "Last outcome category": "Under investigation",
        "Context": "",
    }
    assert (rows[1]["Crime ID"], rows[1]["Crime type"], rows[1]["Last outcome category"]) == (
        "",
        "Anti-social behaviour",
        "",
    )


def test_requests_keep_under_the_rate_limit(crimes: list[dict[str, object]], tmp_path: Path) -> None:
    waits: list[float] = []
    with PoliceUkSite(tmp_path, [], api={"2026-08": crimes}, api_limit=60) as site:
        paced = PoliceUkClient(Settings(store_dir=tmp_path, http_retries=0), site.url, sleep=waits.append)
        crimes_in_area(paced, AREA, "2026-08")
        requests_made = len(site.served)
    assert requests_made > 4
    assert waits and all(0 < w <= 1 / 15 for w in waits)
