"""A local imitation of data.police.uk for tests and benchmarks: an HTTP server on
127.0.0.1 in a thread of the test process.

It serves what :mod:`geo.update` reads from the real site:

- ``/api/crimes-street-dates``: ``[{"date": "YYYY-MM", "stop-and-search": []}, ...]``;
- ``/api/crime-last-updated``: ``{"date": "YYYY-MM-DD"}``;
- ``/data/archive/YYYY-MM.zip``: zip files on disk (:func:`build_archive`), with
  ``Range`` (``bytes=a-b``, ``bytes=a-``, ``bytes=-n``), ``ETag`` and ``If-Range`` as S3
  answers them;

and injects the faults of :class:`Faults`: a drop mid-stream, 500s, 429 with
``Retry-After``, a slow answer, an HTML page, a truncated zip, no range support, and months
listed but gone from the archive (or the archive gone).

The archives are built from the bundled West Yorkshire months (``data/police_uk``, the
``Month`` column rewritten), small synthetic street files for the neighbouring forces, and
synthetic bytes for every other member.
"""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import json
import random
import re
import ssl
import threading
import time
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from core.settings import POLICE_UK_COLUMNS, Settings

#: The 43 territorial forces of England and Wales, as data.police.uk ids (archive names).
FORCE_IDS: tuple[str, ...] = (
    "avon-and-somerset", "bedfordshire", "cambridgeshire", "cheshire", "city-of-london",
    "cleveland", "cumbria", "derbyshire", "devon-and-cornwall", "dorset", "durham",
    "dyfed-powys", "essex", "gloucestershire", "greater-manchester", "gwent", "hampshire",
    "hertfordshire", "humberside", "kent", "lancashire", "leicestershire", "lincolnshire",
    "merseyside", "metropolitan", "norfolk", "north-wales", "north-yorkshire",
    "northamptonshire", "northumbria", "nottinghamshire", "south-wales", "south-yorkshire",
    "staffordshire", "suffolk", "surrey", "sussex", "thames-valley", "warwickshire",
    "west-mercia", "west-midlands", "west-yorkshire", "wiltshire",
)  # fmt: skip

#: Neighbours of West Yorkshire: id -> (name in ``Reported by``, a point in the force, lon/lat).
NEIGHBOURS: dict[str, tuple[str, float, float]] = {
    "north-yorkshire": ("North Yorkshire Police", -1.08, 53.96),
    "south-yorkshire": ("South Yorkshire Police", -1.47, 53.38),
    "greater-manchester": ("Greater Manchester Police", -2.24, 53.48),
    "lancashire": ("Lancashire Constabulary", -2.70, 53.76),
    "derbyshire": ("Derbyshire Constabulary", -1.48, 52.92),
}

_SAMPLE = Settings().data_dir / "police_uk" / "2017-07" / "2017-07-west-yorkshire-street.csv"


def home_csv(month: str, rows: int | None = None) -> bytes:
    """The bundled West Yorkshire 2017-07 street file as if published for ``month``: its
    first ``rows`` records (all when None), the ``Month`` column set to ``month``."""
    lines = _SAMPLE.read_bytes().splitlines(keepends=True)
    body = lines[1 : None if rows is None else rows + 1]
    return lines[0] + b"".join(line.replace(b",2017-07,", f",{month},".encode(), 1) for line in body)


def neighbour_csv(month: str, force_id: str, rows: int = 20) -> bytes:
    """A small synthetic street file of a neighbouring force (points near its centre)."""
    name, lon, lat = NEIGHBOURS[force_id]
    out = [",".join(POLICE_UK_COLUMNS)]
    for i in range(rows):
        crime_id = hashlib.sha256(f"{force_id}{month}{i}".encode()).hexdigest()
        out.append(
            f"{crime_id},{month},{name},{name},{lon + i * 1e-3:.6f},{lat:.6f},On or near High Street,"
            f"E01099{i:03d},Somewhere {i:03d}A,Burglary,Under investigation,"
        )
    return ("\n".join(out) + "\n").encode()


def api_crimes(csv_bytes: bytes) -> list[dict[str, Any]]:
    """The rows of a street CSV as the API's JSON gives them (category slugs, no LSOA),
    those with coordinates only (the API has no crimes without a location)."""
    import csv as csv_module

    slugs = {name: slug for slug, name in _CATEGORY_SLUGS.items()}
    out = []
    for i, row in enumerate(csv_module.DictReader(csv_bytes.decode("utf-8").splitlines())):
        if not row["Longitude"]:
            continue
        out.append(
            {
                "category": slugs.get(row["Crime type"], "other-crime"),
                "location_type": "Force",
                "location": {
                    "latitude": row["Latitude"],
                    "longitude": row["Longitude"],
                    "street": {"id": 1000 + i, "name": row["Location"]},
                },
                "context": row["Context"],
                "outcome_status": {"category": row["Last outcome category"], "date": row["Month"]}
                if row["Last outcome category"]
                else None,
                "persistent_id": row["Crime ID"],
                "id": 50_000_000 + i,
                "location_subtype": "",
                "month": row["Month"],
            }
        )
    return out


_CATEGORY_SLUGS = {
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


def filler(size: int, seed: str) -> bytes:
    """``size`` synthetic bytes that do not compress (the other forces' files)."""
    return random.Random(seed).randbytes(size)


def build_archive(
    path: Path,
    months: Sequence[str],
    home_rows: int | None = 200,
    neighbours: Iterable[str] = tuple(NEIGHBOURS),
    other_forces: Sequence[str] = (),
    other_bytes: int = 256,
    drop: Iterable[str] = (),
) -> Path:
    """Write a data.police.uk-like archive: for each month, West Yorkshire's street file
    (:func:`home_csv`), the ``neighbours``' street files (:func:`neighbour_csv`), and
    street, outcomes and stop-and-search files of ``other_forces`` holding ``other_bytes``
    synthetic bytes each (stored, as random bytes do not deflate).

    Parameters
    ----------
    drop : iterable of str
        Member names left out (a force missing from the archive, a withdrawn month).
    """
    dropped = set(drop)
    neighbours = list(neighbours)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for month in months:
            members: list[tuple[str, bytes, int]] = [
                (f"{month}/{month}-west-yorkshire-street.csv", home_csv(month, home_rows), zipfile.ZIP_DEFLATED),
                *(
                    (f"{month}/{month}-{f}-street.csv", neighbour_csv(month, f), zipfile.ZIP_DEFLATED)
                    for f in neighbours
                ),
            ]
            for force in other_forces:
                for kind in ("street", "outcomes", "stop-and-search"):
                    name = f"{month}/{month}-{force}-{kind}.csv"
                    members.append((name, filler(other_bytes, name), zipfile.ZIP_STORED))
            for name, content, method in members:
                if name not in dropped:
                    archive.writestr(name, content, compress_type=method)
    return path


@dataclasses.dataclass
class Faults:
    """Faults the imitation injects; counts go down as they are used.

    Attributes
    ----------
    drop_after : int or None
        An archive answer stops after this many body bytes (the connection closed), for
        the next ``drops`` answers.
    errors_500 : int
        The next answers (any path) are HTTP 500.
    throttled : int
        The next answers are HTTP 429 with ``Retry-After: retry_after``.
    delay_s, delays : float, int
        The next ``delays`` answers wait ``delay_s`` seconds before their headers.
    html : bool
        Archives are answered with an HTML error page (status 200, ``text/html``).
    truncate_to : int or None
        Archives are served cut to this many bytes (a truncated zip).
    ranges : bool
        Whether ``Range`` is honoured (False: every archive answer is the whole file, 200).
    gone : set of str
        Archive names answered 404.
    listed_extra : list of str
        Months listed by ``crimes-street-dates`` beyond those of the archive.
    redirect : bool
        ``/data/archive/NAME`` answers 302 to ``/storage/NAME`` (as data.police.uk sends its
        archives to S3), where the file is served.
    """

    drop_after: int | None = None
    drops: int = 0
    errors_500: int = 0
    throttled: int = 0
    retry_after: str = "1"
    delay_s: float = 0.0
    delays: int = 0
    html: bool = False
    truncate_to: int | None = None
    ranges: bool = True
    gone: set[str] = dataclasses.field(default_factory=set)
    listed_extra: list[str] = dataclasses.field(default_factory=list)
    redirect: bool = False


@dataclasses.dataclass
class Served:
    """One request the imitation answered: path, ``Range`` asked, status, body bytes sent."""

    path: str
    range: str | None
    status: int
    sent: int


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class _Server(http.server.ThreadingHTTPServer):
    """The threaded server, quiet when a client hangs up mid-answer (as clients do that
    stop reading a whole archive they did not want)."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError, ssl.SSLError)):
            super().handle_error(request, client_address)


class PoliceUkSite:
    """The imitation: ``with PoliceUkSite(archive_dir, months) as site: site.url ...``.

    Parameters
    ----------
    archive_dir : Path
        Folder of ``YYYY-MM.zip`` files served under ``/data/archive/``.
    months : sequence of str
        Months ``crimes-street-dates`` lists (plus ``faults.listed_extra``).
    last_updated : str
        What ``crime-last-updated`` says.
    faults : Faults, optional
    tls : (Path, Path), optional
        A certificate and its key (PEM): the site answers HTTPS, as the real one does.
    api : dict, optional
        Month -> crimes (:func:`api_crimes`) that ``POST /api/crimes-street/all-crime``
        answers from, those inside ``poly``.
    api_limit : int
        More crimes than this in one area answer 503 (the site's limit is 10,000).
    files : dict, optional
        Other paths served whole, with an ``ETag`` (304 to a matching ``If-None-Match``):
        a national table's location, for instance.
    """

    def __init__(
        self,
        archive_dir: Path,
        months: Sequence[str],
        last_updated: str = "2026-11-20",
        faults: Faults | None = None,
        tls: tuple[Path, Path] | None = None,
        api: dict[str, list[dict[str, Any]]] | None = None,
        api_limit: int = 10_000,
        files: dict[str, Path] | None = None,
    ) -> None:
        self.archive_dir = archive_dir
        self.months = list(months)
        self.last_updated = last_updated
        self.faults = faults or Faults()
        self.api = api or {}
        self.api_limit = api_limit
        self.files = files or {}
        self.api_answered: list[int] = []  # ids of the crimes the API gave, in order
        self.served: list[Served] = []
        self._lock = threading.Lock()
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_GET(self) -> None:
                site._answer(self)

            def do_POST(self) -> None:
                site._answer_api(self)

        self.server = _Server(("127.0.0.1", 0), Handler)
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, name="police-uk-imitation", daemon=True)

    def __enter__(self) -> PoliceUkSite:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ------------------------------------------------------------------ answers
    def _take(self, name: str) -> bool:
        """Use one of a counted fault; return whether there was one left."""
        with self._lock:
            left = getattr(self.faults, name)
            if left > 0:
                setattr(self.faults, name, left - 1)
                return True
            return False

    def _reply(
        self, handler: http.server.BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes = b""
    ) -> None:
        """Answer whole; recorded in :attr:`served` before a byte goes (a client that has its
        answer then finds it recorded)."""
        self.served.append(Served(handler.path, handler.headers.get("Range"), status, len(body)))
        handler.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    def _simple(self, handler: http.server.BaseHTTPRequestHandler, status: int, body: bytes, kind: str) -> None:
        retry = {"Retry-After": self.faults.retry_after} if status == 429 else {}
        self._reply(handler, status, {"Content-Type": kind, **retry}, body)

    def _file(self, handler: http.server.BaseHTTPRequestHandler, file: Path) -> None:
        """A whole file with its ETag; 304 to a matching ``If-None-Match``."""
        content = file.read_bytes()
        etag = f'"{hashlib.md5(content).hexdigest()}"'
        if handler.headers.get("If-None-Match") == etag:
            return self._reply(handler, 304, {"ETag": etag})
        return self._reply(handler, 200, {"Content-Type": "text/csv", "ETag": etag}, content)

    def _answer(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        if self.faults.delays and self._take("delays"):
            time.sleep(self.faults.delay_s)
        if self._take("throttled"):
            return self._simple(handler, 429, b'{"error": "rate limited"}', "application/json")
        if self._take("errors_500"):
            return self._simple(handler, 500, b"<html><title>500</title></html>", "text/html")
        if path == "/api/crimes-street-dates":
            listed = sorted({*self.months, *self.faults.listed_extra}, reverse=True)
            body = json.dumps([{"date": m, "stop-and-search": []} for m in listed]).encode()
            return self._simple(handler, 200, body, "application/json")
        if path in self.files:
            return self._file(handler, self.files[path])
        if path == "/api/crime-last-updated":
            return self._simple(handler, 200, json.dumps({"date": self.last_updated}).encode(), "application/json")
        if self.faults.redirect and path.startswith("/data/archive/"):
            return self._reply(handler, 302, {"Location": path.replace("/data/archive/", "/storage/", 1)})
        if self.faults.redirect:
            path = path.replace("/storage/", "/data/archive/", 1)
        match = re.fullmatch(r"/data/archive/(\d{4}-\d{2}\.zip)", path)
        file = self.archive_dir / match.group(1) if match else None
        if file is None or not file.is_file() or (match and match.group(1) in self.faults.gone):
            return self._simple(handler, 404, b"<html><title>Not found</title></html>", "text/html")
        if self.faults.html:
            page = b"<!DOCTYPE html><html><head><title>Service unavailable</title></head><body>Sorry</body></html>"
            return self._simple(handler, 200, page, "text/html; charset=utf-8")
        self._archive(handler, file)

    def _answer_api(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        """``POST /api/crimes-street/all-crime``: the crimes of ``date`` inside ``poly``, or
        503 beyond :attr:`api_limit`."""
        import urllib.parse

        import shapely
        from shapely.geometry import Polygon

        body = handler.rfile.read(int(handler.headers.get("Content-Length", "0")))
        if self._take("throttled"):
            return self._simple(handler, 429, b"", "text/plain")
        if handler.path != "/api/crimes-street/all-crime":
            return self._simple(handler, 404, b"", "text/plain")
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode()).items()}
        corners = [tuple(float(x) for x in pair.split(",")) for pair in form.get("poly", "").split(":") if pair]
        if len(corners) < 3 or "date" not in form:
            return self._simple(handler, 400, b"", "text/plain")
        area = Polygon([(lng, lat) for lat, lng in corners])
        crimes = self.api.get(form["date"], [])
        lon = [float(c["location"]["longitude"]) for c in crimes]
        lat = [float(c["location"]["latitude"]) for c in crimes]
        inside = [c for c, hit in zip(crimes, shapely.contains_xy(area, lon, lat)) if hit]
        if len(inside) > self.api_limit:
            return self._simple(handler, 503, b"", "text/plain")
        self.api_answered.extend(int(c["id"]) for c in inside)
        return self._simple(handler, 200, json.dumps(inside).encode(), "application/json")

    def _archive(self, handler: http.server.BaseHTTPRequestHandler, file: Path) -> None:
        size = (
            file.stat().st_size
            if self.faults.truncate_to is None
            else min(self.faults.truncate_to, file.stat().st_size)
        )
        stat = file.stat()
        etag = f'"{hashlib.md5(f"{file.name}{stat.st_size}{stat.st_mtime_ns}".encode()).hexdigest()}"'
        asked = handler.headers.get("Range")
        if_range = handler.headers.get("If-Range")
        start, end, status = 0, size - 1, 200
        match = _RANGE.match(asked or "")
        if self.faults.ranges and match and (if_range is None or if_range == etag):
            first, last = match.groups()
            if first == "":
                start, end = max(0, size - int(last)), size - 1
            else:
                start, end = int(first), min(size - 1, int(last)) if last else size - 1
            if start > end:
                return self._simple(handler, 416, b"", "text/plain")
            status = 206
        limit = end - start + 1
        if self.faults.drop_after is not None and self._take("drops"):
            limit = min(limit, self.faults.drop_after)
            handler.close_connection = True
        record = Served(handler.path, asked, status, limit)  # corrected below if the client hangs up
        self.served.append(record)
        handler.send_response(status)
        handler.send_header("Content-Type", "application/zip")
        handler.send_header("Content-Length", str(end - start + 1))
        handler.send_header("ETag", etag)
        if self.faults.ranges:
            handler.send_header("Accept-Ranges", "bytes")
        if status == 206:
            handler.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        handler.end_headers()
        sent = 0
        with open(file, "rb") as fh:
            fh.seek(start)
            try:
                while sent < limit:
                    chunk = fh.read(min(1 << 20, limit - sent))
                    if not chunk:
                        break
                    handler.wfile.write(chunk)
                    sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                handler.close_connection = True
                record.sent = sent

    # ------------------------------------------------------------------ figures
    def bytes_sent(self) -> int:
        """Body bytes sent so far, every answer counted."""
        return sum(s.sent for s in self.served)


def member_sizes(path: Path, names: Iterable[str]) -> int:
    """Compressed sizes of some members of an archive, summed (what a ranged read needs)."""
    with zipfile.ZipFile(path) as archive:
        infos = {i.filename: i for i in archive.infolist()}
        return sum(infos[n].compress_size for n in names if n in infos)
