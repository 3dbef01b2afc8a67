"""The audit log page (admin): readable columns in UK time, filters by user, kind and date,
and a CSV export of what is shown, itself audited."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.settings import get_settings, override_settings
from security import audit
from security.users import add_user
from tests.app.conftest import APP

pytestmark = pytest.mark.app

PASSWORD = "correct horse battery staple"
EARLIER = [  # hand-made events of other days, written before the admin signs in
    {"time": "2026-10-24T22:30:00+00:00", "user": "jo", "role": "silver", "kind": "sign_in"},
    {
        "time": "2026-10-24T23:30:00+00:00",  # 00:30 BST on 25 October in the UK
        "user": "jo",
        "role": "silver",
        "kind": "download_pdf",
        "what": "District profile: Leeds",
        "file": "precision_profile_leeds.pdf",
    },
    {"time": "2026-10-26T12:00:00+00:00", "user": "ann", "role": "opcc", "kind": "download_csv", "rows": 7},
]


@pytest.fixture()
def page(sample_store_dir: Path, tmp_path: Path) -> Iterator[AppTest]:
    """The audit page, signed in as admin1, over a log holding :data:`EARLIER`."""
    store_dir = tmp_path / "store"
    shutil.copytree(sample_store_dir, store_dir)
    users = tmp_path / "users.json"
    add_user("admin1", "admin", PASSWORD, path=users)
    st.cache_data.clear()
    st.cache_resource.clear()
    with override_settings(store_dir=store_dir, map_tiles=None, users_file=users):
        get_settings().audit_file.write_text("".join(json.dumps(e) + "\n" for e in EARLIER), encoding="utf-8")
        at = AppTest.from_file(APP, default_timeout=300).run()
        at.text_input[0].set_value("admin1")
        at.text_input[1].set_value(PASSWORD)
        at.button[0].click().run()
        at.switch_page("pages/audit.py").run()
        assert not at.exception
        yield at
    st.cache_data.clear()
    st.cache_resource.clear()


def _shown(at: AppTest) -> list[tuple[str, str]]:
    table = at.dataframe[0].value
    return list(zip(table["User"], table["Kind"]))


def test_the_log_is_readable_newest_first(page: AppTest):
    table = page.dataframe[0].value
    assert list(table.columns) == list(audit.READABLE_COLUMNS)
    assert _shown(page) == [
        ("admin1", "Signed in"),
        ("ann", "Downloaded CSV"),
        ("jo", "Downloaded PDF"),
        ("jo", "Signed in"),
    ]
    assert table["Time (UK)"].iloc[2] == "2026-10-25 00:30:00 BST"
    assert table["File"].iloc[2] == "precision_profile_leeds.pdf" and table["Rows"].iloc[1] == "7"
    # rows not counted (sign-ins, the PDF) are blank, not "None"
    assert table["Rows"].tolist() == ["", "7", "", ""] and not table.isna().any().any()
    assert table["Role"].tolist() == ["admin", "opcc", "silver", "silver"]
    assert "4 of 4 events" in page.caption[0].value


def test_filters_by_user_kind_and_date(page: AppTest):
    page.multiselect[0].set_value(["jo"]).run()
    assert _shown(page) == [("jo", "Downloaded PDF"), ("jo", "Signed in")]
    page.multiselect(key="audit_kinds").set_value(["download_pdf"]).run()
    assert _shown(page) == [("jo", "Downloaded PDF")]
    page.multiselect[0].set_value([]).run()
    page.multiselect(key="audit_kinds").set_value([]).run()
    page.date_input[0].set_value((dt.date(2026, 10, 25), dt.date(2026, 10, 26))).run()  # UK days
    assert _shown(page) == [("ann", "Downloaded CSV"), ("jo", "Downloaded PDF")]
    assert "2 of 4 events" in page.caption[0].value


def test_the_export_is_what_is_shown_and_is_audited(page: AppTest):
    page.multiselect[0].set_value(["jo"]).run()
    page.download_button[0].click().run()
    assert not page.exception
    event = audit.read().iloc[0]
    assert (event["kind"], event["user"], event["role"]) == ("download_csv", "admin1", "admin")
    assert (event["file"], event["rows"]) == ("precision_audit_log.csv", 2)
    assert '"users": ["jo"]' in event["context"]
    # the export itself is now in the log, and shown
    page.multiselect[0].set_value([]).run()
    assert _shown(page)[0] == ("admin1", "Downloaded CSV")


def test_the_page_says_whether_the_chain_is_intact_and_since_when(page: AppTest):
    assert page.success[0].value.startswith("Audit chain intact: 1 line chained since ")
    assert "3 earlier lines are unchained" in page.success[0].value
    log = get_settings().audit_file
    lines = log.read_text(encoding="utf-8").splitlines()
    log.write_text("\n".join([*lines[:-1], lines[-1].replace("admin1", "admin2")]) + "\n", encoding="utf-8")
    page.run()
    assert not page.success and "Audit chain broken: line 4 was changed" in page.error[0].value
