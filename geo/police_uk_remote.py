"""data.police.uk over HTTP: the months it lists, and single members of its archives.

The transport of :mod:`geo.update`. Everything goes through one :class:`PoliceUkClient`
(one ``requests.Session``): timeouts on every request, a bounded number of tries with a
doubling wait, ``Retry-After`` honoured on 429 and 503, proxies and certificate authorities
as ``requests`` reads them from the environment (``HTTPS_PROXY``, ``NO_PROXY``,
``REQUESTS_CA_BUNDLE``) or ``settings.http_ca_bundle``.

An archive (``/data/archive/YYYY-MM.zip``, 36 months of every force, well over a gigabyte)
is read in one of two ways:

- :class:`RangedArchive`: a seekable file over HTTP ``Range`` requests, given to Python's
  ``zipfile``. The zip's directory sits at its end, so a first request for the last 64 KiB
  and one for the directory list the members; each wanted member is then fetched with one
  request (:meth:`RangedArchive.prefetch`). A few MB instead of the whole archive.
- :func:`download_archive`: where the server ignores ``Range``, the whole archive is
  streamed to a ``.part`` file beside its final name (resumed if the server later answers a
  range, started again cleanly if not) and renamed only once complete and of the announced
  size.

Either way, :func:`extract_members` judges the directory with the archive limits of
:mod:`geo._streams`, and writes each wanted member to disk through
:class:`~geo._streams.LimitedReader`, its size and CRC-32 checked (``zipfile`` checks the
CRC as the member ends), before anything is ingested.
"""

from __future__ import annotations

import contextlib
import dataclasses
import email.utils
import io
import os
import re
import shutil
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import requests

from core.errors import InputFileError, RemoteError, SettingsError
from core.files import atomic_write_bytes
from core.settings import Settings
from geo._streams import LimitedReader, check_archive, mib

#: Months one archive holds (data.police.uk's rolling window since May 2017).
ARCHIVE_WINDOW_MONTHS = 36
#: Bytes asked for at the end of an archive first: the end-of-directory record and a
#: comment of up to 64 KiB (what ``zipfile`` looks through).
TAIL_BYTES = (1 << 16) + 22 + 20
#: Fewest bytes asked for by one range request that ``zipfile`` causes (it reads small
#: pieces; each would otherwise be a request).
MIN_RANGE_BYTES = 1 << 16
#: Statuses worth another try: rate limited, and the server's passing failures.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Bytes read and written to disk at a time while streaming (a dropped connection loses at
#: most this much of a download).
CHUNK_BYTES = 1 << 16

_CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+|\*)$")
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)

#: Called with one line saying what is happening.
Log = Callable[[str], None]


@dataclasses.dataclass
class Traffic:
    """What a client has received: requests made and body bytes read."""

    requests: int = 0
    bytes_received: int = 0


class Transient(Exception):
    """An answer worth another try (a status of :data:`RETRY_STATUSES`, a short body)."""

    def __init__(self, problem: str, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.status = status
        self.retry_after = retry_after


class NoRanges(Exception):
    """The server answered a range request with the whole file (it offers no ranges).

    Attributes
    ----------
    size : int or None
        The archive's size from ``Content-Length``, when the server gave it.
    """

    def __init__(self, size: int | None) -> None:
        super().__init__("the server offers no ranges")
        self.size = size


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def html_problem(content_type: str, first_bytes: bytes) -> str | None:
    """Say so when an answer is an HTML page (an error or sign-in page) rather than a file."""
    head = first_bytes.lstrip()[:512].lower()
    if "html" not in content_type.lower() and not head.startswith((b"<!doctype html", b"<html")):
        return None
    title = _TITLE.search(first_bytes[:4096])
    named = f" titled {title.group(1).decode('utf-8', 'replace').strip()[:80]!r}" if title else ""
    return (
        f"the server returned an HTML page{named} instead of a zip archive (an error page, a "
        "proxy's sign-in page or a wrong address?)"
    )


class PoliceUkClient:
    """One HTTP session to data.police.uk (or the mirror ``base_url`` names).

    Parameters
    ----------
    settings : Settings
        ``police_uk_url`` (unless ``base_url``), ``http_timeout_s``, ``http_retries``,
        ``http_backoff_s``, ``http_max_wait_s``, ``http_ca_bundle``.
    base_url : str, optional
        The site's address (``--source``); default ``settings.police_uk_url``.
    sleep : callable, optional
        How to wait between tries (tests pass one that records the waits).
    log : callable, optional
        Given one line per retry.

    Raises
    ------
    SettingsError
        The address is not http(s), or the CA bundle does not exist.
    """

    def __init__(
        self,
        settings: Settings,
        base_url: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        log: Log | None = None,
    ) -> None:
        url = (base_url or settings.police_uk_url).strip().rstrip("/")
        if not url.lower().startswith(("http://", "https://")):
            raise SettingsError(f"the data.police.uk address must start with http:// or https://, not {url!r}")
        self.base_url = url
        self.settings = settings
        self.sleep = sleep
        self.log = log or (lambda line: None)
        self.traffic = Traffic()
        self.session = requests.Session()  # trust_env: HTTPS_PROXY, NO_PROXY, REQUESTS_CA_BUNDLE
        self.session.headers["User-Agent"] = "precision-hotspots-update (+python-requests)"
        #: Given with every request: requests lets ``REQUESTS_CA_BUNDLE`` or ``CURL_CA_BUNDLE``
        #: in the environment override ``Session.verify`` (psf/requests#3829, #4726), but
        #: not a request's own ``verify``; None: the default (REQUESTS_CA_BUNDLE, else the
        #: system's).
        self.ca_bundle: str | None = None
        if settings.http_ca_bundle is not None:
            if not settings.http_ca_bundle.is_file():
                raise SettingsError(f"{settings.http_ca_bundle}: the CA bundle (http_ca_bundle) does not exist")
            self.ca_bundle = str(settings.http_ca_bundle)

    def close(self) -> None:
        """Close the session's connections."""
        self.session.close()

    @property
    def verify(self) -> bool | str:
        """The ``verify`` argument of each request: ``settings.http_ca_bundle`` when set (it
        wins over the environment's bundles), else True (requests then reads
        ``REQUESTS_CA_BUNDLE``)."""
        return self.ca_bundle or True

    def url(self, path: str) -> str:
        """The address of ``path`` (``/api/...``, ``/data/archive/...``) on the site."""
        return f"{self.base_url}/{path.lstrip('/')}"

    @property
    def timeout(self) -> tuple[float, float]:
        """(connect, read) timeouts in seconds."""
        return (self.settings.http_timeout_s, self.settings.http_timeout_s)

    def _wait(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return retry_after
        return float(self.settings.http_backoff_s * (2**attempt))

    def with_retries(self, url: str, attempt_once: Callable[[], Any]) -> Any:
        """Run ``attempt_once`` (a request and the reading of its body) until it succeeds,
        at most ``1 + settings.http_retries`` times.

        A dropped connection, a timeout, a short body or a status of
        :data:`RETRY_STATUSES` is tried again after a wait (``Retry-After`` when the server
        gives one, else ``http_backoff_s`` doubled each time).

        Raises
        ------
        RemoteError
            The tries are used up, or the server asks to wait longer than
            ``settings.http_max_wait_s``.
        """
        last = ""
        status: int | None = None
        for attempt in range(self.settings.http_retries + 1):
            retry_after: float | None = None
            try:
                return attempt_once()
            except Transient as exc:
                last, status, retry_after = exc.problem, exc.status, exc.retry_after
            except requests.exceptions.SSLError as exc:
                raise RemoteError(
                    url,
                    f"TLS certificate not trusted ({exc}); behind a TLS-inspecting proxy, set "
                    "PRECISION_CA_BUNDLE or REQUESTS_CA_BUNDLE to its CA certificates",
                ) from exc
            except requests.exceptions.Timeout:
                last = f"no answer within {self.settings.http_timeout_s:g} s (timed out)"
            except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                last = f"connection failed or dropped ({type(exc).__name__})"
            if attempt == self.settings.http_retries:
                break
            wait = self._wait(attempt, retry_after)
            if wait > self.settings.http_max_wait_s:
                raise RemoteError(
                    url,
                    f"{last}; the server asks to wait {wait:,.0f} s, longer than "
                    f"{self.settings.http_max_wait_s:,.0f} s (settings.http_max_wait_s)",
                    status,
                )
            self.log(f"  {last}: trying again in {wait:g} s ({attempt + 1} of {self.settings.http_retries})")
            self.sleep(wait)
        raise RemoteError(url, f"{last} (after {self.settings.http_retries + 1} tries)", status)

    def _send(self, url: str, headers: dict[str, str] | None = None, stream: bool = False) -> requests.Response:
        """One GET; a status worth another try raises :class:`Transient`, other errors
        :class:`RemoteError`."""
        self.traffic.requests += 1
        response = self.session.get(url, headers=headers or {}, timeout=self.timeout, stream=stream, verify=self.verify)
        if response.status_code in RETRY_STATUSES:
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            response.close()
            raise Transient(f"HTTP {response.status_code}", response.status_code, retry_after)
        if response.status_code == 404:
            response.close()
            raise RemoteError(url, "not found (HTTP 404)", 404)
        if response.status_code >= 400:
            response.close()
            raise RemoteError(url, f"refused (HTTP {response.status_code})", response.status_code)
        return response

    def get_file(self, url: str, headers: dict[str, str] | None = None) -> requests.Response:
        """GET a whole file (any address) with the tries of :meth:`with_retries`; a 304
        (unchanged, for conditional headers) is returned as it is.

        Raises
        ------
        RemoteError
            Unreachable, an error status after the tries, or an HTML page.
        """

        def once() -> requests.Response:
            response = self._send(url, headers)
            self.traffic.bytes_received += len(response.content)
            return response

        response: requests.Response = self.with_retries(url, once)
        problem = html_problem(response.headers.get("Content-Type", ""), response.content[:4096])
        if problem and response.status_code != 304:
            raise RemoteError(url, problem.replace("a zip archive", "the file"))
        return response

    def get_json(self, path: str) -> Any:
        """GET ``path`` and decode its JSON.

        Raises
        ------
        RemoteError
            Unreachable, an error status after the tries, or not JSON (an HTML page named).
        """
        url = self.url(path)

        def once() -> Any:
            response = self._send(url)
            self.traffic.bytes_received += len(response.content)
            return response

        response = self.with_retries(url, once)
        problem = html_problem(response.headers.get("Content-Type", ""), response.content)
        if problem:
            raise RemoteError(url, problem.replace("a zip archive", "JSON"))
        try:
            return response.json()
        except ValueError as exc:
            raise RemoteError(url, f"is not JSON ({exc})") from exc

    def street_months(self) -> list[str]:
        """The months of street-level crime published (``/api/crimes-street-dates``), sorted.

        Raises
        ------
        RemoteError
            Unreachable, or not a list of ``{"date": "YYYY-MM", ...}``.
        """
        data = self.get_json("/api/crimes-street-dates")
        months = (
            sorted({str(item["date"]) for item in data})
            if isinstance(data, list) and all(isinstance(i, dict) and "date" in i for i in data)
            else None
        )
        if months is None or not all(re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", m) for m in months):
            raise RemoteError(self.url("/api/crimes-street-dates"), 'is not a list of {"date": "YYYY-MM"} objects')
        return months

    def last_updated(self) -> str | None:
        """The date data.police.uk says its crime data last changed (``/api/crime-last-updated``,
        ``{"date": "YYYY-MM-DD"}``), or None where the site (a mirror) does not say."""
        try:
            data = self.get_json("/api/crime-last-updated")
        except RemoteError as exc:
            if exc.status == 404:
                return None
            raise
        return str(data["date"]) if isinstance(data, dict) and "date" in data else None

    def get_range(self, url: str, start: int | None, end: int | None) -> tuple[bytes, int, dict[str, str]]:
        """Bytes ``start`` to ``end`` (inclusive) of a file; ``start`` None asks for the last
        ``end`` bytes. Returns (bytes, the file's total size, headers).

        Raises
        ------
        NoRanges
            The server answered with the whole file (status 200).
        RemoteError
            An HTML page, an error status, or a range that does not match the one asked for.
        """
        spec = f"bytes=-{end}" if start is None else f"bytes={start}-{end}"

        def once() -> tuple[bytes, int, dict[str, str]]:
            response = self._send(url, {"Range": spec}, stream=True)
            with contextlib.closing(response):
                if "html" in response.headers.get("Content-Type", "").lower():
                    page = next(response.iter_content(4096), b"")
                    raise RemoteError(url, html_problem("text/html", page) or "")
                if response.status_code == 200:
                    length = response.headers.get("Content-Length")
                    raise NoRanges(int(length) if length and length.isdigit() else None)
                if response.status_code != 206:
                    raise RemoteError(url, f"answered a range request with HTTP {response.status_code}")
                match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
                if match is None or match.group(3) == "*":
                    raise RemoteError(url, f"gave no usable Content-Range ({response.headers.get('Content-Range')!r})")
                first, last, total = int(match.group(1)), int(match.group(2)), int(match.group(3))
                data = response.content
                self.traffic.bytes_received += len(data)
            if len(data) != last - first + 1:
                raise Transient(f"range {first}-{last} ended after {len(data):,} of {last - first + 1:,} bytes")
            if (start is not None and first != start) or (start is None and last != total - 1):
                raise RemoteError(url, f"answered range {spec} with bytes {first}-{last}")
            return data, total, {**response.headers, "X-Final-URL": response.url}

        result: tuple[bytes, int, dict[str, str]] = self.with_retries(url, once)
        return result


class RangedArchive(io.RawIOBase):
    """A remote zip archive as a read-only, seekable file, read by HTTP range requests.

    Reads are served from the spans fetched so far; a read outside them fetches at least
    :data:`MIN_RANGE_BYTES`. Every answer must come from the same file (same size and
    ``ETag``); a change mid-way (the archive replaced) is refused.

    Parameters
    ----------
    client : PoliceUkClient
    url : str
        The archive's address.

    Raises
    ------
    NoRanges
        The server offers no ranges (use :func:`download_archive`).
    RemoteError
        Not found, an HTML page, or the tries used up.
    """

    def __init__(self, client: PoliceUkClient, url: str) -> None:
        super().__init__()
        self.client = client
        self.url = url
        tail, self.size, headers = client.get_range(url, None, TAIL_BYTES)
        self.etag = headers.get("ETag")
        # data.police.uk redirects archives to its storage: ask there directly from now on
        self.url = headers.get("X-Final-URL") or url
        self._spans: list[tuple[int, bytes]] = [(self.size - len(tail), tail)]
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def forget(self) -> None:
        """Drop the bytes held but the archive's last :data:`TAIL_BYTES` (after the
        directory is read, and after each member), so memory holds one member at most."""
        self._spans = self._spans[:1]

    def prefetch(self, start: int, length: int) -> None:
        """Fetch bytes ``start`` to ``start + length`` in one request (a member, whole),
        unless they are held already."""
        end = min(self.size, start + length) - 1
        held = self._cached(start, end - start + 1)
        if end >= start and (held is None or len(held) < end - start + 1):
            self._spans.append((start, self._fetch(start, end)))

    def _fetch(self, start: int, end: int) -> bytes:
        data, total, headers = self.client.get_range(self.url, start, end)
        etag = headers.get("ETag")
        if total != self.size or (self.etag and etag and etag != self.etag):
            raise RemoteError(self.url, "the archive changed while it was being read (size or ETag): try again later")
        return data

    def _cached(self, pos: int, size: int) -> bytes | None:
        for start, data in self._spans:
            if start <= pos < start + len(data):
                return data[pos - start : pos - start + size]
        return None

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            size = self.size - self._pos
        size = min(size, self.size - self._pos)
        out = bytearray()
        while len(out) < size:
            piece = self._cached(self._pos, size - len(out))
            if piece is None:
                end = min(self.size, self._pos + max(size - len(out), MIN_RANGE_BYTES)) - 1
                self._spans.append((self._pos, self._fetch(self._pos, end)))
                continue
            out += piece
            self._pos += len(piece)
        return bytes(out)

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def download_archive(client: PoliceUkClient, url: str, dest: Path, size: int | None, log: Log) -> Path:
    """Stream a whole archive to ``dest`` (for a server that offers no ranges).

    The bytes go to ``dest`` + ``.part``; a dropped connection continues from where it
    stopped if the server then answers a range (``If-Range`` with the ``ETag`` first seen,
    kept in ``.part.etag``, so a changed file starts again) and starts again cleanly if not.
    ``dest`` appears, by one rename, only once the file has the size the server announced.
    A ``.part`` left by an interrupted run is continued the same way.

    Raises
    ------
    RemoteError
        Not enough free disk space for ``size``, an HTML page, or the tries used up.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    etag_file = dest.with_name(dest.name + ".part.etag")
    if size is not None:
        free = shutil.disk_usage(dest.parent).free + (part.stat().st_size if part.exists() else 0)
        if free < size:
            raise RemoteError(url, f"needs {mib(size)} of disk in {dest.parent}, and only {mib(free)} is free")
    state: dict[str, Any] = {"etag": etag_file.read_text().strip() if etag_file.exists() else None, "total": size}

    def once() -> None:
        have = part.stat().st_size if part.exists() else 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        if have and state["etag"]:
            headers["If-Range"] = state["etag"]
        response = client._send(url, headers, stream=True)
        with contextlib.closing(response):
            if "html" in response.headers.get("Content-Type", "").lower():
                raise RemoteError(url, html_problem("text/html", next(response.iter_content(4096), b"")) or "")
            resumed = response.status_code == 206
            if have and not resumed:
                log(f"  the server cannot continue {dest.name}: starting it again from the first byte")
            if response.status_code == 200:
                length = response.headers.get("Content-Length")
                state["total"] = int(length) if length and length.isdigit() else state["total"]
            elif (match := _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))) and match.group(3) != "*":
                state["total"] = int(match.group(3))
            etag = response.headers.get("ETag")
            if etag and etag != state["etag"]:
                state["etag"] = etag
                atomic_write_bytes(etag_file, etag.encode())
            with open(part, "ab" if resumed else "wb") as fh:
                for chunk in response.iter_content(CHUNK_BYTES):
                    if not fh.tell() and html_problem("", chunk):
                        raise RemoteError(url, html_problem("", chunk) or "")
                    fh.write(chunk)
                    client.traffic.bytes_received += len(chunk)
                fh.flush()
                os.fsync(fh.fileno())
        got = part.stat().st_size
        if state["total"] is not None and got != state["total"]:
            raise Transient(f"download of {dest.name} stopped at {mib(got)} of {mib(state['total'])}")

    client.with_retries(url, once)
    os.replace(part, dest)
    etag_file.unlink(missing_ok=True)
    return dest


@contextlib.contextmanager
def open_archive(client: PoliceUkClient, url: str, download_dir: Path, log: Log) -> Iterator[zipfile.ZipFile]:
    """Open a remote archive as a ``zipfile.ZipFile``: by ranges where the server offers
    them, else by downloading it whole to ``download_dir`` (removed afterwards).

    Raises
    ------
    RemoteError
        Not found, an HTML page, or the tries used up.
    InputFileError
        What arrived is not a zip archive (truncated, corrupt).
    """
    name = url.rsplit("/", 1)[-1]
    try:
        ranged = RangedArchive(client, url)
    except NoRanges as exc:
        size = f"{mib(exc.size)} ({exc.size:,} bytes)" if exc.size is not None else "of unknown size"
        log(f"{name}: the server offers no ranges; downloading the whole archive, {size}, to {download_dir}")
        path = download_archive(client, url, download_dir / name, exc.size, log)
        try:
            with _zip(name, path) as archive:
                yield archive
        finally:
            path.unlink(missing_ok=True)
        return
    log(f"{name}: {mib(ranged.size)} on the server; reading its directory with range requests")
    with _zip(name, ranged) as archive:
        ranged.forget()
        yield archive


@contextlib.contextmanager
def _zip(name: str, source: Path | RangedArchive) -> Iterator[zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise InputFileError(name, f"is not a readable zip archive: truncated or corrupt ({exc})") from exc
    with archive:
        yield archive


def extract_members(
    archive: zipfile.ZipFile, label: str, wanted: Sequence[str], dest: Path, settings: Settings
) -> list[Path]:
    """Write the ``wanted`` members of ``archive`` under ``dest``, each checked whole.

    The archive's directory is judged by :func:`geo._streams.check_archive` first (member
    count, paths, nested archives, sizes, compression ratio). Each member is fetched in
    one range request where ``archive`` is remote, inflated through
    :class:`~geo._streams.LimitedReader` to a hidden file, its CRC-32 checked by
    ``zipfile`` at its end and its size against the directory, and only then given its
    name. A member not in the archive is skipped (the caller names it).

    Returns
    -------
    list of Path
        The files written, in the order of ``wanted``.

    Raises
    ------
    InputFileError
        A limit broken, a CRC or size mismatch, or a truncated member: names the member.
    """
    infos = [i for i in archive.infolist() if not i.is_dir()]
    by_name = {i.filename: i for i in infos}
    present = [by_name[n] for n in wanted if n in by_name]
    check_archive(
        label,
        infos,
        present,
        settings.max_archive_members,
        settings.max_archive_bytes,
        settings.max_file_bytes,
        settings.max_compression_ratio,
    )
    remote = archive.fp if isinstance(archive.fp, RangedArchive) else None
    written = []
    for info in present:
        if remote is not None:  # local header (30 bytes, name, extra) and the data, in one request
            remote.prefetch(info.header_offset, 30 + len(info.filename) + len(info.extra) + info.compress_size + 1024)
        try:
            written.append(_write_member(archive, info, f"{label}!{info.filename}", dest, settings))
        finally:
            if remote is not None:
                remote.forget()
    return written


def _write_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, dest: Path, settings: Settings) -> Path:
    """Inflate one member to a hidden file under ``dest``; give it its name once its CRC
    (checked by ``zipfile`` at its end) and size are right."""
    target = dest / info.filename
    target.parent.mkdir(parents=True, exist_ok=True)
    hidden = target.with_name(f".{target.name}.part")
    try:
        with LimitedReader(archive.open(info), label, settings.max_file_bytes) as member, open(hidden, "wb") as fh:
            while chunk := member.read(CHUNK_BYTES):
                fh.write(chunk)
        if hidden.stat().st_size != info.file_size:
            raise InputFileError(
                label, f"inflated to {hidden.stat().st_size:,} bytes, not the {info.file_size:,} its directory says"
            )
        os.replace(hidden, target)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise InputFileError(label, f"is truncated or corrupt ({exc})") from exc
    finally:
        hidden.unlink(missing_ok=True)
    return target


def archive_force_id(force: str) -> str:
    """data.police.uk's id of a force, as in archive member names, from its ``Reported by``
    name: ``"Lancashire Constabulary"`` -> ``"lancashire"``."""
    slug = re.sub(r"[^a-z0-9]+", "-", force.strip().lower()).strip("-")
    return re.sub(r"-(police-service|police|constabulary)$", "", slug)


def street_member(month: str, force_id: str) -> str:
    """An archive member's name: ``YYYY-MM/YYYY-MM-<force id>-street.csv``."""
    return f"{month}/{month}-{force_id}-street.csv"
