"""Command-line changes are audited like the app's: :func:`security.audit.record_cli` names the
operating-system user as a command-line change, and every tool that changes the store calls it
(each tool's own test, ``tests/unit/cli/test_<tool>.py``, checks what it records)."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import REPO_DIR, override_settings
from security import audit

#: Tools that never change the store: a backtest prints figures; the synthetic generators
#: write the bundled demo files, and lsoa_lookup the bundled LSOA lookup, under data/ (never
#: the store).
READ_ONLY = {
    "analyse",
    "backtest",
    "cluster",
    "lsoa_lookup",
    "ocg_synthetic",
    "outcomes_synthetic",
    "__init__",
    "__main__",
}


@pytest.fixture()
def log(tmp_path: Path) -> Iterator[Path]:
    """The audit log of an empty store (key beside the users file)."""
    with override_settings(store_dir=tmp_path / "store", users_file=tmp_path / "config" / "users.json") as s:
        yield s.audit_file


#: Tools that change the store but do not audit it yet, and why the test expects them to fail:
#: fix the tool, then take it off (the mark is strict: a tool that starts auditing fails it).
NOT_AUDITED_YET: dict[str, str] = {}
CHANGING = [p.stem for p in sorted((REPO_DIR / "cli").glob("*.py")) if p.stem not in READ_ONLY]


@pytest.mark.parametrize(
    "tool",
    [
        pytest.param(t, marks=pytest.mark.xfail(strict=True, reason=NOT_AUDITED_YET[t])) if t in NOT_AUDITED_YET else t
        for t in CHANGING
    ],
)
def test_every_tool_that_changes_the_store_calls_record_cli(tool: str):
    path = REPO_DIR / "cli" / f"{tool}.py"
    calls = {
        node.func.attr
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert "record_cli" in calls, f"cli/{path.name} changes the store without auditing it"


def test_the_tools_checked_are_the_ones_that_exist():
    assert set(NOT_AUDITED_YET) <= set(CHANGING)
    assert {"ingest", "ocg", "national", "users", "outcomes", "backup", "restore", "retention", "audit"} <= set(
        CHANGING
    )


def test_record_cli_names_the_os_user_as_a_command_line_change(log: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(audit.getpass, "getuser", lambda: "analyst")
    audit.record_cli("upload", "2 months stored", {"months": ["2017-07"]}, file_name="=x.csv", rows=5)
    event = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    assert (event["user"], event["role"], event["context"]["via"]) == (
        "analyst (command line)",
        "command line",
        "command line",
    )
    assert event["file"] == "=x.csv" and audit.verify().intact


def test_record_cli_writes_to_the_store_it_is_given(log: Path, tmp_path: Path):
    other = tmp_path / "other"
    audit.record_cli("backup", "3 files", {}, store_dir=other)
    assert (other / "audit.jsonl").is_file() and not log.exists()
    assert audit.verify(other / "audit.jsonl").intact
