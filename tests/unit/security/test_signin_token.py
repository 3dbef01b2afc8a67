"""Signed sign-in tokens (security.signin_token) and their secret and revocations (security.signin_store)."""

from __future__ import annotations

import dataclasses
import os
import stat
from pathlib import Path

import pytest

from core.errors import TokenError
from core.settings import Settings
from security import signin_store as session_store
from security.signin_token import issue_token, read_token, user_of_token
from security.users import User

SECRET = b"s" * 32
OTHER = b"o" * 32
NOW = 1_800_000_000.0
HOUR = 3600.0
ALICE = User("alice", "silver", "$2b$12$abcdefghijklmnopqrstuv", "Alice")


def _valid(user: User = ALICE) -> str:
    return issue_token(user, SECRET, NOW, 8 * HOUR, token_id="t1")


def test_a_fresh_token_signs_its_user_in_until_it_expires():
    user, token = user_of_token(_valid(), SECRET, NOW + 1, {"alice": ALICE}, frozenset())
    assert user == ALICE
    assert (token.username, token.role, token.expires, token.token_id) == ("alice", "silver", NOW + 8 * HOUR, "t1")
    assert read_token(_valid(), SECRET, NOW + 8 * HOUR - 1).username == "alice"


def test_an_expired_token_is_refused():
    with pytest.raises(TokenError, match="expired"):
        read_token(_valid(), SECRET, NOW + 8 * HOUR)


@pytest.mark.parametrize("where", ["payload", "signature"])
def test_a_tampered_token_is_refused(where: str):
    payload, signature = _valid().split(".")
    if where == "payload":  # claim another role, keep the signature
        forged = issue_token(dataclasses.replace(ALICE, role="admin"), SECRET, NOW, 8 * HOUR, "t1").split(".")[0]
        text = f"{forged}.{signature}"
    else:
        text = f"{payload}.{signature[:-2]}{'A' if signature[-2] != 'A' else 'B'}{signature[-1]}"
    with pytest.raises(TokenError, match="bad signature"):
        read_token(text, SECRET, NOW)


@pytest.mark.parametrize("text", ["", "abc", "a.b.c", "x" * 5000, "é.é"])
def test_malformed_tokens_are_refused(text: str):
    with pytest.raises(TokenError):
        read_token(text, SECRET, NOW)


def test_a_token_signed_under_another_secret_is_refused():
    with pytest.raises(TokenError, match="bad signature"):
        read_token(issue_token(ALICE, OTHER, NOW, HOUR), SECRET, NOW)


def test_a_short_secret_is_refused_both_ways():
    with pytest.raises(TokenError, match="shorter"):
        issue_token(ALICE, b"short", NOW, HOUR)
    with pytest.raises(TokenError, match="shorter"):
        read_token(_valid(), b"short", NOW)


@pytest.mark.parametrize(
    "now_record",
    [
        dataclasses.replace(ALICE, password_hash="$2b$12$anotherhashanotherhash"),
        dataclasses.replace(ALICE, role="comms"),
    ],
    ids=["password changed", "role changed"],
)
def test_a_changed_password_or_role_ends_the_token(now_record: User):
    with pytest.raises(TokenError, match="changed"):
        user_of_token(_valid(), SECRET, NOW, {"alice": now_record}, frozenset())


def test_a_removed_user_or_a_revoked_token_is_refused():
    with pytest.raises(TokenError, match="no such user"):
        user_of_token(_valid(), SECRET, NOW, {}, frozenset())
    with pytest.raises(TokenError, match="signed out"):
        user_of_token(_valid(), SECRET, NOW, {"alice": ALICE}, frozenset({"t1"}))


def test_the_token_reveals_no_password_hash():
    import base64

    payload = _valid().split(".")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert "abcdefghij" not in decoded and "$2b$" not in decoded


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
