"""Helpers shared by the benchmarks: building large inputs from the bundled sample."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

from core.settings import get_settings
from models.trends import shift_month

SAMPLE_FILES = sorted(f for root in get_settings().sample_paths for f in root.rglob("*-street.csv"))


def quiet_streamlit() -> None:
    """Silence Streamlit's "no runtime" warnings when its caches are used outside an app."""
    import logging
    import os

    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
    import streamlit.logger

    # Streamlit gives each of its loggers the global level when it is created; set that
    # level, and the level of the loggers made already.
    streamlit.logger.set_log_level(logging.ERROR)
    logging.getLogger("streamlit").setLevel(logging.ERROR)


def replicate_sample(out_dir: Path, min_rows: int = 0, months: int = 0) -> tuple[list[Path], int]:
    """Write copies of the sample months, each relabelled as a different month.

    Writes at least ``min_rows`` rows, and at least ``months`` files. Returns the files
    written and their total number of data rows. Each copy keeps the
    published rows exactly, only the Month field (and the file name) change, so the files
    exercise the same validation and binning as real months.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = [(p, p.read_text(encoding="utf-8").splitlines(keepends=True)) for p in SAMPLE_FILES]
    files: list[Path] = []
    rows = 0
    k = 0
    while rows < min_rows or k < months:
        path, lines = sources[k % len(sources)]
        month = path.name[:7]
        new_month = shift_month("2010-01", k)
        target = out_dir / new_month / f"{new_month}-west-yorkshire-street.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        body = [lines[0]] + [line.replace(f",{month},", f",{new_month},", 1) for line in lines[1:]]
        target.write_text("".join(body), encoding="utf-8")
        files.append(target)
        rows += len(lines) - 1
        k += 1
    return files, rows


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def rss_mb() -> float:
    """Resident memory of this process now, in MB (Linux)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


class RssSampler:
    """The largest resident memory seen while a ``with`` block runs, sampled every 5 ms, and
    the memory at its start (so a benchmark can print what the block added)."""

    def __init__(self) -> None:
        import threading

        self.start_mb = 0.0
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak_mb = max(self.peak_mb, rss_mb())

    def __enter__(self) -> RssSampler:
        self.start_mb = self.peak_mb = rss_mb()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, rss_mb())

    @property
    def extra_mb(self) -> float:
        """Peak minus start, in MB."""
        return self.peak_mb - self.start_mb
