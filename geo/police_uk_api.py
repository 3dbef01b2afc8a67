"""data.police.uk's street-level crime API as a gap filler: one month of crimes inside an
area, written as a street-level CSV for the ordinary ingest.

``POST /api/crimes-street/all-crime`` with ``poly=lat,lng:lat,lng:...`` and ``date=YYYY-MM``
(POST, since a GET longer than 4,094 characters is refused) answers 503 when the area holds
more than 10,000 crimes: :func:`crimes_in_area` then splits the area into four and asks for
each, down to ``max_depth`` splits. Crimes on a shared edge are kept once (by ``id``).

The API has fewer columns than the archives: no LSOA (the ingest places each crime by point
in polygon), no ``Reported by`` or ``Falls within`` (the caller names the force, and the
crimes of the area may include a neighbour's), and categories as slugs. The archives stay
the main transport; :mod:`geo.update` asks the API only for a month the archive cannot give.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

from core.errors import RemoteError
from core.settings import POLICE_UK_COLUMNS
from geo.police_uk_remote import PoliceUkClient, Transient, retry_after_seconds

#: The API's category slugs and the street CSVs' crime types.
CATEGORY_NAMES: dict[str, str] = {
    "anti-social-behaviour": "Anti-social behaviour",
    "bicycle-theft": "Bicycle theft",
    "burglary": "Burglary",
    "criminal-damage-arson": "Criminal damage and arson",
    "drugs": "Drugs",
    "other-crime": "Other crime",
    "other-theft": "Other theft",
    "possession-of-weapons": "Possession of weapons",
    "public-order": "Public order",
    "robbery": "Robbery",
    "shoplifting": "Shoplifting",
    "theft-from-the-person": "Theft from the person",
    "vehicle-crime": "Vehicle crime",
    "violent-crime": "Violence and sexual offences",
}

#: Most corners of one polygon sent (the area is simplified until it has no more).
MAX_POINTS = 200
#: Least time between two API requests, in seconds: the site allows 15 a second (bursts of
#: 30) and answers 429 beyond that.
API_INTERVAL_S = 1 / 15


def poly_parameter(area: BaseGeometry) -> str:
    """``lat,lng:lat,lng:...`` of an area's outline (its largest part), simplified to at most
    :data:`MAX_POINTS` corners; coordinates in degrees, 5 decimals (about 1 m)."""
    polygon = max(area.geoms, key=lambda g: g.area) if isinstance(area, MultiPolygon) else area
    tolerance = 0.0
    while len(polygon.exterior.coords) > MAX_POINTS:
        tolerance = tolerance * 2 or 1e-4
        polygon = polygon.simplify(tolerance)
    coords = list(polygon.exterior.coords)[:-1]  # the API closes the outline itself
    return ":".join(f"{lat:.5f},{lng:.5f}" for lng, lat in coords)


def quarters(area: BaseGeometry) -> list[BaseGeometry]:
    """The area cut into four by its bounding box's middle lines (empty pieces left out)."""
    x0, y0, x1, y1 = area.bounds
    xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
    pieces = [
        area.intersection(box(*b)) for b in ((x0, y0, xm, ym), (xm, y0, x1, ym), (x0, ym, xm, y1), (xm, ym, x1, y1))
    ]
    return [p for p in pieces if not p.is_empty and p.area > 0]


def crimes_in_area(
    client: PoliceUkClient,
    area: BaseGeometry,
    month: str,
    max_depth: int = 6,
    log: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Every street-level crime of ``month`` inside ``area`` (lon/lat degrees), split on 503.

    Raises
    ------
    RemoteError
        The API is unreachable, answers something other than a JSON list, or an area split
        ``max_depth`` times still holds more than 10,000 crimes.
    """
    say = log or (lambda line: None)
    found: dict[str, dict[str, Any]] = {}
    url = client.url("/api/crimes-street/all-crime")
    last = [float("-inf")]  # when the previous request went

    def ask(piece: BaseGeometry, depth: int) -> None:
        parts = piece.geoms if isinstance(piece, MultiPolygon) else [piece]
        for part in parts:
            wait = last[0] + API_INTERVAL_S - time.monotonic()
            if wait > 0:
                client.sleep(wait)
            last[0] = time.monotonic()
            answer = _post(client, url, {"poly": poly_parameter(part), "date": month})
            if answer is None:  # 503: more than 10,000 crimes
                if depth >= max_depth:
                    raise RemoteError(url, f"an area split {max_depth} times still holds more than 10,000 crimes")
                say(f"  {month}: more than 10,000 crimes in one area; asking for its four quarters")
                for quarter in quarters(part):
                    ask(quarter, depth + 1)
                continue
            for crime in answer:
                found[str(crime.get("id", len(found)))] = crime

    ask(area, 0)
    return [found[k] for k in sorted(found)]


def _post(client: PoliceUkClient, url: str, form: dict[str, str]) -> list[dict[str, Any]] | None:
    """POST the form; the JSON list, or None for the API's 503 (too many crimes). A 429 or
    another passing failure is tried again as every request is."""

    def once() -> list[dict[str, Any]] | None:
        client.traffic.requests += 1
        response = client.session.post(url, data=form, timeout=client.timeout, verify=client.verify)
        client.traffic.bytes_received += len(response.content)
        if response.status_code == 503:
            return None
        if response.status_code in (429, 500, 502, 504):
            raise Transient(
                f"HTTP {response.status_code}",
                response.status_code,
                retry_after_seconds(response.headers.get("Retry-After")),
            )
        if response.status_code != 200:
            raise RemoteError(url, f"refused (HTTP {response.status_code})", response.status_code)
        try:
            data = json.loads(response.content)
        except ValueError as exc:
            raise RemoteError(url, f"is not JSON ({exc})") from exc
        if not isinstance(data, list):
            raise RemoteError(url, "is not a list of crimes")
        return data

    result: list[dict[str, Any]] | None = client.with_retries(url, once)
    return result


def _rows(crimes: Sequence[dict[str, Any]], month: str, force: str) -> Iterator[list[str]]:
    for crime in crimes:
        location = crime.get("location") or {}
        street = location.get("street") or {}
        outcome = crime.get("outcome_status") or {}
        category = str(crime.get("category", ""))
        yield [
            str(crime.get("persistent_id") or ""),
            str(crime.get("month") or month),
            force,
            force,
            str(location.get("longitude") or ""),
            str(location.get("latitude") or ""),
            str(street.get("name") or "No location"),
            "",
            "",
            CATEGORY_NAMES.get(category, category),
            str(outcome.get("category") or ""),
            str(crime.get("context") or ""),
        ]


def street_csv(crimes: Sequence[dict[str, Any]], month: str, force: str) -> bytes:
    """The crimes as a data.police.uk street-level CSV (``POLICE_UK_COLUMNS``): slugs mapped to
    the CSV's crime types, ``persistent_id`` as Crime ID, ``location.street.name`` as
    Location, ``outcome_status.category`` as Last outcome category; no LSOA; ``force`` as
    Reported by and Falls within."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(POLICE_UK_COLUMNS)
    writer.writerows(_rows(crimes, month, force))
    return out.getvalue().encode("utf-8")


def outline(area: BaseGeometry) -> Polygon | MultiPolygon:
    """An area's outline without holes (the API takes one ring per polygon)."""
    if isinstance(area, MultiPolygon):
        return MultiPolygon([Polygon(p.exterior) for p in area.geoms])
    if isinstance(area, Polygon):
        return Polygon(area.exterior)
    raise TypeError(f"not an area: {area.geom_type}")
