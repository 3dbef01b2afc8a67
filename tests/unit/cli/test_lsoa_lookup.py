"""python -m cli.lsoa_lookup: --check says what the bundled lookup holds, a bad file exits 2
naming it, and a build writes the bundled file's bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.lsoa_lookup import main
from core.settings import get_settings

BUNDLED = get_settings().data_dir / "lookups" / "lsoa11_lsoa21_west_yorkshire.csv"


def test_check_says_what_the_bundled_lookup_holds(capsys: pytest.CaptureFixture[str]):
    assert main(["--check", str(BUNDLED)]) == 0
    assert capsys.readouterr().out == (
        f"{BUNDLED}: 1,406 rows: 1,388 LSOAs (2011), 1,404 LSOAs (2021); "
        "rows unchanged 1,367, split 35, merged 4, complex 0 for the five districts\n"
    )


def test_a_file_that_cannot_be_used_exits_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    bad = tmp_path / "bad.csv"
    bad.write_text("LSOA11CD,LSOA21CD\nE01000001,E01000001\n", encoding="utf-8")
    assert main(["--check", str(bad)]) == 2
    assert main(["--check", str(tmp_path / "absent.csv")]) == 2
    err = capsys.readouterr().err
    assert f"error: {bad}: " in err and "missing columns" in err and "absent.csv: cannot be read" in err


def test_a_build_writes_the_bundled_files_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "lookup.csv"
    assert main(["--out", str(out)]) == 0
    assert out.read_bytes() == BUNDLED.read_bytes()
    assert capsys.readouterr().out.endswith(f"written to {out}\n")
