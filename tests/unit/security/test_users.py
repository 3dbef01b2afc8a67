"""Changes to the users file cannot surprise: adding never replaces, edits and removals are
checked against what was shown, the last administrator stays, every write is whole, and the
command line audits each change."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from core.errors import UserError, UserExistsError
from security.users import add_user, authenticate, read_users, remove_user, update_user

PASSWORD = "a long enough password"


@pytest.fixture()
def users_file(tmp_path: Path) -> Path:
    path = tmp_path / "users.json"
    add_user("boss", "admin", PASSWORD, "The Boss", path=path)
    add_user("jo", "silver", PASSWORD, "Jo", path=path)
    return path


def test_adding_an_existing_name_is_refused_and_changes_nothing(users_file: Path):
    before = users_file.read_bytes()
    for name in ("jo", " JO "):  # names are case-insensitive
        with pytest.raises(UserExistsError, match="exists already") as caught:
            add_user(name, "admin", "another long password", "Intruder", path=users_file)
        assert caught.value.username == "jo"
    assert users_file.read_bytes() == before
    jo = read_users(users_file)["jo"]
    assert jo.role == "silver" and authenticate({"jo": jo}, "jo", PASSWORD) == jo


def test_an_edit_changes_only_what_is_asked_and_says_what(users_file: Path):
    shown = read_users(users_file)["jo"]
    change = update_user("jo", role="opcc", expected=shown, path=users_file)
    assert change.before == shown and change.changes == ("role silver -> opcc",)
    stored = read_users(users_file)["jo"]
    assert (stored.role, stored.display_name, stored.password_hash) == ("opcc", "Jo", shown.password_hash)
    change = update_user("jo", password="a brand new password", path=users_file)
    assert change.changes == ("password reset",)
    users = read_users(users_file)
    assert authenticate(users, "jo", "a brand new password") is not None
    assert authenticate(users, "jo", PASSWORD) is None
    assert "a brand new password" not in users_file.read_text()


def test_an_edit_of_a_record_changed_meanwhile_is_refused(users_file: Path):
    shown = read_users(users_file)["jo"]
    update_user("jo", role="comms", path=users_file)  # another administrator, meanwhile
    before = users_file.read_bytes()
    with pytest.raises(UserError, match="changed by someone else"):
        update_user("jo", role="opcc", expected=shown, path=users_file)
    with pytest.raises(UserError, match="changed by someone else"):
        remove_user("jo", users_file, expected=shown)
    assert users_file.read_bytes() == before


def test_edits_that_change_nothing_or_name_nobody_are_refused(users_file: Path):
    before = users_file.read_bytes()
    with pytest.raises(UserError, match="Nothing to change"):
        update_user("jo", role="silver", display_name="Jo", path=users_file)
    with pytest.raises(UserError, match="no user named 'ann'"):
        update_user("ann", role="opcc", path=users_file)
    with pytest.raises(ValueError, match="unknown role"):
        update_user("jo", role="root", path=users_file)
    with pytest.raises(ValueError, match="12 characters"):
        update_user("jo", password="short", path=users_file)
    add_user("ana@example.org", "opcc", None, path=users_file)
    with pytest.raises(UserError, match="single sign-on"):
        update_user("ana@example.org", password="a long enough password", path=users_file)
    assert remove_user("ana@example.org", users_file) is not None
    assert users_file.read_bytes() == before


def test_the_last_administrator_cannot_be_removed_or_demoted(users_file: Path):
    before = users_file.read_bytes()
    with pytest.raises(UserError, match="last administrator"):
        remove_user("boss", users_file)
    with pytest.raises(UserError, match="last administrator"):
        update_user("boss", role="silver", path=users_file)
    assert users_file.read_bytes() == before
    boss = read_users(users_file)["boss"]
    add_user("deputy", "admin", PASSWORD, path=users_file)
    assert remove_user("boss", users_file) == boss
    assert sorted(read_users(users_file)) == ["deputy", "jo"]


def test_remove_returns_the_record_removed_or_none(users_file: Path):
    shown = read_users(users_file)["jo"]
    assert remove_user("JO", users_file, expected=shown) == shown
    assert remove_user("jo", users_file) is None
    assert sorted(read_users(users_file)) == ["boss"]


def test_concurrent_additions_all_survive(tmp_path: Path):
    path = tmp_path / "users.json"
    names = [f"user{i}" for i in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        added = list(pool.map(lambda name: add_user(name, "comms", PASSWORD, path=path), names))  # re-raises
    assert [u.username for u in added] == names and sorted(read_users(path)) == names
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_failed_write_keeps_the_file(users_file: Path, monkeypatch: pytest.MonkeyPatch):
    before = users_file.read_bytes()

    def broken(path: Path, content: bytes) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("security.users.atomic_write_bytes", broken)
    with pytest.raises(OSError, match="disk full"):
        update_user("jo", role="opcc", path=users_file)
    assert users_file.read_bytes() == before
