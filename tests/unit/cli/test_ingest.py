"""python -m cli.ingest: a bad file stores nothing and exits 2 naming it; the summary is printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.ingest import main
from security import audit
from tests.conftest import street_csv, street_row
from tests.unit.cli.audited import events, is_cli_change
from tests.unit.geo.test_store import store_files


def _write(path: Path, rows: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(street_csv(rows))
    return path


def test_bad_file_stores_nothing_and_exits_2_naming_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    store_dir = tmp_path / "store"
    good = _write(tmp_path / "good.csv", [street_row()])
    assert main([str(good), "--store", str(store_dir)]) == 0
    before = store_files(store_dir)
    capsys.readouterr()
    newer = _write(tmp_path / "newer.csv", [street_row()] * 5)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01binary")
    assert main([str(newer), str(bad), "--store", str(store_dir)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0] and "binary" in err[0]
    assert store_files(store_dir) == before
    refused = json.loads((store_dir / "audit.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert refused["kind"] == "upload_rejected" and str(bad) in refused["what"]  # the refusal is audited


def test_summary_is_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    f = _write(tmp_path / "f.csv", [street_row(), street_row(lon="", lat="", lsoa_code=""), street_row(crime_type="x")])
    assert main([str(f), "--store", str(tmp_path / "s")]) == 0
    out = capsys.readouterr().out
    assert "rows read:        3" in out and "unknown_crime_type" in out and "unmapped" in out


def test_ingest_audits_a_load_and_a_refusal_in_the_changed_store(cli_store: Path, tmp_path: Path):
    good = tmp_path / "=HYPERLINK(x).csv"
    good.write_bytes(street_csv([street_row(), street_row()]))
    assert main([str(good), "--store", str(cli_store)]) == 0
    bad = tmp_path / "not-street.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main([str(bad), "--store", str(cli_store)]) == 2
    first, second = events(cli_store)
    assert first["kind"] == "upload" and first["rows"] == 2 and first["file"] == str(good) and is_cli_change(first)
    assert second["kind"] == "upload_rejected" and is_cli_change(second)
    assert not (tmp_path / "default" / "audit.jsonl").exists()  # the changed store's log, not another's
    assert audit.verify(cli_store / "audit.jsonl").intact
