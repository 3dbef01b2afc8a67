"""The HTTP transport against the local imitation of data.police.uk: ranged reading of
archive members, retries, Retry-After, timeouts, drops, HTML pages, truncated and corrupt
archives, servers without ranges, proxies and CA bundles."""

from __future__ import annotations

import dataclasses
import shutil
import socket
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.errors import InputFileError, RemoteError, SettingsError
from core.settings import Settings
from geo.police_uk_remote import (
    PoliceUkClient,
    RangedArchive,
    archive_force_id,
    download_archive,
    extract_members,
    html_problem,
    open_archive,
    retry_after_seconds,
    street_member,
)
from tests.imitation.police_uk_site import Faults, PoliceUkSite, build_archive, home_csv, member_sizes

MONTHS = ["2026-07", "2026-08", "2026-09"]
HOME = "2026-08/2026-08-west-yorkshire-street.csv"
OTHERS = ("kent", "essex", "dorset")


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with 2026-09.zip: three months, West Yorkshire, neighbours and 3 other forces
    of 20 KiB per member."""
    folder = tmp_path_factory.mktemp("archive")
    build_archive(folder / "2026-09.zip", MONTHS, home_rows=300, other_forces=OTHERS, other_bytes=20_000)
    return folder


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings(store_dir=tmp_path / "store", http_timeout_s=2.0, http_retries=3, http_backoff_s=0.0)


class Waits(list[float]):
    """A sleep that records how long it was asked to wait."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture()
def waits() -> Waits:
    return Waits()


def site(archives: Path, **faults: object) -> PoliceUkSite:
    return PoliceUkSite(archives, MONTHS, faults=Faults(**faults))  # type: ignore[arg-type]


def client_for(url: str, settings: Settings, waits: Waits) -> PoliceUkClient:
    return PoliceUkClient(settings, url, sleep=waits)


def read_home(client: PoliceUkClient, url: str, dest: Path, settings: Settings) -> bytes:
    with open_archive(client, url, dest / "downloads", lambda line: None) as archive:
        (path,) = extract_members(archive, "2026-09.zip", [HOME], dest / "out", settings)
    return path.read_bytes()


# ---------------------------------------------------------------- small pure helpers
def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == pytest.approx(10.0)
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_html_pages_are_named_with_their_title() -> None:
    problem = html_problem("text/html", b"<html><head><title>Proxy sign-in</title>")
    assert problem is not None and "HTML page titled 'Proxy sign-in'" in problem
    assert html_problem("application/zip", b"PK\x03\x04") is None
    assert html_problem("", b"  <!DOCTYPE html><p>") is not None


def test_force_ids_and_member_names_follow_the_archive() -> None:
    assert archive_force_id("West Yorkshire Police") == "west-yorkshire"
    assert archive_force_id("Lancashire Constabulary") == "lancashire"
    assert archive_force_id("Metropolitan Police Service") == "metropolitan"
    assert street_member("2026-08", "greater-manchester") == "2026-08/2026-08-greater-manchester-street.csv"


def test_the_address_must_be_http_and_the_ca_bundle_must_exist(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="http:// or https://"):
        PoliceUkClient(settings, "ftp://mirror.example")
    with pytest.raises(SettingsError, match="CA bundle"):
        PoliceUkClient(dataclasses.replace(settings, http_ca_bundle=tmp_path / "missing.pem"))


# ---------------------------------------------------------------- ranged reading
def test_listing_months_and_the_last_update(archives: Path, settings: Settings, waits: Waits) -> None:
    with site(archives) as s:
        client = client_for(s.url, settings, waits)
        assert client.street_months() == MONTHS
        assert client.last_updated() == "2026-11-20"


def test_a_member_is_read_by_ranges_fetching_little_more_than_it(
    archives: Path, settings: Settings, waits: Waits, tmp_path: Path
) -> None:
    archive = archives / "2026-09.zip"
    with site(archives) as s:
        client = client_for(s.url, settings, waits)
        content = read_home(client, f"{s.url}/data/archive/2026-09.zip", tmp_path, settings)
        sent = s.bytes_sent()
        assert all(x.status == 206 for x in s.served)
    assert content == home_csv("2026-08", 300)
    needed = member_sizes(archive, [HOME])
    assert sent < archive.stat().st_size / 2
    assert sent <= needed + 70_000 + 2_000  # the member, the 64 KiB tail (holds the directory), headers


def test_a_redirect_to_storage_is_followed_once(
    archives: Path, settings: Settings, waits: Waits, tmp_path: Path
) -> None:
    with site(archives, redirect=True) as s:
        content = read_home(client_for(s.url, settings, waits), f"{s.url}/data/archive/2026-09.zip", tmp_path, settings)
        answered = [(x.path, x.status) for x in s.served]
    assert content == home_csv("2026-08", 300)
    assert answered[:2] == [("/data/archive/2026-09.zip", 302), ("/storage/2026-09.zip", 206)]
    assert all(path == "/storage/2026-09.zip" and status == 206 for path, status in answered[2:])


def test_500s_and_drops_mid_member_are_tried_again(
    archives: Path, settings: Settings, waits: Waits, tmp_path: Path
) -> None:
    with site(archives, errors_500=1, drop_after=1000, drops=2) as s:
        content = read_home(client_for(s.url, settings, waits), f"{s.url}/data/archive/2026-09.zip", tmp_path, settings)
    assert content == home_csv("2026-08", 300)
    assert len(waits) == 3


def test_429_waits_as_retry_after_says(archives: Path, settings: Settings, waits: Waits) -> None:
    with site(archives, throttled=2, retry_after="3") as s:
        assert client_for(s.url, settings, waits).street_months() == MONTHS
    assert waits == [3.0, 3.0]


def test_a_retry_after_beyond_the_longest_wait_ends_the_tries(archives: Path, settings: Settings) -> None:
    with site(archives, throttled=5, retry_after="3600") as s, pytest.raises(RemoteError, match="wait 3,600 s"):
        client_for(s.url, settings, Waits()).street_months()


def test_tries_are_bounded(archives: Path, settings: Settings, waits: Waits) -> None:
    with site(archives, errors_500=10) as s, pytest.raises(RemoteError, match=r"HTTP 500 \(after 4 tries\)") as caught:
        client_for(s.url, settings, waits).street_months()
    assert caught.value.status == 500
    assert waits == [0.0, 0.0, 0.0]


def test_a_slow_server_times_out_and_is_tried_again(archives: Path, settings: Settings, waits: Waits) -> None:
    quick = dataclasses.replace(settings, http_timeout_s=0.3)
    with site(archives, delay_s=1.0, delays=1) as s:
        assert client_for(s.url, quick, waits).street_months() == MONTHS
    assert len(waits) == 1
    with site(archives, delay_s=1.0, delays=10) as s, pytest.raises(RemoteError, match="timed out"):
        client_for(s.url, dataclasses.replace(quick, http_retries=1), waits).street_months()


def test_an_html_page_instead_of_a_zip_is_named(
    archives: Path, settings: Settings, waits: Waits, tmp_path: Path
) -> None:
    page = "HTML page titled 'Service unavailable' instead of a zip archive"
    with site(archives, html=True) as s, pytest.raises(RemoteError, match=page):
        read_home(client_for(s.url, settings, waits), f"{s.url}/data/archive/2026-09.zip", tmp_path, settings)


def test_a_missing_archive_is_not_found(archives: Path, settings: Settings, waits: Waits) -> None:
    with site(archives) as s, pytest.raises(RemoteError, match="HTTP 404") as caught:
        RangedArchive(client_for(s.url, settings, waits), f"{s.url}/data/archive/2019-01.zip")
    assert caught.value.status == 404


@pytest.mark.parametrize("ranges", [True, False])
def test_a_truncated_zip_is_refused(
    archives: Path, settings: Settings, waits: Waits, tmp_path: Path, ranges: bool
) -> None:
    with (
        site(archives, truncate_to=40_000, ranges=ranges) as s,
        pytest.raises(InputFileError, match="not a readable zip archive: truncated or corrupt"),
    ):
        read_home(client_for(s.url, settings, waits), f"{s.url}/data/archive/2026-09.zip", tmp_path, settings)
    assert not list((tmp_path / "downloads").glob("*")) if (tmp_path / "downloads").exists() else True


def corrupted(archives: Path, tmp_path: Path) -> Path:
    """A copy of the archive with one byte of the home member's compressed data changed."""
    folder = tmp_path / "corrupt"
    folder.mkdir()
    data = bytearray((archives / "2026-09.zip").read_bytes())
    with zipfile.ZipFile(archives / "2026-09.zip") as z:
        info = z.getinfo(HOME)
    data[info.header_offset + 30 + len(HOME) + 500] ^= 0xFF
    (folder / "2026-09.zip").write_bytes(bytes(data))
    return folder


def test_a_corrupt_member_is_refused_and_leaves_no_file(
    archives: Path, settings: Settings, waits: Waits, tmp_path: Path
) -> None:
    with (
        site(corrupted(archives, tmp_path)) as s,
        pytest.raises(InputFileError, match="2026-09.zip!2026-08/2026-08-west-yorkshire-street.csv"),
    ):
        read_home(client_for(s.url, settings, waits), f"{s.url}/data/archive/2026-09.zip", tmp_path, settings)
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file()]


def test_the_archive_limits_apply(archives: Path, settings: Settings, waits: Waits, tmp_path: Path) -> None:
    with site(archives) as s, pytest.raises(InputFileError, match="settings.max_archive_members"):
        read_home(
            client_for(s.url, settings, waits),
            f"{s.url}/data/archive/2026-09.zip",
            tmp_path,
            dataclasses.replace(settings, max_archive_members=10),
        )


# ---------------------------------------------------------------- no ranges: whole archive
def test_without_ranges_the_whole_archive_is_downloaded_then_removed(
    archives: Path, settings: Settings, waits: Waits, tmp_path: Path
) -> None:
    lines: list[str] = []
    with site(archives, ranges=False) as s:
        client = client_for(s.url, settings, waits)
        with open_archive(client, f"{s.url}/data/archive/2026-09.zip", tmp_path / "dl", lines.append) as archive:
            (path,) = extract_members(archive, "2026-09.zip", [HOME], tmp_path / "out", settings)
        assert path.read_bytes() == home_csv("2026-08", 300)
    size = (archives / "2026-09.zip").stat().st_size
    assert any("offers no ranges" in line and f"({size:,} bytes)" in line for line in lines)
    assert list((tmp_path / "dl").iterdir()) == []


def test_a_dropped_download_starts_again_cleanly_without_ranges(
    archives: Path, settings: Settings, waits: Waits, tmp_path: Path
) -> None:
    archive = archives / "2026-09.zip"
    with site(archives, ranges=False, drop_after=30_000, drops=2) as s:
        client = client_for(s.url, settings, waits)
        path = download_archive(client, f"{s.url}/data/archive/2026-09.zip", tmp_path / "a.zip", None, lambda _: None)
    assert path.read_bytes() == archive.read_bytes()
    assert len(waits) == 2
    assert not (tmp_path / "a.zip.part").exists()


def test_an_interrupted_download_resumes_where_it_stopped(
    archives: Path, settings: Settings, waits: Waits, tmp_path: Path
) -> None:
    archive = archives / "2026-09.zip"
    with site(archives, drop_after=300_000, drops=1) as s:
        client = client_for(s.url, settings, waits)
        path = download_archive(client, f"{s.url}/data/archive/2026-09.zip", tmp_path / "a.zip", None, lambda _: None)
        resumed = [x for x in s.served if x.range]
    assert path.read_bytes() == archive.read_bytes()
    assert [x.range for x in resumed] == [f"bytes={4 * 65_536}-"]  # the whole 64 KiB pieces kept
    assert resumed[0].status == 206
    assert s.bytes_sent() < archive.stat().st_size + 65_536


@pytest.mark.parametrize("same_file", [True, False])
def test_a_part_left_by_an_earlier_run_is_continued_only_if_the_file_is_the_same(
    archives: Path, settings: Settings, waits: Waits, tmp_path: Path, same_file: bool
) -> None:
    archive = archives / "2026-09.zip"
    url_path = "/data/archive/2026-09.zip"
    with site(archives) as s:
        client = client_for(s.url, settings, waits)
        _, _, headers = client.get_range(f"{s.url}{url_path}", 0, 0)
        (tmp_path / "a.zip.part").write_bytes(archive.read_bytes()[:100_000])
        (tmp_path / "a.zip.part.etag").write_text(headers["ETag"] if same_file else '"an older file"')
        s.served.clear()
        path = download_archive(client, f"{s.url}{url_path}", tmp_path / "a.zip", None, lambda _: None)
        (answer,) = s.served
    assert path.read_bytes() == archive.read_bytes()
    assert answer.range == "bytes=100000-"
    assert (answer.status, answer.sent) == (
        (206, archive.stat().st_size - 100_000) if same_file else (200, archive.stat().st_size)
    )
    assert not (tmp_path / "a.zip.part").exists() and not (tmp_path / "a.zip.part.etag").exists()


def test_a_download_that_never_completes_is_never_the_archive(
    archives: Path, settings: Settings, waits: Waits, tmp_path: Path
) -> None:
    with (
        site(archives, ranges=False, drop_after=30_000, drops=10) as s,
        pytest.raises(RemoteError, match="dropped|stopped at"),
    ):
        download_archive(
            client_for(s.url, settings, waits),
            f"{s.url}/data/archive/2026-09.zip",
            tmp_path / "a.zip",
            None,
            lambda _: None,
        )
    assert not (tmp_path / "a.zip").exists()


# ---------------------------------------------------------------- proxies
@pytest.fixture()
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    yield monkeypatch


def test_the_proxy_variables_are_honoured(
    archives: Path, settings: Settings, waits: Waits, no_proxy_env: pytest.MonkeyPatch
) -> None:
    no_proxy_env.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens on the discard port
    no_retry = dataclasses.replace(settings, http_retries=0)
    with site(archives) as s:
        with pytest.raises(RemoteError, match="connection failed"):
            client_for(s.url, no_retry, waits).street_months()
        assert s.served == []
        no_proxy_env.setenv("NO_PROXY", "127.0.0.1")
        assert client_for(s.url, no_retry, waits).street_months() == MONTHS


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def tinyproxy(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real forward proxy from Debian's packages (tinyproxy), on 127.0.0.1; its log file."""
    binary = shutil.which("tinyproxy")
    if binary is None:
        pytest.skip(
            "tinyproxy is not installed (Debian package tinyproxy-bin; the Makefile's chromium target installs it)"
        )
    port = _free_port()
    log = tmp_path / "tinyproxy.log"
    conf = tmp_path / "tinyproxy.conf"
    conf.write_text(
        f'Port {port}\nListen 127.0.0.1\nTimeout 30\nLogFile "{log}"\nLogLevel Connect\nMaxClients 20\n'
        "Allow 127.0.0.1\nDisableViaHeader Yes\n"
    )
    process = subprocess.Popen([binary, "-d", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        else:
            pytest.fail("tinyproxy did not start listening within 10 s")
        yield f"http://127.0.0.1:{port}", log
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_months_and_members_come_through_a_real_proxy(
    archives: Path,
    settings: Settings,
    waits: Waits,
    tmp_path: Path,
    no_proxy_env: pytest.MonkeyPatch,
    tinyproxy: tuple[str, Path],
) -> None:
    proxy, log = tinyproxy
    no_proxy_env.setenv("HTTP_PROXY", proxy)
    with site(archives) as s:
        client = client_for(s.url, settings, waits)
        assert client.street_months() == MONTHS
        content = read_home(client, f"{s.url}/data/archive/2026-09.zip", tmp_path, settings)
        assert all(x.status in (200, 206) for x in s.served)
    assert content == home_csv("2026-08", 300)
    text = log.read_text()
    assert f"GET {s.url}/api/crimes-street-dates" in text
    assert f"GET {s.url}/data/archive/2026-09.zip" in text


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (as a TLS-inspecting proxy's CA would be)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    request = ["-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert), *request],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_a_custom_ca_bundle_is_trusted_and_nothing_else(
    archives: Path,
    settings: Settings,
    waits: Waits,
    certificate: tuple[Path, Path],
    no_proxy_env: pytest.MonkeyPatch,
) -> None:
    no_proxy_env.delenv("REQUESTS_CA_BUNDLE", raising=False)
    no_proxy_env.delenv("CURL_CA_BUNDLE", raising=False)
    with PoliceUkSite(archives, MONTHS, tls=certificate) as s:
        with pytest.raises(RemoteError, match="TLS certificate not trusted.*PRECISION_CA_BUNDLE"):
            client_for(s.url, settings, waits).street_months()
        trusted = dataclasses.replace(settings, http_ca_bundle=certificate[0])
        assert client_for(s.url, trusted, waits).street_months() == MONTHS
        no_proxy_env.setenv("REQUESTS_CA_BUNDLE", str(certificate[0]))
        assert client_for(s.url, settings, waits).street_months() == MONTHS


def test_https_through_a_real_proxy_with_the_forces_ca_bundle(
    archives: Path,
    settings: Settings,
    waits: Waits,
    tmp_path: Path,
    certificate: tuple[Path, Path],
    no_proxy_env: pytest.MonkeyPatch,
    tinyproxy: tuple[str, Path],
) -> None:
    proxy, log = tinyproxy
    no_proxy_env.setenv("HTTPS_PROXY", proxy)
    no_proxy_env.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")  # the setting must win
    no_proxy_env.setenv("CURL_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    trusted = dataclasses.replace(settings, http_ca_bundle=certificate[0])
    with PoliceUkSite(archives, MONTHS, tls=certificate) as s:
        client = client_for(s.url, trusted, waits)
        assert client.street_months() == MONTHS
        content = read_home(client, f"{s.url}/data/archive/2026-09.zip", tmp_path, trusted)
    assert content == home_csv("2026-08", 300)
    assert f"CONNECT {s.url.removeprefix('https://')}" in log.read_text()
