"""python -m cli.outcomes: the bundled synthetic files are stored as synthetic, a bad file is
refused whole naming its line, real data is refused in demo mode, and every load and refusal
is audited as a command-line change."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.outcomes import main
from core.settings import override_settings
from records.outcome_files import DEMO_FILES, load_outcomes
from tests.conftest import without_marker
from tests.unit.cli.audited import events, is_cli_change


def test_the_bundled_synthetic_files_are_stored_labelled_synthetic(cli_store: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["crimestoppers", str(DEMO_FILES["crimestoppers"]), "--store", str(cli_store)]) == 0
    assert main(["survey", str(DEMO_FILES["survey"]), "--store", str(cli_store)]) == 0
    out = capsys.readouterr().out
    assert "rows of Crimestoppers (SYNTHETIC demonstration data, from the file)" in out
    assert "stored 40 rows of OPCC confidence survey (SYNTHETIC" in out
    stored = load_outcomes(cli_store)
    assert len(stored.survey) == 40 and stored.survey["synthetic"].all()
    assert len(stored.crimestoppers) > 0 and stored.crimestoppers["synthetic"].all()
    assert set(stored.sources) == {"crimestoppers", "survey"}
    assert not (cli_store.parent / "default" / "outcomes").exists()  # --store, not the settings' store


def test_outcome_loads_and_refusals_are_audited(cli_store: Path, tmp_path: Path):
    assert main(["survey", str(DEMO_FILES["survey"]), "--store", str(cli_store)]) == 0
    bad = tmp_path / "survey.csv"
    bad.write_text("district,quarter\nLeeds,2017-Q5\n", encoding="utf-8")
    assert main(["survey", str(bad), "--store", str(cli_store)]) == 2
    loaded, refused = events(cli_store)
    assert loaded["kind"] == "outcome_upload" and loaded["rows"] == 40 and is_cli_change(loaded)
    assert refused["kind"] == "upload_rejected" and refused["file"] == str(bad) and is_cli_change(refused)


def test_a_refused_file_stores_nothing_and_names_the_file(cli_store: Path, tmp_path: Path, capsys):
    assert main(["survey", str(DEMO_FILES["survey"]), "--store", str(cli_store)]) == 0
    before = load_outcomes(cli_store).survey
    missing = tmp_path / "nowhere.csv"
    assert main(["survey", str(missing), "--store", str(cli_store)]) == 2
    assert "nowhere.csv" in capsys.readouterr().err
    assert load_outcomes(cli_store).survey.equals(before)


def test_real_data_is_refused_in_demo_mode(cli_store: Path, tmp_path: Path, capsys):
    real = tmp_path / "survey.csv"
    real.write_bytes(without_marker(DEMO_FILES["survey"]))
    with override_settings(mode="demo"):
        assert main(["survey", str(real), "--store", str(cli_store)]) == 2
    assert "survey.csv" in capsys.readouterr().err
    assert load_outcomes(cli_store).survey.empty
