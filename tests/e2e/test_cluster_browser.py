"""Two app processes behind HAProxy (``python -m cli.cluster``), in a real browser: sign in,
open the map, download a file, sign out, all through the proxy's one address."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import REPO_DIR
from security import audit
from security.users import add_user
from tests.e2e.conftest import ARTIFACTS, Session, wait_healthy, wait_until
from tests.e2e.test_accessibility_browser import PASSWORD, sign_in
from tests.e2e.test_hotspot_map_browser import HEX_LAYERS_JS

pytestmark = pytest.mark.e2e

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"


def _free_port_pair() -> tuple[int, int]:
    """A free port for the proxy, and a first app port whose next port is free too."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        proxy = int(s.getsockname()[1])
    for _ in range(100):
        with socket.socket() as a:
            a.bind(("127.0.0.1", 0))
            first = int(a.getsockname()[1])
        with socket.socket() as b:
            try:
                b.bind(("127.0.0.1", first + 1))
            except OSError:
                continue
        if proxy not in (first, first + 1):
            return proxy, first
    raise RuntimeError("no two consecutive free ports")


@pytest.fixture(scope="module")
def cluster(sample_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``python -m cli.cluster --replicas 2`` in secure mode over a copy of the sample store."""
    if not Path(HAPROXY).exists():
        pytest.fail("HAProxy is not installed (make test installs Debian's haproxy)")
    root = tmp_path_factory.mktemp("cluster")
    store_dir = root / "store"
    shutil.copytree(sample_store_dir, store_dir)
    users = root / "users.json"
    add_user("silver1", "silver", PASSWORD, path=users)
    proxy, first = _free_port_pair()  # the second app process takes first + 1
    env = {
        **os.environ,
        "PRECISION_STORE": str(store_dir),
        "PRECISION_USERS": str(users),
        "PRECISION_MAP_TILES": "none",
        "PRECISION_MODE": "secure",
    }
    log = open(root / "cluster.log", "w+")  # noqa: SIM115 - closed when the cluster stops
    args = ["--replicas", "2", "--port", str(proxy), "--first-port", str(first), "--run-dir", str(root / "run")]
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.cluster", *args], cwd=REPO_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{proxy}"
    try:
        wait_healthy(url, proc, log, 600, "the cluster")
        yield url, store_dir
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_sign_in_map_download_and_sign_out_through_the_proxy(
    cluster: tuple[str, Path], session: Session, tmp_path: Path
):
    url, store_dir = cluster
    page = session.page
    page.goto(url)
    session.wait_idle(240)
    sign_in(session, "silver1")
    nodes = [c for c in page.context.cookies() if c["name"] == "PRECISION_NODE"]
    assert nodes and nodes[0]["value"] in {"app1", "app2"} and nodes[0]["httpOnly"]

    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Hotspot map").click()
    session.wait_idle(240)
    drawn = session.map_frame().evaluate(HEX_LAYERS_JS)
    assert drawn["n"] > 5_000

    page.locator("[data-testid='stSidebarNav']").get_by_role("link", name="Comms plan").click()
    session.wait_idle(240)
    with page.expect_download() as info:
        page.get_by_role("button", name="Sessions (Outlook .ics)").click()
    info.value.save_as(tmp_path / "sessions.ics")
    assert b"0800 555 111" in (tmp_path / "sessions.ics").read_bytes().replace(b"\r\n ", b"")

    def audited() -> bool:
        log = audit.read(store_dir / "audit.jsonl")
        return "precision_facebook_live.ics" in set(log.loc[log["kind"] == "download_ics", "file"])

    wait_until(audited, 60, "the audit record of the download")
    session.wait_idle(240)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "cluster_comms_plan.png"), full_page=True)

    page.get_by_role("button", name="Sign out").click()
    session.wait_idle(240, expect=page.get_by_role("button", name="Sign in"))
    page.reload()
    session.wait_idle(240)
    assert page.get_by_role("button", name="Sign in").is_visible()
    log = audit.read(store_dir / "audit.jsonl")
    assert {"sign_in", "sign_out", "download_ics"} <= set(log.loc[log["user"] == "silver1", "kind"])
    assert session.errors == []
