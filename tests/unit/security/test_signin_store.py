"""security.signin_store: the signing secret (made once, owner only; unusable means cookie
sign-in off) and the revoked sign-ins."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from core.settings import Settings
from security import signin_store as session_store

NOW = 1_800_000_000.0
HOUR = 3600.0


def test_the_secret_file_is_made_once_owner_only(tmp_path: Path):
    settings = Settings(store_dir=tmp_path / "store")
    first = session_store.signing_secret(settings)
    assert first is not None and len(first) >= 32
    assert stat.S_IMODE(settings.session_secret_file.stat().st_mode) == 0o600
    assert session_store.signing_secret(settings) == first  # read back, not made again


@pytest.mark.parametrize("problem", ["readable by others", "too short", "a folder"])
def test_an_unusable_secret_turns_cookie_sign_in_off(tmp_path: Path, problem: str):
    settings = Settings(store_dir=tmp_path)
    path = settings.session_secret_file
    if problem == "a folder":
        path.mkdir()
    else:
        path.write_text("x" * 64 if problem == "readable by others" else "short")
        os.chmod(path, 0o644 if problem == "readable by others" else 0o600)
    assert session_store.signing_secret(settings) is None


def test_the_configured_secret_wins_and_a_short_one_is_refused(tmp_path: Path):
    assert session_store.signing_secret(Settings(store_dir=tmp_path, cookie_secret="k" * 40)) == b"k" * 40
    assert session_store.signing_secret(Settings(store_dir=tmp_path, cookie_secret="k" * 10)) is None
    assert not (tmp_path / "session_secret").exists()
    assert "k" * 40 not in repr(Settings(cookie_secret="k" * 40))


def test_revocations_are_kept_until_expiry_and_an_unreadable_list_refuses_all(tmp_path: Path):
    settings = Settings(store_dir=tmp_path)
    assert session_store.revoked_ids(settings) == frozenset()
    session_store.revoke(settings, "old", int(NOW + 10), NOW)
    session_store.revoke(settings, "t1", int(NOW + HOUR), NOW + 20)  # "old" has expired: dropped
    assert session_store.revoked_ids(settings) == frozenset({"t1"})
    settings.revoked_sessions_file.write_text("{not json")
    assert session_store.revoked_ids(settings) is None
    session_store.revoke(settings, "t2", int(NOW + HOUR), NOW)  # not replaced: "t1" is not forgotten
    assert settings.revoked_sessions_file.read_text() == "{not json"
