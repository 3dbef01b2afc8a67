"""Many users at once: N concurrent sessions through the busiest pages.

    python -m bench.sessions N [--rounds R] [--client chromium|protocol] [--no-warm-up]
        [--launcher serve|streamlit] [--replicas N]

Starts the app as ``make run`` does (``python -m ui.serve``, or ``--launcher streamlit``
for plain ``streamlit run app.py``) in demo mode over the bundled sample (ingested into a
temporary store, no map tiles), warms it up with one session unless ``--no-warm-up`` (the
first user of a morning; with ``ui.serve`` the kernels and default analyses are ready before
the server listens), then opens N sessions at once. Each opens Home, then Hotspot map, Hotspot communities and
Trends. Prints p50, p95 and max seconds per page, errors, and the app process's CPU seconds
per page view (its user + system CPU time over the rounds, divided by the page views). With
``--rounds R`` the N sessions are run R times and the figures pooled.

Two kinds of client:

- ``chromium`` (default): N real headless Chromium tabs, through the sidebar navigation. A
  page's time runs from the click to the moment its script run has ended (the run answering
  the click, followed over the app's WebSocket as the browser tests do) and, on map pages,
  its hexagons are drawn in the map's iframe. The browsers run on the same machine as the
  app, so page times include their own drawing; the bench prints each tab's main-thread
  seconds per page, busy (Chrome DevTools ``TaskDuration``, waits for a core included) and
  CPU (``ThreadTime``, the same on a loaded machine), and, from the warm-up tab's CPU
  seconds, the least time N tabs need on this machine's cores were the server free. The
  first page after Home (Hotspot map) also carries the tab's first-visit costs (Streamlit's
  page code loaded and first rendered).
- ``protocol``: N clients speaking the app's own WebSocket protocol (the protobuf messages
  its frontend sends and receives) with no browser: the server's answer time, from the
  request to the last message of the run, as users on their own machines would meet it.

Target (issue 14): p95 at most 3 s per page with 20 sessions, and no errors. The machine is
shared: report the load average with the figures, and medians of several runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.settings import REPO_DIR, get_settings
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, IDLE_JS, MAP_IFRAME, RUN_TRACKER_JS

#: The pages a session visits after Home, by their navigation label.
PAGES = ("Hotspot map", "Hotspot communities", "Trends")
MAP_PAGES = {"Hotspot map", "Hotspot communities"}

#: In the map's iframe: true once Leaflet has drawn the map with at least one hexagon (a
#: hexagon layer, ``L.HexCells``, is on the map and its canvas has no redraw pending).
MAP_DRAWN_JS = """() => {
  if (typeof map_div === "undefined" || !map_div._loaded) return false;
  let hexagons = 0;
  map_div.eachLayer(l => { if (l instanceof L.HexCells) hexagons += l.size(); });
  return hexagons > 0 && !(map_div._renderer && map_div._renderer._redrawRequest);
}"""


@dataclass
class SessionResult:
    """Seconds per page of one session and the errors it saw."""

    seconds: dict[str, float] = field(default_factory=dict)
    run_seconds: dict[str, float] = field(default_factory=dict)
    browser_seconds: dict[str, float] = field(default_factory=dict)
    browser_cpu_seconds: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux ``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (Linux ``/proc/<pid>/task/*/children``)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            found += _descendants(int(child))
    return found


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of ``pid`` and the processes below it (the app processes of a cluster)."""
    total = 0.0
    for p in _descendants(pid):
        try:
            total += cpu_seconds(p)
        except OSError:
            continue  # ended since it was listed
    return total


def start_app(
    store_dir: Path, log_path: Path, launcher: str = "serve", replicas: int = 1
) -> tuple[subprocess.Popen[bytes], str]:
    """Start the app in demo mode over ``store_dir``; return the process and its URL once healthy.

    ``launcher`` "serve" starts it as ``make run`` does (``python -m ui.serve``: kernels
    compiled and default analyses kept before the server listens); "streamlit" as plain
    ``streamlit run app.py`` (everything left to the first user). Prints how long the server
    took to accept its first request. With ``replicas`` above 1, ``python -m cli.cluster``
    starts that many app processes behind HAProxy, and the URL is the proxy's."""
    port = _free_port()
    env = {
        **os.environ,
        "PRECISION_STORE": str(store_dir),
        "PRECISION_MAP_TILES": "none",
        "PRECISION_MODE": "demo",
        "PRECISION_USERS": str(store_dir.parent / "no-users.json"),
    }
    log = open(log_path, "wb")  # noqa: SIM115 - the process writes to it until it ends
    if replicas > 1:
        first = _free_port()
        command = [
            *(sys.executable, "-m", "cli.cluster", "--replicas", str(replicas), "--port", str(port)),
            *("--first-port", str(first), "--run-dir", str(log_path.parent / "cluster")),
        ]
    else:
        command = [
            *((sys.executable, "-m", "ui.serve") if launcher == "serve" else ()),
            *((sys.executable, "-m", "streamlit", "run", str(REPO_DIR / "app.py")) if launcher == "streamlit" else ()),
            *("--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"),
        ]
    proc = subprocess.Popen(
        command,
        cwd=REPO_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    deadline = started + 600
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    what = f"{replicas} processes behind HAProxy" if replicas > 1 else launcher
                    print(f"server ({what}) accepting requests after {time.monotonic() - started:.1f} s")
                    return proc, url
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise SystemExit(f"streamlit did not start; see {log_path}") from None
        time.sleep(0.5)


def start_profiler(pid: int, out: Path) -> subprocess.Popen[bytes]:
    """Start py-spy sampling the app process, writing collapsed stacks to ``out`` when it is
    interrupted. Only the thread holding the GIL is sampled (``--gil``): with many sessions,
    the other script threads mostly wait for it, and sampling them would charge their
    waiting to whatever line they stopped at."""
    exe = os.environ.get("PY_SPY") or shutil.which("py-spy")
    if not exe:
        raise SystemExit("--profile needs py-spy: pip install py-spy, or set PY_SPY to its path")
    return subprocess.Popen(
        [
            exe,
            "record",
            "--pid",
            str(pid),
            "--rate",
            "100",
            "--format",
            "raw",
            "--output",
            str(out),
            "--threads",
            "--gil",
        ]
    )


async def _wait_idle(page: object, token: int, timeout_s: float) -> None:
    """Wait until the app is idle on two polls 50 ms apart (the browser tests poll on every
    animation frame; with many tabs on two cores that polling itself takes the CPU)."""
    await page.wait_for_function(IDLE_JS, arg=[2, token], polling=50, timeout=timeout_s * 1000)


async def _main_thread_seconds(cdp: object) -> tuple[float, float]:
    """Seconds the tab's renderer main thread has been busy so far, and its CPU seconds
    (Chrome DevTools ``Performance.getMetrics`` ``TaskDuration`` and ``ThreadTime``: scripts,
    style, layout, paint, the map's iframe included). A busy task's time also counts the
    time it waited for a core; its CPU time does not, so it reads the same on a loaded
    machine."""
    metrics = await cdp.send("Performance.getMetrics")  # type: ignore[attr-defined]
    values = {m["name"]: float(m["value"]) for m in metrics["metrics"]}
    return values["TaskDuration"], values["ThreadTime"]


async def run_session(browser: object, url: str, timeout_s: float) -> SessionResult:
    """One user: Home, then each page of :data:`PAGES`; seconds per page."""
    result = SessionResult()
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    await page.add_init_script(RUN_TRACKER_JS)
    page.on("pageerror", lambda e: result.errors.append(str(e)))
    page.on("console", lambda m: result.errors.append(m.text) if m.type == "error" else None)
    cdp = await context.new_cdp_session(page)
    await cdp.send("Performance.enable")
    try:
        await page.goto(url)
        await _wait_idle(page, 1, timeout_s)
        for token, name in enumerate(PAGES, start=2):
            busy, cpu = await _main_thread_seconds(cdp)
            start = time.perf_counter()
            await page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=name).click()
            await _wait_idle(page, token, timeout_s)
            result.run_seconds[name] = time.perf_counter() - start
            if name in MAP_PAGES:
                handle = await page.wait_for_selector(MAP_IFRAME, timeout=timeout_s * 1000)
                frame = await handle.content_frame()
                await frame.wait_for_function(MAP_DRAWN_JS, polling=50, timeout=timeout_s * 1000)
            result.seconds[name] = time.perf_counter() - start
            busy_after, cpu_after = await _main_thread_seconds(cdp)
            result.browser_seconds[name] = busy_after - busy
            result.browser_cpu_seconds[name] = cpu_after - cpu
            shown = await page.locator("[data-testid='stException']").count()
            if shown:
                result.errors.append(f"{name}: {shown} exception(s) shown")
    except Exception as exc:  # a failed session is counted and reported as an error, never hidden
        result.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
    finally:
        await context.close()
    return result


def _rerun_request(page_script_hash: str = "") -> bytes:
    """A BackMsg asking for a run of the page with this script hash ("" is the default page),
    with no widget state: what a browser opening the page for the first time sends."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.rerun_script.query_string = ""
    msg.rerun_script.page_script_hash = page_script_hash
    return bytes(msg.SerializeToString())


async def _run_to_end(ws: object, request: bytes, timeout_s: float, pages: dict[str, str]) -> list[str]:
    """Send ``request`` and read the app's messages until its run has ended; return the
    errors it showed (exception elements, a run not finished successfully). Page names and
    script hashes of a navigation message are noted in ``pages``."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    errors: list[str] = []
    await ws.send(request)  # type: ignore[attr-defined]
    started = False
    async with asyncio.timeout(timeout_s):
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await ws.recv())  # type: ignore[attr-defined]
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                started = True
            elif kind == "navigation":
                pages.update({p.page_name: p.page_script_hash for p in msg.navigation.app_pages})
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                if msg.delta.new_element.WhichOneof("type") == "exception":
                    errors.append(f"exception shown: {msg.delta.new_element.exception.message[:120]}")
            elif kind == "script_finished" and started:
                # 0 finished, 1 compile error, 2 stopped early for a rerun, 3 fragment run
                if msg.script_finished not in (0, 3):
                    errors.append(f"run ended with status {msg.script_finished}")
                return errors


async def run_protocol_session(url: str, timeout_s: float) -> SessionResult:
    """One user as the server sees it: the app's own WebSocket protocol (the protobuf
    messages its frontend sends and receives), no browser. Home, then each page of
    :data:`PAGES`; a page's time runs from the request to the end of its run, every message
    received. This is the server's answer time with browsers on other machines."""
    import websockets

    result = SessionResult()
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    pages: dict[str, str] = {}
    try:
        async with websockets.connect(ws_url, subprotocols=["streamlit"], origin=url, max_size=None) as ws:
            result.errors += await _run_to_end(ws, _rerun_request(), timeout_s, pages)
            for name in PAGES:
                start = time.perf_counter()
                result.errors += await _run_to_end(ws, _rerun_request(pages[name]), timeout_s, pages)
                result.seconds[name] = result.run_seconds[name] = time.perf_counter() - start
    except Exception as exc:  # a failed session is counted and reported as an error, never hidden
        result.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
    return result


async def run_protocol_round(url: str, n: int, timeout_s: float) -> list[SessionResult]:
    """N protocol sessions at once."""
    return list(await asyncio.gather(*(run_protocol_session(url, timeout_s) for _ in range(n))))


async def run_round(url: str, n: int, timeout_s: float) -> list[SessionResult]:
    """N sessions at once in one headless Chromium (one browser context each)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return list(await asyncio.gather(*(run_session(browser, url, timeout_s) for _ in range(n))))
        finally:
            await browser.close()


def summarise(results: list[SessionResult]) -> list[str]:
    """Lines of p50, p95 and max seconds per page: until the page is ready (run ended and, on
    map pages, the map drawn) and, in brackets, until its script run ended; with browsers,
    the mean seconds a tab's main thread was busy per page view ("tab busy s", waits for a
    core included) and the CPU seconds it used ("tab CPU s")."""
    lines = [
        f"{'page':<22}{'views':>6}{'p50 s':>8}{'p95 s':>8}{'max s':>8}{'tab busy s':>11}{'tab CPU s':>11}"
        "   (script run only: p50, p95, max)"
    ]
    for name in PAGES:
        times = np.array([r.seconds[name] for r in results if name in r.seconds])
        runs = np.array([r.run_seconds[name] for r in results if name in r.seconds])
        tab = np.array([r.browser_seconds[name] for r in results if name in r.browser_seconds])
        tab_cpu = np.array([r.browser_cpu_seconds[name] for r in results if name in r.browser_cpu_seconds])
        if len(times) == 0:
            lines.append(f"{name:<22}{0:>6}{'-':>8}{'-':>8}{'-':>8}")
            continue
        p50, p95 = np.percentile(times, [50, 95])
        r50, r95 = np.percentile(runs, [50, 95])
        tab_text = f"{tab.mean():.2f}" if len(tab) else "-"
        cpu_text = f"{tab_cpu.mean():.2f}" if len(tab_cpu) else "-"
        lines.append(
            f"{name:<22}{len(times):>6}{p50:>8.2f}{p95:>8.2f}{times.max():>8.2f}{tab_text:>11}{cpu_text:>11}"
            f"   ({r50:.2f}, {r95:.2f}, {runs.max():.2f})"
        )
    return lines


def browser_floor(alone: SessionResult, n: int, cpus: int) -> list[str]:
    """What the browsers alone cost the machine: for each page, the CPU seconds one tab's main
    thread spent drawing it (``alone``, the warm-up session), times ``n`` tabs, and the least
    wall time that takes on ``cpus`` cores when the views coincide, were the server free: a
    floor under the page's time when the browsers and the app share this machine. (Under
    load a tab's busy time also counts the time it waits for a core, so the concurrent
    sessions' own "tab busy s" reads higher.)"""
    lines = []
    for name in PAGES:
        if name in alone.browser_cpu_seconds:
            one = alone.browser_cpu_seconds[name]
            lines.append(
                f"  {name}: {n} tabs x {one:.2f} s = {n * one:.1f} CPU s, at least {n * one / cpus:.1f} s on {cpus} cores"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="concurrent browser sessions")
    parser.add_argument("--rounds", type=int, default=1, help="times to run the N sessions (figures pooled)")
    parser.add_argument(
        "--client",
        choices=("chromium", "protocol"),
        default="chromium",
        help="chromium: real headless browsers on this machine (default); protocol: the app's "
        "WebSocket protocol without a browser, the server's answer time as if the browsers ran elsewhere",
    )
    parser.add_argument("--no-warm-up", action="store_true", help="measure from a cold app process")
    parser.add_argument(
        "--launcher",
        choices=["serve", "streamlit"],
        default="serve",
        help="serve: python -m ui.serve, as make run (default); streamlit: plain streamlit run",
    )
    parser.add_argument("--replicas", type=int, default=1, help="app processes behind HAProxy (make serve); default 1")
    parser.add_argument(
        "--profile",
        type=Path,
        help="record the app process with py-spy (on PATH or $PY_SPY) during the rounds, to this file (collapsed stacks)",
    )
    parser.add_argument("--timeout", type=float, default=300, help="seconds a page may take before it counts as failed")
    args = parser.parse_args(argv)
    round_of = run_round if args.client == "chromium" else run_protocol_round
    if args.client == "chromium" and not Path(CHROMIUM).exists():
        raise SystemExit("Debian chromium is not installed (make test installs it)")

    from geo.ingest import ingest
    from geo.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store_dir = Path(tmp) / "store"
        ingest(list(get_settings().sample_paths), Store(store_dir))
        proc, url = start_app(store_dir, Path(tmp) / "streamlit.log", args.launcher, args.replicas)
        try:
            warm: SessionResult | None = None
            if not args.no_warm_up:
                (warm,) = asyncio.run(round_of(url, 1, args.timeout))
                print("warm-up session: " + ", ".join(f"{k} {v:.2f} s" for k, v in warm.seconds.items()))
            spy = start_profiler(proc.pid, args.profile) if args.profile else None
            results: list[SessionResult] = []
            cpu = browser_cpu = 0.0
            wall = 0.0
            for _ in range(args.rounds):
                load = os.getloadavg()
                before, start = tree_cpu_seconds(proc.pid), time.perf_counter()
                browser_before = resource.getrusage(resource.RUSAGE_CHILDREN)
                results += asyncio.run(round_of(url, args.n, args.timeout))
                cpu += tree_cpu_seconds(proc.pid) - before
                wall += time.perf_counter() - start
                browser_after = resource.getrusage(resource.RUSAGE_CHILDREN)
                browser_cpu += (browser_after.ru_utime + browser_after.ru_stime) - (
                    browser_before.ru_utime + browser_before.ru_stime
                )
                print(f"round of {args.n} sessions: load average before {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
            if spy is not None:
                spy.send_signal(signal.SIGINT)
                spy.wait(timeout=60)
                print(f"py-spy profile of the app during the rounds: {args.profile}")
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
    views = sum(len(r.seconds) for r in results)
    errors = [e for r in results for e in r.errors]
    print(
        f"{args.n} concurrent {args.client} sessions x {args.rounds} round(s), {os.cpu_count()} CPUs, demo mode, sample data"
    )
    print("\n".join(summarise(results)))
    print(f"page views: {views}; errors: {len(errors)}")
    for e in sorted(set(errors))[:10]:
        print(f"  {e}")
    print(f"app process CPU: {cpu:.1f} s over {wall:.1f} s wall, {cpu / max(views, 1):.2f} CPU s per page view")
    print(f"throughput: {views / max(wall, 1e-9):.2f} page views per second ({args.replicas} app process(es))")
    if args.client == "chromium":
        print(f"browsers' CPU (Chromium and its driver, same machine): {browser_cpu:.1f} s")
        if warm is not None:
            print("the browsers' own drawing (one tab alone, times N, views at once, the server free):")
            print("\n".join(browser_floor(warm, args.n, os.cpu_count() or 1)))
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print("target: p95 <= 3 s per page with 20 sessions, no errors")
    return 0 if not errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
