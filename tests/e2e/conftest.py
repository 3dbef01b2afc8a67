"""End-to-end fixtures: `streamlit run` on a free port and Debian's headless Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from geo.settings import REPO_DIR

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO_DIR / "tests" / "artifacts"

#: In the map's iframe: true once Leaflet has loaded, the component has given the iframe its
#: height, Leaflet is not animating, its size is that of its container (no resize pending),
#: the canvas has no redraw pending, and the view (zoom, centre, size, layers) has read the
#: same on ``need`` successive polls.
MAP_SETTLED_JS = """([need, token]) => {
  if (typeof map_div === "undefined" || !map_div._loaded) return false;
  const size = map_div.getSize(), box = map_div.getContainer();
  const renderer = map_div._renderer;
  const sized = !!window.__GLOBAL_DATA__ && window.innerHeight === window.__GLOBAL_DATA__.height;
  const settled = sized && size.x > 0 && size.x === box.clientWidth && size.y === box.clientHeight
    && !map_div._animatingZoom && !(map_div._panAnim && map_div._panAnim._inProgress)
    && !(renderer && renderer._redrawRequest);
  const centre = map_div.getCenter();
  let layers = 0;
  map_div.eachLayer(() => { layers++; });
  const view = JSON.stringify([map_div.getZoom(), centre.lat, centre.lng, size.x, size.y, layers]);
  const last = window.__precisionView && window.__precisionView.token === token ? window.__precisionView : {token, view: null, n: 0};
  last.n = settled && view === last.view ? last.n + 1 : 0;
  last.view = view;
  window.__precisionView = last;
  return last.n >= need;
}"""

#: In the page: true once the map's iframe has kept the same place and size on ``need``
#: successive polls.
FRAME_STEADY_JS = """([selector, need, token]) => {
  const frame = document.querySelector(selector);
  if (!frame) return false;
  const r = frame.getBoundingClientRect();
  const place = [r.x, r.y, r.width, r.height].join(",");
  const last = window.__precisionFrame && window.__precisionFrame.token === token ? window.__precisionFrame : {token, place: null, n: 0};
  last.n = r.width > 0 && r.height > 0 && place === last.place ? last.n + 1 : 0;
  last.place = place;
  window.__precisionFrame = last;
  return last.n >= need;
}"""

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


def wait_until(predicate: Callable[[], object], timeout_s: float, what: str, interval_s: float = 0.1) -> object:
    """Poll ``predicate`` until it returns something truthy (returned) or fail after ``timeout_s``
    with a message naming ``what`` was awaited."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s:g} s waiting for {what}")
        time.sleep(interval_s)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve_app(store_dir: Path, log_dir: Path, **env: str) -> Iterator[str]:
    """Run `streamlit run app.py` on a free port over a store; yield its URL."""
    port = _free_port()
    environment = {**os.environ, "PRECISION_STORE": str(store_dir), "PRECISION_MAP_TILES": "none", **env}
    log = open(log_dir / "streamlit.log", "w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO_DIR / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=REPO_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"streamlit did not start:\n{log.read()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def e2e_store(sample_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample store for the demo-mode browser tests."""
    store_dir = tmp_path_factory.mktemp("e2e") / "store"
    shutil.copytree(sample_store_dir, store_dir)
    return store_dir


@pytest.fixture(scope="session")
def app_url(e2e_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of the app in demo mode (no users file) over the sample store, no tiles."""
    no_users = tmp_path_factory.mktemp("no-users") / "users.json"
    with serve_app(e2e_store, tmp_path_factory.mktemp("e2e-log"), PRECISION_USERS=str(no_users)) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian Chromium driven by Playwright (no browser download)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: run `make test`, which installs it")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)  # screenshots land here (git-ignored)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Session:
    """A page plus the console errors and off-machine requests seen while using it."""

    def __init__(self, page: object) -> None:
        self.page = page
        self._token = 0  # tells one wait's counters in the page from the previous wait's
        self.errors: list[str] = []
        self.external: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on(
            "request",
            lambda r: self.external.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:"))
            else None,
        )

    def wait_idle(self, timeout_s: float = 90) -> None:
        """Wait until the script has finished and no skeleton remains."""
        page = self.page
        page.wait_for_timeout(300)
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_s * 1000)
        page.wait_for_function("() => !document.querySelector(\"[data-testid='stSkeleton']\")", timeout=timeout_s * 1000)
        page.wait_for_timeout(500)

    def _fail_waiting(self, what: str, timeout_s: float) -> None:
        state = self.page.evaluate(
            """() => ({runs: window.__precisionRuns || null,
                       script: document.querySelector("[data-testid='stApp']")?.getAttribute("data-test-script-state"),
                       skeletons: document.querySelectorAll("[data-testid='stSkeleton']").length})"""
        )
        shot = ARTIFACTS / "timeout.png"
        self.page.screenshot(path=str(shot), full_page=True)
        pytest.fail(f"timed out after {timeout_s:g} s waiting for {what} at {self.page.url}; state {state}; "
                    f"screenshot {shot}")

    def open_page(self, app_url: str, link: str, timeout_s: float = 180) -> None:
        """Open the app, wait, then follow a link of the sidebar navigation and wait."""
        self.page.goto(app_url)
        self.wait_idle()
        self.page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=link).click()
        self.wait_idle(timeout_s)

    def map_frame(self, timeout_s: float = 60) -> object:
        """The st_folium iframe, settled and scrolled into view, once Leaflet has drawn in it.

        The iframe is 0 px high until the component sets its height after the first draw,
        and Leaflet follows a resize on the next animation frame: the map is ready when the
        iframe has the requested height, Leaflet's size is its container's, nothing is
        animating or waiting to be redrawn, and the view reads the same on successive polls.
        Only then is the whole iframe scrolled into view (scrolled earlier, at 0 px, it may
        end up partly below the window, and a click that focuses it scrolls the page between
        press and release), and its place on the page must then read the same on successive
        polls.
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        page = self.page
        try:
            handle = page.wait_for_selector(MAP_IFRAME, timeout=timeout_s * 1000)
            frame = handle.content_frame()
            self._token += 1
            frame.wait_for_function(MAP_SETTLED_JS, arg=[2, self._token], polling=100, timeout=timeout_s * 1000)
            handle.scroll_into_view_if_needed(timeout=timeout_s * 1000)
            page.wait_for_function(FRAME_STEADY_JS, arg=[MAP_IFRAME, 2, self._token], polling=100,
                                   timeout=timeout_s * 1000)
        except PlaywrightTimeout:
            self._fail_waiting("the map to be drawn and settled", timeout_s)
        return frame


@pytest.fixture()
def session(browser: object) -> Iterator[Session]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield Session(page)
    context.close()
