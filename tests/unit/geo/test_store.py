"""The store's atomic commits and the ingest command's summary and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import StoreError
from geo.ingest import ingest
from geo.store import Store
from tests.conftest import street_csv, street_row


def _write(path: Path, rows: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(street_csv(rows))
    return path


def store_files(root: Path) -> dict[str, bytes]:
    """The store's files (not its lock, nor the audit log, which records every load and refusal)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock" and not p.name.startswith("audit.jsonl")
    }


def test_ingest_stores_months_and_reingest_replaces_without_duplicates(tmp_path: Path):
    f = _write(
        tmp_path / "in" / "2017-07-x-street.csv",
        [street_row(), street_row(crime_id="c1", crime_type="Drugs"), street_row(month="2017-7")],
    )
    store = Store(tmp_path / "store")
    summary = ingest([f], store)
    assert (summary.rows_read, summary.stored, summary.rejected) == (3, 2, {"bad_month": 1})
    assert store.months() == ["2017-07"]
    ingest([f], store)
    assert len(store.read_incidents()) == 2
    stats = store.month_stats()
    assert stats[["stored", "rejected", "rows_read"]].values.tolist() == [[2, 1, 3]]
    assert store.read_rejects()[["line", "reason"]].values.tolist() == [[4, "bad_month"]]
    # replaced files are gone: one incidents file per month on disk
    assert len(list((tmp_path / "store" / "incidents").rglob("*.parquet"))) == 1


def test_a_month_in_a_new_ingest_replaces_only_that_month(tmp_path: Path):
    store = Store(tmp_path / "store")
    a = _write(tmp_path / "a.csv", [street_row(month="2017-07"), street_row(month="2017-08")])
    ingest([a], store)
    b = _write(tmp_path / "b.csv", [street_row(month="2017-08")] * 3)
    ingest([b], store)
    counts = store.read_incidents()["month"].astype(str).value_counts().to_dict()
    assert counts == {"2017-07": 1, "2017-08": 3}


def test_a_commit_that_fails_midway_leaves_the_store_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    store = Store(tmp_path / "store")
    ingest([_write(tmp_path / "a.csv", [street_row(month="2017-07")])], store)
    before = store_files(tmp_path / "store")
    calls = {"n": 0}
    real = Store._write_table

    def failing(self: Store, relative: str, table):
        calls["n"] += 1
        if calls["n"] == 2:  # after the first month's incidents are written
            raise OSError("disk full")
        return real(self, relative, table)

    monkeypatch.setattr(Store, "_write_table", failing)
    two_months = _write(tmp_path / "b.csv", [street_row(month="2017-07")] * 4 + [street_row(month="2017-08")])
    with pytest.raises(OSError):
        ingest([two_months], store)
    assert calls["n"] == 2
    assert store_files(tmp_path / "store") == before  # what the failed ingest wrote is gone
    assert len(store.read_incidents()) == 1
    monkeypatch.undo()


def test_files_left_by_a_killed_ingest_are_removed_by_the_next_commit(tmp_path: Path):
    store = Store(tmp_path / "store")
    ingest(
        [_write(tmp_path / "a.csv", [street_row(month="2017-07"), street_row(month="2017-07", crime_type="x")])], store
    )
    stray = tmp_path / "store" / "incidents" / "month=2017-08" / "20260101T000000-dead-0.parquet"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"half a file")
    assert store.months() == ["2017-07"] and len(store.read_incidents()) == 1
    ingest([_write(tmp_path / "c.csv", [street_row(month="2017-09")])], store)
    files = sorted(p.relative_to(tmp_path / "store").parts[0] for p in (tmp_path / "store").rglob("*.parquet"))
    assert files == ["incidents", "incidents", "rejects"]  # 2017-07 (with its rejected row) and 2017-09
    assert not stray.parent.exists()


def test_corrupt_manifest_is_reported_with_its_path(tmp_path: Path):
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(StoreError, match="manifest.json"):
        Store(tmp_path).months()


def test_progress_is_reported(tmp_path: Path):
    seen: list[float] = []
    ingest([_write(tmp_path / "f.csv", [street_row()])], Store(tmp_path / "s"), progress=lambda f, t: seen.append(f))
    assert seen[-1] == 1.0 and seen == sorted(seen)


def test_a_crime_id_repeated_in_a_second_file_of_the_month_is_rejected_and_that_file_rewritten(tmp_path: Path):
    store = Store(tmp_path / "store")
    first = _write(tmp_path / "in" / "a.csv", [street_row(crime_id="X1", crime_type="Drugs"), street_row()])
    second = _write(
        tmp_path / "in" / "b.csv",
        [street_row(crime_id="X1", crime_type="Drugs"), street_row(crime_id="X2", crime_type="Drugs")],
    )
    summary = ingest([first, second], store)
    assert summary.rejected == {"duplicate_crime_id": 1}
    stored = store.read_incidents()
    assert sorted(stored["crime_id"]) == ["", "X1", "X2"]
    assert stored.loc[stored["crime_id"] == "X1", "source_file"].astype(str).tolist() == [str(first)]
    parts = sorted((tmp_path / "store" / "incidents").rglob("*.parquet"))
    assert len(parts) == 2  # one per file; the second file's first version is gone
    assert sorted(store.manifest()["forces"]["West Yorkshire Police"]["2017-07"]["incidents"]) == [
        str(p.relative_to(tmp_path / "store")) for p in parts
    ]


def test_a_store_written_in_format_1_is_still_read_and_replaced(tmp_path: Path):
    store = Store(tmp_path / "store")
    ingest(
        [_write(tmp_path / "a.csv", [street_row(month="2017-07"), street_row(month="2017-07", crime_type="x")])], store
    )
    manifest = store.manifest()
    entry = manifest["forces"]["West Yorkshire Police"]["2017-07"]
    entry["incidents"] = entry["incidents"][0]  # format 1: one file named per kind, months unkeyed by force
    manifest = {"format": 1, "commit": manifest["commit"], "months": {"2017-07": entry}}
    (tmp_path / "store" / "manifest.json").write_text(json.dumps(manifest))
    assert len(store.read_incidents()) == 1 and len(store.read_rejects()) == 1
    ingest([_write(tmp_path / "b.csv", [street_row(month="2017-08")])], store)
    assert store.read_incidents()["month"].astype(str).tolist() == ["2017-07", "2017-08"]


def test_a_second_ingest_into_a_locked_store_is_refused(tmp_path: Path):
    store = Store(tmp_path / "store")
    with store.begin(), pytest.raises(StoreError, match="another ingest"):
        ingest([_write(tmp_path / "a.csv", [street_row()])], store)


def test_months_built_are_invisible_until_the_transaction_finishes(tmp_path: Path):
    from core.settings import get_settings
    from geo.boundaries import read_lsoas
    from geo.ingest import build_months
    from geo.police_uk import find_sources

    f = _write(tmp_path / "a.csv", [street_row(), street_row(crime_type="x"), street_row(month="2017-08")])
    store = Store(tmp_path / "store")
    with store.begin() as transaction:
        months, summary = build_months(find_sources([f]), read_lsoas(), get_settings(), transaction)
        assert all(len(m.parts) == 1 for m in months.values())  # written as read
        assert store.months() == []  # nothing visible before the manifest is replaced
        transaction.finish(months)
    assert store.months() == ["2017-07", "2017-08"]
    assert len(store.read_incidents()) == summary.stored == 2
    assert store.read_rejects()["reason"].tolist() == ["unknown_crime_type"]
