"""Fixtures of the command-line tests: a store whose audit log names a known operating-system user."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import override_settings
from security import audit


@pytest.fixture()
def cli_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A store folder for ``--store`` (not the settings' store, which is another folder), with
    the operating-system user ``analyst``."""
    monkeypatch.setattr(audit.getpass, "getuser", lambda: "analyst")
    store_dir = tmp_path / "store"
    with override_settings(store_dir=tmp_path / "default", users_file=tmp_path / "config" / "users.json"):
        yield store_dir
