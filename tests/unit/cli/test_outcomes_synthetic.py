"""python -m cli.outcomes_synthetic: the bundled demo outcome files are what it writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.outcomes_synthetic import main
from core.synthetic import is_marked_synthetic
from records.outcome_files import DEMO_FILES


def test_the_command_writes_the_bundled_files_byte_for_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "out"
    assert main(["--out", str(out)]) == 0
    rows = {}
    for kind in ("crimestoppers", "survey"):
        written = (out / f"{kind}.csv").read_bytes()
        assert written == DEMO_FILES[kind].read_bytes()
        assert is_marked_synthetic(written)
        rows[kind] = len(written.splitlines()) - 2  # the marker and the header
    assert capsys.readouterr().out == (
        f"wrote {rows['crimestoppers']} Crimestoppers rows and {rows['survey']} survey rows to {out}\n"
    )


def test_another_seed_writes_other_figures_and_says_so(tmp_path: Path):
    main(["--out", str(tmp_path / "a")])
    main(["--out", str(tmp_path / "b"), "--seed", "2018"])
    a, b = ((tmp_path / d / "crimestoppers.csv").read_text().splitlines() for d in ("a", "b"))
    assert a[0].endswith("seed 2017") and b[0].endswith("seed 2018")
    assert a[1] == b[1] == "district,month,reports" and len(a) == len(b)
    assert a[2:] != b[2:]
