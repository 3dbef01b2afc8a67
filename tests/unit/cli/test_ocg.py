"""python -m cli.ocg: stores atomically, exits 2 naming a bad file, refuses real data in demo mode."""

from __future__ import annotations

from pathlib import Path

from cli.ocg import main
from records.ocg_store import DEMO_ACTIVITY, DEMO_REGISTER, load_ocg
from tests.conftest import without_marker
from tests.unit.cli.audited import events, is_cli_change


def test_command_stores_atomically_and_exits_2_on_a_bad_file(tmp_path: Path, capsys):
    assert main([str(DEMO_REGISTER), str(DEMO_ACTIVITY), "--synthetic", "--store", str(tmp_path)]) == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "ocg").iterdir()}
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01")
    assert main([str(bad), str(DEMO_ACTIVITY), "--store", str(tmp_path)]) == 2
    assert "bad.csv" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in (tmp_path / "ocg").iterdir()} == before
    assert load_ocg(tmp_path).synthetic


def test_real_ocg_data_is_refused_in_demo_mode(tmp_path: Path, capsys):
    from core.settings import override_settings

    real_reg, real_act = tmp_path / "register.csv", tmp_path / "activity.csv"
    real_reg.write_bytes(without_marker(DEMO_REGISTER))
    real_act.write_bytes(without_marker(DEMO_ACTIVITY))
    store = tmp_path / "store"
    with override_settings(mode="demo"):
        assert main([str(DEMO_REGISTER), str(DEMO_ACTIVITY), "--store", str(store)]) == 0
        before = {p.name: p.read_bytes() for p in (store / "ocg").iterdir()}
        capsys.readouterr()
        assert main([str(real_reg), str(real_act), "--store", str(store)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "register.csv" in err[0] and "demo mode" in err[0]
    assert {p.name: p.read_bytes() for p in (store / "ocg").iterdir()} == before
    assert load_ocg(store).synthetic


def test_ocg_load_is_audited(cli_store: Path):
    assert main([str(DEMO_REGISTER), str(DEMO_ACTIVITY), "--store", str(cli_store)]) == 0
    (event,) = events(cli_store)
    assert event["kind"] == "upload_ocg" and is_cli_change(event) and isinstance(event["rows"], int)
    assert event["context"]["synthetic"] is True  # type: ignore[index]
