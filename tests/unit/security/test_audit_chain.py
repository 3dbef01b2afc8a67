"""The audit log's keyed hash chain: verify names the first line changed, removed or
inserted; old unchained logs are read, never refused (``python -m cli.audit`` is tested in
tests/unit/cli/test_audit.py)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import override_settings
from security import audit


@pytest.fixture()
def log(tmp_path: Path) -> Iterator[Path]:
    """A store whose audit log holds six chained events (key beside the users file)."""
    with override_settings(store_dir=tmp_path / "store", users_file=tmp_path / "config" / "users.json") as s:
        for i in range(6):
            audit.record("sign_in", f"user{i}", f"event {i}", role="silver")
        yield s.audit_file


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_an_untouched_chain_is_intact_and_says_since_when(log: Path):
    check = audit.verify()
    assert check.intact and check.lines == 6 and check.unchained == 0 and check.since is not None
    assert check.summary().startswith("Audit chain intact: 6 lines chained since ")
    lines = [json.loads(x) for x in lines_of(log)]
    assert [x["seq"] for x in lines] == [1, 2, 3, 4, 5, 6]
    assert all(b["prev"] == a["hash"] for a, b in itertools.pairwise(lines))
    assert lines[0]["prev"] == "sha256:" + hashlib.sha256(b"").hexdigest()
    assert (log.parent.parent / "config" / "audit_key").stat().st_mode & 0o077 == 0  # owner only, outside the store


def test_a_changed_line_is_named(log: Path):
    lines = lines_of(log)
    lines[2] = lines[2].replace("event 2", "nothing happened")
    write_lines(log, lines)
    check = audit.verify()
    assert not check.intact and check.line == 3 and "changed" in check.problem


def test_a_removed_line_is_named(log: Path):
    lines = lines_of(log)
    del lines[3]
    write_lines(log, lines)
    check = audit.verify()
    assert not check.intact and check.line == 4 and "removed" in check.problem and "seq 4 to 4" in check.problem


def test_inserted_lines_are_named_whether_copied_made_up_or_unchained(log: Path):
    original = lines_of(log)
    copied = [*original[:4], original[1], *original[4:]]  # a genuine line replayed
    forged = json.loads(original[2]) | {"what": "forged", "seq": 4, "hash": "0" * 64}
    made_up = [*original[:3], json.dumps(forged), *original[3:]]
    unchained = [*original[:5], json.dumps({"time": "2026-01-01T00:00:00+00:00", "user": "x", "kind": "sign_in"})]
    unchained += original[5:]
    for lines, number in ((copied, 5), (made_up, 4), (unchained, 6)):
        write_lines(log, lines)
        check = audit.verify()
        assert not check.intact and check.line == number and "inserted" in check.problem, check


def test_lines_cut_from_the_end_are_noticed_by_the_keyed_head(log: Path):
    write_lines(log, lines_of(log)[:4])
    check = audit.verify()
    assert not check.intact and check.line == 4 and "2 lines after it were removed from the end" in check.problem
    head = audit.head_path(log)
    head.write_text(json.dumps(json.loads(head.read_text()) | {"seq": 4}), encoding="utf-8")  # forged without the key
    assert "was changed" in audit.verify().problem
    head.unlink()
    assert "is missing" in audit.verify().problem


def test_a_chain_recomputed_without_the_key_is_refused(log: Path):
    """A plain SHA-256 chain could be rewritten end to end; the keyed one cannot."""
    events = [json.loads(x) for x in lines_of(log)]
    events[1]["what"] = "rewritten"
    prev = events[0]["hash"]
    for e in events[1:]:
        e["prev"] = prev
        e["hash"] = hmac.new(b"x" * 32, audit.canonical(e), hashlib.sha256).hexdigest()
        prev = e["hash"]
    write_lines(log, [json.dumps(e) for e in events])
    check = audit.verify()
    assert not check.intact and check.line == 2 and "changed" in check.problem


def test_an_old_log_is_read_and_marked_unchained_and_sealed_by_the_first_chained_line(tmp_path: Path):
    old = [json.dumps({"time": "2016-07-01T09:00:00+00:00", "user": "old", "action": "export", "detail": "x.csv"})] * 2
    with override_settings(store_dir=tmp_path / "store", users_file=tmp_path / "users.json") as s:
        s.audit_file.parent.mkdir(parents=True)
        write_lines(s.audit_file, old)
        first = audit.verify()
        assert first.intact and first.unchained == 2 and first.since is None
        assert "No line of the audit log is chained yet; 2 earlier lines are unchained" in first.summary()
        audit.record("sign_in", "jo")
        audit.record("sign_out", "jo")
        check = audit.verify()
        assert check.intact and check.unchained == 2 and check.lines == 4
        assert "2 lines chained since" in check.summary() and "2 earlier lines are unchained" in check.summary()
        assert len(audit.read()) == 4  # every line still read
        lines = lines_of(s.audit_file)
        lines[0] = lines[0].replace("x.csv", "y.csv")
        write_lines(s.audit_file, lines)
        check = audit.verify()
        assert not check.intact and check.line == 3 and "a line before it" in check.problem


def test_writers_in_threads_never_fork_the_chain(log: Path):
    threads = [threading.Thread(target=audit.record, args=("sign_in", f"t{i}")) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check = audit.verify()
    assert check.intact and check.lines == 26


def test_a_line_written_without_a_key_is_reported(tmp_path: Path):
    with override_settings(store_dir=tmp_path / "store", audit_key="too short") as s:
        audit.record("sign_in", "jo")
        assert json.loads(lines_of(s.audit_file)[0])["hash"] is None
    with override_settings(store_dir=tmp_path / "store", audit_key="k" * 32):
        check = audit.verify()
    assert not check.intact and check.line == 1 and "audit key" in check.problem
