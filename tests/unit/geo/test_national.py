"""geo.national: the old ``python -m geo.national`` entry point says where its command went
(``python -m cli.national``) and fails; importing it does nothing."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from core.settings import REPO_DIR


def test_importing_the_old_module_does_nothing(capsys: pytest.CaptureFixture[str]):
    module = importlib.import_module("geo.national")
    assert "python -m cli.national --check" in (module.__doc__ or "")
    assert capsys.readouterr() == ("", "")


def test_running_it_exits_2_naming_the_new_command():
    run = subprocess.run(
        [sys.executable, "-m", "geo.national", "data.csv"], cwd=REPO_DIR, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 2 and run.stdout == ""
    assert "`python -m geo.national` has moved: use `python -m cli.national PATH --check" in run.stderr
