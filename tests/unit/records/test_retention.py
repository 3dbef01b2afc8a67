"""Retention: what a policy makes due (incident months, OCG activity, disruptions), its
deletion (atomic per table), never the audit log. (``python -m cli.retention``, which audits
it with counts, is tested in tests/unit/cli/test_retention.py.)"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from core import settings as settings_module
from core.settings import Settings, override_settings
from geo.store import Store
from records import ocg_store
from records.retention import RetentionPolicy, apply, cutoff_day, first_month_kept, plan
from security import audit

TODAY = dt.date(2017, 8, 15)


@pytest.fixture()
def store(sample_store_dir: Path, tmp_path: Path) -> Iterator[Settings]:
    """The two bundled months (2016-07, 2017-07), the synthetic OCG tables and an audit log."""
    store_dir = tmp_path / "store"
    shutil.copytree(sample_store_dir, store_dir)
    with override_settings(store_dir=store_dir, users_file=tmp_path / "config" / "users.json") as settings:
        ocg_store.ensure_demo()
        audit.record("sign_in", "admin1", role="admin")
        yield settings


def _activity() -> pd.DataFrame:
    data = ocg_store.load_ocg()
    assert data is not None
    return data.activity.assign(day=pd.to_datetime(data.activity["date"]).dt.date)


def test_month_and_day_arithmetic():
    assert first_month_kept(dt.date(2026, 12, 4), 36) == "2023-12"
    assert first_month_kept(dt.date(2017, 8, 15), 6) == "2017-02"
    assert first_month_kept(dt.date(2017, 1, 31), 1) == "2016-12"
    assert cutoff_day(dt.date(2026, 12, 4), 36) == dt.date(2023, 12, 4)
    assert cutoff_day(dt.date(2024, 3, 31), 1) == dt.date(2024, 2, 29)


def test_the_default_policy_keeps_everything(store: Settings):
    due = plan(RetentionPolicy.from_settings(), TODAY)
    assert due.empty and due.summary().startswith("Nothing is due for deletion")
    assert apply(due).months == 0 and Store(store.store_dir).months() == ["2016-07", "2017-07"]


def test_what_is_due_is_shown_then_deleted_exactly(store: Settings):
    activity = _activity()
    disruption = activity["activity_type"] == "disruption"
    expected_activity = int((~disruption & (activity["day"] < dt.date(2017, 2, 15))).sum())
    expected_disruptions = int((disruption & (activity["day"] < dt.date(2016, 8, 15))).sum())
    assert expected_activity > 0 and expected_disruptions > 0
    stored_2016 = int(Store(store.store_dir).month_stats().set_index("month").loc["2016-07", "stored"])
    audit_before = store.audit_file.read_bytes()

    due = plan(RetentionPolicy(6, 6, 12), TODAY)
    assert due.months == (("West Yorkshire Police", "2016-07"),) and due.incidents == stored_2016
    assert (due.activity, due.disruptions) == (expected_activity, expected_disruptions)
    assert Store(store.store_dir).months() == ["2016-07", "2017-07"]  # planning changes nothing

    result = apply(due)
    assert (result.months, result.incidents, result.records) == (
        1,
        stored_2016,
        expected_activity + expected_disruptions,
    )
    assert Store(store.store_dir).months() == ["2017-07"]
    assert not (store.store_dir / "incidents" / "force=west-yorkshire-police" / "month=2016-07").exists()
    after = _activity()
    assert len(after) == len(activity) - result.records
    assert not ((after["activity_type"] != "disruption") & (after["day"] < dt.date(2017, 2, 15))).any()
    assert store.audit_file.read_bytes() == audit_before  # never purged, not even touched
    assert plan(RetentionPolicy(6, 6, 12), TODAY).empty


def test_retention_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PRECISION_RETAIN_INCIDENT_MONTHS", "36")
    monkeypatch.setenv("PRECISION_RETAIN_DISRUPTION_MONTHS", "soon")
    settings = settings_module.from_environment()
    assert settings.retain_incident_months == 36 and settings.retain_disruption_months is None
    assert any("PRECISION_RETAIN_DISRUPTION_MONTHS" in p for p in settings.problems)
    with pytest.raises(settings_module.SettingsError, match="retain_incident_months"):
        Settings(retain_incident_months=0)
