"""core.moved: an old entry point says where its command went and fails (exit 2)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from core.moved import MOVED_COMMANDS, moved_command
from core.settings import REPO_DIR


def test_moved_command_prints_the_new_command_on_stderr(capsys: pytest.CaptureFixture[str]):
    assert moved_command("geo.ingest") == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"`python -m geo.ingest` has moved: use `{MOVED_COMMANDS['geo.ingest']}`.\n"


@pytest.mark.parametrize(
    ("old", "new"), [("geo.ingest", "python -m cli.ingest"), ("geo.national", "python -m cli.national")]
)
def test_the_old_python_m_commands_exit_2_naming_the_new_one(old: str, new: str):
    run = subprocess.run([sys.executable, "-m", old], cwd=REPO_DIR, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert f"`python -m {old}` has moved" in run.stderr and new in run.stderr
    assert run.stdout == ""
