"""python -m cli.users: the password from stdin, no silent replace, a confirmed remove, every change audited."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from cli.users import main
from core.settings import override_settings
from security import audit
from security.users import read_users
from tests.unit.cli.audited import events, is_cli_change

PASSWORD = "a long enough password"


def test_the_command_line_refuses_to_replace_asks_before_removing_and_audits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    users, log = tmp_path / "users.json", tmp_path / "audit.jsonl"
    with override_settings(users_file=users, audit_path=log):
        monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
        assert main(["add", "ana", "--role", "opcc", "--password-stdin"]) == 0
        before = users.read_bytes()
        monkeypatch.setattr("sys.stdin", io.StringIO("another long password\n"))
        assert main(["add", "ana", "--role", "admin", "--password-stdin"]) == 2
        assert "exists already" in capsys.readouterr().err and users.read_bytes() == before
        assert main(["edit", "ana", "--role", "comms"]) == 0
        assert read_users(users)["ana"].role == "comms"
        monkeypatch.setattr("builtins.input", lambda prompt: "no")
        assert main(["remove", "ana"]) == 1 and "ana" in read_users(users)
        monkeypatch.setattr("builtins.input", lambda prompt: "yes")
        assert main(["remove", "ana"]) == 0 and "ana" not in read_users(users)
        events = audit.read(log)
    assert events["kind"].tolist() == ["user_remove", "user_edit", "user_add"]
    assert events["what"].tolist() == ["ana", "ana", "ana"]
    assert events["user"].str.endswith("(command line)").all()
    assert "role opcc -> comms" in events["context"].iloc[1]
    assert PASSWORD not in log.read_text()


def test_users_command_reads_the_password_from_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    import io

    from core.settings import override_settings

    with override_settings(users_file=tmp_path / "users.json", audit_path=tmp_path / "audit.jsonl"):
        monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
        assert main(["add", "ana", "--role", "opcc", "--password-stdin"]) == 0
        assert main(["list"]) == 0
        assert "ana\topcc" in capsys.readouterr().out
        monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
        assert main(["add", "bob", "--role", "opcc", "--password-stdin"]) == 2


def test_user_changes_are_audited_as_command_line_changes(cli_store: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery staple\n"))
    with override_settings(store_dir=cli_store, users_file=cli_store.parent / "config" / "users.json"):
        assert main(["add", "jo", "--role", "silver", "--password-stdin"]) == 0
    (event,) = events(cli_store)
    assert event["kind"] == "user_add" and event["what"] == "jo" and is_cli_change(event)
