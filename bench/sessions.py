"""Many users at once: N concurrent headless Chromium sessions through the busiest pages.

    python -m bench.sessions N [--rounds R] [--no-warm-up]

Starts ``streamlit run app.py`` in demo mode over the bundled sample (ingested into a
temporary store, no map tiles), warms it up with one session (the first Gi* of a process
compiles numba kernels and fills the shared caches, as the first user of a morning does),
then opens N browser sessions at once. Each opens Home, then Hotspot map, Hotspot
communities and Trends through the sidebar navigation. A page's time runs from the click to
the moment its script run has ended (the run answering the click, followed over the app's
WebSocket as the browser tests do) and, on map pages, its hexagons are drawn in the map's
iframe. Prints p50, p95 and max seconds per page, errors, and the app process's CPU seconds
per page view (its user + system CPU time over the N sessions, divided by 3 N). With
``--rounds R`` the N sessions are run R times and the figures pooled.

The browsers run on the same machine as the app: page times include their own work (each
new browser context fetches and compiles the frontend's code, draws the maps and grids), so
the app process's CPU seconds per page view is the figure of the server's own cost.

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

from geo.settings import REPO_DIR, get_settings
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, IDLE_JS, MAP_IFRAME, RUN_TRACKER_JS

#: The pages a session visits after Home, by their navigation label.
PAGES = ("Hotspot map", "Hotspot communities", "Trends")
MAP_PAGES = {"Hotspot map", "Hotspot communities"}

#: In the map's iframe: true once Leaflet has drawn the map with at least one hexagon.
MAP_DRAWN_JS = """() => {
  if (typeof map_div === "undefined" || !map_div._loaded) return false;
  let hexagons = 0;
  map_div.eachLayer(l => { if (l.feature && l.feature.properties && l.feature.properties.n !== undefined) hexagons++; });
  return hexagons > 0;
}"""


@dataclass
class SessionResult:
    """Seconds per page of one session and the errors it saw."""

    seconds: dict[str, float] = field(default_factory=dict)
    run_seconds: dict[str, float] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux ``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_app(store_dir: Path, log_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start the app in demo mode over ``store_dir``; return the process and its URL once healthy."""
    port = _free_port()
    env = {
        **os.environ,
        "PRECISION_STORE": str(store_dir),
        "PRECISION_MAP_TILES": "none",
        "PRECISION_MODE": "demo",
        "PRECISION_USERS": str(store_dir.parent / "no-users.json"),
    }
    log = open(log_path, "wb")  # noqa: SIM115 - the process writes to it until it ends
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "streamlit", "run", str(REPO_DIR / "app.py")),
            *("--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"),
        ],
        cwd=REPO_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise SystemExit(f"streamlit did not start; see {log_path}") from None
        time.sleep(0.5)


def start_profiler(pid: int, out: Path) -> subprocess.Popen[bytes]:
    """Start py-spy sampling every thread of the app process (idle ones left out), writing
    collapsed stacks to ``out`` when it is interrupted."""
    exe = os.environ.get("PY_SPY") or shutil.which("py-spy")
    if not exe:
        raise SystemExit("--profile needs py-spy: pip install py-spy, or set PY_SPY to its path")
    return subprocess.Popen(
        [exe, "record", "--pid", str(pid), "--rate", "100", "--format", "raw", "--output", str(out), "--threads"]
    )


async def _wait_idle(page: object, token: int, timeout_s: float) -> None:
    """Wait until the app is idle on two polls 50 ms apart (the browser tests poll on every
    animation frame; with many tabs on two cores that polling itself takes the CPU)."""
    await page.wait_for_function(IDLE_JS, arg=[2, token], polling=50, timeout=timeout_s * 1000)


async def run_session(browser: object, url: str, timeout_s: float) -> SessionResult:
    """One user: Home, then each page of :data:`PAGES`; seconds per page."""
    result = SessionResult()
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    await page.add_init_script(RUN_TRACKER_JS)
    page.on("pageerror", lambda e: result.errors.append(str(e)))
    page.on("console", lambda m: result.errors.append(m.text) if m.type == "error" else None)
    try:
        await page.goto(url)
        await _wait_idle(page, 1, timeout_s)
        for token, name in enumerate(PAGES, start=2):
            start = time.perf_counter()
            await page.locator("[data-testid='stSidebarNav']").get_by_role("link", name=name).click()
            await _wait_idle(page, token, timeout_s)
            result.run_seconds[name] = time.perf_counter() - start
            if name in MAP_PAGES:
                handle = await page.wait_for_selector(MAP_IFRAME, timeout=timeout_s * 1000)
                frame = await handle.content_frame()
                await frame.wait_for_function(MAP_DRAWN_JS, polling=50, timeout=timeout_s * 1000)
            result.seconds[name] = time.perf_counter() - start
            shown = await page.locator("[data-testid='stException']").count()
            if shown:
                result.errors.append(f"{name}: {shown} exception(s) shown")
    except Exception as exc:  # a failed session is counted and reported as an error, never hidden
        result.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
    finally:
        await context.close()
    return result


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
    map pages, the map drawn) and, in brackets, until its script run ended."""
    lines = [f"{'page':<22}{'views':>6}{'p50 s':>8}{'p95 s':>8}{'max s':>8}   (script run only: p50, p95, max)"]
    for name in PAGES:
        times = np.array([r.seconds[name] for r in results if name in r.seconds])
        runs = np.array([r.run_seconds[name] for r in results if name in r.seconds])
        if len(times) == 0:
            lines.append(f"{name:<22}{0:>6}{'-':>8}{'-':>8}{'-':>8}")
            continue
        p50, p95 = np.percentile(times, [50, 95])
        r50, r95 = np.percentile(runs, [50, 95])
        lines.append(
            f"{name:<22}{len(times):>6}{p50:>8.2f}{p95:>8.2f}{times.max():>8.2f}"
            f"   ({r50:.2f}, {r95:.2f}, {runs.max():.2f})"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="concurrent browser sessions")
    parser.add_argument("--rounds", type=int, default=1, help="times to run the N sessions (figures pooled)")
    parser.add_argument("--no-warm-up", action="store_true", help="measure from a cold app process")
    parser.add_argument(
        "--profile",
        type=Path,
        help="record the app process with py-spy (on PATH or $PY_SPY) during the rounds, to this file (collapsed stacks)",
    )
    parser.add_argument("--timeout", type=float, default=300, help="seconds a page may take before it counts as failed")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        raise SystemExit("Debian chromium is not installed (make test installs it)")

    from geo.ingest import ingest
    from geo.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store_dir = Path(tmp) / "store"
        ingest(list(get_settings().sample_paths), Store(store_dir))
        proc, url = start_app(store_dir, Path(tmp) / "streamlit.log")
        try:
            if not args.no_warm_up:
                (warm,) = asyncio.run(run_round(url, 1, args.timeout))
                print("warm-up session: " + ", ".join(f"{k} {v:.2f} s" for k, v in warm.seconds.items()))
            spy = start_profiler(proc.pid, args.profile) if args.profile else None
            results: list[SessionResult] = []
            cpu = browser_cpu = 0.0
            wall = 0.0
            for _ in range(args.rounds):
                load = os.getloadavg()
                before, start = cpu_seconds(proc.pid), time.perf_counter()
                browser_before = resource.getrusage(resource.RUSAGE_CHILDREN)
                results += asyncio.run(run_round(url, args.n, args.timeout))
                cpu += cpu_seconds(proc.pid) - before
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
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    views = sum(len(r.seconds) for r in results)
    errors = [e for r in results for e in r.errors]
    print(f"{args.n} concurrent sessions x {args.rounds} round(s), {os.cpu_count()} CPUs, demo mode, sample data")
    print("\n".join(summarise(results)))
    print(f"page views: {views}; errors: {len(errors)}")
    for e in sorted(set(errors))[:10]:
        print(f"  {e}")
    print(f"app process CPU: {cpu:.1f} s over {wall:.1f} s wall, {cpu / max(views, 1):.2f} CPU s per page view")
    print(f"browsers' CPU (Chromium and its driver, same machine): {browser_cpu:.1f} s")
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print("target: p95 <= 3 s per page with 20 sessions, no errors")
    return 0 if not errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
