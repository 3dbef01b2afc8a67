"""python -m cli.retention: a dry run lists what is due and deletes nothing; --apply deletes
it and audits the counts as a command-line change; a busy store deletes nothing and exits 2."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cli.retention import main
from core.settings import Settings
from geo.store import Store
from records import ocg_store
from security import audit
from tests.unit.records.test_retention import TODAY, store  # noqa: F401 - the fixture


def ocg_activity() -> pd.DataFrame:
    data = ocg_store.load_ocg()
    assert data is not None
    return data.activity


def test_the_command_line_shows_then_applies_and_audits_with_counts(
    store: Settings,  # noqa: F811 - the fixture
    capsys: pytest.CaptureFixture[str],
):
    args = ["--incident-months", "6", "--disruption-months", "12", "--today", TODAY.isoformat()]
    activity, log = len(ocg_activity()), store.audit_file.read_bytes()
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "Due for deletion on 15 August 2017: 1 force months" in printed
    assert "  West Yorkshire Police 2016-07" in printed
    assert Store(store.store_dir).months() == ["2016-07", "2017-07"]  # a dry run deletes nothing
    assert len(ocg_activity()) == activity and store.audit_file.read_bytes() == log  # nor records it
    assert main([*args, "--apply"]) == 0
    assert Store(store.store_dir).months() == ["2017-07"]
    event = json.loads(store.audit_file.read_text().splitlines()[-1])
    assert event["kind"] == "retention" and event["role"] == "command line"
    assert event["context"]["months"] == ["West Yorkshire Police 2016-07"] and event["context"]["disruptions"] > 0
    assert event["context"]["activity"] == 0 and audit.verify().intact
    assert json.loads(store.audit_file.read_text().splitlines()[0])["kind"] == "sign_in"  # the log kept whole


def test_a_busy_store_deletes_nothing(
    store: Settings,  # noqa: F811 - the fixture
    capsys: pytest.CaptureFixture[str],
):
    before = ocg_activity()
    with Store(store.store_dir).held():  # as a backup holds it
        assert main(["--incident-months", "6", "--today", TODAY.isoformat(), "--apply"]) == 2
    assert "another ingest or a backup" in capsys.readouterr().err
    assert Store(store.store_dir).months() == ["2016-07", "2017-07"] and len(ocg_activity()) == len(before)


def test_a_bad_number_of_months_exits_2(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as stopped:
        main(["--incident-months", "0"])
    assert stopped.value.code == 2 and "'0' is not a whole number of months from 1" in capsys.readouterr().err
