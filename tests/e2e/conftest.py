"""End-to-end fixtures: `streamlit run` on a free port and Debian's headless Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import typing
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.settings import REPO_DIR

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

#: Installed in every page before the app's own scripts: follows the app's WebSocket and
#: notes, in one sequence, the browser's rerun requests (BackMsg ``rerun_script``, field 11)
#: and the server's run starts (ForwardMsg ``new_session``, field 4) and ends
#: (``script_finished``, field 6, whose value is the status: 2 is "stopped early for a rerun").
#: Only the top-level protobuf fields are read.
RUN_TRACKER_JS = """(() => {
  if (window.__precisionRuns) return;
  const runs = window.__precisionRuns = {seq: 0, request: 0, start: 0, finish: 0, status: -1};
  const fields = (bytes) => {
    const out = {};
    let i = 0;
    const varint = () => {
      let value = 0, scale = 1, byte;
      do { byte = bytes[i++]; value += (byte & 0x7f) * scale; scale *= 128; } while (byte & 0x80 && i < bytes.length);
      return value;
    };
    while (i < bytes.length) {
      const key = varint(), wire = key % 8, field = Math.floor(key / 8);
      if (wire === 0) out[field] = varint();
      else if (wire === 2) { const n = varint(); out[field] = true; i += n; }
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else break;
    }
    return out;
  };
  const asBytes = (data) => data instanceof ArrayBuffer ? new Uint8Array(data)
    : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
  const NativeWebSocket = window.WebSocket;
  const send = NativeWebSocket.prototype.send;
  NativeWebSocket.prototype.send = function (data) {
    const bytes = asBytes(data);
    if (bytes && 11 in fields(bytes)) runs.request = ++runs.seq;
    return send.call(this, data);
  };
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        const bytes = asBytes(event.data);
        if (!bytes) return;
        const msg = fields(bytes);
        if (4 in msg) runs.start = ++runs.seq;
        if (6 in msg) { runs.finish = ++runs.seq; runs.status = msg[6]; }
      });
    }
  };
})();"""

#: True once the app is idle on ``need`` successive animation frames: the run answering the
#: last rerun request has started and ended (not merely stopped for another run), the page
#: shows the script as not running, and no skeleton is left.
IDLE_JS = """([need, token]) => {
  const runs = window.__precisionRuns;
  const app = document.querySelector("[data-testid='stApp']");
  const answered = !!runs && (runs.request === 0
    || (runs.start > runs.request && runs.finish > runs.start && runs.status !== 2));
  const idle = answered && app !== null && app.getAttribute("data-test-script-state") === "notRunning"
    && document.querySelector("[data-testid='stSkeleton']") === null;
  const calm = window.__precisionCalm && window.__precisionCalm.token === token ? window.__precisionCalm : {token, n: 0};
  calm.n = idle ? calm.n + 1 : 0;
  window.__precisionCalm = calm;
  return calm.n >= need;
}"""

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

#: The st_folium iframe (the map gives its iframe a descriptive title, so it is found by test id).
MAP_IFRAME = 'iframe[data-testid="stCustomComponentV1"]'


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


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log: typing.IO[str], timeout_s: float, what: str) -> None:
    """Wait until ``url`` answers its health check; fail with the end of ``log`` when ``proc``
    ends first or ``timeout_s`` passes."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            pytest.fail(f"{what} did not start:\n{log.read()[-3000:]}")
        time.sleep(0.5)


@contextlib.contextmanager
def serve_app(store_dir: Path, log_dir: Path, **env: str) -> Iterator[str]:
    """Run `streamlit run app.py` on a free port over a store; yield its URL."""
    port = _free_port()
    environment = {**os.environ, "PRECISION_STORE": str(store_dir), "PRECISION_MAP_TILES": "none", **env}
    log = open(log_dir / "streamlit.log", "w+")  # noqa: SIM115 - closed when the server stops
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(REPO_DIR / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=REPO_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, log, 90, "streamlit")
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
    """URL of the app in demo mode (turned on on purpose; no users file) over the sample store, no tiles."""
    no_users = tmp_path_factory.mktemp("no-users") / "users.json"
    with serve_app(
        e2e_store, tmp_path_factory.mktemp("e2e-log"), PRECISION_USERS=str(no_users), PRECISION_MODE="demo"
    ) as url:
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
        page.add_init_script(RUN_TRACKER_JS)
        self.errors: list[str] = []
        self.external: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on(
            "request",
            lambda r: (
                self.external.append(r.url)
                if not r.url.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:", "about:"))
                else None
            ),
        )

    def wait_idle(self, timeout_s: float = 90, expect: object | None = None) -> None:
        """Wait until the app has answered the last action and is idle.

        ``expect``, a locator or a text, is first awaited visible: pass it when the action
        reaches the server later than the call (an upload, a map click the component sends
        after a debounce). Then the run answering the browser's last rerun request must
        have ended, the script state must read ``notRunning`` and no skeleton must remain,
        on successive animation frames. No fixed pause: right after a click the state still
        reads ``notRunning`` from the previous run, so the state alone proves nothing.
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        page = self.page
        if expect is not None:
            target = page.get_by_text(expect).first if isinstance(expect, str) else expect.first
            try:
                target.wait_for(state="visible", timeout=timeout_s * 1000)
            except PlaywrightTimeout:
                self._fail_waiting(f"{expect!r} to be visible", timeout_s)
        self._token += 1
        try:
            page.wait_for_function(IDLE_JS, arg=[3, self._token], polling="raf", timeout=timeout_s * 1000)
        except PlaywrightTimeout:
            self._fail_waiting("the app to finish its run and be idle", timeout_s)

    def _fail_waiting(self, what: str, timeout_s: float) -> None:
        state = self.page.evaluate(
            """() => ({runs: window.__precisionRuns || null,
                       script: document.querySelector("[data-testid='stApp']")?.getAttribute("data-test-script-state"),
                       skeletons: document.querySelectorAll("[data-testid='stSkeleton']").length})"""
        )
        shot = ARTIFACTS / "timeout.png"
        self.page.screenshot(path=str(shot), full_page=True)
        pytest.fail(
            f"timed out after {timeout_s:g} s waiting for {what} at {self.page.url}; state {state}; screenshot {shot}"
        )

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
            page.wait_for_function(
                FRAME_STEADY_JS, arg=[MAP_IFRAME, 2, self._token], polling=100, timeout=timeout_s * 1000
            )
        except PlaywrightTimeout:
            self._fail_waiting("the map to be drawn and settled", timeout_s)
        return frame


@pytest.fixture()
def session(browser: object) -> Iterator[Session]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield Session(page)
    context.close()
