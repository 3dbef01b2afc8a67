"""Signed sign-in tokens (security.signin_token) and their secret and revocations (security.signin_store)."""

from __future__ import annotations

import dataclasses

import pytest

from core.errors import TokenError
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
