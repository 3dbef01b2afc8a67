"""bench.sessions: the per-page summary and the browsers' floor, from hand-made sessions."""

from __future__ import annotations

from bench.sessions import SessionResult, browser_floor, summarise


def _session(seconds: float, busy: float, cpu: float) -> SessionResult:
    result = SessionResult()
    for name in ("Hotspot map", "Hotspot communities", "Trends"):
        result.seconds[name] = result.run_seconds[name] = seconds
        result.browser_seconds[name] = busy
        result.browser_cpu_seconds[name] = cpu
    return result


def test_summary_shows_a_tabs_busy_and_cpu_seconds_per_page():
    lines = summarise([_session(1.0, 0.8, 0.4), _session(3.0, 1.2, 0.6)])
    assert "tab busy s" in lines[0] and "tab CPU s" in lines[0]
    map_line = next(line for line in lines if line.startswith("Hotspot map"))
    # views, p50, p95, max, mean busy, mean CPU
    assert map_line.split()[2:8] == ["2", "2.00", "2.90", "3.00", "1.00", "0.50"]


def test_floor_counts_the_warm_up_tabs_cpu_seconds_not_its_waits():
    (line, *_) = browser_floor(_session(1.0, 0.9, 0.3), n=20, cpus=2)
    assert line == "  Hotspot map: 20 tabs x 0.30 s = 6.0 CPU s, at least 3.0 s on 2 cores"
