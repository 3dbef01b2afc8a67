"""services.demo: the demonstration history is made and stored once, with its deliveries and
outcome files; a second call finds it there."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.settings import override_settings
from geo.store import Store
from records import delivery_log
from records import outcome_files as outcomes
from services import demo

pytestmark = pytest.mark.sample  # patterned on the bundled real months


def test_made_once_with_its_deliveries_and_outcomes(tmp_path: Path):
    steps: list[float] = []
    with override_settings(store_dir=tmp_path / "store", mode="demo", demo_data="history") as settings:
        store = Store(settings.data_store_dir)
        made = demo.ensure_demo_history(store, progress=lambda f, text: steps.append(f))
        assert made.startswith("Made ") and "SYNTHETIC incidents, 2014-08 to 2017-07" in made
        assert store.months()[0] == "2014-08" and len(store.months()) == 36
        assert steps[0] == 0.0 and steps[-1] <= 1.0 and steps == sorted(steps)
        log = delivery_log.read_log()
        assert len(log) and log["synthetic"].all()
        assert all(outcomes.load_outcomes().synthetic(kind) for kind in outcomes.KINDS)
        before = store.token()
        assert demo.ensure_demo_history(store) == "" and store.token() == before  # there already
    assert settings.data_store_dir == tmp_path / "store" / "demo_history"
