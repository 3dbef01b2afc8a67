"""Two app processes share one store: every write that sessions make in either is kept.

Behind the proxy (``make serve REPLICAS=N``) each browser stays on one process, but the
audit log, delivery log, users file, revoked sign-ins and OCG disruptions are shared
files. Two real processes (not threads: ``fcntl`` locks are per process) write at once, each
many times, and every write is found afterwards; a sign-out in one ends the sign-in in the
other.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.settings import REPO_DIR, Settings, override_settings
from tests.processes.worker import WRITES

pytestmark = pytest.mark.sample  # starts processes and reads the bundled OCG demo files


@pytest.fixture()
def shared_store(tmp_path: Path) -> Settings:
    from records import ocg_store

    with override_settings(store_dir=tmp_path / "store", users_file=tmp_path / "store" / "users.json") as settings:
        ocg_store.ensure_demo()
        yield settings


def test_two_processes_writing_at_once_lose_nothing(shared_store: Settings):
    from records import delivery_log, ocg_store
    from security import audit, signin_store
    from security.users import read_users

    before = len(ocg_store.load_ocg().activity)
    start_at = time.time() + 8
    workers = [_process("write", str(shared_store.store_dir), who, str(start_at)) for who in ("a", "b")]
    for w in workers:
        assert w.wait(300) == 0, w.stderr.read() if w.stderr else ""

    events = audit.read()
    assert sorted(events.loc[events["kind"] == "download_csv", "user"]) == sorted(
        f"{who}-{i}" for who in "ab" for i in range(WRITES)
    )
    log = delivery_log.read_log()
    assert sorted(log["community_id"]) == sorted(f"HC-{who}-{i}" for who in "ab" for i in range(WRITES))
    revoked = signin_store.revoked_ids(shared_store)
    assert revoked is not None and {f"{who}-token-{i}" for who in "ab" for i in range(WRITES)} <= revoked
    assert len(ocg_store.load_ocg().activity) == before + 2 * WRITES
    assert {f"{who}user{i}" for who in "ab" for i in range(3)} <= set(read_users())


def test_a_sign_out_in_one_process_ends_the_sign_in_in_the_other(shared_store: Settings):
    """Process A issues a sign-in token and B accepts it; A signs out (revokes it); B refuses it."""
    from security import signin_store
    from security.signin_token import issue_token, user_of_token
    from security.users import add_user, read_users

    user = add_user("silver1", "silver", "correct horse battery staple")
    secret = b"s" * 40
    token = issue_token(user, secret, time.time(), 3600)
    revoked = signin_store.revoked_ids(shared_store)
    assert user_of_token(token, secret, time.time(), read_users(), revoked)[0] == user  # process B accepts

    from security.signin_token import read_token

    read = read_token(token, secret, time.time())
    sign_out = _process("revoke", str(shared_store.store_dir), read.token_id, str(read.expires))
    assert sign_out.wait(60) == 0, sign_out.stderr.read() if sign_out.stderr else ""
    from core.errors import TokenError

    with pytest.raises(TokenError):
        user_of_token(token, secret, time.time(), read_users(), signin_store.revoked_ids(shared_store))


def _process(*args: str) -> subprocess.Popen[str]:
    """A fresh Python process (as an app process is) running ``tests/processes/worker.py``."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.processes.worker", *args], cwd=REPO_DIR, stderr=subprocess.PIPE, text=True
    )
