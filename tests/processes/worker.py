"""What one app process does in tests/processes/test_two_processes.py, run as
``python -m tests.processes.worker write STORE WHO START_AT`` or ``revoke STORE TOKEN_ID EXPIRES``."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import h3

from core.settings import override_settings

WRITES = 12
CELLS = [h3.str_to_int(c) for c in h3.grid_disk(h3.latlng_to_cell(53.80, -1.55, 9), 1)]


def write(store_dir: str, who: str, start_at: float) -> None:
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


def revoke(store_dir: str, token_id: str, expires: int) -> None:
    """A sign-out in this process: the token revoked for every process."""
    from security import signin_store

    with override_settings(store_dir=Path(store_dir)) as settings:
        signin_store.revoke(settings, token_id, expires, time.time())


if __name__ == "__main__":
    command, store, *rest = sys.argv[1:]
    if command == "write":
        write(store, rest[0], float(rest[1]))
    else:
        revoke(store, rest[0], int(rest[1]))
