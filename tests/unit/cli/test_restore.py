"""python -m cli.restore: a backup restored into a scratch folder leaves the live users file
alone, is audited in the restored store, and a damaged or changed backup is refused, exiting
2 naming the file (or its member), with the target left as it was."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from cli.restore import main
from core.settings import Settings
from records.backup import backup_to
from security import audit
from tests.unit.cli.audited import events
from tests.unit.records.test_backup import full_store  # noqa: F401 - the fixture


def _files(root: Path) -> dict[Path, bytes]:
    """The store's files but its audit log and the log's head (a refusal is recorded there)."""
    return {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file() and "audit" not in p.name}


def test_a_scratch_restore_is_audited_and_leaves_the_live_users_alone(
    full_store: Settings,  # noqa: F811 - the fixture
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
):
    archive = tmp_path / "b.zip"
    backup_to(archive)
    target = tmp_path / "restored" / "store"
    users_before = full_store.users_file.read_bytes()
    assert main([str(archive), "--store", str(target)]) == 0
    printed = capsys.readouterr().out
    assert "restored " in printed and "(2 force months)" in printed and f"into {target}" in printed
    assert "users file left as it was" in printed  # a scratch restore never replaces live users
    assert full_store.users_file.read_bytes() == users_before
    event = events(target)[-1]
    assert event["kind"] == "restore" and event["role"] == "command line" and event["file"] == str(archive)
    assert audit.verify(target / "audit.jsonl").intact


def test_users_are_restored_only_when_asked(
    full_store: Settings,  # noqa: F811 - the fixture
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
):
    archive = tmp_path / "b.zip"
    backup_to(archive)
    users = tmp_path / "restored" / "config" / "users.json"
    assert main([str(archive), "--store", str(tmp_path / "restored" / "store"), "--users", str(users)]) == 0
    assert f"restored the users file {users}" in capsys.readouterr().out
    assert users.read_bytes() == full_store.users_file.read_bytes()


def test_a_damaged_backup_is_refused_naming_the_file_and_the_store_is_unchanged(
    full_store: Settings,  # noqa: F811 - the fixture
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
):
    target = tmp_path / "restored" / "store"
    archive = tmp_path / "b.zip"
    backup_to(archive)
    assert main([str(archive), "--store", str(target)]) == 0
    capsys.readouterr()
    before = _files(target)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    assert main([str(bad), "--store", str(target)]) == 2
    err = capsys.readouterr().err
    assert "bad.zip: is not a whole backup archive" in err and "the store was not changed" in err
    assert _files(target) == before
    refused = events(target)[-1]
    assert refused["kind"] == "upload_rejected" and str(bad) in str(refused["what"])
    assert audit.verify(target / "audit.jsonl").intact


def test_a_changed_member_is_named(
    full_store: Settings,  # noqa: F811 - the fixture
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
):
    archive = tmp_path / "b.zip"
    backup_to(archive)
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(changed, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            dst.writestr(info.filename, b"PAR1 changed" if info.filename.endswith(".parquet") else content)
    target = tmp_path / "nowhere" / "store"
    assert main([str(changed), "--store", str(target)]) == 2
    err = capsys.readouterr().err
    assert f"{changed}!" in err and "does not match its SHA-256" in err
    assert not target.exists()  # nothing made
