"""python -m cli.backup: a time-stamped archive made in a folder, what it holds and what it
never holds printed, the product's version recorded, the backup audited as a command-line
change, and an existing file never overwritten."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from cli.backup import destination, main
from core.settings import Settings
from core.version import VERSION
from records.backup import check_backup
from security import audit
from tests.unit.cli.audited import events
from tests.unit.records.test_backup import full_store  # noqa: F401 - the fixture


def test_a_folder_gets_a_time_stamped_archive_a_file_is_used_as_given(tmp_path: Path):
    assert destination(tmp_path).parent == tmp_path
    assert destination(tmp_path).name.startswith("precision-backup-") and destination(tmp_path).suffix == ".zip"
    assert destination(tmp_path / "mine.zip") == tmp_path / "mine.zip"


def test_the_command_line_backs_up_prints_and_audits(
    full_store: Settings,  # noqa: F811 - the fixture
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
):
    out_dir = tmp_path / "backups"
    out_dir.mkdir()
    assert main([str(out_dir)]) == 0
    (archive,) = out_dir.glob("precision-backup-*.zip")
    printed = capsys.readouterr().out
    assert f"wrote {archive}: " in printed and "2 force months" in printed and f"version {VERSION}" in printed
    assert "not included: the sign-in signing secret and the audit key" in printed
    manifest = check_backup(archive)
    assert manifest["version"] == VERSION and "store/session_secret" not in manifest["files"]
    event = events(full_store.store_dir)[-1]
    assert event["kind"] == "backup" and event["role"] == "command line" and event["file"] == str(archive)
    assert event["context"]["version"] == VERSION  # type: ignore[index]
    assert audit.verify().intact


def test_an_existing_file_is_never_overwritten(
    full_store: Settings,  # noqa: F811 - the fixture
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
):
    archive = tmp_path / "b.zip"
    assert main([str(archive)]) == 0
    before = archive.read_bytes()
    capsys.readouterr()
    assert main([str(archive)]) == 2  # never overwrites
    assert f"{archive}: already exists; a backup never replaces a file" in capsys.readouterr().err
    assert archive.read_bytes() == before and zipfile.ZipFile(archive).testzip() is None
    kinds = [json.loads(x)["kind"] for x in full_store.audit_file.read_text(encoding="utf-8").splitlines()]
    assert kinds.count("backup") == 1  # the refusal made no backup
