"""Roles, password checks, throttling and the users file (changes: tests/unit/security/test_users.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import InputFileError
from security.policy import DEMO_PAGES, ROLE_PAGES, cross_border_allowed, pages_for
from security.users import Throttle, User, add_user, authenticate, hash_password, read_users, remove_user


def test_passwords_are_salted_and_checked():
    a, b = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert a != b and a.startswith("$2b$12$")
    users = {"jo": User("jo", "silver", a)}
    assert authenticate(users, "Jo ", "correct horse battery") == users["jo"]
    assert authenticate(users, "jo", "wrong horse battery") is None
    assert authenticate(users, "nobody", "correct horse battery") is None
    with pytest.raises(ValueError):
        hash_password("short")


def test_each_role_sees_its_pages_only():
    assert pages_for("comms") == {
        "home",
        "map",
        "communities",
        "comms",
        "national",
        "delivery",
        "impact",
        "public",
        "accessibility",
    }
    assert pages_for("opcc") == {
        "home",
        "trends",
        "profile",
        "accuracy",
        "national",
        "impact",
        "public",
        "accessibility",
    }
    assert all("accessibility" in pages_for(role) for role in ROLE_PAGES)  # the statement is linked for everyone
    assert "data" in pages_for("admin") and "map" not in pages_for("admin") and "national" not in pages_for("admin")
    assert cross_border_allowed("silver") and not any(cross_border_allowed(r) for r in ("comms", "opcc", "admin", None))
    assert pages_for("silver") >= {"map", "communities", "comms", "accuracy"}
    assert pages_for("intruder") == frozenset()
    assert pages_for(None, demo=True) == DEMO_PAGES
    assert not any({"data", "users", "audit"} & pages for role, pages in ROLE_PAGES.items() if role != "admin")
    with pytest.raises(ValueError):
        User("x", "superuser")


def test_repeated_failures_are_slowed_down():
    t = Throttle(free=3, cap=30)
    slept: list[float] = []
    for _ in range(3):
        t.failed("Jo")
    assert t.delay("jo") == 2.0
    t.failed("jo")
    assert t.delay("jo") == 4.0
    assert t.wait("jo", sleep=slept.append) == 4.0 and slept == [4.0]
    for _ in range(10):
        t.failed("jo")
    assert t.delay("jo") == 30.0
    assert t.delay("someone else") == 0.0
    t.succeeded("jo")
    assert t.delay("jo") == 0.0


def test_users_file_round_trip_and_errors(tmp_path: Path):
    path = tmp_path / "users.json"
    assert read_users(path) == {}
    add_user("J.Smith", "silver", "a long enough password", "J Smith", path=path)
    users = read_users(path)
    assert list(users) == ["j.smith"] and users["j.smith"].role == "silver"
    assert "a long enough password" not in path.read_text()
    assert remove_user("j.smith", path) and not remove_user("j.smith", path)
    path.write_text(json.dumps({"users": [{"username": "x", "role": "root", "password_hash": "h"}]}))
    with pytest.raises(InputFileError, match="users.json"):
        read_users(path)
    with pytest.raises(ValueError):
        add_user("bad name!", "silver", "a long enough password", path=tmp_path / "u2.json")


def test_single_sign_on_users_map_by_email(tmp_path: Path):
    from security.users import user_for_identity

    path = tmp_path / "users.json"
    add_user("Ana.Smith@westyorks.example", "opcc", None, "Ana Smith", path=path)
    users = read_users(path)
    assert user_for_identity(users, "ana.smith@WESTYORKS.example").role == "opcc"
    assert user_for_identity(users, "someone@else.example") is None and user_for_identity(users, None) is None
    # a single sign-on user can never sign in with a password
    assert authenticate(users, "ana.smith@westyorks.example", "") is None
    with pytest.raises(ValueError):
        add_user("no-at-sign", "opcc", None, path=path)
    with pytest.raises(ValueError):
        add_user("x@y.example", "opcc", "a long enough password", path=path)


def test_ocg_levels_fail_closed():
    from security.policy import ocg_allows, ocg_level

    assert ocg_level("silver", demo=False) == "details"
    assert ocg_level("opcc", demo=False) == "counts"
    assert ocg_level("admin", demo=False) == "none"
    # comms: only the public summary's disclosure-checked disruption counts, nothing more
    assert ocg_level("comms", demo=False) == "public"
    assert ocg_allows("public", "public") and not ocg_allows("public", "counts") and not ocg_allows("none", "public")
    assert ocg_level(None, demo=False) == ocg_level("Silver ", demo=False) == "none"  # unknown: nothing
    assert ocg_level("comms", demo=True) == "details"  # synthetic only: checked where the data is read
    assert ocg_allows("details", "counts") and ocg_allows("counts", "counts")
    assert not ocg_allows("counts", "details") and not ocg_allows("none", "counts")
    assert not ocg_allows("none", "none") and not ocg_allows("everything", "counts") and not ocg_allows("details", "x")
