"""core.files: the one atomic write, the one lock and the content digest."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from core.errors import StoreError
from core.files import atomic_write_bytes, content_digest, fsync_path, locked


def test_an_atomic_write_replaces_the_whole_file_and_leaves_no_temporary(tmp_path: Path):
    path = tmp_path / "deep" / "users.json"
    atomic_write_bytes(path, b"first")
    atomic_write_bytes(path, b"second, longer")
    assert path.read_bytes() == b"second, longer"
    assert sorted(p.name for p in path.parent.iterdir()) == ["users.json"]


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_failing_write_leaves_the_old_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str):
    path = tmp_path / "log.parquet"
    atomic_write_bytes(path, b"old")

    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, failing, fail)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_bytes(path, b"new content")
    monkeypatch.undo()
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.parquet"]  # the temporary is gone


def test_a_held_lock_refuses_a_second_holder_that_will_not_wait(tmp_path: Path):
    lock = tmp_path / "store" / ".lock"
    with locked(lock):
        assert lock.is_file()
        with (
            pytest.raises(StoreError, match="another ingest is running") as info,
            locked(lock, wait=False, busy="another ingest is running"),
        ):
            pytest.fail("a second holder got the lock")
        assert str(tmp_path / "store") in str(info.value)
        with pytest.raises(StoreError, match="another process holds the lock"), locked(lock, wait=False):
            pass
    with locked(lock, wait=False):  # released at the end of the block
        pass


def test_the_lock_is_released_when_the_block_raises(tmp_path: Path):
    lock = tmp_path / ".lock"
    with pytest.raises(RuntimeError), locked(lock):
        raise RuntimeError("change failed")
    with locked(lock, wait=False):
        pass


def test_content_digests_separate_their_parts_and_read_text_as_utf8():
    assert content_digest("ab", "c") != content_digest("a", "bc")
    assert content_digest("café") == content_digest("café".encode()) == content_digest(b"caf\xc3\xa9")
    assert content_digest("x") == hashlib.sha256(b"x\0").hexdigest()[:16]
    assert len(content_digest("x", length=40)) == 40 and content_digest("x", length=40).startswith(content_digest("x"))
    assert content_digest() == hashlib.sha256(b"").hexdigest()[:16]


def test_fsync_path_takes_files_and_folders_and_names_a_missing_one(tmp_path: Path):
    (tmp_path / "f").write_bytes(b"x")
    fsync_path(tmp_path / "f")
    fsync_path(tmp_path)
    with pytest.raises(FileNotFoundError):
        fsync_path(tmp_path / "missing")
