"""Process-start helpers of the app."""

from __future__ import annotations

import gc

from ui import loading


def test_startup_objects_are_frozen_once_per_process(monkeypatch):
    monkeypatch.setattr(loading, "_frozen", False)
    try:
        assert loading.freeze_startup_objects() is True
        frozen = gc.get_freeze_count()
        assert frozen > 0
        garbage = [[] for _ in range(1000)]
        assert loading.freeze_startup_objects() is False  # later objects are not frozen
        assert gc.get_freeze_count() == frozen
        del garbage
    finally:
        gc.unfreeze()
