"""The demo history setting: from the environment, and the store it opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import SettingsError
from core.settings import Settings, from_environment


def test_demo_history_opens_its_own_store_only_in_demo_mode(tmp_path: Path) -> None:
    history = Settings(store_dir=tmp_path, mode="demo", demo_data="history")
    assert history.demo_history and history.data_store_dir == tmp_path / "demo_history"
    assert history.audit_file == tmp_path / "audit.jsonl"  # sign-ins and audit stay in the store folder
    assert Settings(store_dir=tmp_path, mode="demo").data_store_dir == tmp_path  # the real months
    secure = Settings(store_dir=tmp_path, mode="secure", demo_data="history")
    assert not secure.demo_history and secure.data_store_dir == tmp_path
    with pytest.raises(SettingsError, match="demo_data"):
        Settings(demo_data="other")


def test_demo_data_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRECISION_DEMO_DATA", "History")
    assert from_environment().demo_data == "history"
    monkeypatch.setenv("PRECISION_DEMO_DATA", "everything")
    settings = from_environment()
    assert settings.demo_data == "sample" and any("PRECISION_DEMO_DATA" in p for p in settings.problems)
