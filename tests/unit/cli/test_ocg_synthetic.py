"""python -m cli.ocg_synthetic: the bundled demo OCG files are what it writes from the sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.ocg_synthetic import main
from records.ocg_store import DEMO_ACTIVITY, DEMO_REGISTER, validate_files


def test_the_command_writes_the_bundled_files_byte_for_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "ocg_demo"
    assert main(["--out", str(out)]) == 0
    register, activity = (out / "ocg_register.csv").read_bytes(), (out / "ocg_activity.csv").read_bytes()
    assert register == DEMO_REGISTER.read_bytes() and activity == DEMO_ACTIVITY.read_bytes()
    assert register.startswith(b"# SYNTHETIC DEMONSTRATION DATA - not real intelligence.")
    checked_register, checked_activity, rejects = validate_files(register, "r", activity, "a")
    assert rejects.empty and checked_register["synthetic"].all()
    assert capsys.readouterr().out == (
        f"wrote {len(checked_register)} OCGs and {len(checked_activity)} activity records to {out}\n"
    )
