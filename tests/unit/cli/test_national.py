"""python -m cli.national: checks and stores a recorded-crime table, exits 2 naming a bad one."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.national import main as national_cli
from core.settings import Settings
from tests.unit.cli.audited import events, is_cli_change
from tests.unit.records.test_national_table import HEADER


def test_the_command_lines_check_and_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "bad.csv"
    path.write_bytes(HEADER.encode() + b"\n2017/18,9,Alpha,x,y,z,92A,1\n")
    assert national_cli([str(path), "--store", str(tmp_path / "store")]) == 2
    assert "bad.csv: 1 row(s) cannot be used: line 2: Financial Quarter '9'" in capsys.readouterr().err
    assert not (tmp_path / "store" / "national").exists()
    assert national_cli([str(Settings().recorded_crime_file), "--store", str(tmp_path / "store")]) == 0
    out = capsys.readouterr().out
    assert "23,068 rows, financial years 2017/18" in out and "negative adjustments kept: 36 rows" in out
    assert (tmp_path / "store" / "national" / "prc_pfa.csv").is_file()


def test_python_m_cli_national_check_checks_and_reports(tmp_path: Path):
    import subprocess
    import sys

    from core.settings import REPO_DIR

    unknown = tmp_path / "unknown.csv"
    unknown.write_bytes(HEADER.encode() + b"\n2017/18,1,West Yorks,x,y,z,92A,-3\n")
    good = Settings().recorded_crime_file
    run = subprocess.run(
        [sys.executable, "-m", "cli.national", "--check", str(good), str(unknown)],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert "23,068 rows, financial years 2017/18" in run.stdout
    assert "UNKNOWN forces (not in the district table): West Yorks" in run.stdout
    assert "negative adjustments kept: 1 rows" in run.stdout
    assert f"{unknown}: unknown force(s) West Yorks" in run.stderr


def test_national_table_load_is_audited_and_a_check_is_not(cli_store: Path):
    table = Settings().recorded_crime_file
    assert national_cli([str(table), "--store", str(cli_store), "--check"]) == 0
    assert not (cli_store / "audit.jsonl").exists()
    assert national_cli([str(table), "--store", str(cli_store)]) == 0
    (event,) = events(cli_store)
    assert event["kind"] == "upload" and event["what"].startswith("national table") and is_cli_change(event)  # type: ignore[union-attr]


def test_mid_year_estimates_are_checked_stored_and_audited(cli_store: Path, capsys: pytest.CaptureFixture[str]):
    from records.force_populations import read_stored_populations
    from tests.unit.records.test_force_populations import bundled_forces_file

    good = cli_store.parent / "mye-2017.csv"
    good.write_bytes(bundled_forces_file(2017, 1.05))
    bad = cli_store.parent / "mye-bad.csv"
    bad.write_bytes(b"mid_year,force,persons\n2018,West Yorks,100\n")
    assert national_cli(["--populations", "--check", str(good), "--store", str(cli_store)]) == 0
    assert "mid-2017: 43 forces" in capsys.readouterr().out and not (cli_store / "audit.jsonl").exists()
    assert national_cli(["--populations", str(bad), "--store", str(cli_store)]) == 2
    assert "mye-bad.csv: line 2: force 'West Yorks' is not a force" in capsys.readouterr().err
    assert national_cli(["--populations", str(good), "--store", str(cli_store)]) == 0
    assert "stored in" in capsys.readouterr().out
    assert read_stored_populations(cli_store)["mid_year"].unique().tolist() == [2017]
    kinds = [e["kind"] for e in events(cli_store)]  # type: ignore[index]
    assert kinds == ["upload_rejected", "upload"]
