"""Two app processes share one store: every write that sessions make in either is kept.

Behind the proxy (``make serve REPLICAS=N``) each browser stays on one process, but the
audit log, delivery log, users file, revoked sign-ins and OCG disruptions are shared
files. Two real processes (not threads: ``fcntl`` locks are per process) write at once, each
many times, and every write is found afterwards; a sign-out in one ends the sign-in in the
other.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import time
from pathlib import Path

import h3
import pytest

from core.settings import Settings, override_settings

pytestmark = pytest.mark.sample  # starts processes and reads the bundled OCG demo files

WRITES = 12
CELLS = [h3.str_to_int(c) for c in h3.grid_disk(h3.latlng_to_cell(53.80, -1.55, 9), 1)]


def _writer(store_dir: str, who: str, start_at: float) -> None:
    """One app process's sessions: audit events, delivery records, a user, revoked
    sign-ins and OCG disruptions, all at once with the other process."""
    from records import delivery_log, ocg_store
    from security import audit, signin_store
    from security.users import add_user

    with override_settings(store_dir=Path(store_dir), users_file=Path(store_dir) / "users.json") as settings:
        data = ocg_store.load_ocg()
        assert data is not None
        ocg_id = str(data.register["ocg_id"].iloc[0])
        while time.time() < start_at:  # both start together
            time.sleep(0.001)
        for i in range(WRITES):
            audit.record("download_csv", f"{who}-{i}", "a table")
            record = {
                "kind": "facebook_live",
                "date": "2027-02-10",
                "community_id": f"HC-{who}-{i}",
                "community_name": "Westgate (Wakefield 017)",
                "district": "Wakefield",
                "lsoa_codes": ["E01000004"],
                "cells": CELLS,
                "resolution": 9,
                "live_viewers": 40,
                "later_views": 300,
                "comments": 12,
            }
            delivery_log.add_delivery(record, f"{who}-{i}", "comms", today=dt.date(2027, 3, 1))
            signin_store.revoke(settings, f"{who}-token-{i}", int(time.time()) + 3600, time.time())
            ocg_store.record_disruption(data, ocg_id, "2017-07-01", "moderate", "pursue", "E01011366")
            if i < 3:  # bcrypt is slow on purpose: a few accounts each
                add_user(f"{who}user{i}", "comms", "correct horse battery staple")


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
    context = multiprocessing.get_context("spawn")  # a fresh interpreter each, as two app processes
    start_at = time.time() + 8
    workers = [context.Process(target=_writer, args=(str(shared_store.store_dir), who, start_at)) for who in ("a", "b")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(300)
        assert w.exitcode == 0

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

    context = multiprocessing.get_context("spawn")
    from security.signin_token import read_token

    read = read_token(token, secret, time.time())
    sign_out = context.Process(target=_revoke, args=(str(shared_store.store_dir), read.token_id, read.expires))
    sign_out.start()
    sign_out.join(60)
    assert sign_out.exitcode == 0
    from core.errors import TokenError

    with pytest.raises(TokenError):
        user_of_token(token, secret, time.time(), read_users(), signin_store.revoked_ids(shared_store))


def _revoke(store_dir: str, token_id: str, expires: int) -> None:
    from security import signin_store

    with override_settings(store_dir=Path(store_dir)) as settings:
        signin_store.revoke(settings, token_id, expires, time.time())
