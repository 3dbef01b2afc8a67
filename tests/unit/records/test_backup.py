"""Backup and restore: a backup taken during an ingest restores to before or after it, a
restored store gives byte-identical exports, and a damaged backup is refused naming the file
with the target left as it was. (The command lines are tested in tests/unit/cli/test_backup.py
and test_restore.py.)"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from core.csv_safe import frame_to_csv
from core.errors import BackupError, StoreError
from core.settings import Settings, get_settings, override_settings
from geo import store as store_module
from geo.ingest import ingest
from geo.store import Store
from records import backup, delivery_log, ocg_store, outcome_files
from records.national_table import store_recorded_crime, stored_table_path
from security import audit, signin_store
from security.users import add_user
from tests.conftest import street_csv, street_row

TODAY = dt.date(2027, 3, 1)


@pytest.fixture()
def full_store(sample_store_dir: Path, tmp_path: Path) -> Iterator[Settings]:
    """A store with every table: the two bundled months, OCG and outcome demo tables, a
    national table, a delivery, a revoked sign-in, users, a signing secret and an audit log."""
    store_dir = tmp_path / "live" / "store"
    shutil.copytree(sample_store_dir, store_dir)
    with override_settings(store_dir=store_dir, users_file=tmp_path / "live" / "config" / "users.json") as settings:
        ocg_store.ensure_demo()
        for kind, path in outcome_files.DEMO_FILES.items():
            outcome_files.load_outcome_file(path.read_bytes(), str(path), kind, demo=False)
        store_recorded_crime(settings.recorded_crime_file.read_bytes(), "prc.csv")
        media = {"kind": "media", "date": "2027-02-11", "district": "Leeds", "outlet": "=HYPERLINK(1)", "title": "T"}
        delivery_log.add_delivery(media | {"spoc": "A B"}, "comms1", "comms", today=TODAY)
        signin_store.revoke(settings, "token-1", 4_000_000_000, 0)
        add_user("admin1", "admin", "correct horse battery staple")
        assert signin_store.signing_secret(settings) is not None
        audit.record("sign_in", "admin1", role="admin")
        yield settings


def _exports(settings: Settings) -> dict[str, bytes]:
    """What the product exports from a store, for the same filters."""
    store = Store(settings.store_dir)
    incidents = store.read_incidents().sort_values(["month", "source_file", "source_line"]).reset_index(drop=True)
    ocg = ocg_store.load_ocg()
    assert ocg is not None
    outcomes = outcome_files.load_outcomes()
    return {
        "incidents": frame_to_csv(incidents),
        "months": frame_to_csv(store.month_stats()),
        "ocg_register": frame_to_csv(ocg.register),
        "ocg_activity": frame_to_csv(ocg.activity),
        "delivery": frame_to_csv(delivery_log.read_log()),
        "national": stored_table_path().read_bytes(),
        "audit": audit.csv_bytes(audit.read()),
        "crimestoppers": frame_to_csv(outcomes.crimestoppers),
        "survey": frame_to_csv(outcomes.survey),
    }


def test_a_restored_store_gives_byte_identical_exports(full_store: Settings, tmp_path: Path):
    before = _exports(full_store)
    archive = tmp_path / "b.zip"
    summary = backup.backup_to(archive)
    assert summary.months == 2 and summary.files >= 12
    manifest = json.loads(zipfile.ZipFile(archive).read("backup.json"))
    assert "store/session_secret" not in manifest["files"] and "session_secret" in json.dumps(
        manifest["never_included"]
    )
    assert manifest["version"] and manifest["product"] == "Precision Hotspots"
    assert not any("audit_key" in name or name.endswith(".lock") for name in manifest["files"])
    target = tmp_path / "elsewhere" / "store"
    users = tmp_path / "elsewhere" / "config" / "users.json"
    with override_settings(store_dir=target, users_file=users) as restored:
        result = backup.restore(archive, target, users_file=users)
        assert not result.audit_kept and result.users_restored  # a new store: the backup's log is put back
        after = _exports(restored)
        assert users.read_bytes() == full_store.users_file.read_bytes()
        assert signin_store.revoked_ids(restored) == frozenset({"token-1"})
        assert not (target / "session_secret").exists()  # never restored: a new one is made
    assert after.keys() == before.keys() and all(after[k] == before[k] for k in before), [
        k for k in before if after[k] != before[k]
    ]


def test_restoring_over_a_store_replaces_it_but_keeps_its_audit_log_and_secret(full_store: Settings, tmp_path: Path):
    archive = tmp_path / "b.zip"
    backup.backup_to(archive)
    secret = (full_store.store_dir / "session_secret").read_bytes()
    extra = tmp_path / "new.csv"
    extra.write_bytes(street_csv([street_row(month="2018-01")]).replace(b"2017-07", b"2018-01"))
    ingest([extra], Store(full_store.store_dir))
    audit.record("sign_out", "admin1", role="admin")
    log_before = full_store.audit_file.read_bytes()
    summary = backup.restore(archive, full_store.store_dir)
    assert summary.audit_kept and not summary.users_restored  # no users file given: left alone
    assert Store(full_store.store_dir).months() == ["2016-07", "2017-07"]  # the later month is gone
    assert full_store.audit_file.read_bytes() == log_before and audit.verify().intact
    assert (full_store.store_dir / "session_secret").read_bytes() == secret
    assert not list(full_store.store_dir.parent.glob(".store.*"))  # nothing left beside it


def _pause(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> tuple[threading.Event, threading.Event]:
    """Make ``owner.name`` wait, on its first call, until released; return (reached, release)."""
    reached, release = threading.Event(), threading.Event()
    original = getattr(owner, name)

    def paused(*args: object, **kwargs: object) -> object:
        if not reached.is_set():
            reached.set()
            assert release.wait(30)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, paused)
    return reached, release


def _new_month(tmp_path: Path) -> Path:
    path = tmp_path / "2018-01-west-yorkshire-street.csv"
    path.write_bytes(street_csv([street_row(month="2018-01"), street_row(month="2018-01")]))
    return path


def test_a_backup_started_during_an_ingest_waits_and_restores_to_after_it(
    full_store: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    reached, release = _pause(monkeypatch, store_module.Transaction, "finish")  # parts written, manifest not yet
    ingesting = threading.Thread(target=ingest, args=([_new_month(tmp_path)], Store(full_store.store_dir)))
    ingesting.start()
    assert reached.wait(30)
    archive = tmp_path / "b.zip"
    backing_up = threading.Thread(target=backup.backup_to, args=(archive,))
    backing_up.start()
    backing_up.join(0.5)
    assert backing_up.is_alive() and not archive.exists()  # waiting for the ingest's commit
    release.set()
    ingesting.join(30)
    backing_up.join(30)
    target = tmp_path / "restored"
    backup.restore(archive, target)
    assert Store(target).months() == ["2016-07", "2017-07", "2018-01"]
    assert Store(target).read_incidents(["2018-01"]).shape[0] == 2


def test_an_ingest_during_a_backup_is_refused_and_the_backup_is_the_state_before(
    full_store: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    reached, release = _pause(monkeypatch, backup, "_copy_member")  # every lock held, copying
    archive = tmp_path / "b.zip"
    backing_up = threading.Thread(target=backup.backup_to, args=(archive,))
    backing_up.start()
    assert reached.wait(30)
    with pytest.raises(StoreError, match="another ingest or a backup"):
        ingest([_new_month(tmp_path)], Store(full_store.store_dir))
    release.set()
    backing_up.join(30)
    target = tmp_path / "restored"
    backup.restore(archive, target)
    assert Store(target).months() == ["2016-07", "2017-07"]


def _rewrite(archive: Path, out: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of a backup with members replaced (None removes one), backup.json untouched."""
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = change.get(info.filename, src.read(info.filename))
            if content is not None:
                dst.writestr(info.filename, content)
        for name, content in change.items():
            if name not in src.namelist() and content is not None:
                dst.writestr(name, content)
    return out


def test_a_damaged_backup_is_refused_naming_the_file_and_the_target_is_untouched(full_store: Settings, tmp_path: Path):
    archive = tmp_path / "b.zip"
    backup.backup_to(archive)
    names = json.loads(zipfile.ZipFile(archive).read("backup.json"))["files"]
    part = next(n for n in names if n.endswith(".parquet") and "/incidents/" in n)
    target = full_store.store_dir
    extra = _new_month(tmp_path)
    ingest([extra], Store(target))  # the target differs from the backup
    snapshot = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    users_before = full_store.users_file.read_bytes()
    cases = {
        "changed": (_rewrite(archive, tmp_path / "c.zip", {part: b"PAR1 changed"}), part, "SHA-256"),
        "removed": (
            _rewrite(archive, tmp_path / "r.zip", {"store/manifest.json": None}),
            "store/manifest.json",
            "missing",
        ),
        "added": (
            _rewrite(archive, tmp_path / "a.zip", {"store/evil.parquet": b"x"}),
            "store/evil.parquet",
            "not in backup.json",
        ),
        "truncated": (tmp_path / "t.zip", "", "truncated or damaged"),
    }
    (tmp_path / "t.zip").write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    for label, (bad, member, words) in cases.items():
        with pytest.raises(BackupError, match=words) as caught:
            backup.restore(bad, target, users_file=full_store.users_file)
        assert caught.value.path == (f"{bad}!{member}" if member else str(bad)), label
        assert {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()} == snapshot, label
        assert full_store.users_file.read_bytes() == users_before
    assert not list(target.parent.glob(".store.*"))


def test_a_member_flipped_inside_the_zip_is_named(full_store: Settings, tmp_path: Path):
    archive = tmp_path / "b.zip"
    backup.backup_to(archive)
    raw = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as z:
        info = z.getinfo("store/manifest.json")
    start = info.header_offset + 30 + int.from_bytes(raw[info.header_offset + 26 : info.header_offset + 28], "little")
    start += int.from_bytes(raw[info.header_offset + 28 : info.header_offset + 30], "little")
    raw[start + 5] ^= 0xFF  # a byte of its (deflated) data, after the local header
    archive.write_bytes(bytes(raw))
    with pytest.raises(BackupError) as caught:
        backup.check_backup(archive)
    assert caught.value.path == f"{archive}!store/manifest.json"


def test_write_backup_makes_the_download_bytes(full_store: Settings):
    buffer = io.BytesIO()
    summary = backup.write_backup(buffer)
    assert summary.months == 2 and zipfile.ZipFile(io.BytesIO(buffer.getvalue())).testzip() is None
    assert get_settings().store_dir == full_store.store_dir
    assert isinstance(pd.Timestamp(summary.created), pd.Timestamp)


def test_a_failure_after_the_swap_puts_the_old_store_back(
    full_store: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    archive = tmp_path / "b.zip"
    backup.backup_to(archive)
    target = full_store.store_dir
    ingest([_new_month(tmp_path)], Store(target))
    snapshot = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    users_before = full_store.users_file.read_bytes()

    def failing(path: Path, content: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup, "atomic_write_bytes", failing)  # the users file cannot be written
    with pytest.raises(OSError, match="No space"):
        backup.restore(archive, target, users_file=full_store.users_file)
    assert {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()} == snapshot
    assert full_store.users_file.read_bytes() == users_before
    assert not list(target.parent.glob(".store.*"))
