"""Every command-line tool that changes the store audits the change, like the app: the
operating-system user, marked as a command-line change, in the changed store's log."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli import ingest as ingest_cli
from cli import national as national_cli
from cli import ocg as ocg_cli
from cli import outcomes as outcomes_cli
from cli import users as users_cli
from core.settings import Settings, override_settings
from records.ocg_store import DEMO_ACTIVITY, DEMO_REGISTER
from records.outcome_files import DEMO_FILES
from security import audit
from tests.conftest import street_csv, street_row

REPO = Path(__file__).resolve().parents[3]
#: Tools that never change the store: a backtest prints figures; the synthetic generators
#: write the bundled demo files under data/ (never the store).
READ_ONLY = {"analyse", "backtest", "cluster", "ocg_synthetic", "outcomes_synthetic", "__init__", "__main__"}


@pytest.fixture()
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(audit.getpass, "getuser", lambda: "analyst")
    store_dir = tmp_path / "store"
    with override_settings(store_dir=tmp_path / "default", users_file=tmp_path / "config" / "users.json"):
        yield store_dir


def _events(store_dir: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in (store_dir / "audit.jsonl").read_text(encoding="utf-8").splitlines()]


def _is_cli_change(event: dict[str, object]) -> bool:
    context = event["context"]
    return (
        event["user"] == "analyst (command line)"
        and event["role"] == "command line"
        and isinstance(context, dict)
        and context["via"] == "command line"
    )


def test_every_tool_that_changes_the_store_calls_record_cli():
    for path in sorted((REPO / "cli").glob("*.py")):
        if path.stem in READ_ONLY:
            continue
        calls = {
            node.func.attr
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        }
        assert "record_cli" in calls, f"cli/{path.name} changes the store without auditing it"


def test_ingest_audits_a_load_and_a_refusal_in_the_changed_store(store: Path, tmp_path: Path):
    good = tmp_path / "=HYPERLINK(x).csv"
    good.write_bytes(street_csv([street_row(), street_row()]))
    assert ingest_cli.main([str(good), "--store", str(store)]) == 0
    bad = tmp_path / "not-street.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    assert ingest_cli.main([str(bad), "--store", str(store)]) == 2
    first, second = _events(store)
    assert first["kind"] == "upload" and first["rows"] == 2 and first["file"] == str(good) and _is_cli_change(first)
    assert second["kind"] == "upload_rejected" and _is_cli_change(second)
    assert not (tmp_path / "default" / "audit.jsonl").exists()  # the changed store's log, not another's
    assert audit.verify(store / "audit.jsonl").intact


def test_ocg_load_is_audited(store: Path):
    assert ocg_cli.main([str(DEMO_REGISTER), str(DEMO_ACTIVITY), "--store", str(store)]) == 0
    (event,) = _events(store)
    assert event["kind"] == "upload_ocg" and _is_cli_change(event) and isinstance(event["rows"], int)
    assert event["context"]["synthetic"] is True  # type: ignore[index]


def test_national_table_load_is_audited_and_a_check_is_not(store: Path):
    table = Settings().recorded_crime_file
    assert national_cli.main([str(table), "--store", str(store), "--check"]) == 0
    assert not (store / "audit.jsonl").exists()
    assert national_cli.main([str(table), "--store", str(store)]) == 0
    (event,) = _events(store)
    assert event["kind"] == "upload" and event["what"].startswith("national table") and _is_cli_change(event)  # type: ignore[union-attr]


def test_user_changes_are_audited_as_command_line_changes(store: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("correct horse battery staple\n"))
    with override_settings(store_dir=store, users_file=store.parent / "config" / "users.json"):
        assert users_cli.main(["add", "jo", "--role", "silver", "--password-stdin"]) == 0
    (event,) = _events(store)
    assert event["kind"] == "user_add" and event["what"] == "jo" and _is_cli_change(event)


def test_outcome_loads_and_refusals_are_audited(store: Path, tmp_path: Path):
    assert outcomes_cli.main(["survey", str(DEMO_FILES["survey"]), "--store", str(store)]) == 0
    bad = tmp_path / "survey.csv"
    bad.write_text("district,quarter\nLeeds,2017-Q5\n", encoding="utf-8")
    assert outcomes_cli.main(["survey", str(bad), "--store", str(store)]) == 2
    loaded, refused = _events(store)
    assert loaded["kind"] == "outcome_upload" and loaded["rows"] == 40 and _is_cli_change(loaded)
    assert refused["kind"] == "upload_rejected" and refused["file"] == str(bad) and _is_cli_change(refused)
